"""Exercises: the catalog (filtered) and a lifter's own exercises.

A custom exercise cannot take a catalog exercise's name (the engine would read the catalog
entry, never the lifter's), and a lifter's names are unique. Adding or deleting one marks the
lifter's cached state stale, so the next generation uses it: its muscles go to the input's
`custom_muscle_map` (each set credits every listed muscle), its type to
`custom_exercise_type_map`, and, when it is an accessory, it is served on its lift's sessions.
"""

from __future__ import annotations

import uuid

from api.errors import Conflict, ErrorDetail, InvalidRequest, NotFound
from api.persistence.db import Unit
from api.persistence.repositories import exercises as repo
from api.persistence.repositories.lifters import lifter
from api.persistence.tables import CustomExerciseRow
from api.schemas import (
    CatalogExerciseOut,
    CatalogExercisePage,
    CustomExerciseIn,
    CustomExerciseOut,
    CustomExercisePage,
    MuscleShare,
)
from api.state import AppState
from shared_types.enums import ExerciseType, Lift, MuscleGroup
from training_engine.accessories.exercises import ExerciseBook
from training_engine.perceive import CustomExercise, catalog_exercises, equipment

__all__ = [
    "add_custom_exercise",
    "custom_exercises",
    "delete_custom_exercise",
    "list_catalog",
    "list_custom_exercises",
]

_CATALOG_BOOK = ExerciseBook()


def list_catalog(
    lift: Lift | None, muscle: MuscleGroup | None, equipment_: str | None, limit: int, offset: int
) -> CatalogExercisePage:
    found = catalog_exercises(lift=lift, muscle=muscle, equipment_=equipment_)
    items = [
        CatalogExerciseOut(
            name=e.name,
            slug=e.slug,
            lift=e.lift,
            exercise_type=e.exercise_type,
            muscles=[MuscleShare(muscle=m, contribution=c) for m, c in e.muscle_contributions],
            equipment=equipment(e),
            movement_pattern=e.movement_pattern,
        )
        for e in found[offset : offset + limit]
    ]
    return CatalogExercisePage(items=items, total=len(found), limit=limit, offset=offset)


def _out(row: CustomExerciseRow) -> CustomExerciseOut:
    return CustomExerciseOut(
        id=row.id,
        name=row.name,
        muscles=[MuscleShare(muscle=MuscleGroup(m), contribution=c) for m, c in row.muscles],
        lift=Lift(row.lift) if row.lift is not None else None,
        equipment=row.equipment,
        exercise_type=ExerciseType(row.exercise_type),
        accessory=row.accessory,
        created_at=row.created_at,
    )


def custom_exercises(session: Unit, lifter_id: str) -> tuple[CustomExercise, ...]:
    """The lifter's exercises as the core's values (for the weekly volume report)."""
    return tuple(
        CustomExercise(
            name=r.name,
            muscles=tuple((MuscleGroup(m), float(c)) for m, c in r.muscles),
            exercise_type=ExerciseType(r.exercise_type),
            lift=Lift(r.lift) if r.lift is not None else None,
            accessory=r.accessory,
        )
        for r in repo.custom_exercises(session, lifter_id)
    )


def list_custom_exercises(
    state: AppState, lifter_id: str, limit: int, offset: int
) -> CustomExercisePage:
    with state.db.read() as session:
        rows = repo.custom_exercises(session, lifter_id)
    items = [_out(r) for r in rows[offset : offset + limit]]
    return CustomExercisePage(items=items, total=len(rows), limit=limit, offset=offset)


def add_custom_exercise(
    state: AppState, lifter_id: str, body: CustomExerciseIn
) -> CustomExerciseOut:
    name = body.name.strip()
    if not name or _CATALOG_BOOK.entry(name) is not None:
        why = "is empty" if not name else "is a catalog exercise's name; pick another"
        raise InvalidRequest(
            "the exercise name cannot be used", [ErrorDetail(path="body.name", message=why)]
        )
    taken = Conflict(f"you already have an exercise named {name!r}")
    now = state.clock()
    with state.db.write() as session:
        lifter(session, lifter_id)
        if any(r.name == name for r in repo.custom_exercises(session, lifter_id)):
            raise taken
        row = CustomExerciseRow(
            id=str(uuid.uuid4()),
            lifter_id=lifter_id,
            name=name,
            muscles=[[m.muscle.value, m.contribution] for m in body.muscles],
            lift=body.lift.value if body.lift is not None else None,
            equipment=body.equipment,
            exercise_type=body.exercise_type.value,
            accessory=body.accessory,
            created_at=now,
        )
        if not repo.add_custom_exercise(session, row):
            raise taken
        return _out(row)


def delete_custom_exercise(state: AppState, lifter_id: str, exercise_id: str) -> None:
    with state.db.write() as session:
        if not repo.delete_custom_exercise(session, lifter_id, exercise_id):
            raise NotFound("exercise not found")
