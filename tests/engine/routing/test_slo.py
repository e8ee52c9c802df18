"""SLO evaluation and the phase after a verdict (issue 11): a synthetic breach rolls back at
once; advancing waits for samples and time, and only when it is automatic."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared_types.routing import Phase, SloSample, SloSummary, SloThresholds, SloVerdict
from training_engine.routing.slo import after_verdict, evaluate, percentile, summarise

T = SloThresholds()
OK = SloVerdict(breached=False, breaches=(), enough_samples=True)
HOUR = timedelta(hours=1)


def window(
    n: int = 200,
    latency: float = 1000.0,
    fallbacks: int = 0,
    cost: float = 0.001,
    rpe_error: float | None = None,
) -> SloSummary:
    """`n` samples of one arm: latencies 1..n ms scaled so the slowest is `latency`."""
    return summarise(
        [
            SloSample(
                latency_ms=latency * (i + 1) / n,
                fell_back=i < fallbacks,
                cost_usd=cost,
                rpe_error=rpe_error,
            )
            for i in range(n)
        ]
    )


def test_summary_of_a_window() -> None:
    s = window(n=100, latency=100.0, fallbacks=5, cost=0.002, rpe_error=0.5)
    assert (s.n, s.p99_latency_ms, s.fallback_rate) == (100, 99.0, 0.05)
    assert s.cost_per_generation == pytest.approx(0.002)
    assert (s.mean_rpe_error, s.rpe_n) == (0.5, 100)
    assert summarise([]).n == 0


@given(st.lists(st.floats(0, 1e6), min_size=1), st.floats(0.01, 1))
def test_a_percentile_is_an_observed_value_with_enough_below(values: list[float], q: float) -> None:
    p = percentile(values, q)
    assert p in values
    assert sum(v <= p for v in values) >= q * len(values) - 1e-9


def test_a_candidate_like_the_control_breaches_nothing() -> None:
    assert evaluate(window(), window(), T, min_samples=100) == OK


@pytest.mark.parametrize(
    ("candidate", "named"),
    [
        (window(latency=1101.0), "p99 latency"),
        (window(fallbacks=5), "fallback rate 2.5% above 2.0%"),
        (window(cost=0.0011), "cost per generation"),
        (window(rpe_error=1.1), "mean |RPE error|"),
    ],
)
def test_each_slo_breach_is_named(candidate: SloSummary, named: str) -> None:
    verdict = evaluate(candidate, window(rpe_error=1.0), T, min_samples=100)
    assert verdict.breached
    assert len(verdict.breaches) == 1
    assert named in verdict.breaches[0]


def test_at_the_limits_nothing_is_breached() -> None:
    candidate = window(latency=1099.0, fallbacks=4, cost=0.00105, rpe_error=1.05)
    assert not evaluate(candidate, window(rpe_error=1.0), T, min_samples=100).breached


def test_rpe_error_is_judged_only_when_both_arms_have_outcomes() -> None:
    verdict = evaluate(window(rpe_error=3.0), window(), T, min_samples=100)
    assert not verdict.breached


def test_no_verdict_before_both_arms_have_enough_samples() -> None:
    verdict = evaluate(window(n=50, fallbacks=50), window(), T, min_samples=100)
    assert verdict == SloVerdict(breached=False, breaches=(), enough_samples=False)


@pytest.mark.parametrize(
    ("phase", "back"),
    [
        (Phase.SHADOW, Phase.OFF),
        (Phase.CANARY, Phase.SHADOW),
        (Phase.GUARDED, Phase.CANARY),
        (Phase.GENERAL, Phase.GUARDED),
    ],
)
def test_a_synthetic_breach_rolls_back_at_once(phase: Phase, back: Phase) -> None:
    verdict = evaluate(window(latency=5000.0), window(), T, min_samples=100)
    new, why = after_verdict(
        phase, verdict, False, samples=1, elapsed=timedelta(0), min_samples=500, min_elapsed=HOUR
    )
    assert new is back
    assert why.startswith("SLO breach (p99 latency")


def advance(phase: Phase, auto: bool, samples: int, elapsed: timedelta) -> Phase:
    return after_verdict(
        phase, OK, auto, samples=samples, elapsed=elapsed, min_samples=500, min_elapsed=HOUR
    )[0]


def test_advancing_is_automatic_only_after_enough_samples_and_time() -> None:
    assert advance(Phase.CANARY, True, 500, HOUR) is Phase.GUARDED
    assert advance(Phase.CANARY, False, 500, HOUR) is Phase.CANARY
    assert advance(Phase.CANARY, True, 499, HOUR) is Phase.CANARY
    assert advance(Phase.CANARY, True, 500, HOUR - timedelta(seconds=1)) is Phase.CANARY
    assert advance(Phase.GENERAL, True, 500, HOUR) is Phase.GENERAL
    assert advance(Phase.OFF, True, 500, HOUR) is Phase.OFF


def test_without_enough_samples_in_the_verdict_nothing_advances() -> None:
    waiting = SloVerdict(breached=False, breaches=(), enough_samples=False)
    new, why = after_verdict(
        Phase.SHADOW, waiting, True, samples=900, elapsed=HOUR, min_samples=500, min_elapsed=HOUR
    )
    assert new is Phase.SHADOW
    assert "waiting for samples" in why


def formula_control(n: int = 200) -> SloSummary:
    """A control arm served by the formula: no model call, no latency or cost to speak of."""
    return summarise([SloSample(latency_ms=0.0, fell_back=False, cost_usd=0.0)] * n)


def test_a_model_candidate_is_not_judged_against_a_formula_controls_zero() -> None:
    verdict = evaluate(window(), formula_control(), T, min_samples=50)
    assert verdict == OK


def test_against_a_formula_control_the_absolute_ceilings_hold() -> None:
    ceilings = SloThresholds(max_p99_latency_ms=500.0, max_cost_per_generation=0.0005)
    verdict = evaluate(window(latency=1000.0, cost=0.001), formula_control(), ceilings, 50)
    assert verdict.breached
    assert verdict.breaches == (
        "p99 latency 990 ms above 500 ms",
        "cost per generation $0.001000 above $0.000500",
    )
    within = evaluate(window(latency=400.0, cost=0.0004), formula_control(), ceilings, 50)
    assert within == OK
