"""The optimisation oracle's request and response bodies (issue 12): a run with its summaries,
recommendations and distillations, a distilled rule with its validation, phase, SLO guard and
events, and the admin's activation."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, Field, model_validator

from api.schemas import ROLLOUT_WINDOW, ChangeNote, Page, Request, SloCheck
from shared_types.oracle import (
    ContextSummary,
    DistilledRule,
    OracleThresholds,
    Recommendation,
    Validation,
)
from shared_types.routing import Phase, SloThresholds
from training_engine.routing.rollout import SHARE

__all__ = [
    "RULE_MIN_SAMPLES",
    "RULE_PHASES",
    "Distillation",
    "DistilledRuleOut",
    "DistilledRulePage",
    "OracleRunIn",
    "OracleRunOut",
    "OracleRunPage",
    "RuleActivation",
    "RuleEventOut",
    "RulePhase",
    "RuleStatus",
    "Trigger",
]

Trigger = Literal["manual", "schedule", "cli"]
RuleStatus = Literal["draft", "validated", "failed", "active", "rolled_back"]
RulePhase = Literal["canary", "guarded", "general"]
"""The rollout phases an active rule serves in, with their shares (`rollout.SHARE`)."""
RULE_PHASES: tuple[Phase, ...] = (Phase.CANARY, Phase.GUARDED, Phase.GENERAL)

RULE_MIN_SAMPLES = 30
"""Finished sessions each arm (the rule's, the model's) needs before the guard gives a verdict
and before an advance (docs/domain/oracle.md): the oracle's own `min_calls` floor."""


class Distillation(BaseModel):
    """What one `distil` recommendation of a run led to: a stored rule and its validation, or
    why none (not fitted, or not allowed to act on this trigger)."""

    context: str
    rule_id: str | None
    version: str | None
    status: RuleStatus | None
    reason: str
    validation: Validation | None


class OracleRunOut(BaseModel):
    id: str
    trigger: Trigger
    period_start: datetime
    period_end: datetime
    calls: int = Field(description="Model-served generations read.")
    thresholds: OracleThresholds
    summaries: list[ContextSummary]
    recommendations: list[Recommendation]
    distillations: list[Distillation]
    created_at: datetime


class OracleRunPage(Page[OracleRunOut]):
    """A page of `OracleRunOut`, newest first."""


class OracleRunIn(Request):
    """A manual run's period (default: the configured days up to now)."""

    since: AwareDatetime | None = None
    until: AwareDatetime | None = None


class RuleEventOut(BaseModel):
    from_status: RuleStatus | None
    to_status: RuleStatus
    from_phase: RulePhase | None = None
    to_phase: RulePhase | None = None
    why: str
    changed_by: str
    created_at: datetime


class DistilledRuleOut(BaseModel):
    id: str
    version: str
    context: str
    status: RuleStatus
    share: float | None = Field(
        description="While active: the share of lifters it serves (its phase's; 0 while paused)."
    )
    phase: RulePhase | None = Field(
        default=None, description="While active: canary, guarded or general."
    )
    paused: bool = False
    min_samples: int | None = None
    thresholds: SloThresholds | None = None
    phase_started_at: datetime | None = None
    window: SloCheck | None = Field(
        default=None,
        description="While active: the SLO guard's current windows (the rule's sessions since "
        "its phase began against the model's in the context) and verdict.",
    )
    last_check: SloCheck | None = Field(default=None, description="The guard's newest check.")
    rule: DistilledRule
    validation: Validation
    run_id: str
    events: list[RuleEventOut]
    created_at: datetime
    updated_at: datetime


class DistilledRulePage(Page[DistilledRuleOut]):
    """A page of `DistilledRuleOut`, newest first."""


class RuleActivation(ChangeNote):
    """Who activates a validated rule, why, the phase it starts in (canary unless named) and its
    SLO guard's thresholds and minimum samples. A lifter is served while its stable bucket (a
    hash of the lifter and the rule, as rollouts bucket) is below the phase's share.

    `share` is the earlier form: it must be one of the phases' shares (0.05, 0.25, 1) and names
    that phase."""

    phase: RulePhase | None = None
    share: Annotated[float, Field(gt=0, le=1)] | None = None
    min_samples: Annotated[int, Field(ge=1, le=ROLLOUT_WINDOW, strict=True)] = RULE_MIN_SAMPLES
    thresholds: SloThresholds = Field(default_factory=SloThresholds)

    @model_validator(mode="after")
    def _share_names_a_phase(self) -> RuleActivation:
        if self.share is None:
            return self
        named = [p for p in RULE_PHASES if SHARE[p] == self.share]
        if not named:
            shares = ", ".join(f"{SHARE[p]:g} ({p})" for p in RULE_PHASES)
            raise ValueError(f"share must be a phase's share: {shares}")
        if self.phase is not None and self.phase != named[0].value:
            raise ValueError(f"share {self.share:g} is {named[0]}, not {self.phase}")
        return self

    @property
    def starts_in(self) -> Phase:
        """The phase named (by `phase` or `share`), else canary."""
        if self.phase is not None:
            return Phase(self.phase)
        named = [p for p in RULE_PHASES if self.share is not None and SHARE[p] == self.share]
        return named[0] if named else Phase.CANARY
