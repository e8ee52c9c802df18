"""Perceive stories: a lifter's stored state + today's check-in become the engine's input."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from shared_types.config import CustomWarmup, VolumeLandmark, WarmupStep
from shared_types.enums import (
    DisruptionStatus,
    IntensityType,
    Lift,
    MuscleGroup,
    OneRmSource,
    Severity,
    Sex,
)
from shared_types.inputs import RehabCap, RestOverride
from tests.factories import make_disruption
from training_engine.defaults import (
    FEMALE_FORMULA_CONFIG,
    FEMALE_LANDMARKS,
    MALE_FORMULA_CONFIG,
    MALE_LANDMARKS,
)
from training_engine.perceive import (
    AssemblyError,
    DailyCheckIn,
    InvalidOverrides,
    LifterProfile,
    LifterState,
    PastSession,
    SessionPlan,
    Wearables,
    WeekSession,
    WeekSet,
    assemble,
)
from training_engine.planning import LoggedSet

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
TODAY = NOW.date()


def make_plan(**overrides: Any) -> SessionPlan:
    fields: dict[str, Any] = {
        "session_id": "today",
        "week_number": 1,
        "day_number": 1,
        "block_number": 1,
        "lift": Lift.SQUAT,
        "intensity": IntensityType.HEAVY,
    }
    return SessionPlan(**(fields | overrides))


def make_past(days_ago: int, **overrides: Any) -> PastSession:
    """A completed squat session `days_ago` days before NOW, prescribed at RPE 8."""
    fields: dict[str, Any] = {
        "session_id": f"past-{days_ago}",
        "lift": Lift.SQUAT,
        "completed_at": NOW - timedelta(days=days_ago),
        "target_rpe": 8.0,
        "session_rpe": 8.5,
        "planned_weight_kg": 100.0,
    }
    return PastSession(**(fields | overrides))


def make_state(**overrides: Any) -> LifterState:
    """A male lifter with a stored 140 kg squat, nothing else stored, on an ad-hoc squat day."""
    fields: dict[str, Any] = {
        "profile": LifterProfile(sex=Sex.MALE),
        "plan": make_plan(),
        "stored_maxes": {Lift.SQUAT: 140.0},
        "formula_overrides": {},
        "landmark_overrides": {},
        "warmup": None,
        "rest_overrides": (),
        "recent": (),
        "last_completed_at": None,
        "week_sets": (),
        "week_sessions": (),
        "disruptions": (),
        "rehab_caps": (),
    }
    return LifterState(**(fields | overrides))


def test_a_female_lifter_gets_the_female_tables_preset_and_bar() -> None:
    state = make_state(profile=LifterProfile(sex=Sex.FEMALE, date_of_birth=date(1990, 6, 15)))
    inp = assemble(state, DailyCheckIn(), NOW).input
    assert inp.formula_config == FEMALE_FORMULA_CONFIG
    assert inp.mrv_mev_config == FEMALE_LANDMARKS
    assert inp.warmup_config is not None
    assert inp.warmup_config.model_dump() == {"type": "preset", "name": "standard_female"}
    assert (inp.warmup_config_explicit, inp.bar_weight_kg, inp.user_age) == (False, 15.0, 35)


@pytest.mark.parametrize("sex", [Sex.MALE, None])
def test_a_male_or_unknown_lifter_gets_the_male_tables_and_a_20_kg_bar(sex: Sex | None) -> None:
    inp = assemble(make_state(profile=LifterProfile(sex=sex)), DailyCheckIn(), NOW).input
    assert (inp.formula_config, inp.mrv_mev_config) == (MALE_FORMULA_CONFIG, MALE_LANDMARKS)
    assert (inp.bar_weight_kg, inp.biological_sex) == (20.0, sex)


def test_stored_configs_are_merged_onto_the_defaults() -> None:
    warmup = CustomWarmup(steps=(WarmupStep(pct=0.5, reps=5),))
    state = make_state(
        profile=LifterProfile(sex=Sex.MALE, bar_weight_kg=15.0, plates_kg=(20.0, 5.0, 2.5)),
        formula_overrides={"block1": {"heavy": {"sets": 3}}},
        landmark_overrides={MuscleGroup.QUADS: VolumeLandmark(mev=9, mrv=18)},
        warmup=warmup,
        rest_overrides=(RestOverride(lift=Lift.SQUAT, rest_seconds=200),),
    )
    inp = assemble(state, DailyCheckIn(), NOW).input
    assert inp.formula_config.block1.heavy.sets == 3
    assert inp.formula_config.block1.explosive == MALE_FORMULA_CONFIG.block1.explosive
    assert inp.mrv_mev_config.quads == VolumeLandmark(mev=9, mrv=18)
    assert inp.mrv_mev_config.chest == MALE_LANDMARKS.chest
    assert (inp.warmup_config, inp.warmup_config_explicit) == (warmup, True)
    assert inp.user_rest_overrides == (RestOverride(lift=Lift.SQUAT, rest_seconds=200),)
    assert (inp.bar_weight_kg, inp.weight_increment_kg) == (15.0, 5.0)  # 2 x the 2.5 kg plate


def test_a_bad_override_is_an_invalid_overrides_error_with_its_location() -> None:
    state = make_state(formula_overrides={"block1": {"heavy": {"sets": 99}}})
    with pytest.raises(InvalidOverrides) as caught:
        assemble(state, DailyCheckIn(), NOW)
    [problem] = caught.value.problems
    assert problem.location == ("block1", "heavy", "sets")


def test_state_the_input_cannot_hold_is_an_assembly_error_naming_the_field() -> None:
    state = make_state(stored_maxes={Lift.SQUAT: 900.0})
    with pytest.raises(AssemblyError) as caught:
        assemble(state, DailyCheckIn(), NOW)
    assert not isinstance(caught.value, InvalidOverrides)
    locations = [p.location for p in caught.value.problems]
    assert locations == [("one_rm_kg",), ("all_one_rm_kg", "squat")]


def _heavy_triple(weight_kg: float) -> tuple[LoggedSet, ...]:
    return (LoggedSet(weight_kg, 3, 8.5),)


def test_three_recent_sessions_give_a_working_1rm_beside_the_stored_one() -> None:
    recent = tuple(make_past(d, primary_sets=_heavy_triple(140.0)) for d in (2, 5, 9))
    assembled = assemble(make_state(recent=recent), DailyCheckIn(), NOW)
    inp = assembled.input
    # P12: Epley 140 x (1 + 4.5/30) = 161 (3 reps + 1.5 in reserve), held at 110 % of 140 = 154
    # -> 155 after rounding to 2.5
    assert (inp.one_rm_kg, inp.stored_one_rm_kg) == (155.0, 140.0)
    assert (inp.one_rm_source, assembled.one_rm_source) == (OneRmSource.WORKING, "working")
    assert assembled.notes == ("Working 1RM 155 kg from recent sets (stored 140 kg)",)


def test_recent_sets_give_the_demonstrated_1rm_held_within_110_percent() -> None:
    recent = tuple(make_past(d, primary_sets=_heavy_triple(120.0)) for d in (2, 5, 9))
    inp = assemble(make_state(recent=recent), DailyCheckIn(), NOW).input
    # F10: Epley on 3 reps + 1.5 in reserve, 120 x 1.15 = 138, the median of the three sessions
    assert inp.demonstrated_one_rm_kg == pytest.approx(138.0)
    heavy = tuple(make_past(d, primary_sets=_heavy_triple(140.0)) for d in (2, 5, 9))
    inp = assemble(make_state(recent=heavy), DailyCheckIn(), NOW).input
    assert inp.demonstrated_one_rm_kg == pytest.approx(161.0)  # under 110 % of the 155 kg read
    huge = tuple(make_past(d, primary_sets=_heavy_triple(160.0)) for d in (2, 5, 9))
    inp = assemble(make_state(recent=huge), DailyCheckIn(), NOW).input
    assert inp.demonstrated_one_rm_kg == pytest.approx(inp.one_rm_kg * 1.10)
    few = tuple(make_past(d, primary_sets=_heavy_triple(140.0)) for d in (2, 5))
    inp = assemble(make_state(recent=few), DailyCheckIn(), NOW).input
    assert inp.demonstrated_one_rm_kg is None


def test_old_or_too_few_sessions_keep_the_stored_1rm() -> None:
    recent = tuple(make_past(d, primary_sets=_heavy_triple(140.0)) for d in (2, 5, 61))
    assembled = assemble(make_state(recent=recent), DailyCheckIn(), NOW)
    assert (assembled.input.one_rm_kg, assembled.input.one_rm_source) == (140.0, "stored")
    assert (assembled.one_rm_source, assembled.notes) == ("stored", ())


def test_no_stored_max_is_estimated_from_the_profile() -> None:
    profile = LifterProfile(sex=Sex.MALE, bodyweight_kg=80.0, date_of_birth=date(2000, 1, 1))
    assembled = assemble(make_state(profile=profile, stored_maxes={}), DailyCheckIn(), NOW)
    # 80 x 1.35 x 1.0 (age 26) x 0.6 = 64.8 -> 65
    assert (assembled.input.one_rm_kg, assembled.input.one_rm_source) == (65.0, None)
    assert assembled.input.all_one_rm_kg is None
    assert assembled.one_rm_source == "profile_estimate"
    assert assembled.notes == ("No stored 1RM for squat: 65 kg estimated from the profile",)


def test_an_active_injury_adds_soreness_merged_with_the_ratings() -> None:
    injury = make_disruption(Severity.MINOR, Lift.BENCH)
    checkin = DailyCheckIn(soreness={MuscleGroup.CHEST: 8, MuscleGroup.QUADS: 3})
    assembled = assemble(make_state(disruptions=(injury,)), checkin, NOW)
    assert assembled.input.soreness_ratings == {
        MuscleGroup.QUADS: 3,
        MuscleGroup.CHEST: 8,
        MuscleGroup.TRICEPS: 5,
        MuscleGroup.SHOULDERS: 5,
    }
    assert assembled.input.active_disruptions == (injury,)
    assert assembled.notes == ("Injury soreness added for chest, triceps, shoulders",)


@pytest.mark.parametrize(
    "dates",
    [
        {"affected_date_start": "2026-03-11"},  # not started yet (P4)
        {"affected_date_end": "2026-03-09"},  # over
        {"status": DisruptionStatus.RESOLVED},
    ],
)
def test_a_disruption_acts_only_while_it_is_active(dates: dict[str, Any]) -> None:
    injury = make_disruption(Severity.MINOR, Lift.SQUAT, **dates)
    assembled = assemble(make_state(disruptions=(injury,)), DailyCheckIn(), NOW)
    assert (assembled.input.active_disruptions, assembled.input.soreness_ratings) == ((), {})
    assert assembled.notes == ()


def test_a_disruption_starting_or_ending_today_acts() -> None:
    injury = make_disruption(affected_date_start="2026-03-10", affected_date_end="2026-03-10")
    inp = assemble(make_state(disruptions=(injury,)), DailyCheckIn(), NOW).input
    assert inp.active_disruptions == (injury,)


def test_weekly_volume_is_the_fractional_sum_of_effective_sets() -> None:
    week = (
        WeekSet(Lift.SQUAT, "primary", "squat", 8.0),  # 0.85 of a set, squat's contributions
        WeekSet(Lift.SQUAT, "primary", "squat", None),  # unrecorded RPE: a full set
        WeekSet(Lift.BENCH, "auxiliary", "Dips", 9.0),  # by the catalog's muscles
        WeekSet(Lift.BENCH, "auxiliary", "Mystery Press", 5.5),  # below RPE 6: nothing
    )
    volume = assemble(make_state(week_sets=week), DailyCheckIn(), NOW).input.weekly_volume_to_date
    assert volume[MuscleGroup.QUADS] == 1.85  # 0.85 + 1, not floored per session (P3)
    assert (volume[MuscleGroup.CHEST], volume[MuscleGroup.SHOULDERS]) == (1.0, 0.5)


def test_recent_logs_keep_their_own_target_and_skip_sessions_with_none() -> None:
    recent = (
        make_past(1, target_rpe=7.0, primary_sets=(LoggedSet(105.0, 5, 8.0),)),
        make_past(3, target_rpe=None),  # the main lift was skipped
        make_past(4, lift=Lift.BENCH),  # another lift
        make_past(6, target_rpe=9.0, primary_sets=(LoggedSet(100.0, 3, 9.0, during_rehab=True),)),
        make_past(70),  # outside the 60-day window
    )
    logs = assemble(make_state(recent=recent), DailyCheckIn(), NOW).input.recent_logs
    assert [log.target_rpe for log in logs] == [7.0, 9.0]
    assert (logs[0].actual_max_weight_kg, logs[0].deviation_kg) == (105.0, 5.0)
    assert logs[0].estimated_one_rm_kg == pytest.approx(122.5)
    assert (logs[0].contained_rehab_sets, logs[1].contained_rehab_sets) == (False, True)


def test_only_the_six_newest_sessions_of_the_lift_are_read() -> None:
    recent = tuple(make_past(d) for d in range(1, 10))
    logs = assemble(make_state(recent=recent), DailyCheckIn(), NOW).input.recent_logs
    assert len(logs) == 6


def test_accessory_history_keeps_three_entries_per_exercise_with_the_prescription() -> None:
    recent = tuple(
        make_past(
            d,
            aux_sets=(("Pause Squat", LoggedSet(80.0 + d, 6, 7.5)),),
            aux_prescribed_kg={"Pause Squat": 80.0},
        )
        for d in (1, 2, 3, 4)
    )
    inp = assemble(make_state(recent=recent), DailyCheckIn(), NOW).input
    assert inp.aux_history is not None
    [(slug, entries)] = inp.aux_history.items()
    assert slug == "pause-squat"
    assert [e.session_id for e in entries] == ["past-1", "past-2", "past-3"]
    assert entries[0].prescribed_weight_kg == 80.0
    assert entries[0].sets[0].weight_kg == 81.0
    assert inp.recent_aux_exercises == ("Pause Squat",)


def test_an_unending_week_lists_the_lifts_still_to_come() -> None:
    plan = make_plan(program_mode="unending", days_per_week=4, session_counter=5, lift=Lift.BENCH)
    inp = assemble(make_state(plan=plan), DailyCheckIn(), NOW).input
    assert (inp.session_index, inp.total_sessions_this_week) == (2, 4)
    assert inp.upcoming_lifts == (Lift.DEADLIFT, Lift.SQUAT)


def test_a_scheduled_week_counts_its_sessions_and_later_open_days() -> None:
    week = (
        WeekSession(1, Lift.SQUAT, "completed"),
        WeekSession(3, Lift.DEADLIFT, "planned"),
        WeekSession(2, Lift.BENCH, "generated"),
        WeekSession(4, Lift.SQUAT, "skipped"),
    )
    plan = make_plan(program_mode="scheduled", day_number=2, lift=Lift.BENCH)
    inp = assemble(make_state(plan=plan, week_sessions=week), DailyCheckIn(), NOW).input
    assert (inp.session_index, inp.total_sessions_this_week) == (2, 4)
    assert inp.upcoming_lifts == (Lift.DEADLIFT,)


def test_an_ad_hoc_session_has_no_week_position() -> None:
    inp = assemble(make_state(), DailyCheckIn(), NOW).input
    assert (inp.session_index, inp.total_sessions_this_week, inp.upcoming_lifts) == (None,) * 3


def test_the_check_in_days_since_the_lift_and_the_rehab_cap_reach_the_input() -> None:
    checkin = DailyCheckIn(
        sleep_quality=2, energy_level=4, wearables=Wearables(hrv_pct_change=-25.0)
    )
    state = make_state(
        last_completed_at=NOW - timedelta(days=3, hours=1),
        rehab_caps=(RehabCap(lift=Lift.BENCH, cap_kg=60), RehabCap(lift=Lift.SQUAT, cap_kg=100)),
    )
    inp = assemble(state, checkin, NOW).input
    assert (inp.sleep_quality, inp.energy_level, inp.hrv_pct_change) == (2, 4, -25.0)
    assert inp.days_since_last_session == 3
    assert inp.active_rehab_cap == RehabCap(lift=Lift.SQUAT, cap_kg=100)
    assert inp.now == NOW


@pytest.mark.parametrize(
    ("born", "age"),
    [(date(1990, 3, 10), 36), (date(1990, 3, 11), 35), (date(2020, 1, 1), None), (None, None)],
)
def test_age_counts_whole_years_and_only_plausible_ones(born: date | None, age: int | None) -> None:
    state = make_state(profile=LifterProfile(date_of_birth=born))
    assert assemble(state, DailyCheckIn(), NOW).input.user_age == age


def test_the_same_state_and_clock_give_the_same_input() -> None:
    state = make_state(recent=(make_past(2),), plan=replace(make_plan(), week_number=3))
    assert assemble(state, DailyCheckIn(), NOW) == assemble(state, DailyCheckIn(), NOW)
