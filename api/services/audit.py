"""Read-only views of the LLM layer's records (admin): call records and hybrid comparisons."""

from __future__ import annotations

from api.persistence.mappers import comparison_out, llm_call_out
from api.persistence.repositories import audit as repo
from api.persistence.repositories.audit import RecordFilter
from api.schemas import ComparisonPage, LlmCallPage
from api.state import AppState

__all__ = ["RecordFilter", "list_comparisons", "list_llm_calls"]


def list_llm_calls(state: AppState, where: RecordFilter, *, limit: int, offset: int) -> LlmCallPage:
    with state.db.read() as session:
        total, rows = repo.llm_calls(session, where, limit=limit, offset=offset)
        items = [llm_call_out(r) for r in rows]
    return LlmCallPage(items=items, total=total, limit=limit, offset=offset)


def list_comparisons(
    state: AppState, where: RecordFilter, *, limit: int, offset: int
) -> ComparisonPage:
    with state.db.read() as session:
        total, rows = repo.comparison_logs(session, where, limit=limit, offset=offset)
        items = [comparison_out(r) for r in rows]
    return ComparisonPage(items=items, total=total, limit=limit, offset=offset)
