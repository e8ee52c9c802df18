"""Session outcomes: each prescribed main set against its log, and whether the session teaches."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared_types.enums import IntensityType, Lift
from shared_types.feedback import SessionOutcome
from shared_types.outputs import PlannedSet
from training_engine.feedback.outcomes import LoggedMainSet, session_outcome

PLAN = (
    PlannedSet(set_number=1, weight_kg=100.0, reps=5, rpe_target=8.0),
    PlannedSet(set_number=2, weight_kg=100.0, reps=5, rpe_target=8.0),
    PlannedSet(set_number=3, weight_kg=100.0, reps=5, rpe_target=9.0),
)


def outcome(
    logged: Sequence[LoggedMainSet],
    *,
    prescribed: Sequence[PlannedSet] = PLAN,
    skipped: bool = False,
    **extra: Any,
) -> SessionOutcome:
    return session_outcome(
        session_id="s1",
        lift=Lift.SQUAT,
        intensity_type=IntensityType.HEAVY,
        prescribed=prescribed,
        logged=logged,
        skipped=skipped,
        **extra,
    )


def log(number: int, reps: int = 5, rpe: float | None = 8.0, **flags: bool) -> LoggedMainSet:
    return LoggedMainSet(set_number=number, weight_kg=100.0, reps=reps, rpe=rpe, **flags)


def test_a_completed_session_matches_sets_by_number_and_measures_the_rpe_error() -> None:
    result = outcome([log(3, rpe=9.5), log(1, rpe=8.5), log(2, rpe=7.0)])
    assert [(s.set_number, s.rpe_error) for s in result.sets] == [(1, 0.5), (2, -1.0), (3, 0.5)]
    assert result.status == "completed"
    assert (result.sets_done, result.reps_done, result.completion_ratio) == (3, 15, 1.0)
    assert result.mean_rpe_error == pytest.approx(0.0)
    assert result.worst_rpe_error == -1.0  # the furthest from zero, with its sign
    assert result.learnable
    assert result.excluded_because is None


def test_a_failed_set_is_done_with_a_failure_and_its_reps_count() -> None:
    result = outcome([log(1), log(2, reps=3, rpe=10.0, failed=True)])
    assert result.sets[1].done
    assert result.sets[1].failed
    assert not result.sets[2].done
    assert result.sets[2].reps is None
    assert (result.sets_done, result.failures, result.reps_done) == (2, 1, 8)
    assert result.completion_ratio == pytest.approx(8 / 15)


def test_a_set_logged_with_no_reps_and_no_failure_is_not_done() -> None:
    assert outcome([log(1, reps=0, rpe=None)]).sets_done == 0


def test_sets_beyond_the_prescription_are_kept_and_reps_are_not_capped() -> None:
    result = outcome([log(1, reps=8), log(2), log(3), log(4, rpe=9.0)])
    extra = result.sets[-1]
    assert (extra.set_number, extra.prescribed_reps, extra.target_rpe) == (4, None, None)
    assert extra.done
    assert extra.rpe_error is None
    assert result.reps_done == 23
    assert result.completion_ratio == 1.0  # capped


def test_without_set_rpes_the_session_rpe_stands_in_against_the_mean_target() -> None:
    result = outcome([log(n, rpe=None) for n in (1, 2, 3)], session_rpe=9.0)
    assert result.mean_rpe_error == pytest.approx(9.0 - 25 / 3)
    assert result.worst_rpe_error == result.mean_rpe_error
    assert result.learnable


def test_set_rpes_win_over_the_session_rpe() -> None:
    assert outcome([log(1, rpe=9.0)], session_rpe=5.0).mean_rpe_error == 1.0


@pytest.mark.parametrize(
    ("logged", "extra", "reason"),
    [
        ([log(1)], {"skipped": True, "skip_reason": "ill"}, "skipped"),
        ([log(1)], {"rehab_capped": True}, "rehab"),
        ([log(1, during_rehab=True)], {}, "rehab"),
        ([log(1, pain_limited=True)], {}, "pain_limited"),
        ([log(1)], {"is_deload": True}, "deload"),
        ([], {}, "no_main_sets"),
        ([log(1, rpe=None)], {}, "no_rpe"),
    ],
)
def test_each_exclusion_reason(
    logged: list[LoggedMainSet], extra: dict[str, Any], reason: str
) -> None:
    result = outcome(logged, **extra)
    assert not result.learnable
    assert result.excluded_because == reason


def test_a_deload_intensity_is_a_deload_and_rehab_wins_over_pain() -> None:
    deload = session_outcome(
        session_id="s",
        lift=Lift.BENCH,
        intensity_type=IntensityType.DELOAD,
        prescribed=PLAN,
        logged=[log(1)],
        skipped=False,
    )
    assert deload.excluded_because == "deload"
    both = outcome([log(1, pain_limited=True, during_rehab=True)])
    assert both.excluded_because == "rehab"
    assert both.sets[0].pain_limited
    assert both.sets[0].rehab


def test_a_skipped_session_ignores_logs_and_completes_nothing() -> None:
    result = outcome([log(1)], skipped=True, skip_reason="travel", session_rpe=7.0)
    assert (result.status, result.skip_reason) == ("skipped", "travel")
    assert (result.sets_done, result.reps_done, result.completion_ratio) == (0, 0, 0.0)
    assert result.mean_rpe_error is None
    assert all(not s.done for s in result.sets)


def test_nothing_prescribed_gives_zero_completion() -> None:
    result = outcome([log(1)], prescribed=())
    assert result.completion_ratio == 0.0
    assert result.excluded_because == "no_rpe"


planned = st.builds(
    PlannedSet,
    set_number=st.integers(1, 6),
    weight_kg=st.floats(20, 300),
    reps=st.integers(1, 12),
    rpe_target=st.none() | st.floats(5, 10),
)
logged_sets = st.builds(
    LoggedMainSet,
    set_number=st.integers(1, 8),
    weight_kg=st.floats(0, 300),
    reps=st.integers(0, 20),
    rpe=st.none() | st.floats(1, 10),
    failed=st.booleans(),
    pain_limited=st.booleans(),
    during_rehab=st.booleans(),
)


@given(
    prescribed=st.lists(planned, max_size=6),
    logged=st.lists(logged_sets, max_size=8),
    skipped=st.booleans(),
    session_rpe=st.none() | st.floats(1, 10),
    deload=st.booleans(),
)
def test_outcomes_are_total_and_consistent(
    prescribed: list[PlannedSet],
    logged: list[LoggedMainSet],
    skipped: bool,
    session_rpe: float | None,
    deload: bool,
) -> None:
    result = outcome(
        logged, prescribed=prescribed, skipped=skipped, session_rpe=session_rpe, is_deload=deload
    )
    assert 0.0 <= result.completion_ratio <= 1.0
    assert len(result.sets) == len(prescribed) + (0 if skipped else len(logged)) - sum(
        1 for s in result.sets if s.prescribed_reps is not None and s.weight_kg is not None
    )
    assert result.sets_done <= (0 if skipped else len(logged))
    assert result.learnable == (result.excluded_because is None)
    errors = [s.rpe_error for s in result.sets if s.rpe_error is not None]
    if errors:
        assert result.worst_rpe_error is not None
        assert result.mean_rpe_error is not None
        assert abs(result.worst_rpe_error) >= abs(result.mean_rpe_error) - 1e-9
        assert result.worst_rpe_error in errors
    if result.learnable:
        assert result.mean_rpe_error is not None
        assert result.sets_done > 0
