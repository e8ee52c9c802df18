"""Phased rollouts for the admin (issue 11): start one in shadow, read its status (phase, each
arm's window, the SLO monitor's last check), move it by hand, and read its audit events."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from api.auth import RequireAdmin
from api.routes.common import ERRORS, Id, Limit, Offset
from api.schemas import ChangeNote, RolloutEventPage, RolloutOut, RolloutPage, RolloutStart
from api.services import rollouts
from api.state import app_state

router = APIRouter(
    prefix="/v1/admin/rollouts", tags=["admin"], dependencies=[RequireAdmin], responses=ERRORS
)


@router.post("", status_code=201, response_model=RolloutOut)
def start_rollout(request: Request, body: RolloutStart) -> RolloutOut:
    """Starts a rollout in shadow; 409 while its scope has an active one."""
    return rollouts.start(app_state(request), body)


@router.get("", response_model=RolloutPage)
def list_rollouts(
    request: Request,
    active: Annotated[bool, Query(description="Only the active ones (phase not off).")] = False,
    limit: Limit = 50,
    offset: Offset = 0,
) -> RolloutPage:
    """Rollouts with their status, newest first."""
    return rollouts.listing(app_state(request), active, limit, offset)


@router.get("/{rollout_id}", response_model=RolloutOut)
def get_rollout(request: Request, rollout_id: Id) -> RolloutOut:
    """One rollout's status: phase, each arm's window, the monitor's last check."""
    return rollouts.get(app_state(request), rollout_id)


@router.post("/{rollout_id}/advance", response_model=RolloutOut)
def advance_rollout(request: Request, rollout_id: Id, body: ChangeNote) -> RolloutOut:
    """One phase forward (409 when paused, general or ended)."""
    return rollouts.advance(app_state(request), rollout_id, body)


@router.post("/{rollout_id}/pause", response_model=RolloutOut)
def pause_rollout(request: Request, rollout_id: Id, body: ChangeNote) -> RolloutOut:
    """Keeps the phase, serves every lifter as the control, and stops the monitor."""
    return rollouts.pause(app_state(request), rollout_id, body)


@router.post("/{rollout_id}/resume", response_model=RolloutOut)
def resume_rollout(request: Request, rollout_id: Id, body: ChangeNote) -> RolloutOut:
    """Ends a pause: the arms and the monitor run again in the same phase."""
    return rollouts.resume(app_state(request), rollout_id, body)


@router.post("/{rollout_id}/rollback", response_model=RolloutOut)
def roll_back_rollout(request: Request, rollout_id: Id, body: ChangeNote) -> RolloutOut:
    """One phase back; from shadow to off, which ends the rollout."""
    return rollouts.roll_back(app_state(request), rollout_id, body)


@router.post("/{rollout_id}/stop", response_model=RolloutOut)
def stop_rollout(request: Request, rollout_id: Id, body: ChangeNote) -> RolloutOut:
    """Ends the rollout (off): every lifter is served as without it."""
    return rollouts.stop(app_state(request), rollout_id, body)


@router.get("/{rollout_id}/events", response_model=RolloutEventPage)
def rollout_events(
    request: Request, rollout_id: Id, limit: Limit = 50, offset: Offset = 0
) -> RolloutEventPage:
    """Every change of the rollout, newest first: who (or slo-monitor), why, the check."""
    return rollouts.events(app_state(request), rollout_id, limit, offset)
