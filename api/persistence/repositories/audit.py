"""The LLM layer's records: model call records and hybrid comparisons."""

from __future__ import annotations

from datetime import datetime
from statistics import median
from typing import TypeVar

from sqlalchemy import ColumnElement, func
from sqlmodel import col, select

from api.persistence.db import Unit
from api.persistence.tables import ComparisonLogRow, LlmCallRow

__all__ = [
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


def _newest_first(
    unit: Unit,
    table: type[RecordRow],
    *,
    lifter_id: str | None,
    session_id: str | None,
    limit: int,
    offset: int,
    strategy: str | None = None,
    since: datetime | None = None,
    before: datetime | None = None,
) -> tuple[int, list[RecordRow]]:
    conditions: list[ColumnElement[bool]] = []
    if lifter_id is not None:
        conditions.append(col(table.lifter_id) == lifter_id)
    if session_id is not None:
        conditions.append(col(table.session_id) == session_id)
    if strategy is not None:
        conditions.append(col(table.strategy) == strategy)
    if since is not None:
        conditions.append(col(table.created_at) >= since)
    if before is not None:
        conditions.append(col(table.created_at) < before)
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
    unit: Unit,
    *,
    lifter_id: str | None,
    session_id: str | None,
    limit: int,
    offset: int,
    strategy: str | None = None,
    since: datetime | None = None,
    before: datetime | None = None,
) -> tuple[int, list[LlmCallRow]]:
    """Model call records, newest first (all lifters unless one is named; optionally of one
    strategy and created in [since, before)), and their count."""
    return _newest_first(
        unit,
        LlmCallRow,
        lifter_id=lifter_id,
        session_id=session_id,
        limit=limit,
        offset=offset,
        strategy=strategy,
        since=since,
        before=before,
    )


def comparison_logs(
    unit: Unit,
    *,
    lifter_id: str | None,
    session_id: str | None,
    limit: int,
    offset: int,
    strategy: str | None = None,
    since: datetime | None = None,
    before: datetime | None = None,
) -> tuple[int, list[ComparisonLogRow]]:
    """Hybrid comparisons, newest first (all lifters unless one is named; optionally of one
    strategy and created in [since, before)), and their count."""
    return _newest_first(
        unit,
        ComparisonLogRow,
        lifter_id=lifter_id,
        session_id=session_id,
        limit=limit,
        offset=offset,
        strategy=strategy,
        since=since,
        before=before,
    )


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
