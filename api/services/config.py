"""A lifter's strategy setting and configs: formula overrides, volume landmarks, warm-ups,
rest, bar and plates. Writes to what a generation caches bump `config_version` (in the
repositories)."""

from __future__ import annotations

from api.assembly import default_warmup, effective_formula_config, effective_landmarks
from api.persistence.mappers import lifter_sex, plates_out, rest_config, warmups_out
from api.persistence.repositories import config, lifters
from api.persistence.repositories.rows import save
from api.persistence.tables import LifterSettingsRow
from api.persistence.units import grams
from api.schemas import (
    FormulaConfigIn,
    FormulaConfigOut,
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
from api.services.strategies import strategy_availability, usable_strategies
from api.state import AppState
from shared_types.enums import MuscleGroup, StrategyName

__all__ = [
    "get_formula",
    "get_landmarks",
    "get_plates",
    "get_rest",
    "get_settings",
    "get_warmups",
    "put_formula",
    "put_landmarks",
    "put_plates",
    "put_rest",
    "put_settings",
    "put_warmups",
]


def _settings_out(state: AppState, row: LifterSettingsRow) -> SettingsOut:
    strategies = strategy_availability(state)
    return SettingsOut(
        jit_strategy=StrategyName(row.jit_strategy),
        available_strategies=usable_strategies(strategies),
        strategies=strategies,
    )


def get_settings(state: AppState, lifter_id: str) -> SettingsOut:
    with state.db.read() as session:
        return _settings_out(state, config.settings_row(session, lifter_id))


def put_settings(state: AppState, lifter_id: str, body: SettingsIn) -> SettingsOut:
    with state.db.write() as session:
        row = config.settings_row(session, lifter_id)
        row.jit_strategy = body.jit_strategy.value
        row.updated_at = state.clock()
        save(session, row)
        return _settings_out(state, row)


def get_formula(state: AppState, lifter_id: str) -> FormulaConfigOut:
    with state.db.read() as session:
        row = config.settings_row(session, lifter_id)
        sex = lifter_sex(lifters.lifter(session, lifter_id))
        return FormulaConfigOut(
            overrides=row.formula_overrides,
            version=row.formula_version,
            effective=effective_formula_config(sex, row.formula_overrides).model_dump(mode="json"),
        )


def put_formula(state: AppState, lifter_id: str, body: FormulaConfigIn) -> FormulaConfigOut:
    with state.db.write() as session:
        sex = lifter_sex(lifters.lifter(session, lifter_id))
        effective = effective_formula_config(sex, body.overrides, path=("body", "overrides"))
        row = config.settings_row(session, lifter_id)
        row.formula_overrides = dict(body.overrides)
        row.formula_version += 1
        row.updated_at = state.clock()
        save(session, row)
        return FormulaConfigOut(
            overrides=row.formula_overrides,
            version=row.formula_version,
            effective=effective.model_dump(mode="json"),
        )


def get_landmarks(state: AppState, lifter_id: str) -> VolumeLandmarksOut:
    with state.db.read() as session:
        sex = lifter_sex(lifters.lifter(session, lifter_id))
        overrides = config.landmark_overrides(session, lifter_id)
        effective = effective_landmarks(sex, overrides)
    return VolumeLandmarksOut(overrides=overrides, effective={m: effective[m] for m in MuscleGroup})


def put_landmarks(state: AppState, lifter_id: str, body: VolumeLandmarksIn) -> VolumeLandmarksOut:
    """Replaces the lifter's overrides; muscles left out use the sex default."""
    with state.db.write() as session:
        lifters.lock_lifter(session, lifter_id)  # concurrent replacements take turns
        config.replace_landmarks(session, lifter_id, body.overrides)
    return get_landmarks(state, lifter_id)


def get_warmups(state: AppState, lifter_id: str) -> WarmupsOut:
    with state.db.read() as session:
        sex = lifter_sex(lifters.lifter(session, lifter_id))
        return warmups_out(config.warmup_configs(session, lifter_id), default_warmup(sex))


def put_warmups(state: AppState, lifter_id: str, body: WarmupsIn) -> WarmupsOut:
    """Replaces the per-lift protocols; a lift left out uses the sex default (not explicit)."""
    with state.db.write() as session:
        lifters.lock_lifter(session, lifter_id)  # concurrent replacements take turns
        config.replace_warmups(session, lifter_id, body.warmups)
    return get_warmups(state, lifter_id)


def get_rest(state: AppState, lifter_id: str) -> RestConfig:
    with state.db.read() as session:
        lifters.lifter(session, lifter_id)
        return rest_config(config.rest_overrides(session, lifter_id))


def put_rest(state: AppState, lifter_id: str, body: RestConfig) -> RestConfig:
    with state.db.write() as session:
        lifters.lock_lifter(session, lifter_id)  # concurrent replacements take turns
        config.replace_rest_overrides(session, lifter_id, body.overrides)
    return get_rest(state, lifter_id)


def get_plates(state: AppState, lifter_id: str) -> PlatesOut:
    with state.db.read() as session:
        return plates_out(lifters.lifter(session, lifter_id))


def put_plates(state: AppState, lifter_id: str, body: PlatesConfig) -> PlatesOut:
    """`null` (or a field left out) returns to the default: the sex's bar, every plate."""
    with state.db.write() as session:
        row = lifters.lifter(session, lifter_id)
        row.bar_weight_grams = grams(body.bar_weight_kg) if body.bar_weight_kg else None
        row.plates_grams = (
            sorted({grams(p) for p in body.available_plates_kg}, reverse=True)
            if body.available_plates_kg
            else None
        )
        row.updated_at = state.clock()
        save(session, row)
        return plates_out(row)
