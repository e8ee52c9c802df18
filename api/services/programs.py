"""Programs and their planned sessions (the cube rotation, DR §3.20.1).

A scheduled program writes every session up front. An unending program writes one session at a
time: the first when it starts, the next each time one is completed or skipped. A new program
archives the lifter's active one; its sessions not yet started are skipped ("program replaced").
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from api.errors import ErrorDetail, InvalidRequest
from api.persistence.db import Unit
from api.persistence.mappers import program_out
from api.persistence.repositories import programs as repo
from api.persistence.repositories.lifters import lifter
from api.persistence.repositories.rows import save
from api.persistence.tables import ProgramRow, SessionRow
from api.schemas import (
    ProgramDetail,
    ProgramIn,
    ProgramOut,
    ProgramPage,
    ProgramPatch,
    SessionStatus,
)
from api.services.idempotency import Answer, Keyed, create_once
from api.services.lifecycle import Action, allowed, require
from api.services.today import today_for
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

__all__ = [
    "advance_unending",
    "create_program",
    "get_program",
    "list_programs",
    "patch_program",
    "unending_signals",
]

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
    start = body.start_date or today_for(lifter(session, lifter_id), now)
    days = body.training_days_per_week
    weekdays = sorted(body.weekdays or DEFAULT_WEEKDAYS[days])
    previous = repo.active_program(session, lifter_id)
    if previous is not None:
        previous.status = "archived"
        previous.archived_at = now
        save(session, previous)
        _retire(
            session,
            repo.sessions_in(session, previous.id, allowed(Action.RETIRE)),
            "program replaced",
            now,
        )
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


def list_programs(state: AppState, lifter_id: str, limit: int, offset: int) -> ProgramPage:
    """The active program first, then newest first (a lifter has few: one page is sliced)."""
    with state.db.read() as session:
        listed = repo.programs_with_counts(session, lifter_id)
    return ProgramPage(
        items=[program_out(p, n) for p, n in listed[offset : offset + limit]],
        total=len(listed),
        limit=limit,
        offset=offset,
    )


def _detail(session: Unit, program: ProgramRow) -> ProgramDetail:
    rows = repo.sessions_in(session, program.id, frozenset(SessionStatus))
    by_status = {s.value: 0 for s in SessionStatus}
    for row in rows:
        by_status[row.status] += 1
    unfinished = [r.week_number for r in rows if r.status in _OPEN]
    return ProgramDetail(
        **program_out(program, len(rows)).model_dump(),
        end_date=max((r.planned_date for r in rows), default=None),
        sessions_by_status=by_status,
        current_week=min(unfinished, default=max((r.week_number for r in rows), default=None)),
    )


_OPEN = frozenset({SessionStatus.PLANNED, SessionStatus.GENERATED, SessionStatus.IN_PROGRESS})


def get_program(state: AppState, lifter_id: str, program_id: str) -> ProgramDetail:
    with state.db.read() as session:
        return _detail(session, repo.own_program(session, lifter_id, program_id))


def _invalid(field: str, message: str) -> InvalidRequest:
    return InvalidRequest(message, [ErrorDetail(path=f"body.{field}", message=message)])


def _retire(session: Unit, rows: list[SessionRow], reason: str, now: datetime) -> None:
    for row in rows:
        row.status = require(row.status, Action.RETIRE).value
        row.skip_reason = reason
        row.updated_at = now
    save(session, *rows)


def patch_program(
    state: AppState, lifter_id: str, program_id: str, body: ProgramPatch
) -> ProgramDetail:
    """Edits a program. Only sessions still `planned` change (REPLANNING, the route's rule):
    new weekdays move those dated today or later onto the new days, in plan order, from today
    (never before the start, nor on or before a kept session's date); an earlier end date skips
    those after it ('program ended early'); archiving skips every one not yet started, as a new
    program does. Generated, started, completed and skipped sessions keep their dates."""
    now = state.clock()
    with state.db.write() as session:
        today = today_for(lifter(session, lifter_id), now)
        program = repo.own_program(session, lifter_id, program_id, lock=True)
        if program.status != "active" and body.model_fields_set - {"status"}:
            raise _invalid("status", "an archived program cannot be changed")
        if body.weekdays is not None:
            _replan_weekdays(session, program, sorted(body.weekdays), today, now)
        if body.end_date is not None:
            _end_early(session, program, body.end_date, today, now)
        if body.status == "archived" and program.status != "archived":
            program.status = "archived"
            program.archived_at = now
            save(session, program)
            retired = repo.sessions_in(session, program.id, allowed(Action.RETIRE))
            _retire(session, retired, "program archived", now)
        return _detail(session, program)


def _replan_weekdays(
    session: Unit, program: ProgramRow, weekdays: list[int], today: date, now: datetime
) -> None:
    if len(weekdays) != program.training_days_per_week:
        raise _invalid(
            "weekdays",
            f"the program trains {program.training_days_per_week} days a week: give that many "
            "weekdays",
        )
    program.weekdays = weekdays
    save(session, program)
    rows = repo.sessions_in(session, program.id, frozenset(SessionStatus))
    moving = [r for r in rows if r.status == SessionStatus.PLANNED and r.planned_date >= today]
    kept = [r.planned_date for r in rows if r not in moving and r.planned_date >= today]
    anchor = max(today, program.start_date)
    if kept:
        anchor = max(anchor, max(kept) + timedelta(days=1))
    for row, planned in zip(moving, planned_dates(anchor, weekdays, len(moving)), strict=True):
        if row.planned_date != planned:
            row.planned_date = planned
            row.updated_at = now
    save(session, *moving)


def _end_early(session: Unit, program: ProgramRow, end: date, today: date, now: datetime) -> None:
    if program.mode != "scheduled":
        raise _invalid("end_date", "an unending program has no end date: archive it instead")
    if end < max(today, program.start_date):
        raise _invalid("end_date", "the end date cannot be before today or the program's start")
    rows = repo.sessions_in(session, program.id, frozenset(SessionStatus))
    last = max((r.planned_date for r in rows), default=program.start_date)
    if end > last:
        raise _invalid(
            "end_date",
            f"a program can end earlier, not later (its last session is on {last.isoformat()}); "
            "start a new program for more weeks",
        )
    after = [r for r in rows if r.planned_date > end]
    open_after = [r for r in after if r.status in _OPEN]
    if any(r.status != SessionStatus.PLANNED for r in open_after):
        raise _invalid("end_date", "a session after that date was already generated or started")
    _retire(session, open_after, "program ended early", now)
    kept_weeks = [r.week_number for r in rows if r.planned_date <= end]
    program.total_weeks = max(kept_weeks, default=1)
    save(session, program)
