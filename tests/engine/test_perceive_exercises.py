"""Perceive: the lifter's custom exercises reach the input, and dates follow `now`'s zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from shared_types.enums import ExerciseType, Lift, MuscleGroup
from tests.engine.test_perceive import NOW, make_state
from training_engine.defaults.exercise_catalog import CATALOG
from training_engine.perceive import (
    CustomExercise,
    DailyCheckIn,
    WeekSet,
    assemble,
    catalog_exercises,
    custom_accessories,
)

SISSY = CustomExercise(
    name="Sissy Squat Machine",
    muscles=((MuscleGroup.QUADS, 1.0), (MuscleGroup.GLUTES, 0.5)),
    lift=Lift.SQUAT,
)
PLANK = CustomExercise(
    name="Weighted Plank Hold",
    muscles=((MuscleGroup.CORE, 1.0),),
    exercise_type=ExerciseType.TIMED,
    accessory=False,
)


def test_without_custom_exercises_the_input_is_unchanged() -> None:
    inp = assemble(make_state(), DailyCheckIn(), NOW).input
    assert inp.custom_muscle_map is None
    assert inp.custom_exercise_type_map is None
    assert len(inp.active_auxiliaries) == 2


def test_custom_exercises_reach_the_maps_the_accessories_and_the_week_volume() -> None:
    week = (WeekSet(Lift.BENCH, "auxiliary", "Sissy Squat Machine", None),)
    inp = assemble(
        make_state(custom_exercises=(SISSY, PLANK), week_sets=week), DailyCheckIn(), NOW
    ).input
    assert inp.custom_muscle_map == {
        "Sissy Squat Machine": (MuscleGroup.QUADS, MuscleGroup.GLUTES),
        "Weighted Plank Hold": (MuscleGroup.CORE,),
    }
    assert inp.custom_exercise_type_map == {
        "Sissy Squat Machine": ExerciseType.WEIGHTED,
        "Weighted Plank Hold": ExerciseType.TIMED,
    }
    assert inp.active_auxiliaries[-1] == "Sissy Squat Machine"
    assert "Weighted Plank Hold" not in inp.active_auxiliaries
    assert inp.weekly_volume_to_date[MuscleGroup.QUADS] > 0
    assert inp.weekly_volume_to_date[MuscleGroup.GLUTES] > 0


def test_custom_accessories_follow_the_lift_and_stop_at_five() -> None:
    block = ("A", "B")
    any_lift = [CustomExercise(name=f"X{i}", muscles=((MuscleGroup.CORE, 1.0),)) for i in range(5)]
    assert custom_accessories(block, [SISSY], Lift.BENCH) == block
    assert custom_accessories(block, [SISSY], Lift.SQUAT) == ("A", "B", "Sissy Squat Machine")
    assert custom_accessories(block, any_lift, Lift.DEADLIFT) == ("A", "B", "X0", "X1", "X2")


def test_the_catalog_filters_by_lift_muscle_and_equipment() -> None:
    assert catalog_exercises() == CATALOG
    squat = catalog_exercises(lift=Lift.SQUAT)
    assert squat
    assert all(e.lift is Lift.SQUAT for e in squat)
    biceps = catalog_exercises(muscle=MuscleGroup.BICEPS)
    assert biceps
    assert all(MuscleGroup.BICEPS in dict(e.muscle_contributions) for e in biceps)
    assert catalog_exercises(equipment_="Cable") == catalog_exercises(equipment_="cable")
    assert catalog_exercises(equipment_="cable")


def test_days_since_the_last_session_count_local_calendar_days() -> None:
    # The last session ended Sunday 10:00 UTC (Sunday 23:00 in Auckland); it is now Sunday
    # 23:00 UTC (Monday noon in Auckland): the same day in UTC, the day before in Auckland.
    last = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    utc_now = datetime(2026, 3, 1, 23, 0, tzinfo=UTC)
    local_now = utc_now.astimezone(ZoneInfo("Pacific/Auckland"))
    state = make_state(last_completed_at=last)
    assert assemble(state, DailyCheckIn(), utc_now).input.days_since_last_session == 0
    local = assemble(state, DailyCheckIn(), local_now).input
    assert local.days_since_last_session == 1
    assert local.now == utc_now  # the same instant, still aware
