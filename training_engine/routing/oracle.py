"""The optimisation oracle's pure core (issue 12, part C): summarise the logged model calls per
context, recommend what to change, and distil consistent model adjustments into formula rules
validated on held-out logged sessions.

`summarise` groups `CallMetric`s by context (latency, tokens, cost, fallbacks, calls per day,
divergence, rewards, the fit); `recommend` applies the rules of docs/domain/oracle.md to the
summaries, sorted by expected saving; `distil` fits a `DistilledRule` on a deterministic
training split (a stable hash of the session id: the rest become its regression cases);
`validate` runs a rule against its cases (the activation gate); `as_adjustment` turns a rule
into the `JITAdjustment` the shell serves through the LLM path's own apply and constraint pass.
No clock, randomness or I/O: the split is SHA-256 of the session id.
"""

from __future__ import annotations

import hashlib
import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence

from shared_types.adjustment import JITAdjustment
from shared_types.oracle import (
    CallMetric,
    CaseResult,
    ContextSummary,
    Distillation,
    DistilledRule,
    Evidence,
    OracleThresholds,
    Recommendation,
    RecommendationKind,
    RegressionCase,
    Validation,
)
from training_engine.routing.rollout import bucket
from training_engine.routing.slo import percentile

__all__ = [
    "EPSILON",
    "HOLDOUT_SALT",
    "as_adjustment",
    "distil",
    "is_holdout",
    "recommend",
    "summarise",
    "validate",
]

# Float slack on the tolerance comparisons: 0.95 - 0.93 is 0.020000000000000018.
EPSILON = 1e-9
# The split's namespace in `rollout.bucket`: fixed, so a session stays on its side of the split
# across versions and contexts.
HOLDOUT_SALT = "oracle-holdout"
P50 = 0.50
P95 = 0.95
RATIONALE_CHARS = 200  # JITAdjustment's rationale line limit
_KIND_ORDER: Mapping[RecommendationKind, int] = {
    "route_to_formula": 0,
    "distil": 1,
    "keep_model": 2,
    "investigate_fallbacks": 3,
}


def _mean(values: Sequence[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


def _tokens(m: CallMetric) -> int | None:
    if m.input_tokens is None and m.output_tokens is None:
        return None
    return (m.input_tokens or 0) + (m.output_tokens or 0)


def _served_adjustments(metrics: Iterable[CallMetric]) -> list[tuple[str, JITAdjustment]]:
    """(session id, adjustment) of the calls whose adjustment was served."""
    return [(m.session_id, m.adjustment) for m in metrics if not m.fell_back and m.adjustment]


def _mode(values: Sequence[int]) -> int:
    """The most common value; a tie goes to the one nearest zero, then the smaller."""
    counts = Counter(values)
    return min(counts, key=lambda v: (-counts[v], abs(v), v))


def _within(adj: JITAdjustment, intensity: float, sets: int, t: OracleThresholds) -> bool:
    return (
        abs(adj.intensity_modifier - intensity) <= t.intensity_tolerance + EPSILON
        and abs(adj.set_modifier - sets) <= t.set_tolerance
    )


def _fit(adjustments: Sequence[JITAdjustment], t: OracleThresholds) -> tuple[float, int, float]:
    """The median intensity modifier, the most common set modifier and the share of the
    adjustments within the tolerances of both (`adjustments` is not empty)."""
    intensity = float(statistics.median(a.intensity_modifier for a in adjustments))
    sets = _mode([a.set_modifier for a in adjustments])
    share = sum(_within(a, intensity, sets, t) for a in adjustments) / len(adjustments)
    return intensity, sets, share


def summarise(
    metrics: Sequence[CallMetric], thresholds: OracleThresholds | None = None
) -> dict[str, ContextSummary]:
    """Every context's calls summarised, keyed (and ordered) by context. `thresholds` gives the
    tolerances of the fit's consistent share (the defaults when None)."""
    t = thresholds or OracleThresholds()
    groups: defaultdict[str, list[CallMetric]] = defaultdict(list)
    for m in metrics:
        groups[m.context].append(m)
    return {context: _summary(context, groups[context], t) for context in sorted(groups)}


def _summary(context: str, calls: Sequence[CallMetric], t: OracleThresholds) -> ContextSummary:
    n = len(calls)
    days = (max(m.day for m in calls) - min(m.day for m in calls)).days + 1
    per_day = n / days
    tokens = _mean([float(k) for m in calls if (k := _tokens(m)) is not None])
    cost = _mean([m.cost_usd for m in calls if m.cost_usd is not None])
    served = [m for m in calls if not m.fell_back]
    pairs = [
        (m.outcome_reward, m.formula_reward)
        for m in served
        if m.outcome_reward is not None and m.formula_reward is not None
    ]
    adjustments = [a for _, a in _served_adjustments(calls)]
    fit = _fit(adjustments, t) if adjustments else None
    latencies = [m.latency_ms for m in calls]
    return ContextSummary(
        context=context,
        n=n,
        days=days,
        calls_per_day=per_day,
        p50_latency_ms=percentile(latencies, P50),
        p95_latency_ms=percentile(latencies, P95),
        tokens_per_call=tokens,
        tokens_per_day=None if tokens is None else tokens * per_day,
        cost_per_call=cost,
        cost_per_day=None if cost is None else cost * per_day,
        fallback_rate=(n - len(served)) / n,
        mean_divergence=_mean([m.divergence for m in served if m.divergence is not None]),
        divergence_n=sum(m.divergence is not None for m in served),
        mean_model_reward=_mean([p[0] for p in pairs]),
        mean_formula_reward=_mean([p[1] for p in pairs]),
        reward_pairs=len(pairs),
        adjustments=len(adjustments),
        skipped_main_lift=sum(a.skip_main_lift for a in adjustments),
        fitted_intensity=None if fit is None else fit[0],
        fitted_set_delta=None if fit is None else fit[1],
        consistent_share=None if fit is None else fit[2],
    )


def _evidence(s: ContextSummary) -> Evidence:
    return {
        "n": s.n,
        "days": s.days,
        "calls_per_day": s.calls_per_day,
        "mean_divergence": s.mean_divergence,
        "tokens_per_day": s.tokens_per_day,
        "cost_per_day": s.cost_per_day,
        "fallback_rate": s.fallback_rate,
        "p95_latency_ms": s.p95_latency_ms,
        "mean_model_reward": s.mean_model_reward,
        "mean_formula_reward": s.mean_formula_reward,
        "reward_pairs": s.reward_pairs,
        "consistent_share": s.consistent_share,
        "fitted_intensity": s.fitted_intensity,
        "fitted_set_delta": s.fitted_set_delta,
    }


def _reward_gain(s: ContextSummary, t: OracleThresholds) -> float | None:
    """Mean model reward minus mean formula reward on the paired calls, when there are at least
    `min_calls` pairs (fewer: the outcomes say nothing yet)."""
    if s.reward_pairs < t.min_calls or s.mean_model_reward is None:
        return None
    assert s.mean_formula_reward is not None  # paired means exist together
    return s.mean_model_reward - s.mean_formula_reward


def _saving(s: ContextSummary) -> str:
    tokens = (
        "an unknown number of tokens"
        if s.tokens_per_day is None
        else (f"{s.tokens_per_day:,.0f} tokens")
    )
    cost = "" if s.cost_per_day is None else f" (${s.cost_per_day:.4f})"
    return f"saves {tokens}{cost} and {s.calls_per_day:.1f} model calls a day"


def _consistent(s: ContextSummary, t: OracleThresholds) -> bool:
    return (
        s.adjustments >= t.min_calls
        and s.skipped_main_lift == 0
        and s.consistent_share is not None
        and s.consistent_share >= t.min_share_consistent
    )


def _decide(s: ContextSummary, t: OracleThresholds) -> tuple[RecommendationKind, str, bool]:
    """The main recommendation for a context with enough calls, its message and whether the
    evidence is severe (every threshold the rule uses passed by the severe factor)."""
    f = t.severe_factor
    plenty = s.n >= f * t.min_calls
    gain = _reward_gain(s, t)
    better = gain is not None and gain > t.reward_margin
    worse = gain is not None and gain < -t.reward_margin
    div = s.mean_divergence
    if div is not None and div <= t.max_divergence and not better:
        return (
            "route_to_formula",
            f"route {s.context} to the formula: the model diverged {div:.1%} "
            f"(< {t.max_divergence:.0%}) on {s.divergence_n} sessions; {_saving(s)}",
            plenty and div <= t.max_divergence / f,
        )
    if worse:
        assert gain is not None
        return (
            "route_to_formula",
            f"route {s.context} to the formula: the model's outcomes are worse by {-gain:.2f} "
            f"on {s.reward_pairs} sessions; {_saving(s)}",
            plenty and -gain >= f * t.reward_margin,
        )
    if _consistent(s, t):
        share = s.consistent_share or 0.0
        return (
            "distil",
            f"distil {s.context} into a formula rule: {share:.0%} of {s.adjustments} model "
            f"adjustments are x{s.fitted_intensity:.3f} and {s.fitted_set_delta:+d} sets; "
            f"{_saving(s)} once its cases pass",
            plenty and 1 - share <= (1 - t.min_share_consistent) / f,
        )
    why = "its outcomes are better" if better else "its adjustments vary"
    return "keep_model", f"keep the model for {s.context}: {why} ({s.n} calls)", False


def recommend(
    summaries: Mapping[str, ContextSummary], thresholds: OracleThresholds
) -> list[Recommendation]:
    """One main recommendation per context with at least `min_calls` calls, plus
    `investigate_fallbacks` where the fallback rate passes its ceiling; sorted by expected saving
    (cost, then tokens a day of the model calls a change removes), then context and kind."""
    t = thresholds
    found: list[tuple[float, float, Recommendation]] = []
    for s in summaries.values():
        if s.n < t.min_calls:
            continue
        kind, message, severe = _decide(s, t)
        acts = kind in ("route_to_formula", "distil")
        found.append(
            (
                (s.cost_per_day or 0.0) if acts else 0.0,
                (s.tokens_per_day or 0.0) if acts else 0.0,
                _recommendation(s, kind, message=message, severe=severe, acts=acts, t=t),
            )
        )
        if s.fallback_rate > t.max_fallback_rate:
            message = (
                f"investigate fallbacks in {s.context}: {s.fallback_rate:.0%} of {s.n} model "
                f"calls fell back (> {t.max_fallback_rate:.0%})"
            )
            severe = s.n >= t.severe_factor * t.min_calls and (
                s.fallback_rate >= t.severe_factor * t.max_fallback_rate
            )
            rec = _recommendation(
                s, "investigate_fallbacks", message=message, severe=severe, acts=False, t=t
            )
            found.append((0.0, 0.0, rec))
    found.sort(key=lambda x: (-x[0], -x[1], x[2].context, _KIND_ORDER[x[2].kind]))
    return [rec for _, _, rec in found]


def _recommendation(
    s: ContextSummary,
    kind: RecommendationKind,
    *,
    message: str,
    severe: bool,
    acts: bool,
    t: OracleThresholds,
) -> Recommendation:
    return Recommendation(
        context=s.context,
        kind=kind,
        message=message,
        evidence=_evidence(s),
        severe=severe,
        action_allowed=acts and (severe or not t.prefer_llm_for_flexibility),
    )


def is_holdout(session_id: str, thresholds: OracleThresholds) -> bool:
    """Whether a session is held out as a regression case: its stable hash (SHA-256, the rollout
    buckets' function) falls below the holdout share. Fixed per session id."""
    return bucket(session_id, HOLDOUT_SALT) < thresholds.holdout_share


def distil(
    metrics_for_context: Sequence[CallMetric],
    thresholds: OracleThresholds,
    *,
    version: str,
    context: str,
) -> Distillation:
    """Fit a rule on the training split of one context's served adjustments (metrics of other
    contexts are ignored); the held-out split becomes its regression cases. No rule, with the
    reason, when there are fewer than `min_calls` adjustments, any skipped the main lift, either
    split is empty, or fewer than `min_share_consistent` of the training adjustments lie within
    the tolerances of the fit."""
    t = thresholds
    served = _served_adjustments(m for m in metrics_for_context if m.context == context)
    if len(served) < t.min_calls:
        return Distillation(
            rule=None, reason=f"{len(served)} served adjustments, fewer than {t.min_calls}"
        )
    skipped = sum(a.skip_main_lift for _, a in served)
    if skipped:
        return Distillation(
            rule=None,
            reason=f"{skipped} adjustments skipped the main lift (a rule never skips it)",
        )
    train = [(sid, a) for sid, a in served if not is_holdout(sid, t)]
    held = [(sid, a) for sid, a in served if is_holdout(sid, t)]
    if not train or not held:
        return Distillation(
            rule=None,
            reason=f"the split left {len(train)} training and {len(held)} held-out adjustments",
        )
    intensity, sets, share = _fit([a for _, a in train], t)
    if share < t.min_share_consistent:
        return Distillation(
            rule=None,
            reason=f"inconsistent: {share:.0%} of {len(train)} training adjustments within "
            f"±{t.intensity_tolerance:g} intensity and ±{t.set_tolerance} sets of "
            f"x{intensity:.3f} {sets:+d}, below {t.min_share_consistent:.0%}",
        )
    sessions = tuple(sorted({sid for sid, _ in train}))
    rule = DistilledRule(
        version=version,
        context=context,
        intensity_multiplier=intensity,
        set_delta=sets,
        fitted_on=len(train),
        fitted_sessions=sessions,
        provenance=hashlib.sha256("\n".join(sessions).encode()).hexdigest(),
        consistent_share=share,
        cases=tuple(
            RegressionCase(
                session_id=sid,
                intensity_modifier=a.intensity_modifier,
                set_modifier=a.set_modifier,
                intensity_tolerance=t.intensity_tolerance,
                set_tolerance=t.set_tolerance,
            )
            for sid, a in sorted(held, key=lambda x: x[0])
        ),
    )
    return Distillation(
        rule=rule,
        reason=f"fitted on {len(train)} adjustments ({share:.0%} consistent), "
        f"{len(held)} held-out cases",
    )


def _case(rule: DistilledRule, case: RegressionCase) -> CaseResult:
    off_intensity = abs(rule.intensity_multiplier - case.intensity_modifier)
    off_sets = abs(rule.set_delta - case.set_modifier)
    problems: list[str] = []
    if off_intensity > case.intensity_tolerance + EPSILON:
        problems.append(
            f"intensity x{rule.intensity_multiplier:.3f} vs the model's "
            f"x{case.intensity_modifier:.3f} (> ±{case.intensity_tolerance:g})"
        )
    if off_sets > case.set_tolerance:
        problems.append(
            f"sets {rule.set_delta:+d} vs the model's {case.set_modifier:+d} "
            f"(> ±{case.set_tolerance})"
        )
    return CaseResult(
        session_id=case.session_id,
        passed=not problems,
        why="; ".join(problems) or "reproduced within tolerance",
    )


def validate(
    rule: DistilledRule, cases: Sequence[RegressionCase], *, min_share: float = 1.0
) -> Validation:
    """Run the rule against the cases: it passes when at least `min_share` of them (every one
    by default) are reproduced within their tolerances. No cases never passes."""
    results = [_case(rule, c) for c in cases]
    failed = tuple(r for r in results if not r.passed)
    passed_count = len(results) - len(failed)
    if not results:
        return Validation(passed=False, passed_count=0, failed=(), reason="no regression cases")
    ok = passed_count >= min_share * len(results) - EPSILON
    return Validation(
        passed=ok,
        passed_count=passed_count,
        failed=failed,
        reason=f"{passed_count} of {len(results)} cases reproduced"
        + ("" if ok else f", fewer than {min_share:.0%}"),
    )


def as_adjustment(rule: DistilledRule) -> JITAdjustment:
    """The rule as the adjustment the shell serves through the LLM path (its apply and the one
    constraint pass): the rule's modifiers, nothing skipped, no accessory or rest change."""
    line = (
        f"distilled rule {rule.version} ({rule.context}): x{rule.intensity_multiplier:.3f}, "
        f"{rule.set_delta:+d} sets"
    )
    return JITAdjustment(
        intensity_modifier=rule.intensity_multiplier,
        set_modifier=rule.set_delta,
        skip_main_lift=False,
        aux_overrides=(),
        rationale=(line[:RATIONALE_CHARS],),
        confidence="high",
        rest_adjustments=None,
    )
