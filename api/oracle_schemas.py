"""The optimisation oracle's request and response bodies (issue 12): a run with its summaries,
recommendations and distillations, a distilled rule with its validation and events, and the
admin's activation."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, Field

from api.schemas import ChangeNote, Page, Request
from shared_types.oracle import (
    ContextSummary,
    DistilledRule,
    OracleThresholds,
    Recommendation,
    Validation,
)

__all__ = [
    "Distillation",
    "DistilledRuleOut",
    "DistilledRulePage",
    "OracleRunIn",
    "OracleRunOut",
    "OracleRunPage",
    "RuleActivation",
    "RuleEventOut",
    "RuleStatus",
    "Trigger",
]

Trigger = Literal["manual", "schedule", "cli"]
RuleStatus = Literal["draft", "validated", "failed", "active", "rolled_back"]


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
    why: str
    changed_by: str
    created_at: datetime


class DistilledRuleOut(BaseModel):
    id: str
    version: str
    context: str
    status: RuleStatus
    share: float | None = Field(description="While active: the share of lifters it serves.")
    rule: DistilledRule
    validation: Validation
    run_id: str
    events: list[RuleEventOut]
    created_at: datetime
    updated_at: datetime


class DistilledRulePage(Page[DistilledRuleOut]):
    """A page of `DistilledRuleOut`, newest first."""


class RuleActivation(ChangeNote):
    """Who activates a validated rule, why, and the share of lifters it serves (a stable hash of
    the lifter and the rule, as rollouts bucket: 1 serves every lifter in its context)."""

    share: Annotated[float, Field(gt=0, le=1)] = 1.0
