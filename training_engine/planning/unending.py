"""Unending programs: today's signals and stimulus from plain values (DR §3.20.1, P6).

The shell loads the lifter's finished sessions (completed or skipped, newest first) and today's
soreness; these functions decide. The rule list itself is `scheduler.unending_slot`'s.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import mean

from shared_types.enums import IntensityType, Lift, MuscleGroup
from training_engine.muscles import PRIMARY_MUSCLES
from training_engine.planning.scheduler import UnendingSignals, unending_slot

__all__ = [
    "RECENT_RPE_SESSIONS",
    "FinishedSession",
    "primary_soreness",
    "todays_intensity",
    "unending_signals_from",
]

RECENT_RPE_SESSIONS = 3  # the recent-RPE signal: mean session RPE of the last 3 completed (P6)


@dataclass(frozen=True)
class FinishedSession:
    lift: Lift
    intensity: IntensityType
    completed: bool  # completed (with a completion time); False for a skipped session
    session_rpe: float | None = None


def unending_signals_from(
    finished: Sequence[FinishedSession], *, primary_soreness: int | None = None
) -> UnendingSignals:
    """The last finished session's lift and type, and the mean RPE of the recent completed."""
    if not finished:
        return UnendingSignals(primary_soreness=primary_soreness)
    last = finished[0]
    completed = [s for s in finished if s.completed]
    rpes = [s.session_rpe for s in completed[:RECENT_RPE_SESSIONS] if s.session_rpe is not None]
    return UnendingSignals(
        last_lift=last.lift,
        last_intensity=last.intensity,
        primary_soreness=primary_soreness,
        days_since_last=None,
        mean_recent_rpe=mean(rpes) if rpes else None,
    )


def primary_soreness(lift: Lift, ratings: Mapping[MuscleGroup, int]) -> int:
    """The sorest of the lift's primary muscles; an unrated muscle is fresh (1)."""
    return max((ratings.get(m, 1) for m in PRIMARY_MUSCLES[lift]), default=1)


def todays_intensity(
    counter: int, days_per_week: int, signals: UnendingSignals
) -> IntensityType | None:
    """The stimulus an unending session gets with today's signals; None keeps the planned one
    (a deload week stays as planned)."""
    intensity = unending_slot(counter, days_per_week, signals).intensity_type
    return None if intensity is IntensityType.DELOAD else intensity
