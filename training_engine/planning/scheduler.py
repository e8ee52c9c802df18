"""Program scaffolding: the cube rotation for scheduled and unending programs (DR §3.20.1).

Cube rotation by week in block (heavy / explosive / rep rotate across the three lifts):

    week in block 1: squat heavy,     bench rep,       deadlift explosive
    week in block 2: squat explosive, bench heavy,     deadlift rep
    week in block 3: squat rep,       bench explosive, deadlift heavy

Scheduled programs deload every fourth week and on the last week; the other weeks are numbered
as training weeks (`week - floor(week / 4)`), which give the block (`ceil(index / 3)`) and the
week in block (`((index - 1) mod 3) + 1`). A deload keeps the preceding block number. Days take
the lifts in the order squat, bench, deadlift, cycling.

Unending programs have no end: the session counter gives the week (`floor(counter / days) + 1`)
and the block (`(floor((week - 1) / 3) mod 3) + 1`); the lift is the one after the last
finished; the intensity is chosen from today's signals, first match wins.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from shared_types.enums import IntensityType, Lift

__all__ = [
    "DEFAULT_WEEKDAYS",
    "PlannedSlot",
    "UnendingSignals",
    "next_lift",
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


def _scheduled_week(week: int, total_weeks: int) -> tuple[int, int | None]:
    """(block, week in block) of a scheduled week; week in block is None on a deload."""
    deload = week % DELOAD_EVERY_WEEKS == 0 or week == total_weeks
    index = week - week // DELOAD_EVERY_WEEKS
    if deload:
        # The deload inherits the block of the training week before it.
        previous = max(1, (week - 1) - (week - 1) // DELOAD_EVERY_WEEKS)
        return -(-previous // 3), None
    return -(-index // 3), ((index - 1) % 3) + 1


def scheduled_program(total_weeks: int, days_per_week: int) -> tuple[PlannedSlot, ...]:
    """Every session of a scheduled program, week by week, day by day."""
    if total_weeks < 1 or not 1 <= days_per_week <= 7:
        raise ValueError("a program needs at least one week and 1-7 days a week")
    slots: list[PlannedSlot] = []
    for week in range(1, total_weeks + 1):
        block, week_in_block = _scheduled_week(week, total_weeks)
        for day in range(1, days_per_week + 1):
            lift = LIFT_ORDER[(day - 1) % len(LIFT_ORDER)]
            intensity = _T.DELOAD if week_in_block is None else CUBE[week_in_block][lift]
            slots.append(PlannedSlot(week, day, block, lift, intensity))
    return tuple(slots)


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
