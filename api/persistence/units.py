"""Units: the database keeps integer grams, the API and the engine speak kilograms."""

from __future__ import annotations

from training_engine.formulas.rounding import round_half_up

__all__ = ["grams", "kg"]


def grams(weight_kg: float) -> int:
    return round_half_up(weight_kg * 1000)


def kg(weight_grams: int) -> float:
    return weight_grams / 1000
