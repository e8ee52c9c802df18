"""SQL lives here: every query the shell makes, by lifter, returning rows or plain values.

Every lookup of a lifter-owned row filters by `lifter_id`, so another lifter's id is simply not
found (404), never a 403 that would confirm it exists. `lock=True` takes a row lock
(`SELECT ... FOR UPDATE` on PostgreSQL; SQLite's write units already hold the database lock).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from pydantic import TypeAdapter
from sqlalchemy import func
from sqlmodel import Session, col, select

from api.assembly import (
    LifterProfile,
    LifterState,
    PastSession,
    SessionPlan,
    WeekSession,
    WeekSet,
)
from api.errors import NotFound
from api.persistence.tables import (
    ApiTokenRow,
    ComparisonLogRow,
    DisruptionRow,
    GenerationRow,
    LifterRow,
    LifterSettingsRow,
    LlmCallRow,
    MaxRow,
    ProgramRow,
    RehabCapRow,
    RestOverrideRow,
    SessionRow,
    SetLogRow,
    VolumeLandmarkRow,
    WarmupConfigRow,
)
from api.persistence.units import kg
from shared_types.config import VolumeLandmark, WarmupProtocol
from shared_types.enums import DisruptionStatus, IntensityType, Lift, MuscleGroup, Sex
from shared_types.inputs import RehabCap, RestOverride, TrainingDisruption
from training_engine.planning import LoggedSet

__all__ = [
    "active_disruptions",
    "active_program",
    "active_rehab_caps",
    "comparison_logs",
    "current_maxes",
    "find_generation",
    "generation_records",
    "landmark_overrides",
    "lifter_id_for_token",
    "llm_calls",
    "load_state",
    "own",
    "own_session",
    "recent_finished",
    "rest_overrides",
    "session_sets",
    "settings_row",
    "to_disruption",
    "warmup_configs",
    "week_sets",
]

RECENT_SESSIONS = 20
_WARMUP: TypeAdapter[WarmupProtocol] = TypeAdapter(WarmupProtocol)
_PRIMARY = "primary"


def lifter_id_for_token(session: Session, token_hash: str) -> str | None:
    return session.exec(
        select(ApiTokenRow.lifter_id).where(
            ApiTokenRow.token_hash == token_hash, col(ApiTokenRow.revoked_at).is_(None)
        )
    ).first()


OwnedRow = TypeVar("OwnedRow", SessionRow, DisruptionRow, RehabCapRow, ProgramRow)


def own(
    session: Session, table: type[OwnedRow], lifter_id: str, row_id: str, *, lock: bool = False
) -> OwnedRow:
    """A row of this lifter, or 404 (another lifter's row is indistinguishable from none)."""
    query = select(table).where(table.id == row_id, table.lifter_id == lifter_id)
    if lock:
        query = query.with_for_update()
    row = session.exec(query).first()
    if row is None:
        raise NotFound(f"{table.__tablename__.removesuffix('s').replace('_', ' ')} not found")
    return row


def own_session(
    session: Session, lifter_id: str, session_id: str, *, lock: bool = False
) -> SessionRow:
    try:
        return own(session, SessionRow, lifter_id, session_id, lock=lock)
    except NotFound:
        raise NotFound("session not found") from None


def settings_row(session: Session, lifter_id: str) -> LifterSettingsRow:
    row = session.get(LifterSettingsRow, lifter_id)
    if row is None:  # provisioning creates it; a lifter made by hand still gets the defaults
        raise NotFound("lifter settings not found")
    return row


def current_maxes(session: Session, lifter_id: str) -> dict[Lift, MaxRow]:
    """The newest row per lift (maxes are append-only)."""
    newest = (
        select(MaxRow.lift, func.max(MaxRow.id).label("newest"))
        .where(MaxRow.lifter_id == lifter_id)
        .group_by(col(MaxRow.lift))
        .subquery()
    )
    rows = session.exec(select(MaxRow).join(newest, col(MaxRow.id) == newest.c.newest)).all()
    return {Lift(row.lift): row for row in rows}


def landmark_overrides(session: Session, lifter_id: str) -> dict[MuscleGroup, VolumeLandmark]:
    rows = session.exec(
        select(VolumeLandmarkRow).where(VolumeLandmarkRow.lifter_id == lifter_id)
    ).all()
    return {MuscleGroup(r.muscle): VolumeLandmark(mev=r.mev_sets, mrv=r.mrv_sets) for r in rows}


def warmup_configs(session: Session, lifter_id: str) -> dict[Lift, WarmupConfigRow]:
    rows = session.exec(select(WarmupConfigRow).where(WarmupConfigRow.lifter_id == lifter_id)).all()
    return {Lift(r.lift): r for r in rows}


def rest_overrides(session: Session, lifter_id: str) -> list[RestOverrideRow]:
    return list(
        session.exec(
            select(RestOverrideRow)
            .where(RestOverrideRow.lifter_id == lifter_id)
            .order_by(col(RestOverrideRow.id))
        ).all()
    )


def active_program(session: Session, lifter_id: str) -> ProgramRow | None:
    return session.exec(
        select(ProgramRow).where(ProgramRow.lifter_id == lifter_id, ProgramRow.status == "active")
    ).first()


def to_disruption(row: DisruptionRow) -> TrainingDisruption:
    return TrainingDisruption(
        id=row.id,
        user_id=row.lifter_id,
        program_id=row.program_id,
        reported_at=row.reported_at.isoformat(),
        disruption_type=row.disruption_type,  # type: ignore[arg-type]
        severity=row.severity,  # type: ignore[arg-type]
        affected_date_start=row.affected_date_start.isoformat(),
        affected_date_end=row.affected_date_end.isoformat() if row.affected_date_end else None,
        affected_lifts=tuple(Lift(x) for x in row.affected_lifts) if row.affected_lifts else None,
        description=row.description,
        event_name=row.event_name,
        resolved_at=row.resolved_at.isoformat() if row.resolved_at else None,
        status=DisruptionStatus(row.status),
    )


def active_disruptions(session: Session, lifter_id: str) -> list[DisruptionRow]:
    return list(
        session.exec(
            select(DisruptionRow)
            .where(DisruptionRow.lifter_id == lifter_id, DisruptionRow.status != "resolved")
            .order_by(col(DisruptionRow.reported_at), col(DisruptionRow.id))
        ).all()
    )


def active_rehab_caps(session: Session, lifter_id: str) -> list[RehabCapRow]:
    return list(
        session.exec(
            select(RehabCapRow).where(
                RehabCapRow.lifter_id == lifter_id, col(RehabCapRow.ended_at).is_(None)
            )
        ).all()
    )


def session_sets(session: Session, session_id: str) -> list[SetLogRow]:
    return list(
        session.exec(
            select(SetLogRow)
            .where(SetLogRow.session_id == session_id)
            .order_by(
                col(SetLogRow.kind).desc(), col(SetLogRow.exercise), col(SetLogRow.set_number)
            )
        ).all()
    )


def find_generation(session: Session, lifter_id: str, key: str) -> GenerationRow | None:
    return session.exec(
        select(GenerationRow).where(
            GenerationRow.lifter_id == lifter_id, GenerationRow.idempotency_key == key
        )
    ).first()


GenerationRecordRow = TypeVar("GenerationRecordRow", LlmCallRow, ComparisonLogRow)


def generation_records(
    session: Session, generation_id: str | None
) -> tuple[LlmCallRow | None, ComparisonLogRow | None]:
    """A generation's model call record and hybrid comparison (each at most one)."""
    if generation_id is None:
        return None, None
    call = session.exec(select(LlmCallRow).where(LlmCallRow.generation_id == generation_id)).first()
    comparison = session.exec(
        select(ComparisonLogRow).where(ComparisonLogRow.generation_id == generation_id)
    ).first()
    return call, comparison


def _newest_first(
    session: Session,
    table: type[GenerationRecordRow],
    *,
    lifter_id: str | None,
    session_id: str | None,
    limit: int,
    offset: int,
) -> tuple[int, list[GenerationRecordRow]]:
    conditions = []
    if lifter_id is not None:
        conditions.append(table.lifter_id == lifter_id)
    if session_id is not None:
        conditions.append(table.session_id == session_id)
    total = session.exec(select(func.count()).select_from(table).where(*conditions)).one()
    rows = session.exec(
        select(table)
        .where(*conditions)
        .order_by(col(table.created_at).desc(), col(table.id).desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return total, list(rows)


def llm_calls(
    session: Session, *, lifter_id: str | None, session_id: str | None, limit: int, offset: int
) -> tuple[int, list[LlmCallRow]]:
    """Model call records, newest first (all lifters unless one is named), and their count."""
    return _newest_first(
        session, LlmCallRow, lifter_id=lifter_id, session_id=session_id, limit=limit, offset=offset
    )


def comparison_logs(
    session: Session, *, lifter_id: str | None, session_id: str | None, limit: int, offset: int
) -> tuple[int, list[ComparisonLogRow]]:
    """Hybrid comparisons, newest first (all lifters unless one is named), and their count."""
    return _newest_first(
        session,
        ComparisonLogRow,
        lifter_id=lifter_id,
        session_id=session_id,
        limit=limit,
        offset=offset,
    )


def week_sets(
    session: Session, program_id: str, week_number: int, *, exclude_session: str | None = None
) -> list[WeekSet]:
    query = (
        select(SessionRow.primary_lift, SetLogRow.kind, SetLogRow.exercise, SetLogRow.rpe)
        .join(SessionRow, col(SessionRow.id) == col(SetLogRow.session_id))
        .where(SessionRow.program_id == program_id, SessionRow.week_number == week_number)
    )
    if exclude_session is not None:
        query = query.where(SessionRow.id != exclude_session)
    return [
        WeekSet(session_lift=Lift(lift), kind=kind, exercise=exercise, rpe=rpe)
        for lift, kind, exercise, rpe in session.exec(query).all()
    ]


def _prescribed_aux(output: dict[str, Any] | None) -> dict[str, float]:
    prescribed: dict[str, float] = {}
    for row in (output or {}).get("auxiliary_work", []):
        sets = row.get("sets") or []
        if sets and not row.get("skipped") and sets[0].get("weight_kg"):
            prescribed[row["exercise"]] = float(sets[0]["weight_kg"])
    return prescribed


def recent_finished(
    session: Session, lifter_id: str, *, limit: int = RECENT_SESSIONS
) -> list[PastSession]:
    """Completed sessions, newest first, with their logged sets and prescribed weights."""
    rows = session.exec(
        select(SessionRow)
        .where(
            SessionRow.lifter_id == lifter_id,
            SessionRow.status == "completed",
            col(SessionRow.completed_at).is_not(None),
        )
        .order_by(col(SessionRow.completed_at).desc(), col(SessionRow.id))
        .limit(limit)
    ).all()
    if not rows:
        return []
    ids = [r.id for r in rows]
    sets = session.exec(
        select(SetLogRow)
        .where(col(SetLogRow.session_id).in_(ids))
        .order_by(col(SetLogRow.exercise), col(SetLogRow.set_number))
    ).all()
    by_session: dict[str, list[SetLogRow]] = {}
    for s in sets:
        by_session.setdefault(s.session_id, []).append(s)
    result: list[PastSession] = []
    for row in rows:
        logged = by_session.get(row.id, [])
        assert row.completed_at is not None
        result.append(
            PastSession(
                session_id=row.id,
                lift=Lift(row.primary_lift),
                completed_at=row.completed_at,
                target_rpe=row.target_rpe,
                session_rpe=row.session_rpe,
                planned_weight_kg=(
                    kg(row.planned_weight_grams) if row.planned_weight_grams is not None else None
                ),
                primary_sets=tuple(_logged(s) for s in logged if s.kind == _PRIMARY),
                aux_sets=tuple((s.exercise, _logged(s)) for s in logged if s.kind != _PRIMARY),
                aux_prescribed_kg=_prescribed_aux(row.jit_output),
            )
        )
    return result


def _logged(row: SetLogRow) -> LoggedSet:
    return LoggedSet(
        weight_kg=kg(row.weight_grams),
        reps=row.reps,
        rpe=row.rpe,
        pain_limited=row.pain_limited,
        during_rehab=row.during_rehab,
    )


def _last_completed(session: Session, lifter_id: str, lift: str) -> datetime | None:
    return session.exec(
        select(func.max(SessionRow.completed_at)).where(
            SessionRow.lifter_id == lifter_id,
            SessionRow.primary_lift == lift,
            SessionRow.status == "completed",
        )
    ).first()


def _week_sessions(session: Session, program_id: str, week_number: int) -> list[WeekSession]:
    rows = session.exec(
        select(SessionRow.day_number, SessionRow.primary_lift, SessionRow.status).where(
            SessionRow.program_id == program_id, SessionRow.week_number == week_number
        )
    ).all()
    return [WeekSession(day_number=d, lift=Lift(lift), status=st) for d, lift, st in rows]


def _profile(lifter: LifterRow) -> LifterProfile:
    return LifterProfile(
        sex=Sex(lifter.biological_sex) if lifter.biological_sex else None,
        date_of_birth=lifter.date_of_birth,
        bodyweight_kg=kg(lifter.bodyweight_grams) if lifter.bodyweight_grams else None,
        bar_weight_kg=kg(lifter.bar_weight_grams) if lifter.bar_weight_grams else None,
        plates_kg=tuple(kg(g) for g in lifter.plates_grams) if lifter.plates_grams else None,
    )


def load_state(session: Session, lifter: LifterRow, row: SessionRow) -> LifterState:
    """Everything `assemble` needs for one session, read in one unit of work."""
    program = session.get(ProgramRow, row.program_id) if row.program_id else None
    settings = settings_row(session, lifter.id)
    warmups = warmup_configs(session, lifter.id)
    warmup_row = warmups.get(Lift(row.primary_lift))
    warmup: WarmupProtocol | None = None
    if warmup_row is not None:
        warmup = _WARMUP.validate_python(warmup_row.protocol)
    rest = tuple(
        RestOverride(
            lift=Lift(r.lift) if r.lift else None,
            intensity_type=IntensityType(r.intensity_type) if r.intensity_type else None,
            rest_seconds=r.rest_seconds,
        )
        for r in rest_overrides(session, lifter.id)
    )
    plan = SessionPlan(
        session_id=row.id,
        week_number=row.week_number,
        day_number=row.day_number,
        block_number=row.block_number,
        lift=Lift(row.primary_lift),
        intensity=IntensityType(row.intensity_type),
        program_mode=program.mode if program else None,
        days_per_week=program.training_days_per_week if program else None,
        session_counter=program.session_counter if program else 0,
    )
    caps = tuple(
        RehabCap(lift=Lift(c.lift), cap_kg=kg(c.cap_grams))
        for c in active_rehab_caps(session, lifter.id)
    )
    return LifterState(
        profile=_profile(lifter),
        plan=plan,
        stored_maxes={
            lift: kg(m.one_rm_grams) for lift, m in current_maxes(session, lifter.id).items()
        },
        formula_overrides=settings.formula_overrides or {},
        landmark_overrides=landmark_overrides(session, lifter.id),
        warmup=warmup,
        rest_overrides=rest,
        recent=tuple(recent_finished(session, lifter.id)),
        last_completed_at=_last_completed(session, lifter.id, row.primary_lift),
        week_sets=tuple(
            week_sets(session, row.program_id, row.week_number, exclude_session=row.id)
            if row.program_id
            else ()
        ),
        week_sessions=tuple(
            _week_sessions(session, row.program_id, row.week_number) if row.program_id else ()
        ),
        disruptions=tuple(to_disruption(d) for d in active_disruptions(session, lifter.id)),
        rehab_caps=caps,
    )
