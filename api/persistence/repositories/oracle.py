"""The optimisation oracle's storage (issue 12): the logged model calls it reads, its runs, the
rules it distils and their events.

What is read: one row per model call of the generation its session still holds (a regenerated
session's earlier generations are left out: their outcome is not theirs, and the session keeps
only the newest input), with the session's input snapshot (the routing context), its served
output's warnings, the hybrid comparison's divergence when one was logged, and the session's
outcome once it is in. Calls a missing provider recorded (`fallback_reason = disabled`) asked no
model and are left out.

The SLO guard of an active rule (issue 12) reads two windows of finished sessions (held
generations whose outcome has an RPE error): the rule's (its version and context in the
generation's route) and the model's in the lift (the service keeps those of the rule's context).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func
from sqlmodel import col, select

from api.persistence.db import Unit
from api.persistence.repositories.rollouts import slo_sample
from api.persistence.repositories.rows import insert_unique
from api.persistence.tables import (
    ComparisonLogRow,
    DistilledRuleEventRow,
    DistilledRuleRow,
    GenerationRow,
    LlmCallRow,
    OracleRunRow,
    SessionOutcomeRow,
    SessionRow,
)
from shared_types.routing import SloSample

__all__ = [
    "LoggedCall",
    "ModelSample",
    "active_in_context",
    "active_rules",
    "add_event",
    "add_rule",
    "add_run",
    "guarded_rules",
    "logged_calls",
    "model_samples",
    "next_version",
    "rule",
    "rule_events",
    "rule_page",
    "rule_samples",
    "run",
    "run_page",
    "runs_since",
]

DISABLED = "disabled"
RULE_SERVED = "distilled_rule {version} in {context}:"  # in the route of a rule's generation


@dataclass(frozen=True)
class LoggedCall:
    """One model call of a served generation, with what the oracle reads beside it."""

    lifter_id: str
    session_id: str
    created_at: datetime
    latency_ms: float
    input_tokens: int | None
    output_tokens: int | None
    cost_usd: float | None
    cache_hit: bool
    fallback_reason: str | None
    adjustment: dict[str, Any] | None
    snapshot: dict[str, Any] | None  # the session's JITInput
    output: dict[str, Any] | None  # the session's served JITOutput (no trace)
    divergence: Mapping[str, Any] | None  # the comparison's Divergence, when logged
    outcome: Mapping[str, Any] | None  # the SessionOutcome, once recorded


def logged_calls(unit: Unit, since: datetime, until: datetime) -> list[LoggedCall]:
    """The model calls made in [since, until) of the generations their sessions hold, oldest
    first (the integer id breaks ties)."""
    rows = unit.exec(
        select(
            LlmCallRow,
            SessionRow,
            ComparisonLogRow.divergence,
            SessionOutcomeRow.outcome,
        )
        .join(
            SessionRow,
            and_(
                col(SessionRow.id) == col(LlmCallRow.session_id),
                col(SessionRow.generation_id) == col(LlmCallRow.generation_id),
            ),
        )
        .outerjoin(
            ComparisonLogRow,
            col(ComparisonLogRow.generation_id) == col(LlmCallRow.generation_id),
        )
        .outerjoin(SessionOutcomeRow, col(SessionOutcomeRow.session_id) == col(SessionRow.id))
        .where(
            col(LlmCallRow.created_at) >= since,
            col(LlmCallRow.created_at) < until,
            col(LlmCallRow.fallback_reason).is_distinct_from(DISABLED),
        )
        .order_by(col(LlmCallRow.created_at), col(LlmCallRow.id))
    ).all()
    calls: list[LoggedCall] = []
    for call, session, divergence, outcome in rows:
        calls.append(
            LoggedCall(
                lifter_id=session.lifter_id,
                session_id=session.id,
                created_at=call.created_at,
                latency_ms=call.latency_ms,
                input_tokens=call.input_tokens,
                output_tokens=call.output_tokens,
                cost_usd=call.cost_usd,
                cache_hit=call.cache_hit,
                fallback_reason=call.fallback_reason,
                adjustment=call.adjustment,
                snapshot=session.jit_input_snapshot,
                output=session.jit_output,
                divergence=divergence,
                outcome=outcome,
            )
        )
    return calls


# --- runs --------------------------------------------------------------------------------------


def add_run(unit: Unit, row: OracleRunRow) -> bool:
    """Stores a run; False when its id is taken (a scheduled run's slot claimed by another
    worker; the unit's transaction is then spoiled, `rows.insert_unique`)."""
    return insert_unique(unit, row)


def run(unit: Unit, run_id: str) -> OracleRunRow | None:
    return unit.exec(select(OracleRunRow).where(OracleRunRow.id == run_id)).first()


def run_page(unit: Unit, limit: int, offset: int) -> tuple[int, list[OracleRunRow]]:
    total = unit.exec(select(func.count()).select_from(OracleRunRow)).one()
    rows = unit.exec(
        select(OracleRunRow)
        .order_by(col(OracleRunRow.created_at).desc(), col(OracleRunRow.id))
        .limit(limit)
        .offset(offset)
    ).all()
    return total, list(rows)


def runs_since(unit: Unit, trigger: str, since: datetime) -> int:
    """How many runs of this trigger were stored from `since` on."""
    return unit.exec(
        select(func.count())
        .select_from(OracleRunRow)
        .where(OracleRunRow.trigger == trigger, col(OracleRunRow.created_at) >= since)
    ).one()


# --- rules -------------------------------------------------------------------------------------


def add_rule(unit: Unit, row: DistilledRuleRow) -> bool:
    """Stores a rule; False when its context already has that version (a concurrent run took
    it; the unit's transaction is then spoiled, `rows.insert_unique`)."""
    return insert_unique(unit, row)


def next_version(unit: Unit, context_key: str) -> int:
    """The next version number of a context's rules (1 for the first)."""
    count = unit.exec(
        select(func.count())
        .select_from(DistilledRuleRow)
        .where(DistilledRuleRow.context_key == context_key)
    ).one()
    return int(count) + 1


def rule(unit: Unit, rule_id: str, *, lock: bool = False) -> DistilledRuleRow | None:
    query = select(DistilledRuleRow).where(DistilledRuleRow.id == rule_id)
    if lock:
        query = query.with_for_update()
    return unit.exec(query).first()


def rule_page(
    unit: Unit, status: str | None, limit: int, offset: int
) -> tuple[int, list[DistilledRuleRow]]:
    conditions = [] if status is None else [DistilledRuleRow.status == status]
    total = unit.exec(select(func.count()).select_from(DistilledRuleRow).where(*conditions)).one()
    rows = unit.exec(
        select(DistilledRuleRow)
        .where(*conditions)
        .order_by(col(DistilledRuleRow.created_at).desc(), col(DistilledRuleRow.id))
        .limit(limit)
        .offset(offset)
    ).all()
    return total, list(rows)


def active_rules(unit: Unit, lift: str, intensity_type: str) -> list[DistilledRuleRow]:
    """The active rules of one lift and intensity type (the contexts a generation may be in)."""
    return list(
        unit.exec(
            select(DistilledRuleRow).where(
                DistilledRuleRow.lift == lift,
                DistilledRuleRow.intensity_type == intensity_type,
                DistilledRuleRow.status == "active",
            )
        ).all()
    )


def active_in_context(unit: Unit, context_key: str) -> DistilledRuleRow | None:
    return unit.exec(
        select(DistilledRuleRow).where(
            DistilledRuleRow.context_key == context_key, DistilledRuleRow.status == "active"
        )
    ).first()


def add_event(unit: Unit, row: DistilledRuleEventRow) -> None:
    unit.add(row)
    unit.flush()


def rule_events(unit: Unit, rule_id: str) -> list[DistilledRuleEventRow]:
    return list(
        unit.exec(
            select(DistilledRuleEventRow)
            .where(DistilledRuleEventRow.rule_id == rule_id)
            .order_by(col(DistilledRuleEventRow.created_at), col(DistilledRuleEventRow.id))
        ).all()
    )


def guarded_rules(
    unit: Unit, *, lift: str | None = None, intensity_type: str | None = None
) -> list[DistilledRuleRow]:
    """The active rules the SLO guard watches (in a phase, not paused), of one lift and
    intensity type when given, locked, in id order (so two guards lock them in one order)."""
    query = select(DistilledRuleRow).where(
        DistilledRuleRow.status == "active",
        col(DistilledRuleRow.phase).is_not(None),
        col(DistilledRuleRow.paused).is_(False),
    )
    if lift is not None:
        query = query.where(DistilledRuleRow.lift == lift)
    if intensity_type is not None:
        query = query.where(DistilledRuleRow.intensity_type == intensity_type)
    return list(unit.exec(query.order_by(col(DistilledRuleRow.id)).with_for_update()).all())


# --- the guard's windows -----------------------------------------------------------------------


def _finished(query: Any) -> Any:
    """Generations their sessions still hold, whose session finished with an RPE error."""
    return (
        query.join(
            SessionRow,
            and_(
                col(SessionRow.id) == col(GenerationRow.session_id),
                col(SessionRow.generation_id) == col(GenerationRow.id),
            ),
        )
        .join(SessionOutcomeRow, col(SessionOutcomeRow.session_id) == col(SessionRow.id))
        .where(col(SessionOutcomeRow.mean_rpe_error).is_not(None))
    )


def rule_samples(
    unit: Unit, version: str, context_key: str, *, since: datetime, size: int
) -> list[SloSample]:
    """The newest `size` finished sessions a rule served (its version and context in the
    generation's route) since `since`, as SLO samples (`rollouts.slo_sample`)."""
    marker = RULE_SERVED.format(version=version, context=context_key)
    rows = unit.exec(
        _finished(
            select(
                GenerationRow.fallback_reason,
                LlmCallRow.latency_ms,
                LlmCallRow.cost_usd,
                SessionOutcomeRow.mean_rpe_error,
            ).outerjoin(LlmCallRow, col(LlmCallRow.generation_id) == col(GenerationRow.id))
        )
        .where(
            col(GenerationRow.route).contains(marker, autoescape=True),
            col(GenerationRow.created_at) >= since,
        )
        .order_by(col(GenerationRow.created_at).desc(), col(GenerationRow.id))
        .limit(size)
    ).all()
    return [slo_sample(*row) for row in rows]


@dataclass(frozen=True)
class ModelSample:
    """One finished model-served session of a lift, with its input (the caller reads the
    routing context from it)."""

    snapshot: dict[str, Any] | None
    sample: SloSample


def model_samples(
    unit: Unit, lift: str, intensity_type: str, *, since: datetime
) -> list[ModelSample]:
    """Every finished session of the lift and intensity type since `since` whose generation
    asked the model
    (strategy llm; a missing provider's `disabled` record asked none), newest first, as SLO
    samples with the session's input."""
    rows = unit.exec(
        _finished(
            select(
                GenerationRow.fallback_reason,
                LlmCallRow,
                SessionOutcomeRow.mean_rpe_error,
                SessionRow.jit_input_snapshot,
            ).join(LlmCallRow, col(LlmCallRow.generation_id) == col(GenerationRow.id))
        )
        .where(
            col(SessionRow.primary_lift) == lift,
            col(SessionRow.intensity_type) == intensity_type,
            col(GenerationRow.created_at) >= since,
            col(LlmCallRow.strategy) == "llm",
            col(LlmCallRow.fallback_reason).is_distinct_from(DISABLED),
        )
        .order_by(col(GenerationRow.created_at).desc(), col(GenerationRow.id))
    ).all()
    return [
        ModelSample(snapshot, slo_sample(fallback, call.latency_ms, call.cost_usd, error))
        for fallback, call, error, snapshot in rows
    ]
