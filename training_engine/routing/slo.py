"""SLO monitoring of a rollout: candidate against control over a window of samples (issue 11).

The SLOs: p99 latency at most the control's + 10 %; fallback rate at most the control's + 2
points; cost per generation at most a configured ratio of the control's; and, once both arms
have outcomes, mean |RPE error| at most 5 % worse. A breach rolls the rollout back one phase at
once; advancing waits for a minimum sample and time, and is automatic only when asked for.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import timedelta

from shared_types.routing import Phase, SloSample, SloSummary, SloThresholds, SloVerdict
from training_engine.routing.rollout import next_phase, previous_phase

__all__ = ["P99", "after_verdict", "evaluate", "percentile", "summarise"]

P99 = 0.99


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (the smallest value with at least `q` of the values at or below
    it): always one of the observed values, 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(math.ceil(q * len(ordered)), 1)
    return ordered[rank - 1]


def summarise(samples: Sequence[SloSample]) -> SloSummary:
    """n, p99 latency, fallback rate, cost per generation and mean |RPE error| of one arm
    (exact sums, so a window of equal values has that value as its mean)."""
    n = len(samples)
    errors = [s.rpe_error for s in samples if s.rpe_error is not None]
    return SloSummary(
        n=n,
        p99_latency_ms=percentile([s.latency_ms for s in samples], P99),
        fallback_rate=sum(s.fell_back for s in samples) / n if n else 0.0,
        cost_per_generation=math.fsum(s.cost_usd for s in samples) / n if n else 0.0,
        mean_rpe_error=math.fsum(errors) / len(errors) if errors else None,
        rpe_n=len(errors),
    )


def evaluate(
    candidate: SloSummary, control: SloSummary, thresholds: SloThresholds, min_samples: int
) -> SloVerdict:
    """Every SLO the candidate breaches against the control; no verdict (never a breach) until
    both arms hold `min_samples` samples."""
    if candidate.n < min_samples or control.n < min_samples:
        return SloVerdict(breached=False, breaches=(), enough_samples=False)
    breaches = tuple(
        reason
        for reason in (
            _latency(candidate, control, thresholds),
            _fallbacks(candidate, control, thresholds),
            _cost(candidate, control, thresholds),
            _rpe_error(candidate, control, thresholds),
        )
        if reason is not None
    )
    return SloVerdict(breached=bool(breaches), breaches=breaches, enough_samples=True)


def after_verdict(
    phase: Phase,
    verdict: SloVerdict,
    auto_advance: bool,
    samples: int,
    elapsed: timedelta,
    *,
    min_samples: int,
    min_elapsed: timedelta,
) -> tuple[Phase, str]:
    """The rollout's next phase and why: a breach steps back at once; otherwise the phase holds
    unless advancing is automatic and the phase has run `min_samples` samples for `min_elapsed`."""
    if verdict.breached:
        back = previous_phase(phase)
        return back, f"SLO breach ({'; '.join(verdict.breaches)}): rolled back {phase} -> {back}"
    if phase in (Phase.OFF, Phase.GENERAL):
        return phase, f"{phase}: nothing to advance to"
    if not auto_advance:
        return phase, "within SLOs; advancing is manual"
    if not verdict.enough_samples or samples < min_samples:
        return phase, f"within SLOs; waiting for samples ({samples} of {min_samples})"
    if elapsed < min_elapsed:
        return phase, f"within SLOs; waiting for time ({elapsed} of {min_elapsed})"
    forward = next_phase(phase)
    return forward, f"within SLOs after {samples} samples and {elapsed}: advanced to {forward}"


def _ceiling(control: float, ratio: float, absolute: float | None) -> float | None:
    """The bound a candidate is held to: the control's value times the ratio; when the control
    spent nothing (it serves the formula, no model call), the absolute ceiling, if any."""
    return control * ratio if control > 0 else absolute


def _latency(cand: SloSummary, ctrl: SloSummary, t: SloThresholds) -> str | None:
    ceiling = _ceiling(ctrl.p99_latency_ms, t.p99_latency_ratio, t.max_p99_latency_ms)
    if ceiling is None or cand.p99_latency_ms <= ceiling:
        return None
    return f"p99 latency {cand.p99_latency_ms:g} ms above {ceiling:g} ms"


def _fallbacks(cand: SloSummary, ctrl: SloSummary, t: SloThresholds) -> str | None:
    ceiling = ctrl.fallback_rate + t.fallback_rate_points
    if cand.fallback_rate <= ceiling:
        return None
    return f"fallback rate {cand.fallback_rate:.1%} above {ceiling:.1%}"


def _cost(cand: SloSummary, ctrl: SloSummary, t: SloThresholds) -> str | None:
    ceiling = _ceiling(ctrl.cost_per_generation, t.cost_ratio, t.max_cost_per_generation)
    if ceiling is None or cand.cost_per_generation <= ceiling:
        return None
    return f"cost per generation ${cand.cost_per_generation:.6f} above ${ceiling:.6f}"


def _rpe_error(cand: SloSummary, ctrl: SloSummary, t: SloThresholds) -> str | None:
    if cand.mean_rpe_error is None or ctrl.mean_rpe_error is None:
        return None
    ceiling = ctrl.mean_rpe_error * t.rpe_error_ratio
    if cand.mean_rpe_error <= ceiling:
        return None
    return f"mean |RPE error| {cand.mean_rpe_error:.3f} above {ceiling:.3f}"
