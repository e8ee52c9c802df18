"""Values of the routing policy (issue 11): rules, the gate's answer, rollout phases, SLO
windows, budgets and the route decision. Pure data; the logic is in `training_engine/routing/`.

These are the values the shell stores (rules, budgets, rollouts) and shows on a generation's
`route`, so they are boundary models: frozen, unknown keys rejected.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field

from shared_types.bandit import ArmPosterior, BanditDecision
from shared_types.base import Frozen
from shared_types.enums import FallbackReason
from shared_types.llm import PromptVersion
from shared_types.oracle import DistilledRule

__all__ = [
    "RULE_FIELDS",
    "BanditFacts",
    "BudgetState",
    "EffectiveRule",
    "GateDecision",
    "ModelVariant",
    "Phase",
    "RolloutArm",
    "RouteDecision",
    "RouteRule",
    "RouteStrategy",
    "RoutingFacts",
    "RuleField",
    "RuleSource",
    "SloSample",
    "SloSummary",
    "SloThresholds",
    "SloVerdict",
    "Spend",
]

RouteStrategy = Literal["formula", "llm", "hybrid", "shadow"]
"""What serves: the formula; the model's adjustment; both compared; the formula with the model
run beside it and logged (hybrid's shadow mode)."""

RuleSource = Literal["global", "lifter", "lift", "default"]
RuleField = Literal[
    "strategy",
    "never_on_deload",
    "never_in_recovery",
    "min_latency_ms",
    "max_cost_per_call",
    "max_calls_per_day",
    "prefer_llm_for_flexibility",
]
RULE_FIELDS: tuple[RuleField, ...] = (
    "strategy",
    "never_on_deload",
    "never_in_recovery",
    "min_latency_ms",
    "max_cost_per_call",
    "max_calls_per_day",
    "prefer_llm_for_flexibility",
)

RolloutArm = Literal["candidate", "control", "shadow"]
"""Which side of a rollout serves a lifter; `shadow`: the control serves and the candidate runs
beside it, logged (the shadow phase)."""

NonNegative = Annotated[float, Field(ge=0)]
Count = Annotated[int, Field(ge=0)]


class RouteRule(Frozen):
    """One level's rule (global, a lifter's, or one lift of a lifter's). Every field is optional:
    an unset field (None) inherits from the less specific level."""

    strategy: RouteStrategy | None = None
    never_on_deload: bool | None = None
    never_in_recovery: bool | None = None
    # The latency budget within which a model call is worth making: above it, the formula serves.
    min_latency_ms: NonNegative | None = None
    max_cost_per_call: NonNegative | None = None  # USD
    max_calls_per_day: Count | None = None
    # True: the oracle's automatic policy changes are only recommended (a manual trigger acts).
    prefer_llm_for_flexibility: bool | None = None


class EffectiveRule(Frozen):
    """The rule that applies to one lifter and lift, each field resolved, with where each value
    came from (`sources[field]`). Thresholds left None mean "no limit"."""

    strategy: RouteStrategy
    never_on_deload: bool
    never_in_recovery: bool
    min_latency_ms: NonNegative | None
    max_cost_per_call: NonNegative | None
    max_calls_per_day: Count | None
    prefer_llm_for_flexibility: bool
    sources: dict[RuleField, RuleSource]


class ModelVariant(Frozen):
    """Which prompt and model a model call uses; None: the configured one. A rollout of a
    prompt version or a model moves one of these (`RoutingFacts.variant`)."""

    prompt_version: PromptVersion | None = None
    model: Annotated[str, Field(min_length=1, max_length=100)] | None = None

    def describe(self) -> str:
        parts = [
            f"prompt {self.prompt_version}" if self.prompt_version else "",
            f"model {self.model}" if self.model else "",
        ]
        return " and ".join(p for p in parts if p) or "the configured prompt and model"


class GateDecision(Frozen):
    """The confidence gate's answer: `confident` means the formula serves without a model call."""

    confident: bool
    reasons: tuple[str, ...]


class RouteDecision(Frozen):
    """What serves this generation and why, in the order the steps were taken."""

    strategy: RouteStrategy
    reasons: tuple[str, ...]
    fallback: Literal[FallbackReason.BUDGET_EXHAUSTED] | None = None
    variant: ModelVariant | None = None  # the served model call's prompt and model
    beside: ModelVariant | None = None  # a rollout's shadow call, run beside and only logged
    bandit: BanditDecision | None = None  # the bandit's choice between the allowed arms
    # An active distilled rule (issue 12, the oracle) serves in place of the model: its
    # adjustment goes through the LLM path's apply and constraint pass, with no model call.
    distilled: DistilledRule | None = None


class Phase(StrEnum):
    """A rollout's phase, in order (the candidate's share: `training_engine.routing.rollout`)."""

    OFF = "off"
    SHADOW = "shadow"
    CANARY = "canary"
    GUARDED = "guarded"
    GENERAL = "general"


class SloSample(Frozen):
    """One generation of one arm: how long it took, whether it fell back, what it cost and, once
    the session is done, how far the lifter's RPE was from the target."""

    latency_ms: NonNegative
    fell_back: bool
    cost_usd: NonNegative
    rpe_error: NonNegative | None = None  # |actual - target| RPE, None until an outcome exists


class SloSummary(Frozen):
    """A window of one arm's samples, summarised."""

    n: Count
    p99_latency_ms: NonNegative
    fallback_rate: Annotated[float, Field(ge=0, le=1)]
    cost_per_generation: NonNegative
    mean_rpe_error: NonNegative | None  # None when no sample has an outcome
    rpe_n: Count


class SloThresholds(Frozen):
    """How much worse than the control the candidate may be (docs/domain/routing.md)."""

    p99_latency_ratio: Annotated[float, Field(ge=1)] = 1.10
    fallback_rate_points: Annotated[float, Field(ge=0, le=1)] = 0.02
    cost_ratio: Annotated[float, Field(ge=1)] = 1.05
    rpe_error_ratio: Annotated[float, Field(ge=1)] = 1.05
    # A control that calls no model (the formula) has no latency or cost to compare with: the
    # candidate is then held to these absolute ceilings instead (None: not checked).
    max_p99_latency_ms: NonNegative | None = None
    max_cost_per_generation: NonNegative | None = None


class SloVerdict(Frozen):
    """`breached` with every breached SLO named; no verdict before both arms have enough samples."""

    breached: bool
    breaches: tuple[str, ...]
    enough_samples: bool


Usd = Annotated[Decimal, Field(ge=0)]
"""Budget money is a Decimal: sums and differences of reservations are exact, so "never past
the limit" holds to the last digit (float sums drift by an ulp)."""


class Spend(Frozen):
    """Tokens and estimated USD: a call's estimate, its reservation or its actual use."""

    tokens: Count
    cost_usd: Usd


class BudgetState(Frozen):
    """One budget (a lifter's day, or the global day): its limits, what settled calls used and
    what calls in flight have reserved."""

    limit_tokens: Count
    limit_cost: Usd
    used_tokens: Count = 0
    used_cost: Usd = Decimal(0)
    reserved_tokens: Count = 0
    reserved_cost: Usd = Decimal(0)


class BanditFacts(Frozen):
    """What `auto`'s contextual bandit decides with (issue 12, docs/domain/bandit.md): its
    policy version and seed, the exploration floor, and the stored posteriors of the contexts
    the generation may fall in (by context key, then arm; a missing arm has the prior)."""

    policy_version: Annotated[str, Field(min_length=1, max_length=100)]
    seed: int
    floor: Annotated[float, Field(gt=0, le=1)] = 0.05
    posteriors: dict[str, dict[str, ArmPosterior]] = Field(default_factory=dict)


class RoutingFacts(Frozen):
    """What the shell knows about one generation that `auto` needs to decide: the effective rule,
    a manual trigger, whether a budget reservation was granted, the rollout arm, the model calls
    made today and what a call is expected to take and cost (None: unknown, not checked)."""

    rule: EffectiveRule
    manual: RouteStrategy | None = None
    budget_granted: bool = True
    rollout_arm: RolloutArm | None = None
    # The rollout's candidate prompt or model (None: the rollout moves a strategy).
    variant: ModelVariant | None = None
    calls_today: Count = 0
    expected_latency_ms: NonNegative | None = None
    expected_cost: NonNegative | None = None
    # `auto`'s bandit (None: the rules' strategy serves, as before).
    bandit: BanditFacts | None = None
    # The oracle's active distilled rules that serve this lifter, by routing context key (the
    # shell keeps only the rules whose share takes the lifter in; empty: none, as before).
    distilled: dict[str, DistilledRule] = Field(default_factory=dict)
