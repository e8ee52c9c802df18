"""Which muscles a main lift trains, and how much a set counts for each (domain-reference §3.9).

`PRIMARY_MUSCLES` drive soreness, MRV checks and warm-up decisions; `LIFT_CONTRIBUTIONS` is how
many effective sets one working set adds to each muscle's weekly volume.
"""

from __future__ import annotations

from collections.abc import Mapping

from shared_types.enums import Lift, MuscleGroup

__all__ = ["LIFT_CONTRIBUTIONS", "MUSCLES", "PRIMARY_MUSCLES", "primary_contributions"]

M = MuscleGroup

# Every muscle in the canonical order (iterating the tuple is cheaper than iterating the enum).
MUSCLES: tuple[MuscleGroup, ...] = tuple(MuscleGroup)

PRIMARY_MUSCLES: Mapping[Lift, tuple[MuscleGroup, ...]] = {
    Lift.SQUAT: (M.QUADS, M.GLUTES, M.LOWER_BACK),
    Lift.BENCH: (M.CHEST, M.TRICEPS, M.SHOULDERS),
    Lift.DEADLIFT: (M.HAMSTRINGS, M.GLUTES, M.LOWER_BACK, M.UPPER_BACK),
}

# In the reference mapper's order (the MRV step scans in this order and stops at the first skip).
LIFT_CONTRIBUTIONS: Mapping[Lift, tuple[tuple[MuscleGroup, float], ...]] = {
    Lift.SQUAT: ((M.QUADS, 1.0), (M.GLUTES, 0.55), (M.HAMSTRINGS, 0.5), (M.LOWER_BACK, 0.5)),
    Lift.BENCH: ((M.CHEST, 1.0), (M.TRICEPS, 0.4), (M.SHOULDERS, 0.4)),
    Lift.DEADLIFT: (
        (M.HAMSTRINGS, 1.0),
        (M.GLUTES, 0.75),
        (M.LOWER_BACK, 1.0),
        (M.UPPER_BACK, 0.7),
    ),
}


_PRIMARY_CONTRIBUTIONS = {
    lift: tuple((m, c) for m, c in LIFT_CONTRIBUTIONS[lift] if m in PRIMARY_MUSCLES[lift])
    for lift in Lift
}


def primary_contributions(lift: Lift) -> tuple[tuple[MuscleGroup, float], ...]:
    """The lift's contributions restricted to its primary muscles (what MRV rules look at)."""
    return _PRIMARY_CONTRIBUTIONS[lift]
