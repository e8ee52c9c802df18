"""The session lifecycle after generation: sets, complete, skip; listing; weekly volume.

The moves between statuses are `lifecycle.MOVES`. Set logs are idempotent per (session, kind,
exercise, set number): the same set sent again returns the stored one; sent with other numbers
it corrects it.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime

from api.assembly import effective_landmarks, set_volume
from api.errors import ErrorDetail, InvalidRequest, NotFound
from api.persistence.db import Unit
from api.persistence.mappers import lifter_sex, session_detail, session_out, set_out
from api.persistence.repositories import (
    audit,
    config,
    disruptions,
    feedback,
    lifters,
    programs,
    reviews,
)
from api.persistence.repositories import sessions as repo
from api.persistence.repositories.rows import save
from api.persistence.tables import SessionRow, SetLogRow
from api.persistence.units import grams
from api.schemas import (
    AdviceOut,
    CompleteRequest,
    MuscleVolume,
    SessionDetail,
    SessionOut,
    SessionPage,
    SessionStatus,
    SetLoggedOut,
    SetLogIn,
    SetLogOut,
    SkipRequest,
    VolumeOut,
)
from api.services import oracle
from api.services.coaching import advise, session_advice
from api.services.exercises import custom_exercises
from api.services.feedback import outcome_out, record_outcome
from api.services.lifecycle import Action, require
from api.services.programs import advance_unending
from api.services.today import today_for
from api.state import AppState
from shared_types.config import MrvMevConfig
from shared_types.enums import MuscleGroup, Sex, StrategyUsed
from training_engine.accessories.exercises import ExerciseBook
from training_engine.perceive import custom_maps
from training_engine.planning import volume_status

__all__ = [
    "complete_session",
    "get_session",
    "list_sessions",
    "log_set",
    "muscle_volumes",
    "next_session",
    "skip_session",
    "weekly_volume_report",
]


def list_sessions(
    state: AppState,
    lifter_id: str,
    *,
    status: SessionStatus | None,
    date_from: date | None,
    date_to: date | None,
    limit: int,
    offset: int,
    program_id: str | None = None,
) -> SessionPage:
    with state.db.read() as session:
        if program_id is not None:
            programs.own_program(session, lifter_id, program_id)  # 404 when not the lifter's
        total, rows = repo.session_page(
            session,
            lifter_id,
            status=status,
            date_from=date_from,
            date_to=date_to,
            limit=limit,
            offset=offset,
            program_id=program_id,
        )
        items: list[SessionOut] = [session_out(r) for r in rows]
    return SessionPage(items=items, total=total, limit=limit, offset=offset)


def get_session(state: AppState, lifter_id: str, session_id: str) -> SessionDetail:
    with state.db.read() as session:
        return _detail(session, lifter_id, session_id)


def _detail(session: Unit, lifter_id: str, session_id: str) -> SessionDetail:
    row = repo.own_session(session, lifter_id, session_id, documents=True)
    call, comparison = audit.generation_records(session, row.generation_id)
    review = reviews.generation_review(session, row.generation_id)
    detail = session_detail(row, repo.session_sets(session, row.id), call, comparison, review)
    outcome = feedback.outcome(session, row.id)
    return detail.model_copy(
        update={
            "outcome": outcome_out(outcome).outcome if outcome is not None else None,
            "advice": session_advice(session, row.id),
        }
    )


def next_session(state: AppState, lifter_id: str) -> SessionDetail:
    """The next session to do: the first one not yet finished (planned, generated or in
    progress) dated today or later (`today_for`), with its prescription when generated."""
    now = state.clock()
    with state.db.read() as session:
        today = today_for(lifters.lifter(session, lifter_id), now)
        row = repo.next_open_session(session, lifter_id, today)
        if row is None:
            raise NotFound(
                f"no session to do on or after {today.isoformat()}: every session is finished "
                "or there is no program (POST /v1/me/programs starts one)"
            )
        return _detail(session, lifter_id, row.id)


def log_set(
    state: AppState, lifter_id: str, session_id: str, body: SetLogIn
) -> tuple[SetLoggedOut, bool]:
    """The stored set and whether it was created by this call. A new or corrected main-lift
    set carries the next-set advice, when any applies (`coaching.advise`)."""
    now = state.clock()
    with state.db.write() as session:
        row = repo.own_session(session, lifter_id, session_id, lock=True)
        next_status = require(row.status, Action.LOG_SET)
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
            c.lift == row.primary_lift for c in disruptions.active_rehab_caps(session, lifter_id)
        )
        values: dict[str, object] = {
            "weight_grams": grams(body.weight_kg),
            "reps": body.reps,
            "rpe": body.rpe,
            "failed": body.failed,
            "pain_limited": body.pain_limited,
        }
        existing = repo.find_set(session, row.id, body.kind, exercise, body.set_number)
        if existing is not None:
            if not any(getattr(existing, k) != v for k, v in values.items()):
                return _logged(set_out(existing)), False  # a retried request
            for k, v in values.items():
                setattr(existing, k, v)
            existing.updated_at = now
            save(session, existing)
            return _logged(set_out(existing), _advice(session, row, body, now)), False
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
        if row.status != next_status:
            row.status = next_status.value
            row.started_at = now
            row.updated_at = now
        save(session, logged, row)
        return _logged(set_out(logged), _advice(session, row, body, now)), True


def _logged(out: SetLogOut, advice: AdviceOut | None = None) -> SetLoggedOut:
    return SetLoggedOut(**out.model_dump(), advice=advice)


def _advice(session: Unit, row: SessionRow, body: SetLogIn, now: datetime) -> AdviceOut | None:
    return advise(session, row, body.set_number, now) if body.kind == "primary" else None


def complete_session(
    state: AppState, lifter_id: str, session_id: str, body: CompleteRequest
) -> SessionOut:
    now = state.clock()
    with state.db.write() as session:
        row = repo.own_session(session, lifter_id, session_id, lock=True)
        if row.status == SessionStatus.COMPLETED and row.session_rpe == body.session_rpe:
            return session_out(row)  # a retried request
        row.status = require(row.status, Action.COMPLETE).value
        row.session_rpe = body.session_rpe
        row.completed_at = now
        row.updated_at = now
        _advance(session, row, now)
        _finished(state, session, row, now)
        return session_out(row)


def skip_session(state: AppState, lifter_id: str, session_id: str, body: SkipRequest) -> SessionOut:
    now = state.clock()
    with state.db.write() as session:
        row = repo.own_session(session, lifter_id, session_id, lock=True)
        if row.status == SessionStatus.SKIPPED:
            return session_out(row)
        row.status = require(row.status, Action.SKIP).value
        row.skip_reason = body.reason
        row.updated_at = now
        _advance(session, row, now)
        _finished(state, session, row, now)
        return session_out(row)


def _finished(state: AppState, session: Unit, row: SessionRow, now: datetime) -> None:
    """The outcome of a completed or skipped session and what it teaches (`services.feedback`);
    a session a distilled rule served also runs the rules' SLO guard, so a rule whose sessions
    go worse than the model's is paused at once, not at the next oracle run."""
    record_outcome(
        session,
        row,
        now,
        learning=state.settings.calibration_learning,
        rewards=state.settings.routing.bandit.rewards,
    )
    if row.jit_strategy == StrategyUsed.DISTILLED_RULE:
        # only the rules of its lift and day: no other rule's window changed
        oracle.guard_rules(
            session, state.settings, now, lift=row.primary_lift, intensity_type=row.intensity_type
        )


def _advance(session: Unit, row: SessionRow, now: datetime) -> None:
    """Stores the finished session; an unending program then plans its next one."""
    save(session, row)
    if row.program_id is None:
        return
    program = programs.program(session, row.program_id, lock=True)
    if program is not None and program.mode == "unending" and program.status == "active":
        advance_unending(
            session, program, today_for(lifters.lifter(session, row.lifter_id), now), now
        )


def _week_in_program(week: int, last: int | None) -> None:
    """A scheduled program has weeks 1..total_weeks; an unending one, the weeks planned so far."""
    if last is None or week > last:
        weeks = f"weeks 1-{last}" if last else "no weeks yet"
        raise NotFound(
            f"week {week} is not in the active program ({weeks})",
            [ErrorDetail(path="query.week", message=f"must be within the program ({weeks})")],
        )


def weekly_volume_report(state: AppState, lifter_id: str, week: int | None) -> VolumeOut:
    with state.db.read() as session:
        program = programs.active_program(session, lifter_id)
        if program is None:
            raise NotFound("no active program")
        if week is None:
            week = repo.current_week(session, program.id)
        else:
            _week_in_program(week, program.total_weeks or repo.last_week(session, program.id))
        lifter = lifters.lifter(session, lifter_id)
        sex = lifter_sex(lifter)
        muscle_map, type_map = custom_maps(custom_exercises(session, lifter_id))
        book = ExerciseBook(
            custom_muscles=muscle_map or {},
            custom_types=type_map or {},
            sex=Sex.FEMALE if sex is Sex.FEMALE else Sex.MALE,
        )
        volume = set_volume(repo.week_sets(session, program.id, week), book)
        landmarks = effective_landmarks(sex, config.landmark_overrides(session, lifter_id))
    return VolumeOut(program_id=program.id, week=week, muscles=muscle_volumes(volume, landmarks))


def muscle_volumes(
    volume: Mapping[MuscleGroup, float], landmarks: MrvMevConfig
) -> list[MuscleVolume]:
    """Effective sets per muscle against its MEV and MRV, in canonical muscle order."""
    statuses = volume_status(volume, landmarks)
    return [
        MuscleVolume(
            muscle=m,
            sets=volume.get(m, 0.0),
            mev=landmarks[m].mev,
            mrv=landmarks[m].mrv,
            status=statuses[m],
        )
        for m in statuses
    ]
