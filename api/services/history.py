"""Trends over time: a lift's estimated 1RM and top set per session, weekly volume per muscle
over the active program, and the recorded maxes page by page.

The estimate is the core's (`planning.epley_with_reserve_kg`, deviation P12): Epley on the reps
done plus the reps in reserve (`10 - RPE`); a set logged without an RPE is read as a rep max
(plain Epley). Pain-limited sets and sets outside 1-20 reps give no estimate.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import groupby

from api.assembly import effective_landmarks, set_volume
from api.errors import NotFound
from api.persistence.mappers import lifter_sex, max_out
from api.persistence.repositories import config, lifters, programs
from api.persistence.repositories import sessions as repo
from api.persistence.tables import SessionRow, SetLogRow
from api.persistence.units import kg
from api.schemas import (
    LiftHistoryOut,
    LiftHistoryPoint,
    MaxPage,
    TopSet,
    VolumeWeek,
    VolumeWeeksOut,
)
from api.services.exercises import custom_exercises
from api.services.sessions import muscle_volumes
from api.state import AppState
from shared_types.enums import IntensityType, Lift, Sex
from training_engine.accessories.exercises import ExerciseBook
from training_engine.perceive import WeekSet, custom_maps
from training_engine.planning import epley_kg, epley_with_reserve_kg

__all__ = ["lift_history", "max_page", "volume_weeks"]


def _estimate(logged: SetLogRow) -> float | None:
    if logged.pain_limited:
        return None
    weight = kg(logged.weight_grams)
    if logged.rpe is None:
        return epley_kg(weight, logged.reps)
    return epley_with_reserve_kg(weight, logged.reps, logged.rpe)


def _point(row: SessionRow, sets: list[SetLogRow]) -> LiftHistoryPoint:
    top = max(sets, key=lambda s: (s.weight_grams, s.reps))
    estimates = [e for s in sets if (e := _estimate(s)) is not None]
    return LiftHistoryPoint(
        session_id=row.id,
        planned_date=row.planned_date,
        week_number=row.week_number,
        intensity_type=IntensityType(row.intensity_type),
        estimated_one_rm_kg=round(max(estimates), 1) if estimates else None,
        top_set=TopSet(weight_kg=kg(top.weight_grams), reps=top.reps, rpe=top.rpe),
        sets=len(sets),
    )


def lift_history(
    state: AppState, lifter_id: str, lift: Lift, limit: int, offset: int
) -> LiftHistoryOut:
    """One point per session with primary sets of `lift` logged, oldest first."""
    with state.db.read() as session:
        logged = repo.lift_sets(session, lifter_id, lift)
    points = [
        _point(row, [s for _, s in group])
        for row, group in groupby(logged, key=lambda pair: pair[0])
    ]
    return LiftHistoryOut(
        lift=lift,
        items=points[offset : offset + limit],
        total=len(points),
        limit=limit,
        offset=offset,
    )


def volume_weeks(state: AppState, lifter_id: str) -> VolumeWeeksOut:
    """Effective sets per muscle in every week of the active program (weeks 1..total_weeks;
    an unending program's weeks planned so far), against MEV and MRV."""
    with state.db.read() as session:
        program = programs.active_program(session, lifter_id)
        if program is None:
            raise NotFound("no active program")
        last = program.total_weeks or repo.last_week(session, program.id) or 0
        by_week: dict[int, list[WeekSet]] = defaultdict(list)
        for week, week_set in repo.program_sets(session, program.id):
            by_week[week].append(week_set)
        sex = lifter_sex(lifters.lifter(session, lifter_id))
        landmarks = effective_landmarks(sex, config.landmark_overrides(session, lifter_id))
        muscle_map, type_map = custom_maps(custom_exercises(session, lifter_id))
    book = ExerciseBook(  # as GET /v1/me/volume counts: the lifter's own exercises too
        custom_muscles=muscle_map or {},
        custom_types=type_map or {},
        sex=Sex.FEMALE if sex is Sex.FEMALE else Sex.MALE,
    )
    return VolumeWeeksOut(
        program_id=program.id,
        weeks=[
            VolumeWeek(
                week=week, muscles=muscle_volumes(set_volume(by_week[week], book), landmarks)
            )
            for week in range(1, last + 1)
        ],
    )


def max_page(
    state: AppState, lifter_id: str, lift: Lift | None, limit: int, offset: int
) -> MaxPage:
    """The recorded maxes, newest first (optionally of one lift)."""
    with state.db.read() as session:
        total, rows = lifters.max_page(session, lifter_id, lift, limit, offset)
    return MaxPage(items=[max_out(r) for r in rows], total=total, limit=limit, offset=offset)
