"""Disruptions and rehab caps."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request, Response

from api.auth import CurrentLifter
from api.routes.common import ERRORS, Id, Limit, Offset, OptionalIdempotencyKey, answer
from api.schemas import (
    DisruptionIn,
    DisruptionOut,
    DisruptionPage,
    DisruptionPatch,
    RehabCapIn,
    RehabCapOut,
    RehabCapPage,
)
from api.services import disruptions
from api.state import app_state

router = APIRouter(prefix="/v1/me", tags=["disruptions"], responses=ERRORS)


@router.post("/disruptions", status_code=201, response_model=DisruptionOut)
def report_disruption(
    request: Request,
    lifter_id: CurrentLifter,
    body: DisruptionIn,
    idempotency_key: OptionalIdempotencyKey = None,
) -> Response:
    return answer(
        disruptions.report_disruption(app_state(request), lifter_id, body, idempotency_key)
    )


@router.get("/disruptions", response_model=DisruptionPage)
def list_disruptions(
    request: Request,
    lifter_id: CurrentLifter,
    status: Literal["active", "monitoring", "resolved"] | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> DisruptionPage:
    """Newest first; all of them, or those with `status`."""
    return disruptions.list_disruptions(app_state(request), lifter_id, status, limit, offset)


@router.patch("/disruptions/{disruption_id}", response_model=DisruptionOut)
def update_disruption(
    request: Request, lifter_id: CurrentLifter, disruption_id: Id, body: DisruptionPatch
) -> DisruptionOut:
    return disruptions.patch_disruption(app_state(request), lifter_id, disruption_id, body)


@router.post("/disruptions/{disruption_id}/resolve", response_model=DisruptionOut)
def resolve_disruption(
    request: Request, lifter_id: CurrentLifter, disruption_id: Id
) -> DisruptionOut:
    return disruptions.resolve_disruption(app_state(request), lifter_id, disruption_id)


@router.post("/rehab-caps", status_code=201, response_model=RehabCapOut)
def set_rehab_cap(
    request: Request,
    lifter_id: CurrentLifter,
    body: RehabCapIn,
    idempotency_key: OptionalIdempotencyKey = None,
) -> Response:
    return answer(disruptions.set_rehab_cap(app_state(request), lifter_id, body, idempotency_key))


@router.get("/rehab-caps", response_model=RehabCapPage)
def list_rehab_caps(
    request: Request,
    lifter_id: CurrentLifter,
    active: bool | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> RehabCapPage:
    """Newest first; all of them, the active ones (true) or the ended ones (false)."""
    return disruptions.list_rehab_caps(app_state(request), lifter_id, active, limit, offset)


@router.post("/rehab-caps/{cap_id}/end", response_model=RehabCapOut)
def end_rehab_cap(request: Request, lifter_id: CurrentLifter, cap_id: Id) -> RehabCapOut:
    return disruptions.end_rehab_cap(app_state(request), lifter_id, cap_id)
