"""Records of the LLM layer: one per model call, one per hybrid comparison (pure data).

The shell fills a `LlmCallRecord` for every generation that asked a model (or would have: a
cache hit, an open breaker and a missing provider are recorded too) and returns it with the
output; the API layer persists it. `ComparisonRecord` is what the hybrid strategy logs.
"""

from __future__ import annotations

from typing import Literal

from shared_types.adjustment import JITAdjustment
from shared_types.bandit import BanditDecision
from shared_types.base import Frozen
from shared_types.enums import FallbackReason, StrategyUsed
from shared_types.outputs import JITOutput

__all__ = [
    "AuxAnchorDivergence",
    "BreakerState",
    "CacheTier",
    "ComparisonRecord",
    "Divergence",
    "GenerationResult",
    "LlmCallRecord",
    "PromptVersion",
]

BreakerState = Literal["closed", "open", "half_open"]
CacheTier = Literal["memory", "database"]
PromptVersion = Literal["jit-adjust-1", "jit-adjust-1-full"]
"""The prompts the LLM strategy can send (`training_engine.prompt`): our compact context, and the
same instructions over the reference's whole input (ADR 0008), which a rollout can compare."""


class LlmCallRecord(Frozen):
    """One generation's dealings with a model provider."""

    provider: str
    model: str
    prompt_version: str
    prompt_chars: int
    attempts: int  # model responses asked for (a validation reask is the second); 0 if none
    latency_ms: float
    deadline_s: float
    input_tokens: int | None
    output_tokens: int | None
    usage_known: bool  # False when the deadline cut the call: tokens are partial or missing
    cost_usd: float | None  # None when the model has no entry in the price table
    cache_hit: bool
    cache_key: str | None
    cache_tier: CacheTier | None = None  # the tier that answered a cache hit; None: not a hit
    breaker_state: BreakerState
    fallback_reason: FallbackReason | None
    detail: str | None = None  # a short, secret-free description of the failure
    adjustment: JITAdjustment | None


class AuxAnchorDivergence(Frozen):
    exercise: str
    anchor_weight_kg: float
    llm_override_weight_kg: float
    reason: str


class Divergence(Frozen):
    """How far the LLM's session is from the formula's (§6.2, plus our own measures)."""

    weight_pct: float  # |llm - formula| / formula, first main set; 0 without a formula weight
    set_delta: int  # llm main sets - formula main sets
    rpe_context_summary: str  # the model's first rationale line
    aux_anchor_overrides: tuple[AuxAnchorDivergence, ...] | None = None
    # ours
    skip_mismatch: bool  # one skips the main lift, the other does not
    intensity_delta: float  # llm intensity modifier - formula intensity modifier
    volume_delta: float  # llm volume modifier - formula volume modifier
    aux_rows_changed: int  # accessory rows whose exercise, skip or sets differ
    constraint_warnings: int  # how many rules of the constraint pass changed the model's session


class ComparisonRecord(Frozen):
    """The hybrid strategy's log row: both sessions, how far apart, and what was served."""

    served: StrategyUsed
    shadow: bool
    fallback_reason: FallbackReason | None
    divergence: Divergence | None  # None when the LLM gave no session
    should_surface_to_user: bool
    formula_output: JITOutput
    llm_output: JITOutput | None


class GenerationResult(Frozen):
    """A served output with what the shell stores beside it."""

    output: JITOutput
    call: LlmCallRecord | None = None
    comparison: ComparisonRecord | None = None
    route: str | None = None  # `auto`: which strategy it chose, and why
    # A rollout's shadow call: the candidate prompt or model run beside the served session,
    # logged, never served (`training_engine.strategies.auto`).
    shadow_call: LlmCallRecord | None = None
    strategy: str | None = None  # the strategy that ran (set by `serve`)
    # `auto`'s bandit decision, logged with the generation (its reward joins at completion).
    bandit: BanditDecision | None = None
