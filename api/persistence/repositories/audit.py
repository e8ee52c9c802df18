"""The LLM layer's records: model call records and hybrid comparisons."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import func
from sqlmodel import col, select

from api.persistence.db import Unit
from api.persistence.tables import ComparisonLogRow, LlmCallRow

__all__ = ["comparison_logs", "generation_records", "llm_calls"]

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
) -> tuple[int, list[RecordRow]]:
    conditions = []
    if lifter_id is not None:
        conditions.append(table.lifter_id == lifter_id)
    if session_id is not None:
        conditions.append(table.session_id == session_id)
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
    unit: Unit, *, lifter_id: str | None, session_id: str | None, limit: int, offset: int
) -> tuple[int, list[LlmCallRow]]:
    """Model call records, newest first (all lifters unless one is named), and their count."""
    return _newest_first(
        unit, LlmCallRow, lifter_id=lifter_id, session_id=session_id, limit=limit, offset=offset
    )


def comparison_logs(
    unit: Unit, *, lifter_id: str | None, session_id: str | None, limit: int, offset: int
) -> tuple[int, list[ComparisonLogRow]]:
    """Hybrid comparisons, newest first (all lifters unless one is named), and their count."""
    return _newest_first(
        unit,
        ComparisonLogRow,
        lifter_id=lifter_id,
        session_id=session_id,
        limit=limit,
        offset=offset,
    )
