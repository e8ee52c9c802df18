"""Lifters, their tokens, maxes, the strategy setting and the per-lifter configs."""

from __future__ import annotations

import uuid

from sqlalchemy import func
from sqlmodel import Session, col, delete, select

from api.assembly import (
    default_bar_weight_kg,
    default_warmup,
    effective_formula_config,
    effective_landmarks,
)
from api.auth import hash_token, new_token
from api.errors import NotFound
from api.persistence import repositories as repo
from api.persistence.mappers import lifter_out, max_out
from api.persistence.tables import (
    ApiTokenRow,
    LifterRow,
    LifterSettingsRow,
    MaxRow,
    RestOverrideRow,
    VolumeLandmarkRow,
    WarmupConfigRow,
)
from api.persistence.units import grams, kg
from api.schemas import (
    FormulaConfigIn,
    FormulaConfigOut,
    LifterCreate,
    LifterCreated,
    LifterList,
    LifterOut,
    LifterPatch,
    MaxesOut,
    MaxIn,
    MaxOut,
    PlatesConfig,
    PlatesOut,
    RestConfig,
    SettingsIn,
    SettingsOut,
    VolumeLandmarksIn,
    VolumeLandmarksOut,
    WarmupsIn,
    WarmupsOut,
)
from api.state import AppState
from shared_types.enums import Lift, MuscleGroup, Sex, StrategyName
from shared_types.inputs import RestOverride
from training_engine.formulas.rounding import PLATES_KG
from training_engine.planning import epley_kg

__all__ = [
    "create_lifter",
    "get_formula",
    "get_landmarks",
    "get_lifter",
    "get_maxes",
    "get_me",
    "get_plates",
    "get_rest",
    "get_settings",
    "get_warmups",
    "list_lifters",
    "patch_me",
    "put_formula",
    "put_landmarks",
    "put_max",
    "put_plates",
    "put_rest",
    "put_settings",
    "put_warmups",
    "rotate_token",
]


def _lifter(session: Session, lifter_id: str) -> LifterRow:
    row = session.get(LifterRow, lifter_id)
    if row is None:
        raise NotFound("lifter not found")
    return row


def _sex(row: LifterRow) -> Sex | None:
    return Sex(row.biological_sex) if row.biological_sex else None


def create_lifter(state: AppState, body: LifterCreate) -> LifterCreated:
    now = state.clock()
    token = new_token()
    lifter = LifterRow(
        id=str(uuid.uuid4()),
        name=body.name,
        biological_sex=body.biological_sex.value if body.biological_sex else None,
        date_of_birth=body.date_of_birth,
        bodyweight_grams=grams(body.bodyweight_kg) if body.bodyweight_kg else None,
        bar_weight_grams=grams(body.bar_weight_kg) if body.bar_weight_kg else None,
        plates_grams=sorted({grams(p) for p in body.available_plates_kg}, reverse=True)
        if body.available_plates_kg
        else None,
        created_at=now,
        updated_at=now,
    )
    with state.db.write() as session:
        session.add(lifter)
        session.flush()
        session.add(
            LifterSettingsRow(
                lifter_id=lifter.id, jit_strategy="auto", formula_overrides={}, updated_at=now
            )
        )
        session.add(
            ApiTokenRow(
                id=str(uuid.uuid4()),
                lifter_id=lifter.id,
                token_hash=hash_token(token),
                created_at=now,
            )
        )
        return LifterCreated(lifter=lifter_out(lifter), token=token)


def rotate_token(state: AppState, lifter_id: str) -> LifterCreated:
    """A new token for the lifter; every earlier one stops working."""
    now = state.clock()
    token = new_token()
    with state.db.write() as session:
        lifter = _lifter(session, lifter_id)
        for old in session.exec(
            select(ApiTokenRow).where(
                ApiTokenRow.lifter_id == lifter_id, col(ApiTokenRow.revoked_at).is_(None)
            )
        ).all():
            old.revoked_at = now
            session.add(old)
        session.add(
            ApiTokenRow(
                id=str(uuid.uuid4()),
                lifter_id=lifter_id,
                token_hash=hash_token(token),
                created_at=now,
            )
        )
        return LifterCreated(lifter=lifter_out(lifter), token=token)


def list_lifters(state: AppState, limit: int, offset: int) -> LifterList:
    with state.db.read() as session:
        total = session.exec(select(func.count()).select_from(LifterRow)).one()
        rows = session.exec(
            select(LifterRow)
            .order_by(col(LifterRow.created_at), col(LifterRow.id))
            .offset(offset)
            .limit(limit)
        ).all()
        return LifterList(
            items=[lifter_out(r) for r in rows], total=total, limit=limit, offset=offset
        )


def get_lifter(state: AppState, lifter_id: str) -> LifterOut:
    with state.db.read() as session:
        return lifter_out(_lifter(session, lifter_id))


get_me = get_lifter


def patch_me(state: AppState, lifter_id: str, body: LifterPatch) -> LifterOut:
    sent = body.model_fields_set
    with state.db.write() as session:
        row = _lifter(session, lifter_id)
        if "name" in sent and body.name is not None:
            row.name = body.name
        if "biological_sex" in sent:
            row.biological_sex = body.biological_sex.value if body.biological_sex else None
        if "date_of_birth" in sent:
            row.date_of_birth = body.date_of_birth
        if "bodyweight_kg" in sent:
            row.bodyweight_grams = grams(body.bodyweight_kg) if body.bodyweight_kg else None
        row.updated_at = state.clock()
        session.add(row)
        return lifter_out(row)


def get_maxes(state: AppState, lifter_id: str) -> MaxesOut:
    with state.db.read() as session:
        current = repo.current_maxes(session, lifter_id)
        history = session.exec(
            select(MaxRow)
            .where(MaxRow.lifter_id == lifter_id)
            .order_by(col(MaxRow.id).desc())
            .limit(200)
        ).all()
        return MaxesOut(
            current={lift: max_out(row) for lift, row in current.items()},
            history=[max_out(r) for r in history],
        )


def put_max(state: AppState, lifter_id: str, lift: Lift, body: MaxIn) -> MaxOut:
    """Appends a max; sending the current value again appends nothing (PUT is idempotent)."""
    if body.one_rm_kg is not None:
        one_rm, source, weight, reps = body.one_rm_kg, "input_1rm", None, None
    else:
        assert body.weight_kg is not None
        assert body.reps is not None
        estimate = epley_kg(body.weight_kg, body.reps)
        assert estimate is not None
        one_rm, weight, reps = estimate, body.weight_kg, body.reps
        source = "input_1rm" if body.reps == 1 else f"input_{body.reps}rm"
    with state.db.write() as session:
        _lifter(session, lifter_id)
        current = repo.current_maxes(session, lifter_id).get(lift)
        row = MaxRow(
            lifter_id=lifter_id,
            lift=lift.value,
            one_rm_grams=grams(one_rm),
            source=source,
            input_weight_grams=grams(weight) if weight is not None else None,
            input_reps=reps,
            recorded_at=state.clock(),
        )
        if current is not None and (
            current.one_rm_grams,
            current.source,
            current.input_weight_grams,
            current.input_reps,
        ) == (row.one_rm_grams, row.source, row.input_weight_grams, row.input_reps):
            return max_out(current)
        session.add(row)
        session.flush()
        return max_out(row)


def _settings_out(state: AppState, row: LifterSettingsRow) -> SettingsOut:
    return SettingsOut(
        jit_strategy=StrategyName(row.jit_strategy),
        available_strategies=list(state.registry.names),
    )


def get_settings(state: AppState, lifter_id: str) -> SettingsOut:
    with state.db.read() as session:
        return _settings_out(state, repo.settings_row(session, lifter_id))


def put_settings(state: AppState, lifter_id: str, body: SettingsIn) -> SettingsOut:
    with state.db.write() as session:
        row = repo.settings_row(session, lifter_id)
        row.jit_strategy = body.jit_strategy.value
        row.updated_at = state.clock()
        session.add(row)
        return _settings_out(state, row)


def get_formula(state: AppState, lifter_id: str) -> FormulaConfigOut:
    with state.db.read() as session:
        row = repo.settings_row(session, lifter_id)
        sex = _sex(_lifter(session, lifter_id))
        return FormulaConfigOut(
            overrides=row.formula_overrides,
            version=row.formula_version,
            effective=effective_formula_config(sex, row.formula_overrides).model_dump(mode="json"),
        )


def put_formula(state: AppState, lifter_id: str, body: FormulaConfigIn) -> FormulaConfigOut:
    with state.db.write() as session:
        sex = _sex(_lifter(session, lifter_id))
        effective = effective_formula_config(sex, body.overrides, path=("body", "overrides"))
        row = repo.settings_row(session, lifter_id)
        row.formula_overrides = dict(body.overrides)
        row.formula_version += 1
        row.updated_at = state.clock()
        session.add(row)
        return FormulaConfigOut(
            overrides=row.formula_overrides,
            version=row.formula_version,
            effective=effective.model_dump(mode="json"),
        )


def get_landmarks(state: AppState, lifter_id: str) -> VolumeLandmarksOut:
    with state.db.read() as session:
        sex = _sex(_lifter(session, lifter_id))
        overrides = repo.landmark_overrides(session, lifter_id)
        effective = effective_landmarks(sex, overrides)
    return VolumeLandmarksOut(overrides=overrides, effective={m: effective[m] for m in MuscleGroup})


def put_landmarks(state: AppState, lifter_id: str, body: VolumeLandmarksIn) -> VolumeLandmarksOut:
    """Replaces the lifter's overrides; muscles left out use the sex default."""
    with state.db.write() as session:
        _lifter(session, lifter_id)
        session.exec(delete(VolumeLandmarkRow).where(col(VolumeLandmarkRow.lifter_id) == lifter_id))
        for muscle, mark in body.overrides.items():
            session.add(
                VolumeLandmarkRow(
                    lifter_id=lifter_id, muscle=muscle.value, mev_sets=mark.mev, mrv_sets=mark.mrv
                )
            )
    return get_landmarks(state, lifter_id)


def get_warmups(state: AppState, lifter_id: str) -> WarmupsOut:
    with state.db.read() as session:
        sex = _sex(_lifter(session, lifter_id))
        rows = repo.warmup_configs(session, lifter_id)
        return WarmupsOut.model_validate(
            {
                "warmups": {lift.value: row.protocol for lift, row in rows.items()},
                "default": default_warmup(sex),
            }
        )


def put_warmups(state: AppState, lifter_id: str, body: WarmupsIn) -> WarmupsOut:
    """Replaces the per-lift protocols; a lift left out uses the sex default (not explicit)."""
    with state.db.write() as session:
        _lifter(session, lifter_id)
        session.exec(delete(WarmupConfigRow).where(col(WarmupConfigRow.lifter_id) == lifter_id))
        for lift, protocol in body.warmups.items():
            session.add(
                WarmupConfigRow(
                    lifter_id=lifter_id, lift=lift.value, protocol=protocol.model_dump(mode="json")
                )
            )
    return get_warmups(state, lifter_id)


def get_rest(state: AppState, lifter_id: str) -> RestConfig:
    with state.db.read() as session:
        _lifter(session, lifter_id)
        rows = repo.rest_overrides(session, lifter_id)
        return RestConfig(
            overrides=[
                RestOverride.model_validate(
                    {
                        "lift": r.lift,
                        "intensity_type": r.intensity_type,
                        "rest_seconds": r.rest_seconds,
                    }
                )
                for r in rows
            ]
        )


def put_rest(state: AppState, lifter_id: str, body: RestConfig) -> RestConfig:
    with state.db.write() as session:
        _lifter(session, lifter_id)
        session.exec(delete(RestOverrideRow).where(col(RestOverrideRow.lifter_id) == lifter_id))
        for item in body.overrides:
            session.add(
                RestOverrideRow(
                    lifter_id=lifter_id,
                    lift=item.lift.value if item.lift else None,
                    intensity_type=item.intensity_type.value if item.intensity_type else None,
                    rest_seconds=item.rest_seconds,
                )
            )
    return get_rest(state, lifter_id)


def _plates_out(row: LifterRow) -> PlatesOut:
    plates = [kg(g) for g in row.plates_grams] if row.plates_grams else list(PLATES_KG)
    return PlatesOut(
        bar_weight_kg=kg(row.bar_weight_grams)
        if row.bar_weight_grams
        else default_bar_weight_kg(_sex(row)),
        available_plates_kg=plates,
        weight_increment_kg=2 * min(plates),
    )


def get_plates(state: AppState, lifter_id: str) -> PlatesOut:
    with state.db.read() as session:
        return _plates_out(_lifter(session, lifter_id))


def put_plates(state: AppState, lifter_id: str, body: PlatesConfig) -> PlatesOut:
    """`null` (or a field left out) returns to the default: the sex's bar, every plate."""
    with state.db.write() as session:
        row = _lifter(session, lifter_id)
        row.bar_weight_grams = grams(body.bar_weight_kg) if body.bar_weight_kg else None
        row.plates_grams = (
            sorted({grams(p) for p in body.available_plates_kg}, reverse=True)
            if body.available_plates_kg
            else None
        )
        row.updated_at = state.clock()
        session.add(row)
        return _plates_out(row)
