"""Exercises: the catalog, and the lifter's own exercises."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.auth import CurrentLifter
from api.routes.common import ERRORS, Id, Limit, Offset
from api.schemas import CatalogExercisePage, CustomExerciseIn, CustomExerciseOut, CustomExercisePage
from api.services import exercises
from api.state import app_state
from shared_types.enums import Lift, MuscleGroup

router = APIRouter(prefix="/v1", tags=["exercises"], responses=ERRORS)

Equipment = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=60,
        pattern=r"^[A-Za-z -]+$",
        description="barbell, dumbbell, kettlebell, cable, machine, band or bodyweight.",
    ),
]


@router.get("/exercises", response_model=CatalogExercisePage)
def list_catalog(
    lifter_id: CurrentLifter,
    *,
    lift: Lift | None = None,
    muscle: MuscleGroup | None = None,
    equipment: Equipment = None,
    limit: Limit = 200,
    offset: Offset = 0,
) -> CatalogExercisePage:
    """The exercise catalog in catalog order: those assisting `lift`, training `muscle`
    (primary or contributing) and using `equipment`, when given."""
    del lifter_id
    return exercises.list_catalog(lift, muscle, equipment, limit, offset)


@router.get("/me/exercises", response_model=CustomExercisePage)
def list_custom_exercises(
    request: Request, lifter_id: CurrentLifter, limit: Limit = 50, offset: Offset = 0
) -> CustomExercisePage:
    """The lifter's own exercises, oldest first."""
    return exercises.list_custom_exercises(app_state(request), lifter_id, limit, offset)


@router.post("/me/exercises", status_code=201, response_model=CustomExerciseOut)
def add_custom_exercise(
    request: Request, lifter_id: CurrentLifter, body: CustomExerciseIn
) -> CustomExerciseOut:
    """A new exercise of the lifter's. The next generation uses it: its muscles count toward
    weekly volume when logged, and an `accessory` is served on its lift's sessions (every lift
    when `lift` is null) after the block's two accessories, at most five in all. A catalog
    exercise's name is a 422; a name the lifter already has is a 409."""
    return exercises.add_custom_exercise(app_state(request), lifter_id, body)


@router.delete("/me/exercises/{exercise_id}", status_code=204)
def delete_custom_exercise(request: Request, lifter_id: CurrentLifter, exercise_id: Id) -> Response:
    """Deletes one of the lifter's exercises; sessions already generated keep it."""
    exercises.delete_custom_exercise(app_state(request), lifter_id, exercise_id)
    return Response(status_code=204)
