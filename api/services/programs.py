"""Programs and their planned sessions (the cube rotation, DR §3.20.1).

A scheduled program writes every session up front. An unending program writes one session at a
time: the first when it starts, the next each time one is completed or skipped. A new program
archives the lifter's active one; its sessions not yet started are skipped ("program replaced").
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from api.persistence.db import Unit
from api.persistence.mappers import program_out
from api.persistence.repositories import programs as repo
from api.persistence.repositories.lifters import lifter
from api.persistence.repositories.rows import save
from api.persistence.tables import ProgramRow, SessionRow
from api.schemas import ProgramIn, ProgramOut, SessionStatus
from api.services.clock import local_today
from api.services.idempotency import Answer, Keyed, create_once
from api.services.lifecycle import Action, allowed, require
from api.state import AppState
from training_engine.planning import (
    DEFAULT_WEEKDAYS,
    PlannedSlot,
    UnendingSignals,
    planned_dates,
    scheduled_program,
    unending_signals_from,
    unending_slot,
)

__all__ = ["advance_unending", "create_program", "list_programs", "unending_signals"]

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
        status=SessionStatus.PLANNED.value,
        created_at=now,
        updated_at=now,
    )


def unending_signals(
    session: Unit, lifter_id: str, *, primary_soreness: int | None = None
) -> UnendingSignals:
    """The signals of the lifter's last finished sessions (`planning.unending_signals_from`)."""
    return unending_signals_from(
        repo.finished_sessions(session, lifter_id), primary_soreness=primary_soreness
    )


def _next_weekday_date(after: date, weekdays: list[int]) -> date:
    for step in range(1, 8):
        candidate = after + timedelta(days=step)
        if candidate.isoweekday() in weekdays:
            return candidate
    return after + timedelta(days=1)  # pragma: no cover - weekdays is never empty


def advance_unending(session: Unit, program: ProgramRow, today: date, now: datetime) -> None:
    """After a session of an unending program finishes: count it and plan the next one."""
    program.session_counter += 1
    signals = unending_signals(session, program.lifter_id)
    slot = unending_slot(program.session_counter, program.training_days_per_week, signals)
    planned = _next_weekday_date(today, list(program.weekdays))
    save(session, program, _session_row(program.lifter_id, program.id, slot, planned, now))


def create_program(
    state: AppState, lifter_id: str, body: ProgramIn, key: str | None = None
) -> Answer:
    """Starts a program, archiving the active one, under the lifter's row lock: concurrent
    requests take turns, so exactly one program stays active (ADR 0009). With a key, a retry
    replays the first response instead of archiving the program it made."""
    now = state.clock()

    def create(session: Unit) -> tuple[ProgramOut, str]:
        return _create_program(session, lifter_id, body, now), lifter_id

    return create_once(
        state, Keyed(lifter_id, "programs", key), body, create, lock_lifter=lifter_id
    )


def _create_program(session: Unit, lifter_id: str, body: ProgramIn, now: datetime) -> ProgramOut:
    start = body.start_date or local_today(lifter(session, lifter_id), now)
    days = body.training_days_per_week
    weekdays = sorted(body.weekdays or DEFAULT_WEEKDAYS[days])
    previous = repo.active_program(session, lifter_id)
    if previous is not None:
        previous.status = "archived"
        previous.archived_at = now
        retired = repo.sessions_in(session, previous.id, allowed(Action.RETIRE))
        for row in retired:
            row.status = require(row.status, Action.RETIRE).value
            row.skip_reason = "program replaced"
            row.updated_at = now
        save(session, previous, *retired)
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
    save(session, program)
    if body.mode == "scheduled":
        assert program.total_weeks is not None
        slots = scheduled_program(program.total_weeks, days)
        # P11: the training days from the start date on, never before it.
        dates = planned_dates(start, weekdays, len(slots))
        rows = [
            _session_row(lifter_id, program.id, slot, planned, now)
            for slot, planned in zip(slots, dates, strict=True)
        ]
    else:
        signals = unending_signals(session, lifter_id)
        [first] = planned_dates(start, weekdays, 1)
        rows = [_session_row(lifter_id, program.id, unending_slot(0, days, signals), first, now)]
    save(session, *rows)
    return program_out(program, len(rows))


def list_programs(state: AppState, lifter_id: str) -> list[ProgramOut]:
    with state.db.read() as session:
        return [program_out(p, n) for p, n in repo.programs_with_counts(session, lifter_id)]
