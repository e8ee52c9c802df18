"""The lifter model: the RTS chart, set outcomes, adaptation, personas and gains."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared_types.enums import Lift
from simulator.lifter import (
    ADAPTATION_BOUNDS,
    DIFFERS_GAIN_RANGE,
    K_INTERMEDIATE,
    K_NOVICE,
    PERSONAS,
    Gains,
    TrueStrength,
    make_lifter,
)
from simulator.rpe import RTS_PCT_AT_FAILURE, noiseless_rpe, perform_set, reps_to_failure, to_half

loads = st.floats(min_value=0.3, max_value=1.2, allow_nan=False)


@given(loads, loads)
def test_reps_to_failure_falls_as_the_load_rises(a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert reps_to_failure(low) >= reps_to_failure(high)


@pytest.mark.parametrize("reps", range(1, 13))
def test_the_chart_gives_rpe_10_at_its_own_percentages(reps: int) -> None:
    assert noiseless_rpe(100 * RTS_PCT_AT_FAILURE[reps - 1], reps, 100.0) == pytest.approx(10.0)


def test_one_rep_in_reserve_is_rpe_9() -> None:
    # 5 reps at the 6-rep maximum (83.7 %) leaves one in reserve.
    assert noiseless_rpe(83.7, 5, 100.0) == pytest.approx(9.0)


@given(loads, loads, st.integers(1, 12))
def test_rpe_rises_with_the_load_and_stays_in_5_to_10(a: float, b: float, reps: int) -> None:
    low, high = sorted((a, b))
    easy, hard = noiseless_rpe(low * 100, reps, 100.0), noiseless_rpe(high * 100, reps, 100.0)
    assert 5.0 <= easy <= hard <= 10.0


@given(st.floats(min_value=1.001, max_value=1.5), st.integers(1, 10))
def test_a_load_above_the_days_capacity_fails(fraction: float, reps: int) -> None:
    result = perform_set(100 * fraction, reps, 100.0, random.Random(0), 0.5)
    assert result.failed
    assert result.reps_done < reps
    assert result.rpe == 10.0


def test_a_failed_set_keeps_the_whole_reps_done() -> None:
    # 5 reps asked at the 3-rep maximum: 3 done.
    result = perform_set(92.2, 5, 100.0, random.Random(0), 0.5)
    assert (result.failed, result.reps_done) == (True, 3)


@given(st.integers(0, 10_000))
def test_reported_rpe_is_in_half_steps_within_5_to_10(seed: int) -> None:
    result = perform_set(80.0, 5, 100.0, random.Random(seed), 0.5)
    assert not result.failed
    assert 5.0 <= result.rpe <= 10.0
    assert result.rpe * 2 == int(result.rpe * 2)


def test_to_half_rounds_half_up() -> None:
    assert [to_half(x) for x in (7.24, 7.25, 7.74, 7.75)] == [7.0, 7.5, 7.5, 8.0]


@given(st.lists(st.floats(min_value=0.0, max_value=200.0), max_size=200))
def test_adaptation_stays_within_its_bounds(impulses: list[float]) -> None:
    strength = TrueStrength.starting_at({Lift.SQUAT: 100.0}, K_NOVICE)
    for impulse in impulses:
        strength.train(Lift.SQUAT, impulse)
        strength.next_day()
        low, high = ADAPTATION_BOUNDS
        assert 100 * low <= strength.one_rm(Lift.SQUAT) <= 100 * high


def _weekly_training(k_fitness: float, weeks: int) -> float:
    """Progress after `weeks` of one typical session a week (3 x 8 at 70 %: impulse 16.8)."""
    strength = TrueStrength.starting_at({Lift.SQUAT: 100.0}, k_fitness)
    for day in range(weeks * 7):
        if day % 7 == 0:
            strength.train(Lift.SQUAT, 16.8)
        strength.next_day()
    return strength.factor(Lift.SQUAT) - 1.0


def test_a_novice_gains_about_one_percent_a_week_and_an_intermediate_less() -> None:
    novice, intermediate = _weekly_training(K_NOVICE, 12), _weekly_training(K_INTERMEDIATE, 12)
    assert 0.08 <= novice <= 0.16
    assert 0.01 <= intermediate <= 0.05


def test_fatigue_lowers_the_1rm_the_day_after_a_hard_session() -> None:
    strength = TrueStrength.starting_at({Lift.SQUAT: 100.0}, K_INTERMEDIATE)
    strength.train(Lift.SQUAT, 16.8)
    assert strength.one_rm(Lift.SQUAT) < 100.0


def test_the_named_personas_come_first_then_random_ones() -> None:
    names = [make_lifter(i, 1, "defaults").persona.name for i in range(len(PERSONAS) + 2)]
    assert names == [p.name for p in PERSONAS] + ["random", "random"]


def test_a_lifter_depends_only_on_its_index_seed_and_population() -> None:
    assert make_lifter(7, 3, "differs") == make_lifter(7, 3, "differs")
    assert make_lifter(7, 3, "differs") != make_lifter(7, 4, "differs")


def test_the_populations_draw_their_gains() -> None:
    assert all(make_lifter(i, 0, "defaults").gains == Gains() for i in range(20))
    low, high = DIFFERS_GAIN_RANGE
    for i in range(20):
        gains = vars(make_lifter(i, 0, "differs").gains).values()
        assert all(low <= g <= high for g in gains)
    mixed = {make_lifter(i, 0, "mixed").gains == Gains() for i in range(40)}
    assert mixed == {True, False}


def test_wearable_readiness_shares_the_readiness_gain() -> None:
    gains = Gains(readiness=2.0, soreness=3.0)
    assert gains.for_source("wearable-readiness") == 2.0
    assert gains.for_source("soreness") == 3.0
    assert gains.for_source("rpe_history") == 1.0
