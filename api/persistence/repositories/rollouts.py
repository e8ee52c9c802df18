"""Phased rollouts and their audit events (issue 11).

A rollout's scope key is a routing rule's (`global`, `lifter:<id>`, `lift:<id>:<lift>`); the
generation path reads the active rollouts of its three keys and the most specific one applies.
The SLO window is read per arm from the generations the rollout assigned: each generation's
fallback, its model call's latency and cost (0 without a call), and |mean RPE error| of its
session's outcome once the session is done.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, func
from sqlmodel import col, select

from api.persistence.db import Unit
from api.persistence.repositories.rows import insert_unique
from api.persistence.tables import (
    GenerationRow,
    LlmCallRow,
    RolloutEventRow,
    RolloutRow,
    SessionOutcomeRow,
)
from shared_types.routing import Phase, SloSample

__all__ = [
    "active_rollouts",
    "add_event",
    "add_rollout",
    "event_page",
    "rollout",
    "rollout_page",
    "slo_sample",
    "window",
]


def add_rollout(unit: Unit, row: RolloutRow) -> bool:
    """Stores the rollout; False when its scope already has an active one (the partial unique
    index decides, so two concurrent starts cannot both win). After False the unit's
    transaction is spoiled (`rows.insert_unique`)."""
    return insert_unique(unit, row)


def rollout(unit: Unit, rollout_id: str, *, lock: bool = False) -> RolloutRow | None:
    query = select(RolloutRow).where(RolloutRow.id == rollout_id)
    if lock:
        query = query.with_for_update()
    return unit.exec(query).first()


def active_rollouts(unit: Unit, scope_keys: list[str]) -> list[RolloutRow]:
    """The active rollouts (phase not off) of these scopes, at most one each."""
    query = select(RolloutRow).where(
        col(RolloutRow.scope_key).in_(scope_keys), RolloutRow.phase != Phase.OFF.value
    )
    return list(unit.exec(query).all())


def rollout_page(
    unit: Unit, *, active_only: bool, limit: int, offset: int
) -> tuple[int, list[RolloutRow]]:
    """Rollouts (only the active ones, if asked), newest first, and their count."""
    conditions = [RolloutRow.phase != Phase.OFF.value] if active_only else []
    total = unit.exec(select(func.count()).select_from(RolloutRow).where(*conditions)).one()
    rows = unit.exec(
        select(RolloutRow)
        .where(*conditions)
        .order_by(col(RolloutRow.started_at).desc(), col(RolloutRow.id))
        .limit(limit)
        .offset(offset)
    ).all()
    return total, list(rows)


def add_event(unit: Unit, row: RolloutEventRow) -> None:
    unit.add(row)
    unit.flush()


def event_page(
    unit: Unit, rollout_id: str, limit: int, offset: int
) -> tuple[int, list[RolloutEventRow]]:
    """A rollout's events, newest first, and their count."""
    where = RolloutEventRow.rollout_id == rollout_id
    total = unit.exec(select(func.count()).select_from(RolloutEventRow).where(where)).one()
    rows = unit.exec(
        select(RolloutEventRow)
        .where(where)
        .order_by(col(RolloutEventRow.id).desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return total, list(rows)


def window(
    unit: Unit, rollout_id: str, arm: str, *, since: datetime | None, size: int
) -> list[SloSample]:
    """The newest `size` generations of one arm of the rollout (since `since`, if given), as
    SLO samples."""
    conditions: list[ColumnElement[bool]] = [
        col(GenerationRow.rollout_id) == rollout_id,
        col(GenerationRow.rollout_arm) == arm,
    ]
    if since is not None:
        conditions.append(col(GenerationRow.created_at) >= since)
    rows = unit.exec(
        select(
            GenerationRow.fallback_reason,
            LlmCallRow.latency_ms,
            LlmCallRow.cost_usd,
            SessionOutcomeRow.mean_rpe_error,
        )
        .outerjoin(LlmCallRow, col(LlmCallRow.generation_id) == GenerationRow.id)
        .outerjoin(SessionOutcomeRow, col(SessionOutcomeRow.session_id) == GenerationRow.session_id)
        .where(*conditions)
        .order_by(col(GenerationRow.created_at).desc(), col(GenerationRow.id))
        .limit(size)
    ).all()
    return [slo_sample(fallback, latency, cost, error) for fallback, latency, cost, error in rows]


def slo_sample(
    fallback_reason: str | None,
    latency_ms: float | None,
    cost_usd: float | None,
    mean_rpe_error: float | None,
) -> SloSample:
    """One generation as an SLO sample: its fallback, its model call's latency and cost (0
    without a call), |mean RPE error| of its session's outcome (None before one). The oracle's
    rule guard reads its windows through this too."""
    return SloSample(
        latency_ms=latency_ms or 0.0,
        fell_back=fallback_reason is not None,
        cost_usd=cost_usd or 0.0,
        rpe_error=None if mean_rpe_error is None else abs(mean_rpe_error),
    )
