"""Program scaffolding: the cube rotation for scheduled and unending programs (DR §3.20.1).

Cube rotation by week in block (heavy / explosive / rep rotate across the three lifts):

    week in block 1: squat heavy,     bench rep,       deadlift explosive
    week in block 2: squat explosive, bench heavy,     deadlift rep
    week in block 3: squat rep,       bench explosive, deadlift heavy

Scheduled programs (P9-P11 in docs/deviations.md; constants in docs/domain/scheduling.md):

* Deload weeks (P10): a program of `MIN_WEEKS_FOR_DELOAD` (4) weeks or more deloads every
  fourth week and on its last week, except that a fourth week falling just before the last week
  stays a training week, so two deloads never follow each other; a shorter program has no deload.
  The training weeks are numbered in order (1, 2, ...); the index gives the block
  (`ceil(index / 3)`) and the week in block (`((index - 1) mod 3) + 1`). A deload keeps the block
  of the training week before it.
* Lifts (P9): squat, bench, deadlift in turn over the program's sessions (not over the days of a
  week), so every lift comes up whatever the number of days; with three or six days a week this
  is the reference's day order.
* Dates (P11): the sessions fall on the training weekdays on or after the start date, in order
  (`planned_dates`); a start on a non-training day begins on the next training day.

Unending programs have no end: the session counter gives the week (`floor(counter / days) + 1`)
and the block (`(floor((week - 1) / 3) mod 3) + 1`); the lift is the one after the last
finished; the intensity is chosen from today's signals, first match wins.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from shared_types.enums import IntensityType, Lift

__all__ = [
    "DEFAULT_WEEKDAYS",
    "PlannedSlot",
    "UnendingSignals",
    "deload_weeks",
    "next_lift",
    "planned_dates",
    "scheduled_program",
    "unending_slot",
]

LIFT_ORDER: tuple[Lift, ...] = (Lift.SQUAT, Lift.BENCH, Lift.DEADLIFT)
TYPE_ORDER: tuple[IntensityType, ...] = (
    IntensityType.HEAVY,
    IntensityType.EXPLOSIVE,
    IntensityType.REP,
)
_T = IntensityType
CUBE: Mapping[int, Mapping[Lift, IntensityType]] = {
    1: {Lift.SQUAT: _T.HEAVY, Lift.BENCH: _T.REP, Lift.DEADLIFT: _T.EXPLOSIVE},
    2: {Lift.SQUAT: _T.EXPLOSIVE, Lift.BENCH: _T.HEAVY, Lift.DEADLIFT: _T.REP},
    3: {Lift.SQUAT: _T.REP, Lift.BENCH: _T.EXPLOSIVE, Lift.DEADLIFT: _T.HEAVY},
}
# ISO weekday numbers (Monday = 1) per training days a week.
DEFAULT_WEEKDAYS: Mapping[int, tuple[int, ...]] = {
    1: (1,),
    2: (1, 4),
    3: (1, 3, 5),
    4: (1, 2, 4, 6),
    5: (1, 2, 3, 5, 6),
    6: (1, 2, 3, 4, 5, 6),
    7: (1, 2, 3, 4, 5, 6, 7),
}
DELOAD_EVERY_WEEKS = 4
MIN_WEEKS_FOR_DELOAD = 4  # P10: a shorter scheduled program has no deload week
SORE_FOR_REP_DAY = 7
LONG_BREAK_DAYS = 10
HARD_RECENT_RPE = 8.5


@dataclass(frozen=True)
class PlannedSlot:
    week_number: int
    day_number: int
    block_number: int
    primary_lift: Lift
    intensity_type: IntensityType

    @property
    def is_deload(self) -> bool:
        return self.intensity_type is IntensityType.DELOAD


def deload_weeks(total_weeks: int) -> frozenset[int]:
    """The deload weeks of a scheduled program (P10): every fourth week and the last one, never
    two in a row (a fourth week just before the last trains); none under four weeks."""
    if total_weeks < MIN_WEEKS_FOR_DELOAD:
        return frozenset()
    # The range stops before the week preceding the last, which therefore trains.
    regular = range(DELOAD_EVERY_WEEKS, total_weeks - 1, DELOAD_EVERY_WEEKS)
    return frozenset((*regular, total_weeks))


def scheduled_program(total_weeks: int, days_per_week: int) -> tuple[PlannedSlot, ...]:
    """Every session of a scheduled program, week by week, day by day."""
    if total_weeks < 1 or not 1 <= days_per_week <= 7:
        raise ValueError("a program needs at least one week and 1-7 days a week")
    deloads = deload_weeks(total_weeks)
    slots: list[PlannedSlot] = []
    training_index = 0  # training weeks so far: gives the block and the week in block
    for week in range(1, total_weeks + 1):
        deload = week in deloads
        if not deload:
            training_index += 1
        block = -(-max(1, training_index) // 3)
        week_in_block = ((training_index - 1) % 3) + 1
        for day in range(1, days_per_week + 1):
            lift = LIFT_ORDER[len(slots) % len(LIFT_ORDER)]  # P9: over sessions, not days
            intensity = _T.DELOAD if deload else CUBE[week_in_block][lift]
            slots.append(PlannedSlot(week, day, block, lift, intensity))
    return tuple(slots)


def planned_dates(start: date, weekdays: Sequence[int], count: int) -> tuple[date, ...]:
    """The first `count` training days (ISO `weekdays`, Monday 1) on or after `start` (P11)."""
    days = frozenset(weekdays)
    if not days or not days <= frozenset(range(1, 8)):
        raise ValueError("weekdays must be ISO weekday numbers 1-7")
    dates: list[date] = []
    day = start
    while len(dates) < count:
        if day.isoweekday() in days:
            dates.append(day)
        day += timedelta(days=1)
    return tuple(dates)


@dataclass(frozen=True)
class UnendingSignals:
    """What an unending program knows when it picks the next session."""

    last_lift: Lift | None = None
    last_intensity: IntensityType | None = None
    primary_soreness: int | None = None
    days_since_last: int | None = None
    mean_recent_rpe: float | None = None


def next_lift(last: Lift | None) -> Lift:
    """The lift after `last` in the rotation (squat, bench, deadlift); squat to start."""
    if last is None:
        return LIFT_ORDER[0]
    return LIFT_ORDER[(LIFT_ORDER.index(last) + 1) % len(LIFT_ORDER)]


def _unending_intensity(week: int, signals: UnendingSignals) -> IntensityType:
    if week % DELOAD_EVERY_WEEKS == 0:
        return _T.DELOAD
    if signals.primary_soreness is not None and signals.primary_soreness >= SORE_FOR_REP_DAY:
        return _T.REP
    if signals.days_since_last is not None and signals.days_since_last >= LONG_BREAK_DAYS:
        return _T.HEAVY
    if signals.mean_recent_rpe is not None and signals.mean_recent_rpe >= HARD_RECENT_RPE:
        return _T.EXPLOSIVE
    last = signals.last_intensity
    if last is None or last not in TYPE_ORDER:
        return _T.HEAVY
    return TYPE_ORDER[(TYPE_ORDER.index(last) + 1) % len(TYPE_ORDER)]


def unending_slot(counter: int, days_per_week: int, signals: UnendingSignals) -> PlannedSlot:
    """The next session of an unending program (`counter` sessions already finished)."""
    if counter < 0 or not 1 <= days_per_week <= 7:
        raise ValueError("counter must be >= 0 and days a week 1-7")
    week = counter // days_per_week + 1
    block = ((week - 1) // 3) % 3 + 1
    day = counter % days_per_week + 1
    lift = next_lift(signals.last_lift)
    return PlannedSlot(week, day, block, lift, _unending_intensity(week, signals))
