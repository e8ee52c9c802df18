"""Provisioning and admin views (admin token)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.auth import RequireAdmin
from api.routes.common import ERRORS, Id, OptionalIdempotencyKey, answer
from api.schemas import LifterCreate, LifterCreated, LifterList, LifterOut
from api.services import deletion, lifters
from api.state import app_state

router = APIRouter(
    prefix="/v1/lifters", tags=["admin"], dependencies=[RequireAdmin], responses=ERRORS
)


@router.post("", status_code=201, response_model=LifterCreated)
def create_lifter(
    request: Request, body: LifterCreate, idempotency_key: OptionalIdempotencyKey = None
) -> Response:
    """A new lifter and its bearer token (shown once; a replayed key issues a new token)."""
    return answer(lifters.create_lifter(app_state(request), body, idempotency_key))


@router.get("", response_model=LifterList)
def list_lifters(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> LifterList:
    return lifters.list_lifters(app_state(request), limit, offset)


@router.get("/{lifter_id}", response_model=LifterOut)
def get_lifter(request: Request, lifter_id: Id) -> LifterOut:
    return lifters.get_lifter(app_state(request), lifter_id)


@router.post("/{lifter_id}/token", response_model=LifterCreated)
def rotate_token(
    request: Request,
    lifter_id: Id,
    device: Annotated[
        str, Query(min_length=1, max_length=60, pattern=r"^[^\x00-\x1f\x7f]+$")
    ] = "default",
) -> LifterCreated:
    """A new token for the lifter's device (`default` unless named); that device's earlier
    tokens stop working, the lifter's other devices keep theirs."""
    return lifters.rotate_token(app_state(request), lifter_id, device)


@router.delete("/{lifter_id}", status_code=204, response_class=Response)
def delete_lifter(request: Request, lifter_id: Id) -> Response:
    """Deletes the lifter and everything it owns (ADR 0011); its tokens stop at once."""
    deletion.delete_lifter(app_state(request), lifter_id)
    return Response(status_code=204)
