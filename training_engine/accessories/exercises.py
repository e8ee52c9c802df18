"""What the engine knows about an exercise: catalog entry, type, muscles, load and reps.

An `ExerciseBook` combines the catalog with the lifter's own custom exercises (muscle map and
type map from the input). Lookups accept a display name or a catalog slug.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Literal

from shared_types.enums import ExerciseType, Lift, MuscleGroup, Sex
from shared_types.inputs import JITInput
from training_engine.defaults.exercise_catalog import CATALOG, CATALOG_BY_NAME, CatalogEntry

__all__ = [
    "DEFAULT_WEIGHT_PCT",
    "SQRT_REFERENCE_1RM_KG",
    "ExerciseBook",
    "ExerciseFacts",
    "bodyweight_pool",
    "is_compound",
    "movement_pattern",
    "slugify",
]

DEFAULT_WEIGHT_PCT = 0.675
DEFAULT_REPS = {Sex.MALE: 10, Sex.FEMALE: 12}

# 1RMs (kg) at which the linear catalog percentages were calibrated; dumbbell and kettlebell
# loads scale with the square root around them (stronger lifters get proportionally lighter
# implements). Indexed (male, female).
SQRT_REFERENCE_1RM_KG: Mapping[Lift, tuple[float, float]] = {
    Lift.SQUAT: (120.0, 70.0),
    Lift.BENCH: (80.0, 50.0),
    Lift.DEADLIFT: (140.0, 80.0),
}

# Names typed by users that are bodyweight movements even though the catalog lacks them.
FALLBACK_BODYWEIGHT_NAMES = frozenset(
    {"Pull Ups", "Pullups", "Chin Ups", "Push Ups", "Step Up", "Bodyweight Squat"}
)

_CATALOG_BY_SLUG: Mapping[str, CatalogEntry] = {entry.slug: entry for entry in CATALOG}
_PULL = frozenset({MuscleGroup.UPPER_BACK, MuscleGroup.BICEPS})
_PUSH = frozenset({MuscleGroup.CHEST, MuscleGroup.TRICEPS, MuscleGroup.SHOULDERS})

ScalingMethod = Literal["linear", "sqrt"]


def slugify(name: str) -> str:
    """Lower-case, every run of other characters becomes one '-', trimmed."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


@cache
def _catalog(name_or_slug: str) -> CatalogEntry | None:
    return _CATALOG_BY_SLUG.get(name_or_slug) or CATALOG_BY_NAME.get(name_or_slug)


@cache
def movement_pattern(entry: CatalogEntry) -> str:
    if entry.movement_pattern:
        return entry.movement_pattern
    by_lift = {Lift.SQUAT: "squat", Lift.BENCH: "push", Lift.DEADLIFT: "hinge"}
    if entry.lift is not None:
        return by_lift[entry.lift]
    muscles = set(entry.primary_muscles)
    if MuscleGroup.CORE in muscles:
        return "core"
    if MuscleGroup.QUADS in muscles:
        return "squat"
    if muscles & {MuscleGroup.HAMSTRINGS, MuscleGroup.LOWER_BACK, MuscleGroup.GLUTES}:
        return "hinge"
    if muscles & _PULL:
        return "pull"
    return "push"


@cache
def is_compound(entry: CatalogEntry) -> bool:
    if entry.is_compound is not None:
        return entry.is_compound
    if entry.contributions is not None:
        return sum(1 for _, c in entry.contributions if c >= 0.5) >= 2
    return len(entry.primary_muscles) >= 2


def bodyweight_pool(lift: Lift, sex: Sex) -> tuple[str, ...]:
    """Bodyweight exercises for a lift and sex when equipment is missing (catalog order)."""
    return tuple(e.name for e in CATALOG if (lift, sex) in e.bodyweight_pools)


@dataclass(frozen=True)
class ExerciseFacts:
    """What the accessory rules read about one exercise, for one sex (`ExerciseBook.facts`)."""

    entry: CatalogEntry | None
    exercise_type: ExerciseType
    muscles: tuple[tuple[MuscleGroup, float], ...]
    reps: int
    weight_pct: float
    scaling: ScalingMethod
    sex: Sex
    compound: bool  # False for the lifter's own exercises

    def formula_weight_kg(self, one_rm_kg: float, lift: Lift) -> float:
        """Unrounded load from the catalog share of a 1RM (square-root scaled for DB/KB)."""
        if self.scaling == "linear":
            return one_rm_kg * self.weight_pct
        male_ref, female_ref = SQRT_REFERENCE_1RM_KG[lift]
        reference = female_ref if self.sex is Sex.FEMALE else male_ref
        return self.weight_pct * math.sqrt(reference * one_rm_kg)


@dataclass(frozen=True)
class ExerciseBook:
    custom_muscles: Mapping[str, tuple[MuscleGroup, ...]] = field(default_factory=dict)
    custom_types: Mapping[str, ExerciseType] = field(default_factory=dict)
    sex: Sex = Sex.MALE

    @classmethod
    def for_input(cls, inp: JITInput) -> ExerciseBook:
        sex = Sex.FEMALE if inp.biological_sex is Sex.FEMALE else Sex.MALE
        if not inp.custom_muscle_map and not inp.custom_exercise_type_map:
            return _CATALOG_ONLY[sex]  # the books are frozen, so one per sex is shared
        return cls(
            custom_muscles=dict(inp.custom_muscle_map or {}),
            custom_types=dict(inp.custom_exercise_type_map or {}),
            sex=sex,
        )

    def entry(self, name: str) -> CatalogEntry | None:
        return _catalog(name)

    def slug(self, name: str) -> str:
        entry = _catalog(name)
        return entry.slug if entry is not None else slugify(name)

    def exercise_type(self, name: str) -> ExerciseType:
        entry = _catalog(name)
        if entry is not None:
            return entry.exercise_type
        if name in self.custom_types:
            return self.custom_types[name]
        if name in FALLBACK_BODYWEIGHT_NAMES:
            return ExerciseType.BODYWEIGHT
        return ExerciseType.WEIGHTED

    def muscles(self, name: str) -> tuple[tuple[MuscleGroup, float], ...]:
        """Weekly-volume credit per set for each muscle; an unknown exercise credits nothing."""
        entry = _catalog(name)
        if entry is not None:
            return entry.muscle_contributions
        return tuple((m, 1.0) for m in self.custom_muscles.get(name, ()))

    def lift(self, name: str) -> Lift | None:
        entry = _catalog(name)
        return entry.lift if entry is not None else None

    def reps(self, name: str) -> int:
        entry = _catalog(name)
        if entry is not None and entry.rep_target is not None:
            return entry.rep_target
        return DEFAULT_REPS[self.sex]

    def scaling(self, name: str) -> ScalingMethod:
        entry = _catalog(name)
        label = entry.name if entry is not None else name
        return "sqrt" if label.startswith(("Dumbbell", "Kettlebell")) else "linear"

    def weight_pct(self, name: str) -> float:
        entry = _catalog(name)
        if entry is not None and entry.weight_pct is not None:
            return entry.weight_pct
        return DEFAULT_WEIGHT_PCT

    def formula_weight_kg(self, name: str, one_rm_kg: float, lift: Lift) -> float:
        """Unrounded load from the catalog share of a 1RM (square-root scaled for DB/KB)."""
        return self.facts(name).formula_weight_kg(one_rm_kg, lift)

    def facts(self, name: str) -> ExerciseFacts:
        """Everything above about one exercise at once; a catalog exercise's facts depend only
        on its name and the sex, so they are worked out once."""
        if _catalog(name) is not None:
            return _catalog_facts(name, self.sex)
        return self._facts(name)

    def _facts(self, name: str) -> ExerciseFacts:
        entry = self.entry(name)
        return ExerciseFacts(
            entry=entry,
            exercise_type=self.exercise_type(name),
            muscles=self.muscles(name),
            reps=self.reps(name),
            weight_pct=self.weight_pct(name),
            scaling=self.scaling(name),
            sex=self.sex,
            compound=entry is not None and is_compound(entry),
        )


_CATALOG_ONLY = {sex: ExerciseBook(sex=sex) for sex in Sex}


@lru_cache(maxsize=1024)
def _catalog_facts(name: str, sex: Sex) -> ExerciseFacts:
    return _CATALOG_ONLY[sex]._facts(name)
