"""Programs, and the sessions a program writes or retires."""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy import select as columns
from sqlmodel import col, select

from api.errors import NotFound
from api.persistence.db import Unit
from api.persistence.tables import ProgramRow, SessionRow
from api.schemas import SessionStatus
from shared_types.enums import IntensityType, Lift
from training_engine.planning import FinishedSession

__all__ = [
    "active_program",
    "finished_sessions",
    "own_program",
    "program",
    "programs_with_counts",
    "session_count",
    "sessions_in",
]

FINISHED_WINDOW = 10  # the finished sessions an unending program looks back on
_FINISHED = (SessionStatus.COMPLETED.value, SessionStatus.SKIPPED.value)


def active_program(unit: Unit, lifter_id: str) -> ProgramRow | None:
    return unit.exec(
        select(ProgramRow).where(ProgramRow.lifter_id == lifter_id, ProgramRow.status == "active")
    ).first()


def program(unit: Unit, program_id: str, *, lock: bool = False) -> ProgramRow | None:
    return unit.get(ProgramRow, program_id, with_for_update=lock or None)


def own_program(unit: Unit, lifter_id: str, program_id: str, *, lock: bool = False) -> ProgramRow:
    """The lifter's program, or 404 (another lifter's is indistinguishable from none)."""
    query = select(ProgramRow).where(ProgramRow.id == program_id, ProgramRow.lifter_id == lifter_id)
    if lock:
        query = query.with_for_update()
    row = unit.exec(query).first()
    if row is None:
        raise NotFound("program not found")
    return row


def session_count(unit: Unit, program_id: str) -> int:
    return unit.exec(
        select(func.count()).select_from(SessionRow).where(SessionRow.program_id == program_id)
    ).one()


def programs_with_counts(unit: Unit, lifter_id: str) -> list[tuple[ProgramRow, int]]:
    """The lifter's programs (the active one first, then newest first) and their session
    counts."""
    programs = unit.exec(
        select(ProgramRow)
        .where(ProgramRow.lifter_id == lifter_id)
        .order_by(col(ProgramRow.created_at).desc(), col(ProgramRow.id))
    ).all()
    counts = dict(
        unit.exec(
            select(SessionRow.program_id, func.count())
            .where(SessionRow.lifter_id == lifter_id, col(SessionRow.program_id).is_not(None))
            .group_by(col(SessionRow.program_id))
        ).all()
    )
    ordered = sorted(programs, key=lambda p: p.status != "active")
    return [(p, counts.get(p.id, 0)) for p in ordered]


def sessions_in(unit: Unit, program_id: str, statuses: frozenset[str]) -> list[SessionRow]:
    """The program's sessions in one of `statuses`, in plan order."""
    return list(
        unit.exec(
            select(SessionRow)
            .where(
                SessionRow.program_id == program_id, col(SessionRow.status).in_(sorted(statuses))
            )
            .order_by(
                col(SessionRow.week_number),
                col(SessionRow.day_number),
                col(SessionRow.planned_date),
                col(SessionRow.id),
            )
        ).all()
    )


def finished_sessions(
    unit: Unit, lifter_id: str, limit: int = FINISHED_WINDOW
) -> list[FinishedSession]:
    """The lifter's last completed or skipped sessions, newest first (no documents read)."""
    rows = unit.execute(
        columns(
            col(SessionRow.primary_lift),
            col(SessionRow.intensity_type),
            col(SessionRow.status),
            col(SessionRow.completed_at),
            col(SessionRow.session_rpe),
        )
        .where(col(SessionRow.lifter_id) == lifter_id, col(SessionRow.status).in_(_FINISHED))
        .order_by(col(SessionRow.updated_at).desc(), col(SessionRow.id))
        .limit(limit)
    ).all()
    return [
        FinishedSession(
            lift=Lift(lift),
            intensity=IntensityType(intensity),
            completed=status == SessionStatus.COMPLETED and completed_at is not None,
            session_rpe=rpe,
        )
        for lift, intensity, status, completed_at, rpe in rows
    ]
