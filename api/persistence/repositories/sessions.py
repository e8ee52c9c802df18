"""Training sessions: one of a lifter's, pages of them, their set logs, program weeks."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func
from sqlalchemy import select as columns
from sqlalchemy.orm import defer
from sqlmodel import col, select

from api.errors import NotFound
from api.persistence.db import Unit
from api.persistence.tables import SessionRow, SetLogRow
from api.schemas import SessionStatus
from shared_types.enums import Lift
from training_engine.perceive import WeekSet

__all__ = [
    "current_week",
    "find_set",
    "last_week",
    "lift_sets",
    "next_open_session",
    "own_session",
    "program_sets",
    "session_page",
    "session_sets",
    "week_sets",
]

# The stored documents: only the session detail shows them; nothing else loads them.
_NO_DOCUMENTS = tuple(
    defer(getattr(SessionRow, column))
    for column in ("jit_input_snapshot", "jit_output", "jit_output_trace", "aux_prescribed_kg")
)
_UNFINISHED = (
    SessionStatus.PLANNED.value,
    SessionStatus.GENERATED.value,
    SessionStatus.IN_PROGRESS.value,
)


def own_session(
    unit: Unit, lifter_id: str, session_id: str, *, lock: bool = False, documents: bool = False
) -> SessionRow:
    """The lifter's session, or 404; its stored documents only when `documents` is set."""
    query = select(SessionRow).where(SessionRow.id == session_id, SessionRow.lifter_id == lifter_id)
    if not documents:
        query = query.options(*_NO_DOCUMENTS)
    if lock:
        query = query.with_for_update()
    row = unit.exec(query).first()
    if row is None:
        raise NotFound("session not found")
    return row


def session_page(
    unit: Unit,
    lifter_id: str,
    *,
    status: SessionStatus | None,
    date_from: date | None,
    date_to: date | None,
    limit: int,
    offset: int,
    program_id: str | None = None,
) -> tuple[int, list[SessionRow]]:
    """The lifter's sessions in plan order, filtered, one page, and how many match."""
    conditions = [SessionRow.lifter_id == lifter_id]
    if program_id is not None:
        conditions.append(SessionRow.program_id == program_id)
    if status is not None:
        conditions.append(SessionRow.status == status.value)
    if date_from is not None:
        conditions.append(SessionRow.planned_date >= date_from)
    if date_to is not None:
        conditions.append(SessionRow.planned_date <= date_to)
    total = unit.exec(select(func.count()).select_from(SessionRow).where(*conditions)).one()
    rows = unit.exec(
        select(SessionRow)
        .options(*_NO_DOCUMENTS)
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
    return total, list(rows)


def next_open_session(unit: Unit, lifter_id: str, today: date) -> SessionRow | None:
    """The lifter's first session not yet finished (planned, generated or in progress) dated
    `today` or later, in plan order; None when there is none."""
    return unit.exec(
        select(SessionRow)
        .options(*_NO_DOCUMENTS)
        .where(
            SessionRow.lifter_id == lifter_id,
            col(SessionRow.status).in_(_UNFINISHED),
            SessionRow.planned_date >= today,
        )
        .order_by(
            col(SessionRow.planned_date),
            col(SessionRow.week_number),
            col(SessionRow.day_number),
            col(SessionRow.id),
        )
        .limit(1)
    ).first()


def session_sets(unit: Unit, session_id: str) -> list[SetLogRow]:
    return list(
        unit.exec(
            select(SetLogRow)
            .where(SetLogRow.session_id == session_id)
            .order_by(
                col(SetLogRow.kind).desc(), col(SetLogRow.exercise), col(SetLogRow.set_number)
            )
        ).all()
    )


def find_set(
    unit: Unit, session_id: str, kind: str, exercise: str, set_number: int
) -> SetLogRow | None:
    """The set logged under this natural key, if any."""
    return unit.exec(
        select(SetLogRow).where(
            SetLogRow.session_id == session_id,
            SetLogRow.kind == kind,
            SetLogRow.exercise == exercise,
            SetLogRow.set_number == set_number,
        )
    ).first()


def current_week(unit: Unit, program_id: str) -> int:
    """The week of the first session not yet finished, else the last week."""
    open_week = unit.exec(
        select(func.min(SessionRow.week_number)).where(
            SessionRow.program_id == program_id, col(SessionRow.status).in_(_UNFINISHED)
        )
    ).first()
    if open_week is not None:
        return open_week
    last = unit.exec(
        select(func.max(SessionRow.week_number)).where(SessionRow.program_id == program_id)
    ).first()
    return last or 1


def last_week(unit: Unit, program_id: str) -> int | None:
    """The program's highest planned week number (None: no sessions)."""
    return unit.exec(
        select(func.max(SessionRow.week_number)).where(SessionRow.program_id == program_id)
    ).first()


def week_sets(
    unit: Unit, program_id: str, week_number: int, *, exclude_session: str | None = None
) -> list[WeekSet]:
    """Every set logged in a program week (optionally without one session's)."""
    query = (
        select(SessionRow.primary_lift, SetLogRow.kind, SetLogRow.exercise, SetLogRow.rpe)
        .join(SessionRow, col(SessionRow.id) == col(SetLogRow.session_id))
        .where(SessionRow.program_id == program_id, SessionRow.week_number == week_number)
    )
    if exclude_session is not None:
        query = query.where(SessionRow.id != exclude_session)
    return [
        WeekSet(session_lift=Lift(lift), kind=kind, exercise=exercise, rpe=rpe)
        for lift, kind, exercise, rpe in unit.exec(query).all()
    ]


def program_sets(unit: Unit, program_id: str) -> list[tuple[int, WeekSet]]:
    """Every set logged in a program, with its week number."""
    query = (
        columns(
            col(SessionRow.week_number),
            col(SessionRow.primary_lift),
            col(SetLogRow.kind),
            col(SetLogRow.exercise),
            col(SetLogRow.rpe),
        )
        .join(SessionRow, col(SessionRow.id) == col(SetLogRow.session_id))
        .where(col(SessionRow.program_id) == program_id)
    )
    return [
        (week, WeekSet(session_lift=Lift(lift), kind=kind, exercise=exercise, rpe=rpe))
        for week, lift, kind, exercise, rpe in unit.execute(query).all()
    ]


def lift_sets(unit: Unit, lifter_id: str, lift: Lift) -> list[tuple[SessionRow, SetLogRow]]:
    """The lifter's logged primary sets of `lift` with their sessions, oldest session first."""
    query = (
        select(SessionRow, SetLogRow)
        .options(*_NO_DOCUMENTS)
        .join(SessionRow, col(SessionRow.id) == col(SetLogRow.session_id))
        .where(
            SetLogRow.lifter_id == lifter_id,
            SetLogRow.kind == "primary",
            SessionRow.primary_lift == lift.value,
        )
        .order_by(
            col(SessionRow.planned_date),
            col(SessionRow.id),
            col(SetLogRow.set_number),
        )
    )
    return [(s, logged) for s, logged in unit.exec(query).all()]
