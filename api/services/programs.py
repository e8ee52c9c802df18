"""Programs and their planned sessions (the cube rotation, DR §3.20.1).

A scheduled program writes every session up front. An unending program writes one session at a
time: the first when it starts, the next each time one is completed or skipped. A new program
archives the lifter's active one; its sessions not yet started are skipped ("program replaced").
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from api.persistence import repositories as repo
from api.persistence.mappers import program_out
from api.persistence.tables import ProgramRow, SessionRow
from api.schemas import ProgramIn, ProgramOut
from api.state import AppState
from shared_types.enums import IntensityType, Lift
from training_engine.planning import (
    DEFAULT_WEEKDAYS,
    FinishedSession,
    PlannedSlot,
    UnendingSignals,
    scheduled_program,
    unending_signals_from,
    unending_slot,
)

__all__ = ["advance_unending", "create_program", "unending_signals"]

DEFAULT_WEEKS = 12


def _session_row(
    lifter_id: str, program_id: str, slot: PlannedSlot, planned: date, now: datetime
) -> SessionRow:
    return SessionRow(
        id=str(uuid.uuid4()),
        lifter_id=lifter_id,
        program_id=program_id,
        week_number=slot.week_number,
        day_number=slot.day_number,
        block_number=slot.block_number,
        planned_date=planned,
        primary_lift=slot.primary_lift.value,
        intensity_type=slot.intensity_type.value,
        is_deload=slot.is_deload,
        status="planned",
        created_at=now,
        updated_at=now,
    )


def _monday(day: date) -> date:
    return day - timedelta(days=day.isoweekday() - 1)


def unending_signals(
    session: Session, lifter_id: str, *, primary_soreness: int | None = None
) -> UnendingSignals:
    """The signals of the lifter's last finished sessions (`planning.unending_signals_from`)."""
    finished = session.exec(
        select(SessionRow)
        .where(
            SessionRow.lifter_id == lifter_id,
            col(SessionRow.status).in_(("completed", "skipped")),
        )
        .order_by(col(SessionRow.updated_at).desc(), col(SessionRow.id))
        .limit(10)
    ).all()
    return unending_signals_from(
        [
            FinishedSession(
                lift=Lift(s.primary_lift),
                intensity=IntensityType(s.intensity_type),
                completed=s.status == "completed" and s.completed_at is not None,
                session_rpe=s.session_rpe,
            )
            for s in finished
        ],
        primary_soreness=primary_soreness,
    )


def _next_weekday_date(after: date, weekdays: list[int]) -> date:
    for step in range(1, 8):
        candidate = after + timedelta(days=step)
        if candidate.isoweekday() in weekdays:
            return candidate
    return after + timedelta(days=1)  # pragma: no cover - weekdays is never empty


def advance_unending(session: Session, program: ProgramRow, today: date, now: datetime) -> None:
    """After a session of an unending program finishes: count it and plan the next one."""
    program.session_counter += 1
    signals = unending_signals(session, program.lifter_id)
    slot = unending_slot(program.session_counter, program.training_days_per_week, signals)
    planned = _next_weekday_date(today, list(program.weekdays))
    session.add(program)
    session.add(_session_row(program.lifter_id, program.id, slot, planned, now))


def create_program(state: AppState, lifter_id: str, body: ProgramIn) -> ProgramOut:
    now = state.clock()
    start = body.start_date or now.date()
    days = body.training_days_per_week
    weekdays = sorted(body.weekdays or DEFAULT_WEEKDAYS[days])
    with state.db.write() as session:
        previous = repo.active_program(session, lifter_id)
        if previous is not None:
            previous.status = "archived"
            previous.archived_at = now
            session.add(previous)
            for row in session.exec(
                select(SessionRow).where(
                    SessionRow.program_id == previous.id,
                    col(SessionRow.status).in_(("planned", "generated")),
                )
            ).all():
                row.status = "skipped"
                row.skip_reason = "program replaced"
                row.updated_at = now
                session.add(row)
        program = ProgramRow(
            id=str(uuid.uuid4()),
            lifter_id=lifter_id,
            mode=body.mode,
            training_days_per_week=days,
            total_weeks=(body.total_weeks or DEFAULT_WEEKS) if body.mode == "scheduled" else None,
            start_date=start,
            weekdays=weekdays,
            status="active",
            session_counter=0,
            created_at=now,
        )
        session.add(program)
        session.flush()
        if body.mode == "scheduled":
            assert program.total_weeks is not None
            monday = _monday(start)
            rows = [
                _session_row(
                    lifter_id,
                    program.id,
                    slot,
                    monday
                    + timedelta(
                        days=7 * (slot.week_number - 1) + weekdays[slot.day_number - 1] - 1
                    ),
                    now,
                )
                for slot in scheduled_program(program.total_weeks, days)
            ]
        else:
            signals = unending_signals(session, lifter_id)
            rows = [
                _session_row(lifter_id, program.id, unending_slot(0, days, signals), start, now)
            ]
        session.add_all(rows)
        return program_out(program, len(rows))


def list_programs(state: AppState, lifter_id: str) -> list[ProgramOut]:
    with state.db.read() as session:
        programs = session.exec(
            select(ProgramRow)
            .where(ProgramRow.lifter_id == lifter_id)
            .order_by(col(ProgramRow.created_at).desc(), col(ProgramRow.id))
        ).all()
        out = []
        for p in sorted(programs, key=lambda p: p.status != "active"):  # the active one first
            count = len(
                session.exec(select(SessionRow.id).where(SessionRow.program_id == p.id)).all()
            )
            out.append(program_out(p, count))
        return out
