"""A generation's statements: the read before computing, and the write that re-checks.
Hot path: prebuilt Core statements, only the columns needed, documents written once as JSON
text (`RawJson`).

The session row's *version* is what the generation read from it (status, intensity, program).
The write updates the row only if it still has that version (the update takes the row lock),
then inserts the check-in and the generation, whose key is unique per lifter: a changed session
or a key taken meanwhile writes nothing, and the caller reads again (ADR 0009). On PostgreSQL
the three are one statement (`STORE`), and the statements run on the driver's cursor
(`api.persistence.db.execute`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, and_, bindparam, exists, func, select
from sqlalchemy.exc import IntegrityError

from api.errors import NotFound
from api.persistence.db import Unit, execute
from api.persistence.repositories.state import Target
from api.persistence.tables import metadata
from api.persistence.types import RawJson
from api.persistence.units import grams, kg
from api.schemas import SessionStatus
from shared_types.enums import IntensityType, Lift, Sex
from shared_types.outputs import JITOutput
from training_engine.perceive import LifterProfile, SessionPlan

__all__ = [
    "CheckInValues",
    "Earlier",
    "SessionVersion",
    "Stored",
    "aux_prescribed_kg",
    "store_generation",
    "target",
    "version_of",
]

_sessions = metadata.tables["training_sessions"]
_lifters = metadata.tables["lifters"]
_settings = metadata.tables["lifter_settings"]
_programs = metadata.tables["programs"]
_sets = metadata.tables["set_logs"]
_generations = metadata.tables["generations"]
_check_ins = metadata.tables["check_ins"]
_ids = (
    _sessions.c.id == bindparam("session_id"),
    _sessions.c.lifter_id == bindparam("lifter_id"),
)
_done = _sessions.alias("done")
_by_key = and_(
    _generations.c.lifter_id == _sessions.c.lifter_id,
    _generations.c.idempotency_key == bindparam("key"),
)

TARGET = (
    select(
        _sessions.c.program_id,
        _sessions.c.week_number,
        _sessions.c.day_number,
        _sessions.c.block_number,
        _sessions.c.primary_lift,
        _sessions.c.intensity_type,
        _sessions.c.is_deload,
        _sessions.c.status,
        _lifters.c.biological_sex,
        _lifters.c.date_of_birth,
        _lifters.c.bodyweight_grams,
        _lifters.c.bar_weight_grams,
        _lifters.c.plates_grams,
        _lifters.c.timezone,
        _settings.c.jit_strategy,
        _settings.c.formula_overrides,
        _settings.c.config_version,
        _programs.c.mode,
        _programs.c.training_days_per_week,
        _programs.c.session_counter,
        exists().where(_sets.c.session_id == _sessions.c.id).label("has_sets"),
        select(func.max(_done.c.completed_at))
        .where(
            _done.c.lifter_id == _sessions.c.lifter_id,
            _done.c.primary_lift == _sessions.c.primary_lift,
            _done.c.status == SessionStatus.COMPLETED.value,
        )
        .scalar_subquery()
        .label("last_completed_at"),
        _generations.c.request_hash,
        _generations.c.response_json,
        _generations.c.id.label("earlier_id"),
        _sessions.c.generation_id.label("current_generation_id"),
    )
    .select_from(_sessions)
    .join(_lifters, _lifters.c.id == _sessions.c.lifter_id)
    .outerjoin(_settings, _settings.c.lifter_id == _sessions.c.lifter_id)
    .outerjoin(_programs, _programs.c.id == _sessions.c.program_id)
    .outerjoin(_generations, _by_key)
    .where(*_ids)
)
# The write's re-check: the session is updated only if it still has the version the generation
# read (the update takes the row lock); the key is re-checked by its unique constraint.
UPDATE_SESSION = _sessions.update().where(
    _sessions.c.id == bindparam("session_id"),
    _sessions.c.status == bindparam("read_status"),
    _sessions.c.intensity_type == bindparam("read_intensity"),
    _sessions.c.program_id.is_not_distinct_from(bindparam("read_program")),
)
INSERT_CHECK_IN = _check_ins.insert()
INSERT_GENERATION = _generations.insert()


def _bound(table: Table, prefix: str, *names: str) -> dict[str, Any]:
    """Each column as a typed parameter named `prefix` + its name."""
    return {name: bindparam(prefix + name, type_=table.c[name].type) for name in names}


_SESSION_SET = _bound(
    _sessions,
    "",
    "status",
    "intensity_type",
    "jit_strategy",
    "fallback_reason",
    "jit_generated_at",
    "jit_input_snapshot",
    "jit_output",
    "jit_output_trace",
    "aux_prescribed_kg",
    "target_rpe",
    "planned_weight_grams",
    "planned_reps",
    "one_rm_grams",
    "generation_id",
    "updated_at",
)
_updated = UPDATE_SESSION.values(_SESSION_SET).returning(_sessions.c.id).cte("updated")
_CHECK_IN = _bound(
    _check_ins,
    "c_",
    "id",
    "lifter_id",
    "soreness",
    "sleep_quality",
    "energy_level",
    "wearables",
    "strategy_override",
    "recorded_at",
)
_checked_in = (
    _check_ins.insert()
    .from_select(
        [*_CHECK_IN, "session_id"],
        select(*_CHECK_IN.values(), _updated.c.id),
    )
    .returning(_check_ins.c.id)
    .cte("checked_in")
)
_GENERATION = _bound(
    _generations,
    "g_",
    "id",
    "lifter_id",
    "session_id",
    "idempotency_key",
    "request_hash",
    "jit_strategy",
    "fallback_reason",
    "response_json",
    "route",
    "rollout_id",
    "rollout_arm",
    "stage_ms",
    "created_at",
)
# PostgreSQL: the three writes in one statement. The check-in is inserted only if the session
# was updated (it selects from `updated`), the generation only if the check-in was; a unique
# violation aborts the whole statement. One row returned: written; none: the version changed.
STORE = _generations.insert().from_select(
    [*_GENERATION, "check_in_id"],
    select(*_GENERATION.values(), _checked_in.c.id),
)


@dataclass(frozen=True)
class Earlier:
    """A generation stored under the same key: its request fingerprint and exact response,
    its id, and the id of the generation the session now holds (another one: superseded)."""

    request_hash: str
    response_json: str
    generation_id: str
    current_generation_id: str | None

    @property
    def superseded(self) -> bool:
        return self.generation_id != self.current_generation_id


@dataclass(frozen=True)
class SessionVersion:
    status: str
    intensity_type: str
    program_id: str | None


@dataclass(frozen=True)
class CheckInValues:
    id: str
    soreness: dict[str, int]
    sleep_quality: int | None
    energy_level: int | None
    wearables: dict[str, float] | None
    strategy_override: str | None


@dataclass(frozen=True)
class Stored:
    """Everything one generation writes beside its records."""

    generation_id: str
    lifter_id: str
    session_id: str
    idempotency_key: str
    request_hash: str
    check_in: CheckInValues
    intensity: IntensityType
    output: JITOutput
    generated_at: datetime
    snapshot_json: str  # the JITInput
    one_rm_kg: float  # the 1RM the prescription was computed from
    output_json: str  # the output without its trace
    trace_json: str | None
    response_json: str
    now: datetime
    route: str | None = None  # `auto`'s decision and its reasons
    rollout_id: str | None = None  # the rollout that assigned `auto` an arm, and the arm
    rollout_arm: str | None = None
    # Wall-clock ms of the stages before the write (read, assemble, engine, serialise); the
    # caller's dict, complete once the serialise stage that builds this has ended.
    stage_ms: dict[str, float] | None = None


def _profile(row: Any) -> LifterProfile:
    return LifterProfile(
        sex=Sex(row.biological_sex) if row.biological_sex else None,
        date_of_birth=row.date_of_birth,
        bodyweight_kg=kg(row.bodyweight_grams) if row.bodyweight_grams else None,
        bar_weight_kg=kg(row.bar_weight_grams) if row.bar_weight_grams else None,
        plates_kg=tuple(kg(g) for g in row.plates_grams) if row.plates_grams else None,
    )


def _earlier(row: Any) -> Earlier | None:
    if row.request_hash is None:
        return None
    return Earlier(row.request_hash, row.response_json, row.earlier_id, row.current_generation_id)


def target(unit: Unit, lifter_id: str, session_id: str, key: str) -> tuple[Target, Earlier | None]:
    """The lifter's session with its plan, profile, settings and program (or 404), and the
    generation already stored under `key`, if any."""
    row = execute(
        unit, TARGET, {"session_id": session_id, "lifter_id": lifter_id, "key": key}
    ).first()
    if row is None:
        raise NotFound("session not found")
    if row.jit_strategy is None:  # provisioning creates it
        raise NotFound("lifter settings not found")
    has_program = row.mode is not None
    found = Target(
        lifter_id=lifter_id,
        plan=SessionPlan(
            session_id=session_id,
            week_number=row.week_number,
            day_number=row.day_number,
            block_number=row.block_number,
            lift=Lift(row.primary_lift),
            intensity=IntensityType(row.intensity_type),
            program_mode=row.mode,
            days_per_week=row.training_days_per_week if has_program else None,
            session_counter=row.session_counter if has_program else 0,
        ),
        program_id=row.program_id,
        is_deload=bool(row.is_deload),
        status=SessionStatus(row.status),
        has_sets=bool(row.has_sets),
        profile=_profile(row),
        strategy=row.jit_strategy,
        formula_overrides=row.formula_overrides or {},
        config_version=row.config_version,
        last_completed_at=row.last_completed_at,
        timezone=row.timezone,
    )
    return found, _earlier(row)


def version_of(target: Target) -> SessionVersion:
    return SessionVersion(target.status.value, target.plan.intensity.value, target.program_id)


def aux_prescribed_kg(output: JITOutput) -> dict[str, float]:
    """Each accessory's prescribed first-set weight (what accessory history anchors on)."""
    return {
        row.exercise: float(row.sets[0].weight_kg)
        for row in output.auxiliary_work
        if row.sets and not row.skipped and row.sets[0].weight_kg
    }


def _session_values(stored: Stored) -> dict[str, Any]:
    output = stored.output
    main = output.main_lift_sets
    return {
        "status": SessionStatus.GENERATED.value,
        "intensity_type": stored.intensity.value,
        "jit_strategy": output.jit_strategy.value if output.jit_strategy else None,
        "fallback_reason": output.fallback_reason.value if output.fallback_reason else None,
        "jit_generated_at": stored.generated_at,
        "jit_input_snapshot": RawJson(stored.snapshot_json),
        "jit_output": RawJson(stored.output_json),
        "jit_output_trace": RawJson(stored.trace_json) if stored.trace_json is not None else None,
        "aux_prescribed_kg": aux_prescribed_kg(output),
        "target_rpe": main[0].rpe_target if main else None,
        "planned_weight_grams": grams(main[0].weight_kg) if main else None,
        "planned_reps": main[0].reps if main else None,
        "one_rm_grams": grams(stored.one_rm_kg),
        "generation_id": stored.generation_id,
        "updated_at": stored.now,
    }


def _check_in_values(stored: Stored) -> dict[str, Any]:
    check_in = stored.check_in
    return {
        "id": check_in.id,
        "lifter_id": stored.lifter_id,
        "session_id": stored.session_id,
        "soreness": check_in.soreness,
        "sleep_quality": check_in.sleep_quality,
        "energy_level": check_in.energy_level,
        "wearables": check_in.wearables,
        "strategy_override": check_in.strategy_override,
        "recorded_at": stored.now,
    }


def _generation_values(stored: Stored) -> dict[str, Any]:
    output = stored.output
    return {
        "id": stored.generation_id,
        "lifter_id": stored.lifter_id,
        "session_id": stored.session_id,
        "check_in_id": stored.check_in.id,
        "idempotency_key": stored.idempotency_key,
        "request_hash": stored.request_hash,
        "jit_strategy": output.jit_strategy.value if output.jit_strategy else "formula",
        "fallback_reason": output.fallback_reason.value if output.fallback_reason else None,
        "response_json": stored.response_json,
        "route": stored.route,
        "rollout_id": stored.rollout_id,
        "rollout_arm": stored.rollout_arm,
        "stage_ms": stored.stage_ms,
        "created_at": stored.now,
    }


def store_generation(unit: Unit, stored: Stored, read: SessionVersion) -> bool:
    """Writes the session's new output, the check-in and the generation row. False, with
    nothing written, when the session no longer has the version `read` or the key was taken
    meanwhile; the unit is then spoiled: end it with an error.

    PostgreSQL does it in one statement (`STORE`: one round trip); SQLite, which has no
    writing CTEs, in three."""
    check = {
        "session_id": stored.session_id,
        "read_status": read.status,
        "read_intensity": read.intensity_type,
        "read_program": read.program_id,
    }
    session = {**check, **_session_values(stored)}
    check_in = _check_in_values(stored)
    generation = _generation_values(stored)
    if unit.connection().dialect.name == "postgresql":
        session.update({f"c_{k}": v for k, v in check_in.items() if k != "session_id"})
        session.update({f"g_{k}": v for k, v in generation.items() if k != "check_in_id"})
        try:
            return execute(unit, STORE, session).rowcount == 1
        except IntegrityError:
            return False
    if execute(unit, UPDATE_SESSION, session).rowcount != 1:
        return False
    try:
        execute(unit, INSERT_CHECK_IN, check_in)
        execute(unit, INSERT_GENERATION, generation)
    except IntegrityError:
        return False
    return True
