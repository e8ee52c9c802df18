"""Default accessory pools and the block rotation (DR §3.19).

The pool of a lift is the catalog's exercises associated with it, in catalog order. A block uses
two neighbours of the pool, moving two places per block: positions `(block - 1) * 2 mod N` and
the next one. The volume top-up draws from every lift's pool plus the core and cardio pools.
"""

from __future__ import annotations

from functools import cache

from shared_types.enums import ExerciseType, Lift, MuscleGroup
from training_engine.defaults.exercise_catalog import CATALOG

__all__ = ["block_auxiliaries", "default_pool", "top_up_pool"]


@cache  # the catalog is constant
def default_pool(lift: Lift) -> tuple[str, ...]:
    return tuple(e.name for e in CATALOG if e.lift is lift)


def block_auxiliaries(lift: Lift, block_number: int, offset: int = 0) -> tuple[str, str]:
    pool = default_pool(lift)
    start = (offset + (block_number - 1) * 2) % len(pool)
    return pool[start], pool[(start + 1) % len(pool)]


@cache
def top_up_pool() -> tuple[str, ...]:
    lifts = tuple(name for lift in Lift for name in default_pool(lift))
    core = tuple(
        e.name
        for e in CATALOG
        if e.lift is None
        and MuscleGroup.CORE in e.primary_muscles
        and e.exercise_type is not ExerciseType.TIMED
    )
    cardio = tuple(
        e.name
        for e in CATALOG
        if e.lift is None
        and e.exercise_type is ExerciseType.TIMED
        and MuscleGroup.CORE not in e.primary_muscles
    )
    return lifts + core + cardio
