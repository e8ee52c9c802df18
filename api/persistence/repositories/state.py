"""The `LifterState` one generation reads: plain values, straight from prebuilt statements.

Hot path (every generation): the statements are built once, select only the columns the
assembly needs (never a stored document: past sessions give their accessory weights through
`aux_prescribed_kg`), and run on the unit's connection without the ORM. What changes only when
the lifter edits it (maxes, configs, disruptions, rehab caps, applied calibrations) is a
`Standing`, which callers may
cache under the lifter's `config_version` (every write to it bumps the version).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import (
    BindParameter,
    Float,
    Integer,
    Row,
    String,
    and_,
    bindparam,
    cast,
    func,
    literal,
    null,
    select,
    union_all,
)

from api.persistence.db import Unit, execute
from api.persistence.mappers import rest_override, to_disruption
from api.persistence.tables import DisruptionRow, metadata
from api.persistence.units import kg
from api.schemas import SessionStatus
from shared_types.config import VolumeLandmark, WarmupProtocol
from shared_types.enums import CalibrationSource, ExerciseType, IntensityType, Lift, MuscleGroup
from shared_types.inputs import RehabCap, RestOverride, TrainingDisruption
from training_engine.perceive import (
    CustomExercise,
    JsonObject,
    LifterProfile,
    LifterState,
    PastSession,
    SessionPlan,
    WeekSession,
    WeekSet,
)
from training_engine.planning import LoggedSet

__all__ = ["RECENT_SESSIONS", "Standing", "Target", "load_standing", "load_state"]

RECENT_SESSIONS = 20
_WARMUP: TypeAdapter[WarmupProtocol] = TypeAdapter(WarmupProtocol)
_PRIMARY = "primary"
_COMPLETED = SessionStatus.COMPLETED.value

_sessions = metadata.tables["training_sessions"]
_sets = metadata.tables["set_logs"]
_maxes = metadata.tables["lifter_maxes"]
_landmarks = metadata.tables["muscle_volume_configs"]
_warmups = metadata.tables["warmup_configs"]
_rest = metadata.tables["rest_configs"]
_disruptions = metadata.tables["disruptions"]
_caps = metadata.tables["rehab_caps"]
_customs = metadata.tables["custom_exercises"]
_calibrations = metadata.tables["modifier_calibrations"]
_load_calibrations = metadata.tables["load_calibrations"]
_lifter: BindParameter[str] = bindparam("lifter_id")


@dataclass(frozen=True)
class Target:
    """The session a generation is for, with what it needs of its lifter and program."""

    lifter_id: str
    plan: SessionPlan
    program_id: str | None
    is_deload: bool
    status: SessionStatus
    has_sets: bool
    profile: LifterProfile
    strategy: str  # the lifter's jit_strategy setting
    formula_overrides: JsonObject
    config_version: int
    last_completed_at: datetime | None  # of today's lift, however long ago
    timezone: str = "UTC"  # the lifter's IANA zone: the assembly's `now` is local


@dataclass(frozen=True)
class Standing:
    """What a lifter changes by editing it; valid while `config_version` is unchanged."""

    config_version: int
    stored_maxes: Mapping[Lift, float]
    landmark_overrides: Mapping[MuscleGroup, VolumeLandmark]
    warmups: Mapping[Lift, WarmupProtocol]
    rest_overrides: tuple[RestOverride, ...]
    disruptions: tuple[TrainingDisruption, ...]
    rehab_caps: tuple[RehabCap, ...]
    custom_exercises: tuple[CustomExercise, ...] = ()
    calibrations: Mapping[CalibrationSource, float] = field(default_factory=dict)
    load_calibrations: Mapping[IntensityType, float] = field(default_factory=dict)


_newest = (
    select(_maxes.c.lift, func.max(_maxes.c.id).label("newest"))
    .where(_maxes.c.lifter_id == _lifter)
    .group_by(_maxes.c.lift)
    .subquery()
)
MAXES = select(_maxes.c.lift, _maxes.c.one_rm_grams).join(_newest, _maxes.c.id == _newest.c.newest)
LANDMARKS = select(_landmarks.c.muscle, _landmarks.c.mev_sets, _landmarks.c.mrv_sets).where(
    _landmarks.c.lifter_id == _lifter
)
WARMUPS = select(_warmups.c.lift, _warmups.c.protocol).where(_warmups.c.lifter_id == _lifter)
REST = (
    select(_rest.c.lift, _rest.c.intensity_type, _rest.c.rest_seconds)
    .where(_rest.c.lifter_id == _lifter)
    .order_by(_rest.c.id)
)
RECENT = (
    select(
        _sessions.c.id,
        _sessions.c.primary_lift,
        _sessions.c.completed_at,
        _sessions.c.target_rpe,
        _sessions.c.session_rpe,
        _sessions.c.planned_weight_grams,
        _sessions.c.planned_reps,
        _sessions.c.one_rm_grams,
        _sessions.c.aux_prescribed_kg,
    )
    .where(
        _sessions.c.lifter_id == _lifter,
        _sessions.c.status == _COMPLETED,
        _sessions.c.completed_at.is_not(None),
    )
    .order_by(_sessions.c.completed_at.desc(), _sessions.c.id)
    .limit(RECENT_SESSIONS)
)
RECENT_SETS = (
    select(
        _sets.c.session_id,
        _sets.c.kind,
        _sets.c.exercise,
        _sets.c.weight_grams,
        _sets.c.reps,
        _sets.c.rpe,
        _sets.c.pain_limited,
        _sets.c.during_rehab,
    )
    .where(_sets.c.session_id.in_(bindparam("session_ids", expanding=True)))
    .order_by(_sets.c.exercise, _sets.c.set_number)
)
_in_week = and_(
    _sessions.c.program_id == bindparam("program_id"),
    _sessions.c.week_number == bindparam("week_number"),
)
# The program week in one statement: its sessions, and the sets logged in its other sessions.
WEEK = union_all(
    select(
        literal(False).label("is_set"),
        _sessions.c.primary_lift,
        _sessions.c.day_number,
        _sessions.c.status,
        cast(null(), String).label("kind"),
        cast(null(), String).label("exercise"),
        cast(null(), Float).label("rpe"),
    ).where(_in_week),
    select(
        literal(True),
        _sessions.c.primary_lift,
        cast(null(), Integer),
        cast(null(), String),
        _sets.c.kind,
        _sets.c.exercise,
        _sets.c.rpe,
    )
    .join(_sessions, _sessions.c.id == _sets.c.session_id)
    .where(_in_week, _sessions.c.id != bindparam("session_id")),
)
DISRUPTIONS = (
    select(_disruptions)
    .where(_disruptions.c.lifter_id == _lifter, _disruptions.c.status != "resolved")
    .order_by(_disruptions.c.reported_at, _disruptions.c.id)
)
CAPS = select(_caps.c.lift, _caps.c.cap_grams).where(
    _caps.c.lifter_id == _lifter, _caps.c.ended_at.is_(None)
)
CALIBRATIONS = select(_calibrations.c.source, _calibrations.c.applied_adjustment).where(
    _calibrations.c.lifter_id == _lifter, _calibrations.c.applied_adjustment.is_not(None)
)
LOAD_CALIBRATIONS = select(
    _load_calibrations.c.intensity_type, _load_calibrations.c.applied_adjustment
).where(
    _load_calibrations.c.lifter_id == _lifter, _load_calibrations.c.applied_adjustment.is_not(None)
)
CUSTOMS = (
    select(
        _customs.c.name,
        _customs.c.muscles,
        _customs.c.exercise_type,
        _customs.c.lift,
        _customs.c.accessory,
    )
    .where(_customs.c.lifter_id == _lifter)
    .order_by(_customs.c.created_at, _customs.c.id)
)


def _custom(row: Any) -> CustomExercise:
    name, muscles, exercise_type, lift, accessory = row
    return CustomExercise(
        name=name,
        muscles=tuple((MuscleGroup(m), float(share)) for m, share in muscles),
        exercise_type=ExerciseType(exercise_type),
        lift=Lift(lift) if lift is not None else None,
        accessory=bool(accessory),
    )


def _logged(row: Row[Any]) -> LoggedSet:
    return LoggedSet(
        weight_kg=kg(row.weight_grams),
        reps=row.reps,
        rpe=row.rpe,
        pain_limited=row.pain_limited,
        during_rehab=row.during_rehab,
    )


def _recent(unit: Unit, lifter_id: str) -> tuple[PastSession, ...]:
    """Completed sessions, newest first, with their logged sets and prescribed weights."""
    rows = execute(unit, RECENT, {"lifter_id": lifter_id}).rows
    if not rows:
        return ()
    by_session: dict[str, list[Any]] = {}
    for s in unit.connection().execute(RECENT_SETS, {"session_ids": [r.id for r in rows]}):
        by_session.setdefault(s.session_id, []).append(s)
    past: list[PastSession] = []
    for row in rows:
        logged = by_session.get(row.id, [])
        prescribed: Mapping[str, float] = row.aux_prescribed_kg or {}
        past.append(
            PastSession(
                session_id=row.id,
                lift=Lift(row.primary_lift),
                completed_at=row.completed_at,
                target_rpe=row.target_rpe,
                session_rpe=row.session_rpe,
                planned_weight_kg=(
                    kg(row.planned_weight_grams) if row.planned_weight_grams is not None else None
                ),
                planned_reps=row.planned_reps,
                one_rm_kg=kg(row.one_rm_grams) if row.one_rm_grams is not None else None,
                primary_sets=tuple(_logged(s) for s in logged if s.kind == _PRIMARY),
                aux_sets=tuple((s.exercise, _logged(s)) for s in logged if s.kind != _PRIMARY),
                aux_prescribed_kg=prescribed,
            )
        )
    return tuple(past)


def _week(unit: Unit, target: Target) -> tuple[tuple[WeekSet, ...], tuple[WeekSession, ...]]:
    if target.program_id is None:
        return (), ()
    rows = execute(
        unit,
        WEEK,
        {
            "program_id": target.program_id,
            "week_number": target.plan.week_number,
            "session_id": target.plan.session_id,
        },
    ).rows
    sets: list[WeekSet] = []
    sessions: list[WeekSession] = []
    for is_set, lift, day, status, kind, exercise, rpe in rows:
        if is_set:
            sets.append(WeekSet(session_lift=Lift(lift), kind=kind, exercise=exercise, rpe=rpe))
        else:
            sessions.append(WeekSession(day_number=day, lift=Lift(lift), status=status))
    return tuple(sets), tuple(sessions)


def load_standing(unit: Unit, lifter_id: str, config_version: int) -> Standing:
    """The lifter's maxes, configs, open disruptions and active rehab caps."""
    connection = unit.connection()
    who = {"lifter_id": lifter_id}
    return Standing(
        config_version=config_version,
        stored_maxes={Lift(r[0]): kg(r[1]) for r in connection.execute(MAXES, who)},
        landmark_overrides={
            MuscleGroup(r[0]): VolumeLandmark(mev=r[1], mrv=r[2])
            for r in connection.execute(LANDMARKS, who)
        },
        warmups={
            Lift(r[0]): _WARMUP.validate_python(r[1]) for r in connection.execute(WARMUPS, who)
        },
        rest_overrides=tuple(rest_override(*r) for r in connection.execute(REST, who)),
        disruptions=tuple(
            to_disruption(DisruptionRow(**r._mapping)) for r in connection.execute(DISRUPTIONS, who)
        ),
        rehab_caps=tuple(
            RehabCap(lift=Lift(r[0]), cap_kg=kg(r[1])) for r in connection.execute(CAPS, who)
        ),
        custom_exercises=tuple(_custom(r) for r in connection.execute(CUSTOMS, who)),
        calibrations={
            CalibrationSource(r[0]): float(r[1]) for r in connection.execute(CALIBRATIONS, who)
        },
        load_calibrations={
            IntensityType(r[0]): float(r[1]) for r in connection.execute(LOAD_CALIBRATIONS, who)
        },
    )


def load_state(unit: Unit, target: Target, standing: Standing) -> LifterState:
    """Everything `assemble` needs for one session: the standing part (loaded or cached at the
    target's `config_version`) and the session's history, read in the same unit."""
    week_sets, week_sessions = _week(unit, target)
    return LifterState(
        profile=target.profile,
        plan=target.plan,
        stored_maxes=standing.stored_maxes,
        formula_overrides=target.formula_overrides,
        landmark_overrides=standing.landmark_overrides,
        warmup=standing.warmups.get(target.plan.lift),
        rest_overrides=standing.rest_overrides,
        recent=_recent(unit, target.lifter_id),
        last_completed_at=target.last_completed_at,
        week_sets=week_sets,
        week_sessions=week_sessions,
        disruptions=standing.disruptions,
        rehab_caps=standing.rehab_caps,
        custom_exercises=standing.custom_exercises,
        calibrations=standing.calibrations,
        load_calibrations=standing.load_calibrations,
    )
