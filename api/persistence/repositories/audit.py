"""The LLM layer's records: model call records and hybrid comparisons."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from statistics import median
from typing import TypeVar

from sqlalchemy import ColumnElement, func
from sqlmodel import col, select

from api.persistence.db import Unit
from api.persistence.tables import ComparisonLogRow, LlmCallRow

__all__ = [
    "RecordFilter",
    "call_expectations",
    "comparison_logs",
    "generation_records",
    "llm_calls",
    "model_calls_since",
]

RecordRow = TypeVar("RecordRow", LlmCallRow, ComparisonLogRow)


def generation_records(
    unit: Unit, generation_id: str | None
) -> tuple[LlmCallRow | None, ComparisonLogRow | None]:
    """A generation's model call record and hybrid comparison (each at most one)."""
    if generation_id is None:
        return None, None
    call = unit.exec(select(LlmCallRow).where(LlmCallRow.generation_id == generation_id)).first()
    comparison = unit.exec(
        select(ComparisonLogRow).where(ComparisonLogRow.generation_id == generation_id)
    ).first()
    return call, comparison


@dataclass(frozen=True)
class RecordFilter:
    """Which records a listing keeps: of one lifter or session, of one strategy, created in
    [since, before); None keeps all."""

    lifter_id: str | None = None
    session_id: str | None = None
    strategy: str | None = None
    since: datetime | None = None
    before: datetime | None = None


def _newest_first(
    unit: Unit, table: type[RecordRow], where: RecordFilter, *, limit: int, offset: int
) -> tuple[int, list[RecordRow]]:
    conditions: list[ColumnElement[bool]] = []
    if where.lifter_id is not None:
        conditions.append(col(table.lifter_id) == where.lifter_id)
    if where.session_id is not None:
        conditions.append(col(table.session_id) == where.session_id)
    if where.strategy is not None:
        conditions.append(col(table.strategy) == where.strategy)
    if where.since is not None:
        conditions.append(col(table.created_at) >= where.since)
    if where.before is not None:
        conditions.append(col(table.created_at) < where.before)
    total = unit.exec(select(func.count()).select_from(table).where(*conditions)).one()
    rows = unit.exec(
        select(table)
        .where(*conditions)
        .order_by(col(table.created_at).desc(), col(table.id).desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return total, list(rows)


def llm_calls(
    unit: Unit, where: RecordFilter, *, limit: int, offset: int
) -> tuple[int, list[LlmCallRow]]:
    """Model call records that `where` keeps, newest first, and their count."""
    return _newest_first(unit, LlmCallRow, where, limit=limit, offset=offset)


def comparison_logs(
    unit: Unit, where: RecordFilter, *, limit: int, offset: int
) -> tuple[int, list[ComparisonLogRow]]:
    """Hybrid comparisons that `where` keeps, newest first, and their count."""
    return _newest_first(unit, ComparisonLogRow, where, limit=limit, offset=offset)


EXPECTATION_WINDOW = 50  # the newest answered model calls `call_expectations` reads


def model_calls_since(unit: Unit, lifter_id: str, since: datetime) -> int:
    """How many model calls (cache hits left out: they cost nothing) the lifter's generations
    made since `since`."""
    return unit.exec(
        select(func.count())
        .select_from(LlmCallRow)
        .where(
            LlmCallRow.lifter_id == lifter_id,
            LlmCallRow.created_at >= since,
            col(LlmCallRow.cache_hit).is_(False),
            col(LlmCallRow.attempts) > 0,
        )
    ).one()


def call_expectations(unit: Unit) -> tuple[float | None, float | None]:
    """The median latency (ms) and cost (USD) of the newest answered model calls (no cache hit,
    no fallback), every lifter's: what the next call is expected to take. None: no history."""
    rows = unit.exec(
        select(LlmCallRow.latency_ms, LlmCallRow.cost_usd)
        .where(col(LlmCallRow.cache_hit).is_(False), col(LlmCallRow.fallback_reason).is_(None))
        .order_by(col(LlmCallRow.id).desc())
        .limit(EXPECTATION_WINDOW)
    ).all()
    latencies = [latency for latency, _ in rows]
    costs = [cost for _, cost in rows if cost is not None]
    return (median(latencies) if latencies else None, median(costs) if costs else None)
