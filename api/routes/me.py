"""The lifter's own profile, maxes, strategy setting and configs."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api.auth import CurrentLifter
from api.routes.common import ERRORS, Id
from api.schemas import (
    FormulaConfigIn,
    FormulaConfigOut,
    LifterOut,
    LifterPatch,
    MaxesOut,
    MaxIn,
    MaxOut,
    PlatesConfig,
    PlatesOut,
    RestConfig,
    SettingsIn,
    SettingsOut,
    VolumeLandmarksIn,
    VolumeLandmarksOut,
    WarmupsIn,
    WarmupsOut,
)
from api.services import config, deletion, lifters
from api.state import app_state
from shared_types.enums import Lift

router = APIRouter(prefix="/v1/me", tags=["me"], responses=ERRORS)


@router.get("", response_model=LifterOut)
def get_me(request: Request, lifter_id: CurrentLifter) -> LifterOut:
    return lifters.get_me(app_state(request), lifter_id)


@router.patch("", response_model=LifterOut)
def patch_me(request: Request, lifter_id: CurrentLifter, body: LifterPatch) -> LifterOut:
    return lifters.patch_me(app_state(request), lifter_id, body)


@router.delete("", status_code=204, response_class=Response)
def delete_me(request: Request, lifter_id: CurrentLifter) -> Response:
    """Deletes the account and all its data (profile, tokens, maxes, configs, programs,
    sessions, logs, check-ins, generations, disruptions, rehab caps, records); nothing is kept
    (ADR 0011). Every token of the lifter stops working at once."""
    deletion.delete_lifter(app_state(request), lifter_id)
    return Response(status_code=204)


@router.delete("/maxes/{lift}", status_code=204, response_class=Response)
def delete_max(request: Request, lifter_id: CurrentLifter, lift: Lift) -> Response:
    """Deletes the lift's current max (a wrong entry); the one recorded before it, if any, is
    current again."""
    deletion.delete_max(app_state(request), lifter_id, lift)
    return Response(status_code=204)


@router.delete("/sessions/{session_id}/sets/{set_id}", status_code=204, response_class=Response)
def delete_set(request: Request, lifter_id: CurrentLifter, session_id: Id, set_id: Id) -> Response:
    """Deletes a wrongly logged set; the weekly volume and the working 1RM follow (they are
    read from the remaining sets)."""
    deletion.delete_set(app_state(request), lifter_id, session_id, set_id)
    return Response(status_code=204)


@router.delete("/disruptions/{disruption_id}", status_code=204, response_class=Response)
def delete_disruption(request: Request, lifter_id: CurrentLifter, disruption_id: Id) -> Response:
    """Deletes a disruption entered by mistake (to end a real one, resolve it instead)."""
    deletion.delete_disruption(app_state(request), lifter_id, disruption_id)
    return Response(status_code=204)


@router.delete("/rehab-caps/{cap_id}", status_code=204, response_class=Response)
def delete_rehab_cap(request: Request, lifter_id: CurrentLifter, cap_id: Id) -> Response:
    """Deletes a rehab cap entered by mistake (to lift a real one, end it instead)."""
    deletion.delete_rehab_cap(app_state(request), lifter_id, cap_id)
    return Response(status_code=204)


@router.delete("/programs/{program_id}", status_code=204, response_class=Response)
def delete_program(request: Request, lifter_id: CurrentLifter, program_id: Id) -> Response:
    """Deletes the program with all its sessions and what was logged and generated in them
    (ADR 0011); disruptions stay. Deleting the active program leaves none active."""
    deletion.delete_program(app_state(request), lifter_id, program_id)
    return Response(status_code=204)


@router.get("/maxes", response_model=MaxesOut)
def get_maxes(request: Request, lifter_id: CurrentLifter) -> MaxesOut:
    return lifters.get_maxes(app_state(request), lifter_id)


@router.put("/maxes/{lift}", response_model=MaxOut)
def put_max(request: Request, lifter_id: CurrentLifter, lift: Lift, body: MaxIn) -> MaxOut:
    """Records a new 1RM (maxes are append-only; the newest is current)."""
    return lifters.put_max(app_state(request), lifter_id, lift, body)


@router.get("/settings", response_model=SettingsOut)
def get_settings(request: Request, lifter_id: CurrentLifter) -> SettingsOut:
    return config.get_settings(app_state(request), lifter_id)


@router.put("/settings", response_model=SettingsOut)
def put_settings(request: Request, lifter_id: CurrentLifter, body: SettingsIn) -> SettingsOut:
    """The developer setting: which strategy generates this lifter's sessions."""
    return config.put_settings(app_state(request), lifter_id, body)


@router.get("/config/formula", response_model=FormulaConfigOut)
def get_formula(request: Request, lifter_id: CurrentLifter) -> FormulaConfigOut:
    return config.get_formula(app_state(request), lifter_id)


@router.put("/config/formula", response_model=FormulaConfigOut)
def put_formula(
    request: Request, lifter_id: CurrentLifter, body: FormulaConfigIn
) -> FormulaConfigOut:
    return config.put_formula(app_state(request), lifter_id, body)


@router.get("/config/volume-landmarks", response_model=VolumeLandmarksOut)
def get_landmarks(request: Request, lifter_id: CurrentLifter) -> VolumeLandmarksOut:
    return config.get_landmarks(app_state(request), lifter_id)


@router.put("/config/volume-landmarks", response_model=VolumeLandmarksOut)
def put_landmarks(
    request: Request, lifter_id: CurrentLifter, body: VolumeLandmarksIn
) -> VolumeLandmarksOut:
    return config.put_landmarks(app_state(request), lifter_id, body)


@router.get("/config/warmups", response_model=WarmupsOut)
def get_warmups(request: Request, lifter_id: CurrentLifter) -> WarmupsOut:
    return config.get_warmups(app_state(request), lifter_id)


@router.put("/config/warmups", response_model=WarmupsOut)
def put_warmups(request: Request, lifter_id: CurrentLifter, body: WarmupsIn) -> WarmupsOut:
    return config.put_warmups(app_state(request), lifter_id, body)


@router.get("/config/rest", response_model=RestConfig)
def get_rest(request: Request, lifter_id: CurrentLifter) -> RestConfig:
    return config.get_rest(app_state(request), lifter_id)


@router.put("/config/rest", response_model=RestConfig)
def put_rest(request: Request, lifter_id: CurrentLifter, body: RestConfig) -> RestConfig:
    return config.put_rest(app_state(request), lifter_id, body)


@router.get("/config/plates", response_model=PlatesOut)
def get_plates(request: Request, lifter_id: CurrentLifter) -> PlatesOut:
    return config.get_plates(app_state(request), lifter_id)


@router.put("/config/plates", response_model=PlatesOut)
def put_plates(request: Request, lifter_id: CurrentLifter, body: PlatesConfig) -> PlatesOut:
    return config.put_plates(app_state(request), lifter_id, body)
