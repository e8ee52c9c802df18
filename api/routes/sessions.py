"""Programs, sessions, generation and the session lifecycle, weekly volume."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response

from api.auth import CurrentLifter
from api.ratelimit import limit_generation
from api.routes.common import ERRORS, Id, Limit, Offset, OptionalIdempotencyKey, answer
from api.schemas import (
    CheckIn,
    CompleteRequest,
    GenerationOut,
    ProgramDetail,
    ProgramIn,
    ProgramOut,
    ProgramPage,
    ProgramPatch,
    SessionDetail,
    SessionOut,
    SessionPage,
    SessionStatus,
    SetLoggedOut,
    SetLogIn,
    SkipRequest,
    VolumeOut,
)
from api.services import programs, sessions
from api.services.generation import generate_session
from api.state import app_state
from training_engine.strategies import serve

router = APIRouter(prefix="/v1/me", tags=["sessions"], responses=ERRORS)

IdempotencyKey = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        pattern=r"^[\x21-\x7e]+$",
        description="The same key returns the same result; a new key regenerates.",
    ),
]


@router.post("/programs", status_code=201, response_model=ProgramOut)
def create_program(
    request: Request,
    lifter_id: CurrentLifter,
    body: ProgramIn,
    idempotency_key: OptionalIdempotencyKey = None,
) -> Response:
    """Starts a program (archiving the active one) and writes its planned sessions."""
    return answer(programs.create_program(app_state(request), lifter_id, body, idempotency_key))


@router.get("/programs", response_model=ProgramPage)
def list_programs(
    request: Request, lifter_id: CurrentLifter, limit: Limit = 50, offset: Offset = 0
) -> ProgramPage:
    """The lifter's programs, the active one first, then newest first."""
    return programs.list_programs(app_state(request), lifter_id, limit, offset)


@router.get("/programs/{program_id}", response_model=ProgramDetail)
def get_program(request: Request, lifter_id: CurrentLifter, program_id: Id) -> ProgramDetail:
    """A program with its end date, its sessions per status and its current week."""
    return programs.get_program(app_state(request), lifter_id, program_id)


@router.patch("/programs/{program_id}", response_model=ProgramDetail)
def patch_program(
    request: Request, lifter_id: CurrentLifter, program_id: Id, body: ProgramPatch
) -> ProgramDetail:
    """Edits the training weekdays, ends a scheduled program earlier, or archives a program.

    Replanning rule: only sessions still `planned` change; generated, in-progress, completed
    and skipped sessions keep their dates. New `weekdays` (one per training day) move the
    planned sessions dated today or later onto the new days, in plan order, from today on
    (never before the program's start, nor on or before a kept session's date); planned
    sessions already past stay where they are. An earlier `end_date` (scheduled programs,
    not before today) skips the planned sessions after it ("program ended early"; 422 when one
    of them was already generated or started, or the date is after the last session);
    `status: archived` skips every session not yet started ("program archived"), as a new
    program does. An archived program accepts nothing but archiving again.
    """
    return programs.patch_program(app_state(request), lifter_id, program_id, body)


@router.get("/today", response_model=SessionDetail)
def get_today(request: Request, lifter_id: CurrentLifter) -> SessionDetail:
    """The next session to do: the first session not yet finished (planned, generated or in
    progress) dated today or later, with its prescription once generated; 404 when none."""
    return sessions.next_session(app_state(request), lifter_id)


@router.get("/sessions", response_model=SessionPage)
def list_sessions(
    request: Request,
    lifter_id: CurrentLifter,
    *,
    status: SessionStatus | None = None,
    date_from: Annotated[date | None, Query(alias="from")] = None,
    date_to: Annotated[date | None, Query(alias="to")] = None,
    program_id: Annotated[
        str | None, Query(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")
    ] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> SessionPage:
    """The lifter's sessions in plan order; filtered by status, dates and program (404 when the
    program is not the lifter's)."""
    return sessions.list_sessions(
        app_state(request),
        lifter_id,
        status=status,
        date_from=date_from,
        date_to=date_to,
        limit=limit,
        offset=offset,
        program_id=program_id,
    )


@router.get("/sessions/{session_id}", response_model=SessionDetail)
def get_session(request: Request, lifter_id: CurrentLifter, session_id: Id) -> SessionDetail:
    return sessions.get_session(app_state(request), lifter_id, session_id)


@router.post(
    "/sessions/{session_id}/generate",
    response_model=GenerationOut,
    name="generate_session",  # the operation id; `generate_session` is the service it calls
)
async def generate(
    request: Request,
    *,
    lifter_id: CurrentLifter,
    session_id: Id,
    checkin: CheckIn,
    idempotency_key: IdempotencyKey,
) -> Response:
    """Today's prescription from the stored state and this check-in, in one transaction.

    The response header `Idempotent-Replayed: true` marks a stored result returned again.
    """
    state = app_state(request)
    await limit_generation(state, request, lifter_id)
    body, replayed = await generate_session(
        state,
        partial(serve, state.registry),
        lifter_id=lifter_id,
        session_id=session_id,
        checkin=checkin,
        idempotency_key=idempotency_key,
    )
    return Response(
        content=body,
        media_type="application/json",
        headers={"Idempotent-Replayed": "true" if replayed else "false"},
    )


@router.post(
    "/sessions/{session_id}/sets",
    response_model=SetLoggedOut,
    status_code=201,
    responses={200: {"model": SetLoggedOut, "description": "The set was already logged"}},
)
def log_set(
    request: Request,
    response: Response,
    lifter_id: CurrentLifter,
    session_id: Id,
    body: SetLogIn,
) -> SetLoggedOut:
    """Logs (or corrects) one set; 201 when new, 200 when that set was already logged. A new
    or corrected main-lift set answers with the next-set advice when any applies (weight
    autoregulation, failure adaptation, volume recovery)."""
    logged, created = sessions.log_set(app_state(request), lifter_id, session_id, body)
    if not created:
        response.status_code = 200
    return logged


@router.post("/sessions/{session_id}/complete", response_model=SessionOut)
def complete_session(
    request: Request, lifter_id: CurrentLifter, session_id: Id, body: CompleteRequest
) -> SessionOut:
    return sessions.complete_session(app_state(request), lifter_id, session_id, body)


@router.post("/sessions/{session_id}/skip", response_model=SessionOut)
def skip_session(
    request: Request, lifter_id: CurrentLifter, session_id: Id, body: SkipRequest
) -> SessionOut:
    return sessions.skip_session(app_state(request), lifter_id, session_id, body)


@router.get("/volume", response_model=VolumeOut)
def get_volume(
    request: Request,
    lifter_id: CurrentLifter,
    week: Annotated[int | None, Query(ge=1, le=1000)] = None,
) -> VolumeOut:
    """Effective sets per muscle in a program week against MEV and MRV (default: this week)."""
    return sessions.weekly_volume_report(app_state(request), lifter_id, week)
