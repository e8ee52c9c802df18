"""Scenario tests: real training days and compound signals for the main lift
(domain-reference §9.2, §9.3, §9.5, §9.6).

Numbers marked [run] in the reference were printed by parakeet's engine for the same input;
[test] values are what parakeet's own tests assert. Rationale wording is ours, so only its
presence, count or key words are checked; warnings are parakeet's exact text. Accessory work is
not built yet, so accessory expectations of these scenarios are left out.
"""

from __future__ import annotations

from typing import Any

import pytest

from shared_types.config import MrvMevConfig
from shared_types.outputs import JITOutput
from tests.factories import make_disruption, make_female_input, make_input, make_logs
from training_engine.defaults import MALE_LANDMARKS
from training_engine.session import formula_session


def main_lift_warnings(out: JITOutput) -> tuple[str, ...]:
    """Warnings about the main lift (accessory skips raise their own, checked elsewhere)."""
    skipped = {f"— {row.exercise} skipped" for row in out.auxiliary_work}
    return tuple(w for w in out.warnings if not any(w.endswith(s) for s in skipped))


def main_weight(out: JITOutput) -> float:
    """The one working weight of a straight-set session."""
    weights = {s.weight_kg for s in out.main_lift_sets}
    assert len(weights) == 1, f"expected straight sets, got {weights}"
    return weights.pop()


def shape(out: JITOutput) -> tuple[int, float, int]:
    """(sets, weight, reps) of the main lift."""
    reps = {s.reps for s in out.main_lift_sets}
    assert len(reps) == 1, f"expected one rep target, got {reps}"
    return len(out.main_lift_sets), main_weight(out), reps.pop()


def mentions(out: JITOutput, word: str) -> bool:
    return any(word.lower() in line.lower() for line in out.rationale)


def reductions(out: JITOutput) -> dict[str, int]:
    assert out.volume_reductions is not None
    return {s.source: s.sets_removed for s in out.volume_reductions.sources}


def landmarks_with(**muscles: tuple[float, float]) -> MrvMevConfig:
    """Male landmarks with some muscles' (mev, mrv) replaced."""
    data = MALE_LANDMARKS.model_dump()
    for muscle, (mev, mrv) in muscles.items():
        data[muscle] = {"mev": mev, "mrv": mrv}
    return MrvMevConfig.model_validate(data)


def at_mev_except(*muscles: str) -> dict[str, float]:
    """Every muscle at exactly its MEV except the ones listed (absent = 0)."""
    return {m: v["mev"] for m, v in MALE_LANDMARKS.model_dump().items() if m not in muscles}


# --- §9.2 real training days ----------------------------------------------------------------


def test_s1_menstrual_phase_takes_a_set_and_five_percent_off_a_light_female_squat() -> None:
    out = formula_session(make_female_input(one_rm_kg=60.0, cycle_phase="menstrual"))

    assert shape(out) == (2, 45.0, 5)
    assert {s.rpe_target for s in out.main_lift_sets} == {8.0}
    assert 30 < main_weight(out) < 60
    assert mentions(out, "menstrual")
    assert [(w.weight_kg, w.reps) for w in out.warmup_sets] == [
        (20.0, 5),
        (27.5, 3),
        (35.0, 2),
        (40.0, 1),
    ]
    assert out.warmup_sets[0].weight_kg < main_weight(out)
    assert out.rest_recommendations.main_lift == (150, 150)
    assert out.volume_reductions is not None
    assert out.volume_reductions.total_sets_removed == 1
    assert out.volume_reductions.base_sets_count == 3
    assert reductions(out) == {"cycle_phase": 1}
    assert out.intensity_modifier == pytest.approx(0.95)
    assert out.volume_modifier == pytest.approx(2 / 3)


def test_s2_sore_quads_halve_a_block_three_heavy_squat() -> None:
    out = formula_session(
        make_input(block_number=3, one_rm_kg=200.0, soreness_ratings={"quads": 8})
    )

    assert shape(out) == (2, 170.0, 1)
    assert {s.reps_range for s in out.main_lift_sets} == {(1, 2)}
    assert {s.rpe_target for s in out.main_lift_sets} == {9.5}
    assert [(w.weight_kg, w.reps) for w in out.warmup_sets] == [
        (67.5, 5),
        (102.5, 3),
        (127.5, 2),
        (152.5, 1),
    ]
    assert out.rest_recommendations.main_lift == (300, 300)
    assert out.volume_reductions is not None
    assert out.volume_reductions.base_sets_count == 4
    assert reductions(out) == {"soreness": 2}


def test_s3_poor_sleep_luteal_phase_and_flu_stack_on_a_female_bench_rep_day() -> None:
    flu = make_disruption(
        "moderate", "bench", disruption_type="illness", description="Recovering from flu"
    )
    out = formula_session(
        make_female_input(
            primary_lift="bench",
            intensity_type="rep",
            block_number=2,
            one_rm_kg=50.0,
            sleep_quality=1,
            energy_level=2,
            cycle_phase="luteal",
            active_disruptions=(flu,),
        )
    )

    assert shape(out) == (2, 30.0, 4)
    assert {s.reps_range for s in out.main_lift_sets} == {(4, 8)}
    assert {s.rpe_target for s in out.main_lift_sets} == {7.5}
    assert main_weight(out) <= 35
    assert len(out.rationale) == 4
    assert out.intensity_modifier == pytest.approx(0.75)
    assert out.volume_reductions is not None
    assert out.volume_reductions.total_sets_removed == 2
    assert out.volume_reductions.base_sets_count == 4
    assert reductions(out) == {"readiness": 1, "disruption": 1}
    assert [(w.weight_kg, w.reps) for w in out.warmup_sets] == [(20.0, 5), (22.5, 2)]


def test_s4_neutral_deload_is_three_light_easy_fives() -> None:
    out = formula_session(make_input(intensity_type="deload"))

    assert shape(out) == (3, 55.0, 5)
    assert all(s.weight_kg < 84 for s in out.main_lift_sets)
    assert {s.rpe_target for s in out.main_lift_sets} == {5.0}
    assert out.rest_recommendations.main_lift == (90, 90, 90)
    assert out.rationale[0].startswith("Deload day: 3 x 5 reps at 55 kg")  # D13


def test_s5_hyrox_weekend_leaves_one_lighter_squat_set() -> None:
    hyrox = make_disruption(
        "moderate", None, disruption_type="other", description="Hyrox race on Sunday"
    )
    out = formula_session(
        make_input(
            one_rm_kg=170.0,
            soreness_ratings={"quads": 8, "glutes": 6, "lower_back": 6},
            active_disruptions=(hyrox,),
            recent_logs=make_logs((8.5, 8.5), (8.0, 8.5)),
        )
    )

    assert shape(out) == (1, 127.5, 5)
    assert main_weight(out) < 136
    assert mentions(out, "hyrox")
    assert mentions(out, "soreness")
    assert not mentions(out, "last two sessions")  # RPE deviation -0.25: no load change
    assert reductions(out) == {"soreness": 1}


def test_s6_deadlift_day_with_muscles_at_mev_keeps_the_base_prescription() -> None:
    out = formula_session(
        make_input(
            primary_lift="deadlift",
            one_rm_kg=200.0,
            weekly_volume_to_date=at_mev_except("chest"),
            auxiliary_pool=("Dumbbell Fly", "Dips", "Stiff-Leg Deadlift"),
            all_one_rm_kg={"squat": 160.0, "bench": 100.0, "deadlift": 200.0},
            session_index=3,
            total_sessions_this_week=3,
        )
    )

    assert shape(out) == (2, 160.0, 5)
    assert main_lift_warnings(out) == ()


# --- §9.3 compound adjustments --------------------------------------------------------------


def test_c1_worst_realistic_day_multiplies_every_reduction_down_to_one_set() -> None:
    out = formula_session(
        make_female_input(
            recent_logs=make_logs((9.5, 8.0), (9.5, 8.0)),
            sleep_quality=1,
            energy_level=1,
            cycle_phase="menstrual",
            soreness_ratings={"quads": 6},
        )
    )

    assert shape(out) == (1, 97.5, 5)
    assert {s.rpe_target for s in out.main_lift_sets} == {8.0}
    assert main_weight(out) <= 100
    assert out.intensity_modifier == pytest.approx(0.857375)
    assert len(out.rationale) >= 2
    assert mentions(out, "volume calibration")
    assert mentions(out, "menstrual")
    assert mentions(out, "soreness")
    assert out.volume_reductions is not None
    assert out.volume_reductions.base_sets_count == 3
    assert out.volume_reductions.total_sets_removed == 1
    assert reductions(out) == {"readiness": 1}


def test_c2_neutral_readiness_leaves_only_the_luteal_reduction() -> None:
    luteal = formula_session(
        make_female_input(sleep_quality=3, energy_level=3, cycle_phase="luteal")
    )
    neutral = formula_session(make_female_input())

    assert main_weight(luteal) == 110.0
    assert main_weight(neutral) == 112.5
    assert abs(main_weight(luteal) - main_weight(neutral)) <= 2.5


def test_c3_severe_soreness_short_circuits_every_other_signal_into_recovery() -> None:
    out = formula_session(
        make_female_input(
            recent_logs=make_logs((10.0, 8.0), (10.0, 8.0)),
            sleep_quality=1,
            energy_level=1,
            cycle_phase="menstrual",
            soreness_ratings={"quads": 10},
            active_disruptions=(make_disruption("moderate", "squat"),),
        )
    )

    assert shape(out) == (3, 45.0, 5)
    assert {s.rpe_target for s in out.main_lift_sets} == {5.0}
    assert all(s.reps_range is None for s in out.main_lift_sets)
    assert main_weight(out) <= 140 * 0.8 * 0.4 + 2.5
    assert out.intensity_modifier == 0.4
    assert out.skipped_main_lift is False
    assert [(w.weight_kg, w.reps) for w in out.warmup_sets] == [(22.5, 5), (35.0, 2)]
    # The earlier steps' reasons are kept alongside the recovery line.
    assert mentions(out, "volume calibration")
    assert mentions(out, "poor sleep")
    assert mentions(out, "menstrual")
    assert mentions(out, "recovery")
    # Readiness removed a set before recovery mode took over (§3.16: recoveryBlocked = recovery).
    assert out.volume_reductions is not None
    assert reductions(out) == {"readiness": 1}
    assert out.volume_reductions.recovery_blocked is True


def test_c4_mrv_room_left_after_soreness_keeps_one_set() -> None:
    out = formula_session(
        make_input(
            mrv_mev_config=landmarks_with(quads=(2, 3)),
            weekly_volume_to_date={"quads": 2},
            soreness_ratings={"quads": 6},
        )
    )

    assert shape(out) == (1, 112.5, 5)
    assert out.skipped_main_lift is False
    assert not any("main lift skipped" in w for w in out.warnings)


def test_c5_outside_event_and_soreness_both_shape_the_session() -> None:
    race = make_disruption(
        "moderate", None, disruption_type="other", description="Hyrox race yesterday"
    )
    out = formula_session(make_input(soreness_ratings={"quads": 8}, active_disruptions=(race,)))

    assert shape(out) == (1, 107.5, 5)
    assert mentions(out, "hyrox")
    assert mentions(out, "soreness")


# --- §9.5 rehab mode (cap squat 80 kg unless noted) -----------------------------------------

SQUAT_CAP_80 = {"lift": "squat", "cap_kg": 80.0}


def test_rehab_cap_below_the_formula_weight_clamps_the_main_lift() -> None:
    out = formula_session(make_input(active_rehab_cap=SQUAT_CAP_80))

    assert shape(out) == (2, 80.0, 5)
    assert out.capped_by_rehab is True
    assert out.rehab_cap_kg == 80.0
    assert any("rehab" in line.lower() and "80 kg" in line for line in out.rationale)


def test_rehab_cap_above_the_formula_weight_changes_nothing() -> None:
    out = formula_session(make_input(active_rehab_cap={"lift": "squat", "cap_kg": 200.0}))

    assert shape(out) == (2, 112.5, 5)
    assert out.capped_by_rehab is None
    assert out.rehab_cap_kg is None


def test_rehab_cap_rounds_up_to_the_loadable_increment() -> None:
    out = formula_session(
        make_input(active_rehab_cap={"lift": "squat", "cap_kg": 82.5}, weight_increment_kg=5.0)
    )

    assert main_weight(out) == 85.0
    assert out.capped_by_rehab is True
    assert out.rehab_cap_kg == 85.0


def test_rehab_cap_on_another_lift_does_not_touch_todays_lift() -> None:
    out = formula_session(make_input(active_rehab_cap={"lift": "bench", "cap_kg": 80.0}))

    assert main_weight(out) > 100
    assert main_weight(out) == 112.5
    assert out.capped_by_rehab is None


def test_rehab_cap_suppresses_the_easy_rpe_load_boost() -> None:
    logs = make_logs((6.0, 8.0), (6.0, 8.0))
    capped = formula_session(make_input(recent_logs=logs, active_rehab_cap=SQUAT_CAP_80))
    uncapped = formula_session(make_input(recent_logs=logs))

    assert shape(capped) == (2, 80.0, 5)
    assert not mentions(capped, "last two sessions")
    assert shape(uncapped) == (3, 117.5, 5)
    assert mentions(uncapped, "last two sessions")


def test_rehab_cap_suppresses_volume_calibration() -> None:
    signals: dict[str, Any] = {
        "recent_logs": make_logs((6.0, 8.0), (6.0, 8.0)),
        "sleep_quality": 5,
        "energy_level": 5,
        "soreness_ratings": {"quads": 1},
    }
    capped = formula_session(make_input(active_rehab_cap=SQUAT_CAP_80, **signals))
    uncapped = formula_session(make_input(**signals))

    assert shape(capped) == (2, 80.0, 5)
    assert len(capped.main_lift_sets) <= len(uncapped.main_lift_sets)
    assert not mentions(capped, "volume calibration")
    assert shape(uncapped) == (4, 120.0, 5)


def test_rehab_cap_suppresses_the_rep_range_top_up() -> None:
    logs = make_logs((6.5, 8.0), (6.5, 8.0))
    capped = formula_session(
        make_input(intensity_type="rep", recent_logs=logs, active_rehab_cap=SQUAT_CAP_80)
    )
    uncapped = formula_session(make_input(intensity_type="rep", recent_logs=logs))

    assert shape(capped) == (3, 80.0, 8)
    assert not mentions(capped, "top of the range")
    assert shape(uncapped) == (4, 102.5, 12)


@pytest.mark.parametrize(
    ("cap", "weight", "capped"),
    [
        pytest.param(60.0, 60.0, True, id="cap-60-below-injury-weight"),
        pytest.param(110.0, 67.5, None, id="cap-110-above-injury-weight"),
    ],
)
def test_rehab_cap_applies_after_the_injury_reduction(
    cap: float, weight: float, capped: bool | None
) -> None:
    out = formula_session(
        make_input(
            active_disruptions=(make_disruption("moderate", "squat"),),
            active_rehab_cap={"lift": "squat", "cap_kg": cap},
        )
    )

    assert shape(out) == (1, weight, 5)
    assert main_weight(out) < 110
    assert out.capped_by_rehab is capped


def test_recovery_session_under_a_rehab_cap_uses_forty_percent_of_the_cap() -> None:
    out = formula_session(make_input(soreness_ratings={"quads": 10}, active_rehab_cap=SQUAT_CAP_80))

    assert shape(out) == (3, 32.5, 5)
    assert out.capped_by_rehab is None


def test_recovery_session_without_a_cap_uses_forty_percent_of_the_base() -> None:
    out = formula_session(make_input(soreness_ratings={"quads": 10}))

    assert shape(out) == (3, 45.0, 5)


def test_logs_done_under_a_rehab_cap_do_not_lower_the_load() -> None:
    out = formula_session(
        make_input(recent_logs=make_logs((10.0, 8.0), (10.0, 8.0), contained_rehab_sets=True))
    )

    assert shape(out) == (2, 112.5, 5)
    assert not mentions(out, "last two sessions")


def test_logs_done_under_a_rehab_cap_do_not_add_volume() -> None:
    out = formula_session(
        make_input(
            recent_logs=make_logs((6.0, 8.0), (6.0, 8.0), contained_rehab_sets=True),
            sleep_quality=5,
            energy_level=5,
            soreness_ratings={"quads": 1},
        )
    )

    assert shape(out) == (2, 115.0, 5)  # readiness boost only
    assert not mentions(out, "volume calibration")
    assert not mentions(out, "last two sessions")


def test_clean_hard_logs_still_count_beside_a_rehab_tagged_log() -> None:
    logs = make_logs((6.0, 8.0), contained_rehab_sets=True) + make_logs((10.0, 8.0), (10.0, 8.0))
    out = formula_session(make_input(recent_logs=logs))

    assert shape(out) == (1, 107.5, 5)
    assert mentions(out, "last two sessions")
    assert mentions(out, "volume calibration")


# --- §9.6 soreness --------------------------------------------------------------------------


def test_high_quad_soreness_cuts_to_one_lighter_set() -> None:
    out = formula_session(make_input(soreness_ratings={"quads": 8}))

    assert shape(out) == (1, 107.5, 5)
    assert mentions(out, "soreness")


def test_severe_soreness_switches_to_recovery_mode() -> None:
    out = formula_session(make_input(soreness_ratings={"quads": 10}))

    assert shape(out) == (3, 45.0, 5)
    assert {s.rpe_target for s in out.main_lift_sets} == {5.0}
    assert [s.set_number for s in out.main_lift_sets] == [1, 2, 3]
    assert out.intensity_modifier == 0.4
    assert out.volume_modifier == pytest.approx(1.5)  # 3 recovery sets over 2 base sets
    assert out.skipped_main_lift is False
    assert mentions(out, "recovery")


def test_moderate_quad_soreness_removes_one_set_at_full_load() -> None:
    out = formula_session(make_input(soreness_ratings={"quads": 6}))

    assert shape(out) == (1, 112.5, 5)


# --- §9.6 MRV -------------------------------------------------------------------------------


def test_quads_near_mrv_cap_a_block_three_rep_day() -> None:
    out = formula_session(
        make_input(intensity_type="rep", block_number=3, weekly_volume_to_date={"quads": 18})
    )

    assert len(out.main_lift_sets) == 2
    assert out.skipped_main_lift is False
    assert main_lift_warnings(out) == ("Approaching MRV for quads — sets capped at 2",)


def test_quads_past_mrv_skip_the_main_lift() -> None:
    out = formula_session(make_input(weekly_volume_to_date={"quads": 21}))

    assert out.skipped_main_lift is True
    assert out.main_lift_sets == ()
    assert out.warmup_sets == ()
    assert main_lift_warnings(out) == ("MRV exceeded for quads — main lift skipped",)


# --- §9.6 RPE history -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("logs", "sets", "weight", "rpe_line"),
    [
        pytest.param(((9.5, 8.5), (9.5, 8.5)), 1, 110.0, True, id="hard-9.5-vs-8.5"),
        pytest.param(((9.5, 8.5),), 2, 112.5, False, id="single-log"),
        pytest.param(((7.0, 8.5), (7.0, 8.5)), 3, 117.5, True, id="easy-7.0-vs-8.5"),
        pytest.param(((7.5, 8.5), (7.5, 8.5)), 3, 115.0, True, id="easy-7.5-vs-8.5"),
        pytest.param(((8.0, 8.5), (8.0, 8.5)), 2, 112.5, False, id="near-8.0-vs-8.5"),
    ],
)
def test_recent_rpe_moves_the_load_and_calibration_moves_the_sets(
    logs: tuple[tuple[float, float], ...], sets: int, weight: float, rpe_line: bool
) -> None:
    out = formula_session(make_input(recent_logs=make_logs(*logs)))

    assert shape(out) == (sets, weight, 5)
    assert mentions(out, "last two sessions") is rpe_line


# --- §9.6 disruptions -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("severity", "quads", "sets", "weight"),
    [
        pytest.param("moderate", 8, 1, 67.5, id="moderate-injury-sore-quads"),
        pytest.param("moderate", 2, 1, 67.5, id="moderate-injury-fresh-quads"),
        pytest.param("minor", 8, 1, 90.0, id="minor-injury-sore-quads"),
    ],
)
def test_injury_caps_the_load_on_top_of_soreness(
    severity: str, quads: int, sets: int, weight: float
) -> None:
    out = formula_session(
        make_input(
            soreness_ratings={"quads": quads},
            active_disruptions=(make_disruption(severity, "squat"),),
        )
    )

    assert shape(out) == (sets, weight, 5)
    assert mentions(out, "injury")
    if quads >= 5:
        assert mentions(out, "soreness")


def test_severe_soreness_beats_a_moderate_injury() -> None:
    out = formula_session(
        make_input(
            soreness_ratings={"quads": 10},
            active_disruptions=(make_disruption("moderate", "squat"),),
        )
    )

    assert shape(out) == (3, 45.0, 5)
    assert {s.rpe_target for s in out.main_lift_sets} == {5.0}


def test_major_injury_skips_the_main_lift() -> None:
    out = formula_session(make_input(active_disruptions=(make_disruption("major", "squat"),)))

    assert out.skipped_main_lift is True
    assert out.main_lift_sets == ()
    assert out.warmup_sets == ()
    assert out.rest_recommendations.main_lift == ()


def test_major_injury_on_another_lift_does_not_skip_today() -> None:
    out = formula_session(make_input(active_disruptions=(make_disruption("major", "bench"),)))

    assert out.skipped_main_lift is False
    assert shape(out) == (2, 112.5, 5)


def test_major_disruption_for_all_lifts_skips_the_main_lift() -> None:
    out = formula_session(make_input(active_disruptions=(make_disruption("major", None),)))

    assert out.skipped_main_lift is True
    assert out.main_lift_sets == ()


def test_missing_equipment_halves_sets_without_cutting_load() -> None:
    gym_closed = make_disruption(
        "moderate", None, disruption_type="equipment_unavailable", description="Gym closed"
    )
    out = formula_session(make_input(active_disruptions=(gym_closed,)))

    assert shape(out) == (1, 112.5, 5)
    assert out.intensity_modifier == 1.0
    assert mentions(out, "bodyweight")


# --- §9.6 sex -------------------------------------------------------------------------------


def test_high_soreness_costs_a_female_lifter_one_set_and_three_percent() -> None:
    out = formula_session(make_input(biological_sex="female", soreness_ratings={"quads": 8}))

    assert shape(out) == (1, 110.0, 5)
    assert out.intensity_modifier == pytest.approx(0.97)
    assert reductions(out) == {"soreness": 1}


def test_high_soreness_costs_a_male_lifter_two_sets_floored_at_one() -> None:
    out = formula_session(make_input(biological_sex="male", soreness_ratings={"quads": 8}))

    assert shape(out) == (1, 107.5, 5)
    assert out.intensity_modifier == pytest.approx(0.95)
    assert reductions(out) == {"soreness": 1}


# --- §9.6 volumeReductions ------------------------------------------------------------------


def test_volume_reductions_are_absent_on_a_clean_day() -> None:
    assert formula_session(make_input()).volume_reductions is None


@pytest.mark.parametrize(
    ("make", "overrides", "source", "base"),
    [
        pytest.param(make_input, {"soreness_ratings": {"quads": 6}}, "soreness", 2, id="soreness"),
        pytest.param(
            make_input, {"sleep_quality": 1, "energy_level": 1}, "readiness", 2, id="readiness"
        ),
        pytest.param(
            make_female_input, {"cycle_phase": "menstrual"}, "cycle_phase", 3, id="cycle-phase"
        ),
        pytest.param(
            make_input,
            {"active_disruptions": (make_disruption("moderate", "squat"),)},
            "disruption",
            2,
            id="disruption",
        ),
    ],
)
def test_each_body_state_signal_books_the_set_it_removed(
    make: Any, overrides: dict[str, Any], source: str, base: int
) -> None:
    out = formula_session(make(**overrides))

    assert out.volume_reductions is not None
    assert out.volume_reductions.total_sets_removed == 1
    assert out.volume_reductions.base_sets_count == base
    assert reductions(out) == {source: 1}
    assert out.volume_reductions.recovery_blocked is False


def test_recovery_session_books_no_removed_sets() -> None:
    out = formula_session(make_input(soreness_ratings={"quads": 10}))

    assert out.volume_reductions is None


def test_mrv_skip_is_not_a_volume_reduction() -> None:
    out = formula_session(
        make_input(weekly_volume_to_date={"quads": 100, "glutes": 100, "hamstrings": 100})
    )

    assert out.skipped_main_lift is True
    assert out.volume_reductions is None


def test_readiness_and_soreness_together_book_at_least_one_set() -> None:
    out = formula_session(
        make_input(soreness_ratings={"quads": 6}, sleep_quality=1, energy_level=1)
    )

    assert out.volume_reductions is not None
    assert out.volume_reductions.total_sets_removed >= 1
    assert reductions(out) == {"readiness": 1}  # soreness hits the 1-set floor


# --- §9.6 rep range -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("intensity", "logs", "reps", "top_line"),
    [
        pytest.param("rep", ((6.5, 8.0), (6.5, 8.0)), 12, True, id="rep-day-far-below"),
        pytest.param("rep", ((7.0, 8.0), (7.0, 8.0)), 8, False, id="rep-day-mildly-below"),
        pytest.param("heavy", ((6.5, 8.5), (6.5, 8.5)), 5, False, id="heavy-day"),
    ],
)
def test_far_easier_sessions_move_rep_days_to_the_top_of_the_range(
    intensity: str, logs: tuple[tuple[float, float], ...], reps: int, top_line: bool
) -> None:
    out = formula_session(make_input(intensity_type=intensity, recent_logs=make_logs(*logs)))

    assert {s.reps for s in out.main_lift_sets} == {reps}
    assert mentions(out, "top of the range") is top_line


# --- §9.6 GH#217 (main-lift parts) ----------------------------------------------------------

UNKNOWN_AUX = ("Mystery Move A", "Mystery Move B")


def test_gh217_stacked_poor_readiness_late_luteal_and_soreness_leave_one_set() -> None:
    out = formula_session(
        make_input(
            active_auxiliaries=UNKNOWN_AUX,
            sleep_quality=2,
            energy_level=2,
            cycle_phase="late_luteal",
            soreness_ratings={"quads": 6},
        )
    )

    assert len(out.main_lift_sets) == 1
    assert out.intensity_modifier == pytest.approx(0.95 * 0.95)
    assert main_weight(out) == 102.5


def test_gh217_moderate_injury_for_all_lifts_leaves_one_set_at_sixty_percent() -> None:
    out = formula_session(
        make_input(
            active_auxiliaries=UNKNOWN_AUX,
            active_disruptions=(make_disruption("moderate", None),),
        )
    )

    assert shape(out) == (1, 67.5, 5)
    assert out.intensity_modifier == pytest.approx(0.6)


def test_gh217_major_disruption_for_all_lifts_skips_the_main_lift() -> None:
    out = formula_session(
        make_input(
            active_auxiliaries=UNKNOWN_AUX,
            active_disruptions=(make_disruption("major", None),),
        )
    )

    assert out.skipped_main_lift is True
    assert out.main_lift_sets == ()


def test_gh217_deload_ignores_readiness_cycle_and_soreness_penalties() -> None:
    out = formula_session(
        make_input(
            intensity_type="deload",
            active_auxiliaries=UNKNOWN_AUX,
            sleep_quality=2,
            energy_level=2,
            cycle_phase="late_luteal",
            soreness_ratings={"quads": 6},
        )
    )

    assert shape(out) == (3, 55.0, 5)
    assert out.intensity_modifier == 1.0
    assert out.volume_reductions is None


def test_gh217_clean_day_keeps_the_base() -> None:
    out = formula_session(make_input(active_auxiliaries=UNKNOWN_AUX))

    assert shape(out) == (2, 112.5, 5)
