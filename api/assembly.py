"""The shell's side of Perceive: map the request to the core's values, map the core's errors.

The JITInput assembly itself is pure and lives in `training_engine.perceive`; this module
re-exports its names for the repositories and services. A formula override that does not
validate is a 422 with the path of the bad field (under `overrides`, or the body's path).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from api.errors import ErrorDetail, InvalidRequest, problem_path
from api.schemas import CheckIn
from shared_types.config import FormulaConfig
from shared_types.enums import Sex
from training_engine import perceive
from training_engine.perceive import (
    Assembled,
    DailyCheckIn,
    InvalidOverrides,
    JsonObject,
    LifterProfile,
    LifterState,
    OneRmLabel,
    PastSession,
    SessionPlan,
    Wearables,
    WeekSession,
    WeekSet,
    active_on,
    default_bar_weight_kg,
    default_warmup,
    effective_landmarks,
    set_volume,
)

__all__ = [
    "Assembled",
    "LifterProfile",
    "LifterState",
    "OneRmLabel",
    "PastSession",
    "SessionPlan",
    "WeekSession",
    "WeekSet",
    "active_on",
    "assemble",
    "daily_check_in",
    "default_bar_weight_kg",
    "default_warmup",
    "effective_formula_config",
    "effective_landmarks",
    "set_volume",
]


def _invalid(exc: InvalidOverrides, path: Sequence[str]) -> InvalidRequest:
    details = [
        ErrorDetail(path=problem_path((*path, *p.location)), message=p.message)
        for p in exc.problems
    ]
    return InvalidRequest(exc.message, details)


def effective_formula_config(
    sex: Sex | None, overrides: JsonObject, *, path: Sequence[str] = ("overrides",)
) -> FormulaConfig:
    """The sex default with the overrides deep-merged; a bad override is a 422 with its path."""
    try:
        return perceive.effective_formula_config(sex, overrides)
    except InvalidOverrides as exc:
        raise _invalid(exc, path) from None


def daily_check_in(checkin: CheckIn) -> DailyCheckIn:
    w = checkin.wearables
    wearables = (
        Wearables(
            hrv_pct_change=w.hrv_pct_change,
            resting_hr_pct_change=w.resting_hr_pct_change,
            sleep_duration_min=w.sleep_duration_min,
            deep_sleep_pct=w.deep_sleep_pct,
            spo2_avg=w.spo2_avg,
            non_training_load=w.non_training_load,
            readiness_score=w.readiness_score,
        )
        if w is not None
        else Wearables()
    )
    return DailyCheckIn(
        soreness=checkin.soreness,
        sleep_quality=checkin.sleep_quality,
        energy_level=checkin.energy_level,
        wearables=wearables,
        cycle_phase=checkin.cycle_phase,
    )


def assemble(state: LifterState, checkin: CheckIn, now: datetime) -> Assembled:
    """The engine's input for today's session (`training_engine.perceive.assemble`)."""
    try:
        return perceive.assemble(state, daily_check_in(checkin), now)
    except InvalidOverrides as exc:
        raise _invalid(exc, ("overrides",)) from None
