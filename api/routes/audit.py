"""What the LLM layer did, read-only for the admin: model call records and hybrid comparisons.

Newest first, filtered by lifter and/or session. A lifter sees its own session's records in
`GET /v1/me/sessions/{id}` instead.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from api.auth import RequireAdmin
from api.routes.common import ERRORS
from api.schemas import ComparisonPage, LlmCallPage
from api.services import audit
from api.state import app_state

router = APIRouter(
    prefix="/v1/admin", tags=["admin"], dependencies=[RequireAdmin], responses=ERRORS
)

IdFilter = Annotated[str | None, Query(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")]
Limit = Annotated[int, Query(ge=1, le=200)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


@router.get("/llm-calls", response_model=LlmCallPage)
def list_llm_calls(
    request: Request,
    lifter_id: IdFilter = None,
    session_id: IdFilter = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> LlmCallPage:
    """One record per generation that asked a model (or would have: cache hit, open breaker,
    no provider): tokens, cost, attempts, latency, cache and breaker state, fallback reason."""
    where = audit.RecordFilter(lifter_id=lifter_id, session_id=session_id)
    return audit.list_llm_calls(app_state(request), where, limit=limit, offset=offset)


@router.get("/comparisons", response_model=ComparisonPage)
def list_comparisons(
    request: Request,
    lifter_id: IdFilter = None,
    session_id: IdFilter = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> ComparisonPage:
    """The hybrid strategy's comparisons: the input, both sessions, the divergence, what was
    served."""
    where = audit.RecordFilter(lifter_id=lifter_id, session_id=session_id)
    return audit.list_comparisons(app_state(request), where, limit=limit, offset=offset)
