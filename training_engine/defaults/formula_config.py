"""Default periodisation tables (domain-reference §3.1; values and sources in docs/domain/).

Female defaults share percentages and reps with the male table and differ in sets, RPE and rest.
"""

from __future__ import annotations

from shared_types.config import FormulaConfig
from shared_types.enums import Sex

__all__ = ["FEMALE_FORMULA_CONFIG", "MALE_FORMULA_CONFIG", "default_formula_config"]


def _fixed(
    pct: float, sets: int, reps: int, rpe: float, reps_max: int | None = None
) -> dict[str, object]:
    entry: dict[str, object] = {"pct": pct, "sets": sets, "reps": reps, "rpe_target": rpe}
    if reps_max is not None:
        entry["reps_max"] = reps_max
    return entry


def _rep(pct: float, sets: tuple[int, int], reps: tuple[int, int], rpe: float) -> dict[str, object]:
    return {
        "pct": pct,
        "sets_min": sets[0],
        "sets_max": sets[1],
        "reps_min": reps[0],
        "reps_max": reps[1],
        "rpe_target": rpe,
    }


MALE_FORMULA_CONFIG = FormulaConfig.model_validate(
    {
        "block1": {
            "heavy": _fixed(0.80, 2, 5, 8.5),
            "explosive": _fixed(0.65, 3, 8, 7.0),
            "rep": _rep(0.70, (2, 3), (8, 12), 8.0),
        },
        "block2": {
            "heavy": _fixed(0.85, 2, 3, 9.0),
            "explosive": _fixed(0.70, 2, 6, 7.5),
            "rep": _rep(0.80, (2, 3), (4, 8), 8.0),
        },
        "block3": {
            "heavy": _fixed(0.90, 4, 1, 9.5, reps_max=2),
            "explosive": _fixed(0.75, 2, 2, 8.0),
            "rep": _rep(0.85, (2, 3), (3, 5), 8.5),
        },
        "deload": {"pct": 0.40, "sets": 3, "reps": 5, "rpe_target": 5.0},
        "progressive_overload": {"heavy_pct_increment_per_block": 0.05},
        "training_max_increase": {
            "bench_min": 2.5,
            "bench_max": 5,
            "squat_min": 5,
            "squat_max": 10,
            "deadlift_min": 5,
            "deadlift_max": 10,
        },
        "rounding_increment_kg": 2.5,
        "rest_seconds": {
            "block1": {"heavy": 180, "explosive": 120, "rep": 120},
            "block2": {"heavy": 210, "explosive": 150, "rep": 120},
            "block3": {"heavy": 300, "explosive": 180, "rep": 150},
            "deload": 90,
            "auxiliary": 90,
        },
    }
)

FEMALE_FORMULA_CONFIG = FormulaConfig.model_validate(
    {
        "block1": {
            "heavy": _fixed(0.80, 3, 5, 8.0),
            "explosive": _fixed(0.65, 3, 8, 6.5),
            "rep": _rep(0.70, (3, 4), (8, 12), 7.5),
        },
        "block2": {
            "heavy": _fixed(0.85, 3, 3, 8.5),
            "explosive": _fixed(0.70, 2, 6, 7.0),
            "rep": _rep(0.80, (3, 4), (4, 8), 7.5),
        },
        "block3": {
            "heavy": _fixed(0.90, 4, 1, 9.0, reps_max=2),
            "explosive": _fixed(0.75, 2, 2, 7.5),
            "rep": _rep(0.85, (2, 3), (3, 5), 8.0),
        },
        "deload": {"pct": 0.40, "sets": 3, "reps": 5, "rpe_target": 5.0},
        "progressive_overload": {"heavy_pct_increment_per_block": 0.05},
        "training_max_increase": {
            "bench_min": 2.5,
            "bench_max": 2.5,
            "squat_min": 5,
            "squat_max": 7.5,
            "deadlift_min": 5,
            "deadlift_max": 7.5,
        },
        "rounding_increment_kg": 2.5,
        "rest_seconds": {
            "block1": {"heavy": 150, "explosive": 90, "rep": 90},
            "block2": {"heavy": 180, "explosive": 120, "rep": 90},
            "block3": {"heavy": 270, "explosive": 150, "rep": 120},
            "deload": 90,
            "auxiliary": 90,
        },
    }
)


def default_formula_config(sex: Sex | None) -> FormulaConfig:
    """The female table for female lifters; the male table otherwise (unknown sex included)."""
    return FEMALE_FORMULA_CONFIG if sex is Sex.FEMALE else MALE_FORMULA_CONFIG
