"""Read-only views of the LLM layer's records (admin): call records and hybrid comparisons."""

from __future__ import annotations

from datetime import datetime

from api.persistence.mappers import comparison_out, llm_call_out
from api.persistence.repositories import audit as repo
from api.schemas import ComparisonPage, LlmCallPage
from api.state import AppState

__all__ = ["list_comparisons", "list_llm_calls"]


def list_llm_calls(
    state: AppState,
    *,
    lifter_id: str | None,
    session_id: str | None,
    limit: int,
    offset: int,
    strategy: str | None = None,
    since: datetime | None = None,
    before: datetime | None = None,
) -> LlmCallPage:
    """`strategy`, `since` and `before` (created in [since, before)) narrow it further (the
    admin dashboard's filters)."""
    with state.db.read() as session:
        total, rows = repo.llm_calls(
            session,
            lifter_id=lifter_id,
            session_id=session_id,
            limit=limit,
            offset=offset,
            strategy=strategy,
            since=since,
            before=before,
        )
        items = [llm_call_out(r) for r in rows]
    return LlmCallPage(items=items, total=total, limit=limit, offset=offset)


def list_comparisons(
    state: AppState,
    *,
    lifter_id: str | None,
    session_id: str | None,
    limit: int,
    offset: int,
    strategy: str | None = None,
    since: datetime | None = None,
    before: datetime | None = None,
) -> ComparisonPage:
    with state.db.read() as session:
        total, rows = repo.comparison_logs(
            session,
            lifter_id=lifter_id,
            session_id=session_id,
            limit=limit,
            offset=offset,
            strategy=strategy,
            since=since,
            before=before,
        )
        items = [comparison_out(r) for r in rows]
    return ComparisonPage(items=items, total=total, limit=limit, offset=offset)
