"""Limits every strategy respects: the 1RM ceiling, the rehab ceiling and the MRV room."""

from __future__ import annotations

import math

from shared_types.config import VolumeLandmark
from shared_types.enums import MuscleGroup
from shared_types.inputs import JITInput
from training_engine.formulas.rounding import floor_to_increment, round_up_to_increment
from training_engine.muscles import primary_contributions

__all__ = [
    "BAR_WEIGHT_KG",
    "FEMALE_BAR_WEIGHT_KG",
    "bar_weight_kg",
    "main_sets_room",
    "mrv_left",
    "rehab_ceiling_kg",
    "weight_ceiling_kg",
]

BAR_WEIGHT_KG = 20.0
FEMALE_BAR_WEIGHT_KG = 15.0  # a women's Olympic bar (TS §3.10); the shell's default for women


def bar_weight_kg(inp: JITInput) -> float:
    return inp.bar_weight_kg if inp.bar_weight_kg is not None else BAR_WEIGHT_KG


def weight_ceiling_kg(inp: JITInput, base_weight_kg: float, increment_kg: float) -> float:
    """The heaviest main-lift weight any modifier may prescribe.

    Adjustments never take a set above the lifter's 1RM (rounded down to a loadable weight); a
    base the lifter configured above that (an override pct over 1.0) is theirs to keep.
    """
    return max(base_weight_kg, floor_to_increment(inp.one_rm_kg, increment_kg))


def rehab_ceiling_kg(inp: JITInput, increment_kg: float) -> float | None:
    """The rehab cap on today's lift, rounded up to a loadable weight; None without one."""
    cap = inp.active_rehab_cap
    if cap is None or cap.lift is not inp.primary_lift:
        return None
    return round_up_to_increment(cap.cap_kg, increment_kg)


def mrv_left(inp: JITInput, muscle: MuscleGroup) -> float:
    """Weekly sets the muscle has left under its MRV before today (0 or less: at or past it)."""
    # `inp.mrv_mev_config[muscle].mrv - inp.weekly_sets(muscle)` without the two method calls (a
    # StrEnum member is its landmark's field name; no recorded volume is 0).
    landmark: VolumeLandmark = inp.mrv_mev_config.__dict__[muscle]
    return landmark.mrv - inp.weekly_volume_to_date.get(muscle, 0.0)


def main_sets_room(inp: JITInput) -> tuple[tuple[MuscleGroup, int], ...]:
    """Main sets of today's lift each primary muscle's MRV room allows (the lift's muscle order):
    whole sets only, `floor(left / contribution)`, and none when nothing is left."""
    rooms = []
    for muscle, contribution in primary_contributions(inp.primary_lift):
        left = mrv_left(inp, muscle)
        rooms.append((muscle, math.floor(left / contribution) if left > 0 else 0))
    return tuple(rooms)
