"""The session lifecycle after generation: sets, complete, skip; listing; weekly volume.

    planned --generate--> generated --first set--> in_progress --complete--> completed
       |                      |
       +------skip------------+--> skipped        (a session with logged sets is completed)

Set logs are idempotent per (session, kind, exercise, set number): the same set sent again
returns the stored one; sent with other numbers it corrects it.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from api.assembly import effective_landmarks, set_volume
from api.errors import Conflict, ErrorDetail, InvalidRequest, NotFound
from api.persistence import repositories as repo
from api.persistence.mappers import session_detail, session_out, set_out
from api.persistence.tables import LifterRow, ProgramRow, SessionRow, SetLogRow
from api.persistence.units import grams
from api.schemas import (
    CompleteRequest,
    MuscleVolume,
    SessionDetail,
    SessionOut,
    SessionPage,
    SetLogIn,
    SetLogOut,
    SkipRequest,
    VolumeOut,
)
from api.services.programs import advance_unending
from api.state import AppState
from shared_types.enums import Sex
from training_engine.accessories.exercises import ExerciseBook
from training_engine.planning import volume_status

__all__ = [
    "complete_session",
    "get_session",
    "list_sessions",
    "log_set",
    "skip_session",
    "weekly_volume_report",
]

LOGGABLE = ("generated", "in_progress")


def list_sessions(
    state: AppState,
    lifter_id: str,
    *,
    status: str | None,
    date_from: date | None,
    date_to: date | None,
    limit: int,
    offset: int,
) -> SessionPage:
    conditions = [SessionRow.lifter_id == lifter_id]
    if status is not None:
        conditions.append(SessionRow.status == status)
    if date_from is not None:
        conditions.append(SessionRow.planned_date >= date_from)
    if date_to is not None:
        conditions.append(SessionRow.planned_date <= date_to)
    with state.db.read() as session:
        total = session.exec(select(func.count()).select_from(SessionRow).where(*conditions)).one()
        rows = session.exec(
            select(SessionRow)
            .where(*conditions)
            .order_by(
                col(SessionRow.planned_date),
                col(SessionRow.week_number),
                col(SessionRow.day_number),
                col(SessionRow.id),
            )
            .offset(offset)
            .limit(limit)
        ).all()
        items: list[SessionOut] = [session_out(r) for r in rows]
    return SessionPage(items=items, total=total, limit=limit, offset=offset)


def get_session(state: AppState, lifter_id: str, session_id: str) -> SessionDetail:
    with state.db.read() as session:
        row = repo.own_session(session, lifter_id, session_id)
        call, comparison = repo.generation_records(session, row.generation_id)
        return session_detail(row, repo.session_sets(session, row.id), call, comparison)


def log_set(
    state: AppState, lifter_id: str, session_id: str, body: SetLogIn
) -> tuple[SetLogOut, bool]:
    """The stored set and whether it was created by this call."""
    now = state.clock()
    with state.db.write() as session:
        row = repo.own_session(session, lifter_id, session_id, lock=True)
        if row.status not in LOGGABLE:
            hint = "generate it first" if row.status == "planned" else "it is closed"
            raise Conflict(f"sets cannot be logged on a {row.status} session: {hint}")
        exercise = body.exercise if body.kind == "auxiliary" else row.primary_lift
        if body.kind == "primary" and body.exercise not in (None, row.primary_lift):
            raise InvalidRequest(
                "a primary set is of the session's lift",
                [
                    ErrorDetail(
                        path="body.exercise", message=f"must be {row.primary_lift} or left out"
                    )
                ],
            )
        assert exercise is not None
        during_rehab = any(
            c.lift == row.primary_lift for c in repo.active_rehab_caps(session, lifter_id)
        )
        values: dict[str, object] = {
            "weight_grams": grams(body.weight_kg),
            "reps": body.reps,
            "rpe": body.rpe,
            "failed": body.failed,
            "pain_limited": body.pain_limited,
        }
        existing = session.exec(
            select(SetLogRow).where(
                SetLogRow.session_id == row.id,
                SetLogRow.kind == body.kind,
                SetLogRow.exercise == exercise,
                SetLogRow.set_number == body.set_number,
            )
        ).first()
        if existing is not None:
            if any(getattr(existing, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(existing, k, v)
                existing.updated_at = now
                session.add(existing)
            return set_out(existing), False
        logged = SetLogRow(
            id=str(uuid.uuid4()),
            lifter_id=lifter_id,
            session_id=row.id,
            kind=body.kind,
            exercise=exercise,
            set_number=body.set_number,
            weight_grams=grams(body.weight_kg),
            reps=body.reps,
            rpe=body.rpe,
            failed=body.failed,
            pain_limited=body.pain_limited,
            during_rehab=during_rehab,
            logged_at=now,
            updated_at=now,
        )
        session.add(logged)
        if row.status == "generated":
            row.status = "in_progress"
            row.started_at = now
            row.updated_at = now
            session.add(row)
        return set_out(logged), True


def complete_session(
    state: AppState, lifter_id: str, session_id: str, body: CompleteRequest
) -> SessionOut:
    now = state.clock()
    with state.db.write() as session:
        row = repo.own_session(session, lifter_id, session_id, lock=True)
        if row.status == "completed" and row.session_rpe == body.session_rpe:
            return session_out(row)  # a retried request
        if row.status not in LOGGABLE:
            raise Conflict(f"a {row.status} session cannot be completed")
        row.status = "completed"
        row.session_rpe = body.session_rpe
        row.completed_at = now
        row.updated_at = now
        session.add(row)
        _advance(session, row, now)
        return session_out(row)


def skip_session(state: AppState, lifter_id: str, session_id: str, body: SkipRequest) -> SessionOut:
    now = state.clock()
    with state.db.write() as session:
        row = repo.own_session(session, lifter_id, session_id, lock=True)
        if row.status == "skipped":
            return session_out(row)
        if row.status not in ("planned", "generated"):
            raise Conflict(f"a {row.status.replace('_', ' ')} session cannot be skipped")
        row.status = "skipped"
        row.skip_reason = body.reason
        row.updated_at = now
        session.add(row)
        _advance(session, row, now)
        return session_out(row)


def _advance(session: Session, row: SessionRow, now: datetime) -> None:
    if row.program_id is None:
        return
    program = session.get(ProgramRow, row.program_id, with_for_update=True)
    if program is not None and program.mode == "unending" and program.status == "active":
        session.flush()
        advance_unending(session, program, now.date(), now)


def weekly_volume_report(state: AppState, lifter_id: str, week: int | None) -> VolumeOut:
    with state.db.read() as session:
        program = repo.active_program(session, lifter_id)
        if program is None:
            raise NotFound("no active program")
        if week is None:
            week = _current_week(session, program.id)
        lifter = session.get(LifterRow, lifter_id)
        assert lifter is not None
        sex = Sex(lifter.biological_sex) if lifter.biological_sex else None
        book = ExerciseBook(sex=Sex.FEMALE if sex is Sex.FEMALE else Sex.MALE)
        volume = set_volume(repo.week_sets(session, program.id, week), book)
        landmarks = effective_landmarks(sex, repo.landmark_overrides(session, lifter_id))
    statuses = volume_status(volume, landmarks)
    return VolumeOut(
        program_id=program.id,
        week=week,
        muscles=[
            MuscleVolume(
                muscle=m,
                sets=volume.get(m, 0.0),
                mev=landmarks[m].mev,
                mrv=landmarks[m].mrv,
                status=statuses[m].value,
            )
            for m in statuses
        ],
    )


def _current_week(session: Session, program_id: str) -> int:
    """The week of the first session not yet finished, else the last week."""
    open_week = session.exec(
        select(func.min(SessionRow.week_number)).where(
            SessionRow.program_id == program_id,
            col(SessionRow.status).in_(("planned", "generated", "in_progress")),
        )
    ).first()
    if open_week is not None:
        return open_week
    last = session.exec(
        select(func.max(SessionRow.week_number)).where(SessionRow.program_id == program_id)
    ).first()
    return last or 1
