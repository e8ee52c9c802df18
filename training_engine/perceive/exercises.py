"""The exercises a lifter can choose from: the catalog, filtered, and the lifter's own.

Pure: reads `defaults/exercise_catalog.py` and the `CustomExercise` values the shell loads.
`custom_maps` turns the lifter's exercises into the input's `custom_muscle_map` and
`custom_exercise_type_map` (the engine credits each listed muscle one set per set, as parakeet
does; the stored contributions are the lifter's own description and are returned with it).
"""

from __future__ import annotations

from collections.abc import Sequence

from shared_types.enums import ExerciseType, Lift, MuscleGroup
from training_engine.defaults.exercise_catalog import CATALOG, CatalogEntry
from training_engine.perceive.state import CustomExercise

__all__ = ["MAX_ACCESSORIES", "catalog_exercises", "custom_accessories", "custom_maps", "equipment"]

MAX_ACCESSORIES = 5  # JITInput.active_auxiliaries holds at most five

_NAMED_EQUIPMENT = ("barbell", "dumbbell", "kettlebell", "cable", "machine", "band")


def equipment(entry: CatalogEntry) -> str | None:
    """The catalog's equipment, or the implement its name starts with (None: not stated)."""
    if entry.equipment is not None:
        return entry.equipment
    first = entry.name.split(" ", 1)[0].lower()
    return first if first in _NAMED_EQUIPMENT else None


def catalog_exercises(
    *, lift: Lift | None = None, muscle: MuscleGroup | None = None, equipment_: str | None = None
) -> tuple[CatalogEntry, ...]:
    """Catalog entries in catalog order: those assisting `lift`, training `muscle` (primary or
    contributing) and using `equipment_` (case-insensitive), when given."""
    wanted = equipment_.lower() if equipment_ is not None else None
    return tuple(
        e
        for e in CATALOG
        if (lift is None or e.lift is lift)
        and (muscle is None or any(m is muscle for m, _ in e.muscle_contributions))
        and (wanted is None or equipment(e) == wanted)
    )


def custom_maps(
    customs: Sequence[CustomExercise],
) -> tuple[dict[str, tuple[MuscleGroup, ...]] | None, dict[str, ExerciseType] | None]:
    """The input's custom muscle map and type map (None when the lifter has no exercises)."""
    if not customs:
        return None, None
    muscles = {c.name: tuple(m for m, _ in c.muscles) for c in customs}
    types = {c.name: c.exercise_type for c in customs}
    return muscles, types


def custom_accessories(
    block: Sequence[str], customs: Sequence[CustomExercise], lift: Lift
) -> tuple[str, ...]:
    """The block's accessories, then the lifter's exercises marked as accessories for today's
    lift (or for any lift), in the order given, up to `MAX_ACCESSORIES`."""
    names = list(block)
    for c in customs:
        if c.accessory and (c.lift is None or c.lift is lift) and c.name not in names:
            names.append(c.name)
    return tuple(names[:MAX_ACCESSORIES])
