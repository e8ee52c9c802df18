"""Values of the optimisation oracle (issue 12, part C): what it reads per model call, its
thresholds, its summaries and recommendations, and the formula rules it distils from the
model's adjustments with their regression cases. Pure data; the logic is in
`training_engine/routing/oracle.py`, every default in `docs/domain/oracle.md`.

The shell builds `CallMetric`s from its logs (an `llm_calls` row, the hybrid comparison's
divergence, the session outcome) and stores or shows the rest, so they are boundary models:
frozen, unknown keys rejected.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from shared_types.adjustment import (
    INTENSITY_MODIFIER_MAX,
    INTENSITY_MODIFIER_MIN,
    SET_MODIFIER_MAX,
    SET_MODIFIER_MIN,
    JITAdjustment,
)
from shared_types.base import Frozen

__all__ = [
    "CallMetric",
    "CaseResult",
    "ContextSummary",
    "Distillation",
    "DistilledRule",
    "Evidence",
    "OracleThresholds",
    "Recommendation",
    "RecommendationKind",
    "RegressionCase",
    "Validation",
]

NonNegative = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Finite = Annotated[float, Field(allow_inf_nan=False)]
Count = Annotated[int, Field(ge=0)]
Share = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
Intensity = Annotated[
    float, Field(ge=INTENSITY_MODIFIER_MIN, le=INTENSITY_MODIFIER_MAX, allow_inf_nan=False)
]
SetDelta = Annotated[int, Field(ge=SET_MODIFIER_MIN, le=SET_MODIFIER_MAX)]
NonEmpty = Annotated[str, Field(min_length=1)]

RecommendationKind = Literal["route_to_formula", "keep_model", "distil", "investigate_fallbacks"]
"""`route_to_formula`: the formula serves this context; `keep_model`: nothing to change;
`distil`: fit a formula rule on the model's adjustments (`distil`, then `validate`);
`investigate_fallbacks`: the model falls back too often here (a person looks)."""

Evidence = dict[str, float | int | None]


class CallMetric(Frozen):
    """One logged model-served generation as the oracle reads it.

    `context` is the routing context key (e.g. `squat|heavy|fresh|normal|-|on_target|-`), opaque
    here: calls are grouped by it. `fell_back`: the model gave nothing served (deadline, invalid
    answer, breaker...). `divergence` is the hybrid comparison's `weight_pct` (|model - formula|
    / formula load of the first main set), when a comparison was logged. `outcome_reward` is the
    served session's reward (e.g. -|RPE error|) once its outcome is in; `formula_reward` the
    reward the formula's session earned or would have (the simulator knows it), when known.
    """

    context: NonEmpty
    lifter_id: str
    session_id: NonEmpty
    latency_ms: NonNegative
    input_tokens: Count | None = None
    output_tokens: Count | None = None
    cost_usd: NonNegative | None = None
    fell_back: bool = False
    adjustment: JITAdjustment | None = None
    divergence: NonNegative | None = None
    outcome_reward: Finite | None = None
    formula_reward: Finite | None = None
    day: date  # the generation's day (an ISO date string is accepted), for per-day figures


class OracleThresholds(Frozen):
    """When the oracle recommends what (docs/domain/oracle.md gives each value's source)."""

    min_calls: Annotated[int, Field(ge=1)] = 30
    max_divergence: Share = 0.02
    intensity_tolerance: Share = 0.02
    set_tolerance: Count = 0
    min_share_consistent: Share = 0.8
    max_fallback_rate: Share = 0.10
    reward_margin: NonNegative = 0.1
    prefer_llm_for_flexibility: bool = True
    severe_factor: Annotated[float, Field(ge=1, allow_inf_nan=False)] = 3.0
    holdout_share: Annotated[float, Field(gt=0, lt=1, allow_inf_nan=False)] = 0.25


class ContextSummary(Frozen):
    """Every call of one context, summarised (`training_engine.routing.oracle.summarise`).

    Per-call means are over the calls where the value is known; per-day figures are those means
    times the calls per day over the span of days the calls cover. Rewards are compared on the
    served calls that know both (`reward_pairs`). The fit is the one `distil` makes, over every
    served adjustment of the context (not only a training split).
    """

    context: str
    n: Count
    days: Annotated[int, Field(ge=1)]
    calls_per_day: NonNegative
    p50_latency_ms: NonNegative
    p95_latency_ms: NonNegative
    tokens_per_call: NonNegative | None
    tokens_per_day: NonNegative | None
    cost_per_call: NonNegative | None
    cost_per_day: NonNegative | None
    fallback_rate: Share
    mean_divergence: NonNegative | None
    divergence_n: Count
    mean_model_reward: Finite | None
    mean_formula_reward: Finite | None
    reward_pairs: Count
    adjustments: Count  # served calls with an adjustment
    skipped_main_lift: Count  # of those, how many skipped the main lift
    fitted_intensity: Intensity | None
    fitted_set_delta: SetDelta | None
    consistent_share: Share | None  # adjustments within the tolerances of the fit


class Recommendation(Frozen):
    """What the oracle recommends for one context, why, and whether it may act by itself."""

    context: str
    kind: RecommendationKind
    message: str
    evidence: Evidence
    severe: bool  # the evidence passes every threshold the rule uses by the severe factor
    # False when prefer_llm_for_flexibility holds and the case is not severe, and always for
    # kinds with nothing to do automatically (keep_model, investigate_fallbacks).
    action_allowed: bool


class RegressionCase(Frozen):
    """One held-out logged session a distilled rule must reproduce: the model's adjustment."""

    session_id: NonEmpty
    intensity_modifier: Intensity
    set_modifier: SetDelta
    intensity_tolerance: Share
    set_tolerance: Count


class DistilledRule(Frozen):
    """A formula rule fitted on the model's adjustments in one context: per-context modifier
    offsets (the median intensity modifier and the most common set modifier), versioned, with
    what it was fitted on and the held-out cases it must reproduce before it is activated."""

    version: NonEmpty
    context: NonEmpty
    intensity_multiplier: Intensity
    set_delta: SetDelta
    skip_main_lift: Literal[False] = False
    fitted_on: Annotated[int, Field(ge=1)]  # training adjustments
    fitted_sessions: tuple[str, ...]  # their session ids, sorted, unique
    provenance: str  # SHA-256 of the fitted session ids (newline-joined)
    consistent_share: Share  # training adjustments within tolerance of the fit
    cases: tuple[RegressionCase, ...]


class Distillation(Frozen):
    """`distil`'s answer: the rule, or None with the reason it was not fitted."""

    rule: DistilledRule | None
    reason: str


class CaseResult(Frozen):
    """One regression case against a rule: passed, or why not."""

    session_id: str
    passed: bool
    why: str


class Validation(Frozen):
    """A rule against its cases; `passed` is the activation gate."""

    passed: bool
    passed_count: Count
    failed: tuple[CaseResult, ...]
    reason: str
