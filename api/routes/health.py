"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from api.errors import ErrorResponse, Unavailable
from api.routes.common import SERVER_ERRORS
from api.schemas import Health
from api.state import app_state

router = APIRouter(tags=["health"], responses=SERVER_ERRORS)


@router.get("/healthz", response_model=Health)
async def healthz() -> Health:
    """The process answers (no database call)."""
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Health,
    responses={503: {"model": ErrorResponse, "description": "The database is unreachable"}},
)
async def readyz(request: Request) -> Health:
    """The database answers a query."""
    try:
        await run_in_threadpool(app_state(request).db.ping)
    except Exception as exc:
        raise Unavailable("the database is unreachable") from exc
    return Health(status="ready")
