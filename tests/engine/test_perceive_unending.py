"""An unending program's stimulus for today, from plain values (DR §3.20.1, P6)."""

from __future__ import annotations

import pytest

from shared_types.enums import IntensityType, Lift, MuscleGroup
from training_engine.planning import (
    FinishedSession,
    UnendingSignals,
    next_lift,
    primary_soreness,
    todays_intensity,
    unending_signals_from,
)

H, E, R = IntensityType.HEAVY, IntensityType.EXPLOSIVE, IntensityType.REP


def finished(
    lift: Lift = Lift.SQUAT,
    intensity: IntensityType = H,
    *,
    completed: bool = True,
    rpe: float | None = None,
) -> FinishedSession:
    return FinishedSession(lift, intensity, completed, rpe)


def test_nothing_finished_yet_gives_only_todays_soreness() -> None:
    assert unending_signals_from([], primary_soreness=4) == UnendingSignals(primary_soreness=4)


def test_the_last_finished_session_gives_the_lift_and_type_even_when_skipped() -> None:
    history = [finished(Lift.BENCH, E, completed=False), finished(Lift.SQUAT, H, rpe=9.0)]
    signals = unending_signals_from(history)
    assert (signals.last_lift, signals.last_intensity) == (Lift.BENCH, E)
    assert signals.mean_recent_rpe == 9.0  # the skipped one has no RPE to give


def test_recent_rpe_is_the_mean_of_the_last_three_completed_sessions() -> None:
    history = [finished(rpe=r) for r in (9.0, 8.0, None, 7.0, 6.0)]
    # the three newest completed: 9, 8 and one without an RPE
    assert unending_signals_from(history).mean_recent_rpe == 8.5


def test_primary_soreness_is_the_sorest_primary_muscle_and_unrated_is_fresh() -> None:
    assert primary_soreness(Lift.SQUAT, {MuscleGroup.QUADS: 6, MuscleGroup.CHEST: 9}) == 6
    assert primary_soreness(Lift.BENCH, {}) == 1


@pytest.mark.parametrize(
    ("signals", "expected"),
    [
        (UnendingSignals(last_intensity=H), E),
        (UnendingSignals(last_intensity=H, primary_soreness=7), R),
        (UnendingSignals(last_intensity=R, mean_recent_rpe=8.5), E),
    ],
)
def test_todays_intensity_follows_the_rule_list(
    signals: UnendingSignals, expected: IntensityType
) -> None:
    assert todays_intensity(counter=1, days_per_week=3, signals=signals) is expected


def test_a_deload_week_keeps_the_planned_session() -> None:
    # counter 9 at 3 days a week is week 4: a deload whatever the signals
    assert todays_intensity(9, 3, UnendingSignals(primary_soreness=9)) is None


def test_lifts_rotate_squat_bench_deadlift() -> None:
    assert [next_lift(x) for x in (None, Lift.SQUAT, Lift.BENCH, Lift.DEADLIFT)] == [
        Lift.SQUAT,
        Lift.BENCH,
        Lift.DEADLIFT,
        Lift.SQUAT,
    ]
