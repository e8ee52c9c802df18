"""Weight limits every strategy respects: the 1RM ceiling and the rehab ceiling."""

from __future__ import annotations

from shared_types.inputs import JITInput
from training_engine.formulas.rounding import floor_to_increment, round_up_to_increment

__all__ = [
    "BAR_WEIGHT_KG",
    "FEMALE_BAR_WEIGHT_KG",
    "bar_weight_kg",
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
