"""The report's reads (issue 13, `jit-engine report`): read-only, over the generations of a
period and optional filters (a lifter, a session's primary lift, a rollout).

Every fact hangs off the filtered generations (`generations.created_at` in [since, until)):
their stage timings, model call records (with the cache tier of a hit), hybrid comparisons,
reviews, and the outcomes of the sessions that still hold them. The rows are narrow tuples;
the service (`api.services.report`) aggregates them in Python, so the same numbers come out on
SQLite and PostgreSQL (no dialect-specific JSON or percentile functions). The standing state
(rollouts, active distilled rules, what waits for a person, the newest oracle run) is read as it
is now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func
from sqlalchemy import select as columns
from sqlmodel import col, select

from api.persistence.db import Unit
from api.persistence.tables import (
    CalibrationRecommendationRow,
    ComparisonLogRow,
    DistilledRuleRow,
    GenerationRow,
    LlmCallRow,
    LoadSuggestionRow,
    OracleRunRow,
    RolloutRow,
    SessionOutcomeRow,
    SessionReviewRow,
    SessionRow,
)
from shared_types.routing import Phase

__all__ = [
    "CallFact",
    "ComparisonFact",
    "GenerationFact",
    "OracleRunFact",
    "OutcomeFact",
    "Scope",
    "active_rules",
    "call_facts",
    "comparison_facts",
    "generation_facts",
    "newest_oracle_run",
    "outcome_facts",
    "pending_recommendations",
    "pending_suggestions",
    "review_latencies",
    "rollouts_in_view",
]

PENDING = "pending"
ACTIVE_RULE = "active"


@dataclass(frozen=True)
class Scope:
    """The period, [since, until), and the filters (None: all)."""

    since: datetime
    until: datetime
    lifter_id: str | None = None
    lift: str | None = None
    rollout_id: str | None = None


@dataclass(frozen=True)
class GenerationFact:
    id: str
    created_at: datetime
    strategy: str  # what served (generations.jit_strategy)
    route: str | None
    fallback_reason: str | None
    rollout_id: str | None
    stage_ms: dict[str, float] | None  # None: stored before the stages were (revision 0021)


@dataclass(frozen=True)
class CallFact:
    generation_created_at: datetime
    strategy: str  # the strategy that asked: llm | hybrid | auto | shadow
    attempts: int
    cache_hit: bool
    cache_tier: str | None  # memory | database; None: not a hit, or a hit before revision 0021
    looked_up: bool  # a cache key was computed (the cache was asked)
    latency_ms: float
    input_tokens: int | None
    output_tokens: int | None
    cost_usd: float | None
    fallback_reason: str | None


@dataclass(frozen=True)
class ComparisonFact:
    shadow: bool
    strategy_used: str
    surfaced: bool
    divergence: dict[str, Any] | None


@dataclass(frozen=True)
class OutcomeFact:
    generation_created_at: datetime
    strategy: str
    status: str  # completed | skipped
    mean_rpe_error: float | None
    completion_ratio: float


@dataclass(frozen=True)
class OracleRunFact:
    id: str
    created_at: datetime
    recommendations: int


def _conditions(scope: Scope) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [
        col(GenerationRow.created_at) >= scope.since,
        col(GenerationRow.created_at) < scope.until,
    ]
    if scope.lifter_id is not None:
        conditions.append(col(GenerationRow.lifter_id) == scope.lifter_id)
    if scope.rollout_id is not None:
        conditions.append(col(GenerationRow.rollout_id) == scope.rollout_id)
    if scope.lift is not None:
        lifts = select(SessionRow.id).where(col(SessionRow.primary_lift) == scope.lift)
        conditions.append(col(GenerationRow.session_id).in_(lifts))
    return conditions


def generation_facts(unit: Unit, scope: Scope) -> list[GenerationFact]:
    """The period's generations, oldest first."""
    query = columns(
        col(GenerationRow.id),
        col(GenerationRow.created_at),
        col(GenerationRow.jit_strategy),
        col(GenerationRow.route),
        col(GenerationRow.fallback_reason),
        col(GenerationRow.rollout_id),
        col(GenerationRow.stage_ms),
    ).order_by(col(GenerationRow.created_at), col(GenerationRow.id))
    return [GenerationFact(*row) for row in unit.execute(query.where(*_conditions(scope))).all()]


def call_facts(unit: Unit, scope: Scope) -> list[CallFact]:
    """The model call records of the period's generations (a shadow call included)."""
    query = (
        columns(
            col(GenerationRow.created_at),
            col(LlmCallRow.strategy),
            col(LlmCallRow.attempts),
            col(LlmCallRow.cache_hit),
            col(LlmCallRow.cache_tier),
            col(LlmCallRow.cache_key).is_not(None),
            col(LlmCallRow.latency_ms),
            col(LlmCallRow.input_tokens),
            col(LlmCallRow.output_tokens),
            col(LlmCallRow.cost_usd),
            col(LlmCallRow.fallback_reason),
        )
        .join(GenerationRow, col(LlmCallRow.generation_id) == GenerationRow.id)
        .order_by(col(LlmCallRow.id))
    )
    return [CallFact(*row) for row in unit.execute(query.where(*_conditions(scope))).all()]


def comparison_facts(unit: Unit, scope: Scope) -> list[ComparisonFact]:
    """The hybrid comparisons of the period's generations."""
    query = (
        select(
            ComparisonLogRow.shadow,
            ComparisonLogRow.strategy_used,
            ComparisonLogRow.should_surface_to_user,
            ComparisonLogRow.divergence,
        )
        .join(GenerationRow, col(ComparisonLogRow.generation_id) == GenerationRow.id)
        .order_by(col(ComparisonLogRow.id))
    )
    return [ComparisonFact(*row) for row in unit.exec(query.where(*_conditions(scope))).all()]


def outcome_facts(unit: Unit, scope: Scope) -> list[OutcomeFact]:
    """The outcomes of the sessions whose current generation is one of the period's (a session
    regenerated later counts under its newest generation only)."""
    query = (
        columns(
            col(GenerationRow.created_at),
            col(GenerationRow.jit_strategy),
            col(SessionOutcomeRow.status),
            col(SessionOutcomeRow.mean_rpe_error),
            col(SessionOutcomeRow.completion_ratio),
        )
        .join(SessionRow, col(SessionRow.generation_id) == GenerationRow.id)
        .join(SessionOutcomeRow, col(SessionOutcomeRow.session_id) == SessionRow.id)
        .order_by(col(GenerationRow.created_at), col(GenerationRow.id))
    )
    return [OutcomeFact(*row) for row in unit.execute(query.where(*_conditions(scope))).all()]


def review_latencies(unit: Unit, scope: Scope) -> list[float]:
    """How long each review pass of the period's generations took (ok or failed)."""
    query = select(SessionReviewRow.latency_ms).join(
        GenerationRow, col(SessionReviewRow.generation_id) == GenerationRow.id
    )
    return [float(v) for v in unit.exec(query.where(*_conditions(scope))).all()]


def rollouts_in_view(unit: Unit, scope: Scope) -> list[RolloutRow]:
    """The rollout the scope names; else every active rollout and every rollout that assigned
    one of the period's generations an arm. Oldest first."""
    if scope.rollout_id is not None:
        where: ColumnElement[bool] = col(RolloutRow.id) == scope.rollout_id
    else:
        assigned = (
            select(GenerationRow.rollout_id)
            .distinct()
            .where(*_conditions(scope), col(GenerationRow.rollout_id).is_not(None))
        )
        where = (col(RolloutRow.phase) != Phase.OFF.value) | col(RolloutRow.id).in_(assigned)
    query = select(RolloutRow).where(where).order_by(col(RolloutRow.started_at), RolloutRow.id)
    return list(unit.exec(query).all())


def active_rules(unit: Unit, lift: str | None) -> list[DistilledRuleRow]:
    """The active distilled rules (of one lift, if given), by context."""
    query = select(DistilledRuleRow).where(col(DistilledRuleRow.status) == ACTIVE_RULE)
    if lift is not None:
        query = query.where(col(DistilledRuleRow.lift) == lift)
    return list(unit.exec(query.order_by(col(DistilledRuleRow.context_key))).all())


def pending_recommendations(unit: Unit, lifter_id: str | None) -> dict[str, int]:
    """Calibration recommendations waiting for a person, per modifier source."""
    query = (
        select(CalibrationRecommendationRow.source, func.count())
        .where(col(CalibrationRecommendationRow.status) == PENDING)
        .group_by(col(CalibrationRecommendationRow.source))
    )
    if lifter_id is not None:
        query = query.where(col(CalibrationRecommendationRow.lifter_id) == lifter_id)
    return {source: int(n) for source, n in unit.exec(query).all()}


def pending_suggestions(unit: Unit, lifter_id: str | None, lift: str | None) -> dict[str, int]:
    """Load suggestions waiting for a person, per lift."""
    query = (
        select(LoadSuggestionRow.lift, func.count())
        .where(col(LoadSuggestionRow.status) == PENDING)
        .group_by(col(LoadSuggestionRow.lift))
    )
    if lifter_id is not None:
        query = query.where(col(LoadSuggestionRow.lifter_id) == lifter_id)
    if lift is not None:
        query = query.where(col(LoadSuggestionRow.lift) == lift)
    return {name: int(n) for name, n in unit.exec(query).all()}


def newest_oracle_run(unit: Unit) -> OracleRunFact | None:
    """The newest oracle run and how many recommendations it made."""
    row = unit.exec(
        select(OracleRunRow).order_by(col(OracleRunRow.created_at).desc(), col(OracleRunRow.id))
    ).first()
    if row is None:
        return None
    return OracleRunFact(row.id, row.created_at, len(row.recommendations))
