"""A lifter's custom exercises (revision 0006)."""

from __future__ import annotations

from sqlmodel import col, delete, select

from api.persistence.db import Unit
from api.persistence.repositories.config import bump_config_version
from api.persistence.repositories.rows import insert_unique
from api.persistence.tables import CustomExerciseRow

__all__ = ["add_custom_exercise", "custom_exercises", "delete_custom_exercise"]


def custom_exercises(unit: Unit, lifter_id: str) -> list[CustomExerciseRow]:
    """Oldest first (the order their accessories are served in)."""
    return list(
        unit.exec(
            select(CustomExerciseRow)
            .where(CustomExerciseRow.lifter_id == lifter_id)
            .order_by(col(CustomExerciseRow.created_at), col(CustomExerciseRow.id))
        ).all()
    )


def add_custom_exercise(unit: Unit, row: CustomExerciseRow) -> bool:
    """Stores it and marks the cached state stale; False when the lifter already has an
    exercise of that name (the unique constraint decides). After False the unit's transaction
    is spoiled: the caller must end it with an error."""
    if not insert_unique(unit, row):
        return False
    bump_config_version(unit, row.lifter_id)
    return True


def delete_custom_exercise(unit: Unit, lifter_id: str, exercise_id: str) -> bool:
    """False when the lifter has no exercise with that id."""
    result = unit.exec(
        delete(CustomExerciseRow).where(
            col(CustomExerciseRow.lifter_id) == lifter_id, col(CustomExerciseRow.id) == exercise_id
        )
    )
    if not result.rowcount:
        return False
    bump_config_version(unit, lifter_id)
    return True
