"""What the lifter did: the 1RM to use, recent logs, weekly volume, accessory history, the week.

Windows (docs/domain/input-assembly.md): the recent logs and the working 1RM read the last 6
completed sessions of today's lift within 60 days; accessory history reads the last 12 completed
sessions, keeping 3 per exercise; the recently used accessories come from the last 4.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from shared_types.enums import Lift, MuscleGroup, OneRmSource
from shared_types.inputs import AuxHistoryEntry, AuxHistorySet, RecentSessionSummary
from training_engine.accessories.exercises import ExerciseBook
from training_engine.formulas.rounding import format_kg
from training_engine.muscles import LIFT_CONTRIBUTIONS
from training_engine.perceive.state import (
    LifterProfile,
    OneRmLabel,
    PastSession,
    SessionPlan,
    WeekSession,
    WeekSet,
)
from training_engine.planning import (
    LoggedSession,
    LoggedSet,
    Prescribed,
    demonstrated_one_rm_kg,
    epley_kg,
    next_lift,
    profile_estimate_kg,
    weekly_volume,
    working_one_rm_kg,
)

__all__ = [
    "AUX_HISTORY_PER_EXERCISE",
    "AUX_HISTORY_SESSIONS",
    "RECENT_AUX_SESSIONS",
    "RECENT_DAYS",
    "RECENT_LOGS",
    "OneRm",
    "WeekPosition",
    "age",
    "aux_history",
    "demonstrated_one_rm",
    "one_rm",
    "recent_aux_names",
    "recent_logs",
    "set_volume",
    "week_position",
]

RECENT_LOGS = 6  # recent sessions of today's lift read (DR §8.3)
RECENT_DAYS = 60  # ... completed within this many days (DR §8.3)
AUX_HISTORY_SESSIONS = 12  # completed sessions searched for accessory history
AUX_HISTORY_PER_EXERCISE = 3  # entries kept per accessory (the anchor reads at most 3)
RECENT_AUX_SESSIONS = 4  # sessions whose accessories count as recently used
MIN_AGE, MAX_AGE = 10, 110  # the ages `JITInput.user_age` accepts; outside them: unknown
PROGRAMMED_STATUSES = ("planned", "generated", "in_progress")
MAX_WEEK_SESSIONS = 14  # `JITInput.session_index` / `total_sessions_this_week` bound


@dataclass(frozen=True)
class OneRm:
    kg: float
    label: OneRmLabel
    stored_kg: float | None = None  # set when the working 1RM differs from the stored one
    source: OneRmSource | None = None  # None for a profile estimate
    note: str | None = None


@dataclass(frozen=True)
class WeekPosition:
    session_index: int | None = None
    total_sessions: int | None = None
    upcoming_lifts: tuple[Lift, ...] | None = None


def age(date_of_birth: date | None, today: date) -> int | None:
    if date_of_birth is None or date_of_birth > today:
        return None
    years = today.year - date_of_birth.year
    if (today.month, today.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years if MIN_AGE <= years <= MAX_AGE else None


def _same_lift_recent(recent: Sequence[PastSession], lift: Lift, today: date) -> list[PastSession]:
    cutoff = today - timedelta(days=RECENT_DAYS)
    same = [s for s in recent if s.lift is lift and s.completed_at.date() >= cutoff]
    return same[:RECENT_LOGS]


def _logged_session(past: PastSession) -> LoggedSession:
    """A past session's main sets with what it prescribed, when every part is known (P13)."""
    rm, weight, reps, rpe = (
        past.one_rm_kg,
        past.planned_weight_kg,
        past.planned_reps,
        past.target_rpe,
    )
    if rm is None or weight is None or reps is None or rpe is None:
        return LoggedSession(past.primary_sets)
    return LoggedSession(past.primary_sets, Prescribed(rm, weight, reps, rpe))


def one_rm(
    lift: Lift,
    stored: float | None,
    profile: LifterProfile,
    recent: Sequence[PastSession],
    today: date,
) -> OneRm:
    """The stored 1RM, the working 1RM when recent sets differ (DR §3.20.6), or, with nothing
    stored, the profile estimate (DR §3.20.7)."""
    if stored is None:
        lifter_age = age(profile.date_of_birth, today)
        estimate = profile_estimate_kg(lift, profile.sex, profile.bodyweight_kg, lifter_age)
        note = (
            f"No stored 1RM for {lift.value}: {format_kg(estimate)} kg estimated from the profile"
        )
        return OneRm(estimate, "profile_estimate", note=note)
    sessions = [_logged_session(s) for s in _same_lift_recent(recent, lift, today)]
    working = working_one_rm_kg(stored, sessions)
    if working == stored:
        return OneRm(stored, "stored", source=OneRmSource.STORED)
    note = f"Working 1RM {format_kg(working)} kg from recent sets (stored {format_kg(stored)} kg)"
    return OneRm(working, "working", stored_kg=stored, source=OneRmSource.WORKING, note=note)


def demonstrated_one_rm(
    recent: Sequence[PastSession], lift: Lift, today: date, one_rm_kg: float
) -> float | None:
    """What today's lift's recent sets (the working 1RM's window) show the max to be (F10),
    held within the working 1RM's cap (110 %) of the engine's 1RM."""
    sessions = [s.primary_sets for s in _same_lift_recent(recent, lift, today)]
    return demonstrated_one_rm_kg(sessions, one_rm_kg)


def _summary(session: PastSession) -> RecentSessionSummary | None:
    if session.target_rpe is None:  # nothing was prescribed (main lift skipped)
        return None
    weights = [s.weight_kg for s in session.primary_sets if s.weight_kg > 0]
    actual_max = max(weights) if weights else None
    estimates = [e for s in session.primary_sets if (e := epley_kg(s.weight_kg, s.reps))]
    deviation = (
        actual_max - session.planned_weight_kg
        if actual_max is not None and session.planned_weight_kg is not None
        else None
    )
    return RecentSessionSummary(
        actual_rpe=session.session_rpe,
        target_rpe=session.target_rpe,
        planned_weight_kg=session.planned_weight_kg,
        actual_max_weight_kg=actual_max,
        deviation_kg=deviation,
        estimated_one_rm_kg=max(estimates) if estimates else None,
        contained_rehab_sets=any(s.during_rehab for s in session.primary_sets),
    )


def recent_logs(
    recent: Sequence[PastSession], lift: Lift, today: date
) -> tuple[RecentSessionSummary, ...]:
    """Today's lift's recent sessions, newest first, each with its own target RPE (P2)."""
    summaries = (_summary(s) for s in _same_lift_recent(recent, lift, today))
    return tuple(s for s in summaries if s is not None)


def set_volume(sets: Sequence[WeekSet], book: ExerciseBook) -> dict[MuscleGroup, float]:
    """Effective sets per muscle: main sets by their lift, accessories by the catalog or the
    lifter's custom map (an unknown accessory counts for the day's lift, as in parakeet)."""

    def contributions(s: WeekSet) -> tuple[tuple[MuscleGroup, float], ...]:
        if s.kind == "primary":
            return LIFT_CONTRIBUTIONS[s.session_lift]
        return book.muscles(s.exercise) or LIFT_CONTRIBUTIONS[s.session_lift]

    return weekly_volume((s.rpe, contributions(s)) for s in sets)


def aux_history(
    recent: Sequence[PastSession], book: ExerciseBook
) -> dict[str, tuple[AuxHistoryEntry, ...]]:
    """Per accessory slug, its newest logged sessions with the weight that was prescribed."""
    history: dict[str, list[AuxHistoryEntry]] = {}
    for session in recent[:AUX_HISTORY_SESSIONS]:
        by_exercise: dict[str, list[LoggedSet]] = {}
        for name, logged in session.aux_sets:
            by_exercise.setdefault(name, []).append(logged)
        for name, sets in by_exercise.items():
            entries = history.setdefault(book.slug(name), [])
            if len(entries) >= AUX_HISTORY_PER_EXERCISE:
                continue
            entries.append(
                AuxHistoryEntry(
                    session_id=session.session_id,
                    completed_at=session.completed_at,
                    prescribed_weight_kg=session.aux_prescribed_kg.get(name),
                    sets=tuple(
                        AuxHistorySet(weight_kg=s.weight_kg, reps=s.reps, rpe=s.rpe) for s in sets
                    ),
                )
            )
    return {slug: tuple(entries) for slug, entries in history.items()}


def recent_aux_names(recent: Sequence[PastSession]) -> tuple[str, ...]:
    names: list[str] = []
    for session in recent[:RECENT_AUX_SESSIONS]:
        for name, _ in session.aux_sets:
            if name not in names:
                names.append(name)
    return tuple(names)


def week_position(plan: SessionPlan, week: Sequence[WeekSession]) -> WeekPosition:
    """Which session of the week this is, of how many, and the lifts still to come."""
    if plan.program_mode == "unending" and plan.days_per_week:
        days = plan.days_per_week
        index = plan.session_counter % days + 1
        upcoming: list[Lift] = []
        lift = plan.lift
        for _ in range(days - index):
            lift = next_lift(lift)
            upcoming.append(lift)
        return WeekPosition(index, days, tuple(upcoming))
    if plan.program_mode is None:
        return WeekPosition()
    completed = sum(1 for s in week if s.status == "completed")
    later = tuple(
        s.lift
        for s in sorted(week, key=lambda s: s.day_number)
        if s.day_number > plan.day_number and s.status in PROGRAMMED_STATUSES
    )
    return WeekPosition(
        min(completed + 1, MAX_WEEK_SESSIONS),
        min(max(len(week), 1), MAX_WEEK_SESSIONS),
        later,
    )
