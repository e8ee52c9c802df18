"""Trends: a lift's estimated 1RM and top set over time, weekly volume over the program, the
recorded maxes page by page."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.auth import CurrentLifter
from api.routes.common import ERRORS, Limit, Offset
from api.schemas import LiftHistoryOut, MaxPage, VolumeWeeksOut
from api.services import history
from api.state import app_state
from shared_types.enums import Lift

router = APIRouter(prefix="/v1/me", tags=["history"], responses=ERRORS)


@router.get("/history/{lift}", response_model=LiftHistoryOut)
def get_lift_history(
    request: Request, lifter_id: CurrentLifter, lift: Lift, limit: Limit = 50, offset: Offset = 0
) -> LiftHistoryOut:
    """One point per session with primary sets of the lift logged, oldest first: the estimated
    1RM (the best set's Epley on reps + 10 - RPE, as the working 1RM reads it; plain Epley
    without an RPE; pain-limited sets left out) and the top set (the heaviest)."""
    return history.lift_history(app_state(request), lifter_id, lift, limit, offset)


@router.get("/volume/weeks", response_model=VolumeWeeksOut)
def get_volume_weeks(request: Request, lifter_id: CurrentLifter) -> VolumeWeeksOut:
    """Effective sets per muscle in every week of the active program against MEV and MRV
    (404 without an active program)."""
    return history.volume_weeks(app_state(request), lifter_id)


@router.get("/maxes/history", response_model=MaxPage)
def list_maxes(
    request: Request,
    lifter_id: CurrentLifter,
    lift: Lift | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> MaxPage:
    """Every recorded max, newest first (optionally of one lift)."""
    return history.max_page(app_state(request), lifter_id, lift, limit, offset)
