"""Load suggestions (DR §3.20.2): runs of off-target sessions move the max; low completion flags."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared_types.enums import IntensityType, Lift, Sex
from shared_types.feedback import ExclusionReason, SessionOutcome
from training_engine.feedback.suggestions import (
    LIFT_ORDER,
    load_suggestions,
    suggested_max_kg,
    unused,
)

MAXES = {Lift.SQUAT: 140.0, Lift.BENCH: 100.0, Lift.DEADLIFT: 180.0}


def outcome(
    session_id: str,
    rpe_error: float | None,
    *,
    lift: Lift = Lift.SQUAT,
    intensity: IntensityType = IntensityType.HEAVY,
    completion: float = 1.0,
    excluded: ExclusionReason | None = None,
) -> SessionOutcome:
    """A finished session; learnable unless excluded (no RPE excludes it as `no_rpe`)."""
    reason: ExclusionReason | None = excluded or ("no_rpe" if rpe_error is None else None)
    return SessionOutcome(
        session_id=session_id,
        lift=lift,
        intensity_type=intensity,
        status="skipped" if reason == "skipped" else "completed",
        sets=(),
        sets_prescribed=2,
        sets_done=2,
        reps_prescribed=10,
        reps_done=reps_done_out_of_ten(completion),
        failures=0,
        mean_rpe_error=rpe_error,
        worst_rpe_error=rpe_error,
        completion_ratio=0.0 if reason == "skipped" else completion,
        learnable=reason is None,
        excluded_because=reason,
    )


def reps_done_out_of_ten(completion: float) -> int:
    """Reps done out of 10 for a completion ratio (only for the record's consistency)."""
    return int(completion * 10)


def suggest(outcomes: Sequence[SessionOutcome], sex: Sex | None = Sex.MALE) -> list[str]:
    """The kinds suggested, in order."""
    return [s.kind for s in load_suggestions(outcomes, sex=sex, current_maxes=MAXES)]


def test_two_hard_sessions_lower_a_male_max_by_two_and_a_half_percent() -> None:
    (only,) = load_suggestions(
        [outcome("s2", 1.5), outcome("s1", 1.1)], sex=Sex.MALE, current_maxes=MAXES
    )
    assert only.kind == "decrease"
    assert only.change_pct == -2.5
    assert only.suggested_max_kg == 137.5  # 140 x 0.975 = 136.5 -> 137.5 half-up
    assert only.sessions == ("s2", "s1")
    assert only.mean_rpe_deviation == pytest.approx(1.3)
    assert "1.3 above target" in only.reason
    assert "140 to 137.5 kg" in only.reason


def test_two_easy_sessions_raise_the_max() -> None:
    (only,) = load_suggestions(
        [outcome("s2", -1.5), outcome("s1", -1.2)], sex=Sex.MALE, current_maxes=MAXES
    )
    assert (only.kind, only.change_pct, only.suggested_max_kg) == ("increase", 2.5, 142.5)


@pytest.mark.parametrize("error", [1.0, -1.0])
def test_an_error_exactly_at_the_threshold_is_not_beyond_it(error: float) -> None:
    assert suggest([outcome("s2", error), outcome("s1", error * 2)]) == []


def test_the_run_must_be_the_most_recent_sessions() -> None:
    assert suggest([outcome("s3", 0.0), outcome("s2", 2.0), outcome("s1", 2.0)]) == []


def test_mixed_directions_give_nothing() -> None:
    assert suggest([outcome("s2", 2.0), outcome("s1", -2.0)]) == []


def test_female_needs_three_sessions_beyond_one_and_a_half() -> None:
    two = [outcome("s2", 2.0), outcome("s1", 2.0)]
    assert suggest(two, Sex.FEMALE) == []
    assert suggest([*two, outcome("s0", 1.4)], Sex.FEMALE) == []
    assert suggest([*two, outcome("s0", 1.6)], Sex.FEMALE) == ["decrease"]


def test_unknown_sex_uses_the_male_rule_as_the_reference_does() -> None:
    assert suggest([outcome("s2", 1.2), outcome("s1", 1.2)], None) == ["decrease"]


@pytest.mark.parametrize("excluded", ["rehab", "pain_limited", "skipped", "deload"])
def test_sessions_that_do_not_teach_are_skipped_over(excluded: ExclusionReason) -> None:
    sessions = [outcome("s3", 3.0, excluded=excluded), outcome("s2", 1.5), outcome("s1", 1.5)]
    (only,) = load_suggestions(sessions, sex=Sex.MALE, current_maxes=MAXES)
    assert only.sessions == ("s2", "s1")


def test_groups_are_per_intensity_type() -> None:
    sessions = [
        outcome("s2", 2.0),
        outcome("s1", 2.0, intensity=IntensityType.REP),
    ]
    assert suggest(sessions) == []


def test_low_completion_on_the_latest_session_flags_without_a_change() -> None:
    (only,) = load_suggestions([outcome("s1", 0.0, completion=0.7)], sex=None, current_maxes=MAXES)
    assert (only.kind, only.change_pct, only.suggested_max_kg) == ("low_completion", 0.0, None)
    assert only.completion_ratio == 0.7
    assert "70%" in only.reason


def test_completion_counts_a_session_without_rpe_but_not_a_rehab_one() -> None:
    assert suggest([outcome("s1", None, completion=0.5)]) == ["low_completion"]
    assert suggest([outcome("s1", None, completion=0.5, excluded="rehab")]) == []


def test_an_old_short_session_is_not_flagged_again() -> None:
    assert suggest([outcome("s2", 0.0), outcome("s1", 0.0, completion=0.5)]) == []


def test_completion_at_eighty_percent_is_enough() -> None:
    assert suggest([outcome("s1", 0.0, completion=0.8)]) == []


def test_decrease_wins_over_low_completion_and_increase() -> None:
    sessions = [
        outcome("b2", -2.0, intensity=IntensityType.REP),
        outcome("b1", -2.0, intensity=IntensityType.REP),
        outcome("h3", 0.0, completion=0.5, intensity=IntensityType.EXPLOSIVE),
        outcome("h2", 2.0),
        outcome("h1", 2.0),
    ]
    assert suggest(sessions) == ["decrease"]
    assert suggest(sessions[:3]) == ["low_completion"]


def test_equal_kinds_pick_the_newest_evidence() -> None:
    sessions = [
        outcome("r2", 2.0, intensity=IntensityType.REP),
        outcome("h2", 2.0),
        outcome("r1", 2.0, intensity=IntensityType.REP),
        outcome("h1", 2.0),
    ]
    (only,) = load_suggestions(sessions, sex=Sex.MALE, current_maxes=MAXES)
    assert only.intensity_type == IntensityType.REP


def test_one_suggestion_per_lift_in_lift_order() -> None:
    sessions = [
        outcome(f"{lift.value}{n}", 2.0, lift=lift)
        for lift in (Lift.DEADLIFT, Lift.SQUAT, Lift.BENCH)
        for n in (2, 1)
    ]
    found = load_suggestions(sessions, sex=Sex.MALE, current_maxes=MAXES)
    assert [s.lift for s in found] == list(LIFT_ORDER)


def test_g3_no_max_no_load_change_but_the_flag_stays() -> None:
    sessions = [outcome("s2", 2.0, completion=0.5), outcome("s1", 2.0)]
    found = load_suggestions(sessions, sex=Sex.MALE, current_maxes={})
    assert [s.kind for s in found] == ["low_completion"]
    assert found[0].current_max_kg is None


def test_g2_a_change_rounding_would_swallow_moves_one_increment() -> None:
    assert suggested_max_kg(50.0, -2.5, 2.5) == 47.5  # 48.75 -> 50 half-up: no change
    assert suggested_max_kg(50.0, 2.5, 5.0) == 55.0  # 51.25 -> 50
    assert suggested_max_kg(140.0, -2.5, 5.0) == 135.0  # 136.5 -> 135: rounding moves it


def test_the_increment_is_the_lifters() -> None:
    (only,) = load_suggestions(
        [outcome("s2", 2.0), outcome("s1", 2.0)],
        sex=Sex.MALE,
        current_maxes=MAXES,
        increment_kg=5.0,
    )
    assert only.suggested_max_kg == 135.0


errors = st.one_of(st.none(), st.floats(-4, 4, allow_nan=False))
outcome_lists = st.lists(
    st.builds(
        outcome,
        st.uuids().map(str),
        errors,
        lift=st.sampled_from(Lift),
        intensity=st.sampled_from(IntensityType),
        completion=st.floats(0, 1),
        excluded=st.sampled_from([None, None, "rehab", "skipped", "deload"]),
    ),
    max_size=12,
)


@given(
    outcome_lists,
    st.sampled_from([Sex.MALE, Sex.FEMALE, None]),
    st.floats(20, 400),
    st.sampled_from([1.0, 2.5, 5.0]),
)
def test_properties_over_any_history(
    sessions: list[SessionOutcome], sex: Sex | None, max_kg: float, increment: float
) -> None:
    maxes = dict.fromkeys(Lift, max_kg)
    found = load_suggestions(sessions, sex=sex, current_maxes=maxes, increment_kg=increment)
    assert found == load_suggestions(sessions, sex=sex, current_maxes=maxes, increment_kg=increment)
    lifts = [s.lift for s in found]
    assert lifts == sorted(lifts, key=LIFT_ORDER.index)
    assert len(set(lifts)) == len(lifts)
    learnable_ids = {s.session_id for s in sessions if s.learnable}
    for suggestion in found:
        if suggestion.kind == "low_completion":
            assert suggestion.suggested_max_kg is None
            assert suggestion.completion_ratio is not None
            assert suggestion.completion_ratio < 0.8
            continue
        assert suggestion.suggested_max_kg is not None
        assert set(suggestion.sessions) <= learnable_ids
        assert (suggestion.suggested_max_kg / increment) == pytest.approx(
            int(suggestion.suggested_max_kg / increment + 0.5)
        )
        moved = suggestion.suggested_max_kg - max_kg
        assert moved < 0 if suggestion.kind == "decrease" else moved > 0
        assert abs(moved) <= max_kg * 0.025 + increment


def test_g11_evidence_a_decision_used_and_everything_older_no_longer_counts() -> None:
    newest_first = [
        outcome("s5", 1.5),
        outcome("b4", 0.0, lift=Lift.BENCH),
        outcome("s3", 1.5),  # used by a decided squat suggestion
        outcome("s2", 1.5),
        outcome("b1", 1.5, lift=Lift.BENCH),
    ]
    kept = unused(newest_first, {Lift.SQUAT: {"s3", "s2"}})
    assert [o.session_id for o in kept] == ["s5", "b4", "b1"]  # bench untouched
    assert suggest(kept) == []  # one hard squat session left: no run of two
    assert suggest(newest_first) == ["decrease"]
    assert unused(newest_first, {}) == newest_first


@given(
    ids=st.lists(st.sampled_from(["a", "b", "c", "d", "e", "f"]), unique=True, max_size=6),
    used=st.sets(st.sampled_from(["a", "b", "c", "d", "e", "f"])),
)
def test_g11_per_lift_only_the_sessions_newer_than_the_newest_used_one_are_kept(
    ids: list[str], used: set[str]
) -> None:
    outcomes = [outcome(i, 1.5, lift=LIFT_ORDER[n % 3]) for n, i in enumerate(ids)]
    kept = unused(outcomes, dict.fromkeys(LIFT_ORDER, used))
    expected = []
    for lift in LIFT_ORDER:
        own = [o for o in outcomes if o.lift is lift]
        cut = next((n for n, o in enumerate(own) if o.session_id in used), len(own))
        expected += own[:cut]
    assert sorted(o.session_id for o in kept) == sorted(o.session_id for o in expected)
    assert [o for o in outcomes if o in kept] == kept  # newest first, as given
