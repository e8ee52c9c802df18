"""Reference defaults: formula tables, volume landmarks, warm-up presets."""

from training_engine.defaults.formula_config import (
    FEMALE_FORMULA_CONFIG,
    MALE_FORMULA_CONFIG,
    default_formula_config,
)
from training_engine.defaults.volume_landmarks import (
    FEMALE_LANDMARKS,
    MALE_LANDMARKS,
    default_landmarks,
)
from training_engine.defaults.warmup_presets import MINIMAL_BELOW_KG, WARMUP_PRESETS

__all__ = [
    "FEMALE_FORMULA_CONFIG",
    "FEMALE_LANDMARKS",
    "MALE_FORMULA_CONFIG",
    "MALE_LANDMARKS",
    "MINIMAL_BELOW_KG",
    "WARMUP_PRESETS",
    "default_formula_config",
    "default_landmarks",
]
