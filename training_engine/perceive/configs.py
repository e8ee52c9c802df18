"""The lifter's effective configs: the sex default with their overrides on top (P1).

The formula table, the volume landmarks, the warm-up preset and the bar weight follow the
lifter's sex (the female variants for female lifters, the male ones otherwise). Formula overrides
are partial JSON, deep-merged onto the default and validated as a whole.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache, lru_cache
from typing import Any

from pydantic import ValidationError

from shared_types.config import FormulaConfig, MrvMevConfig, PresetWarmup, VolumeLandmark
from shared_types.enums import MuscleGroup, Sex, WarmupPresetName
from training_engine.defaults import default_formula_config, default_landmarks
from training_engine.limits import BAR_WEIGHT_KG, FEMALE_BAR_WEIGHT_KG
from training_engine.perceive.state import InvalidOverrides, JsonObject, Problem

__all__ = [
    "default_bar_weight_kg",
    "default_warmup",
    "effective_formula_config",
    "effective_landmarks",
]


@cache
def _default_formula_json(sex: Sex | None) -> JsonObject:
    return default_formula_config(sex).model_dump(mode="json")


def _deep_merge(base: JsonObject, overrides: JsonObject) -> dict[str, Any]:
    merged = dict(base)
    for key, value in overrides.items():
        current = merged.get(key)
        if isinstance(current, Mapping) and isinstance(value, Mapping):
            merged[key] = _deep_merge(current, value)
        else:
            merged[key] = value
    return merged


def effective_formula_config(sex: Sex | None, overrides: JsonObject) -> FormulaConfig:
    """The sex default with the overrides deep-merged; raises `InvalidOverrides`."""
    if not overrides:
        return default_formula_config(sex)
    return _merged_formula_config(sex, json.dumps(overrides, default=dict))


@lru_cache(maxsize=256)  # a lifter's overrides rarely change; validating them costs ~30 us
def _merged_formula_config(sex: Sex | None, overrides_json: str) -> FormulaConfig:
    overrides = json.loads(overrides_json)
    try:
        return FormulaConfig.model_validate(_deep_merge(_default_formula_json(sex), overrides))
    except ValidationError as exc:
        problems = [Problem(tuple(err["loc"]), err["msg"]) for err in exc.errors()]
        raise InvalidOverrides("the formula overrides are invalid", problems) from None


def effective_landmarks(
    sex: Sex | None, overrides: Mapping[MuscleGroup, VolumeLandmark]
) -> MrvMevConfig:
    """The sex default with each overridden muscle replaced."""
    default = default_landmarks(sex)
    if not overrides:
        return default
    return default.model_copy(update={m.value: mark for m, mark in overrides.items()})


def default_warmup(sex: Sex | None) -> PresetWarmup:
    name = WarmupPresetName.STANDARD_FEMALE if sex is Sex.FEMALE else WarmupPresetName.STANDARD
    return PresetWarmup(name=name)


def default_bar_weight_kg(sex: Sex | None) -> float:
    return FEMALE_BAR_WEIGHT_KG if sex is Sex.FEMALE else BAR_WEIGHT_KG
