"""A lifter's seeded daily life: check-in signals, missed days, injuries and travel.

Everything here is drawn from the lifter's own `random.Random` stream, one draw sequence per
day whatever the engine prescribed, so the learning-on and learning-off arms of an experiment see
the same sleep, energy, cycle days, missed days and disruptions (soreness also follows the
training actually done).

* sleep and energy (1-5): Gaussian around the persona's means, energy partly following sleep;
* soreness per muscle (1-10): rises after training (0.8 per main working set on the lift's
  primary muscles, 0.3 per accessory set), decays each day to `1 + (s - 1) x soreness_decay`,
  plus an occasional bump from life outside the gym; muscles at 2 or more are reported;
* cycle phase for a lifter who tracks a cycle, from the cycle day (DR §3.7's buckets);
* missed days (the persona's skip probability), travel (~1 % of days, 3-6 days long) and
  injuries (the persona's planned one, plus ~0.3 % of days, 7-21 days long).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from shared_types.enums import CyclePhase, DisruptionType, Lift, MuscleGroup, Severity
from simulator.lifter import Persona
from training_engine.muscles import MUSCLES, PRIMARY_MUSCLES

__all__ = ["DailyLife", "Day", "Event", "cycle_phase"]

TRAVEL_PER_DAY = 0.01
INJURY_PER_DAY = 0.003
LIFE_SORENESS_PER_DAY = 0.08
MAIN_SET_SORENESS = 0.8
AUX_SET_SORENESS = 0.3
REPORTED_SORENESS = 2


@dataclass(frozen=True)
class Event:
    """A disruption: reported on `start_day`, resolved the day after `end_day`."""

    kind: DisruptionType
    severity: Severity
    lift: Lift | None  # None: every lift
    start_day: int
    end_day: int


@dataclass(frozen=True)
class Day:
    sleep: int
    energy: int
    soreness: dict[MuscleGroup, int]
    cycle_phase: CyclePhase | None
    skip: bool
    started: tuple[Event, ...]


def cycle_phase(cycle_day: int, cycle_length: int) -> CyclePhase:
    """DR §3.7: the day scaled to a 28-day cycle, then bucketed (<=5, <=11, <=16, <=23)."""
    scaled = cycle_day if cycle_length == 28 else math.floor(cycle_day * 28 / cycle_length + 0.5)
    if scaled <= 5:
        return CyclePhase.MENSTRUAL
    if scaled <= 11:
        return CyclePhase.FOLLICULAR
    if scaled <= 16:
        return CyclePhase.OVULATORY
    if scaled <= 23:
        return CyclePhase.LUTEAL
    return CyclePhase.LATE_LUTEAL


def _scale(rng: random.Random, mean: float) -> int:
    return min(5, max(1, math.floor(rng.gauss(mean, 1.0) + 0.5)))


@dataclass
class DailyLife:
    persona: Persona
    rng: random.Random
    soreness: dict[MuscleGroup, float] = field(default_factory=lambda: dict.fromkeys(MUSCLES, 1.0))
    cycle_day: int = 1

    @classmethod
    def start(cls, persona: Persona, rng: random.Random) -> DailyLife:
        life = cls(persona, rng)
        if persona.cycle_length is not None:
            life.cycle_day = rng.randint(1, persona.cycle_length)
        return life

    def day(self, number: int) -> Day:
        """Today's signals (call once a day, in order; `number` counts from 0)."""
        rng, persona = self.rng, self.persona
        sleep = _scale(rng, persona.sleep_mean)
        energy = _scale(rng, 0.5 * persona.energy_mean + 0.5 * sleep)
        if rng.random() < LIFE_SORENESS_PER_DAY:
            muscle = rng.choice(MUSCLES)
            self.soreness[muscle] = min(10.0, self.soreness[muscle] + rng.uniform(3.0, 5.0))
        started = self._events(number)
        phase = None
        if persona.cycle_length is not None:
            phase = cycle_phase(self.cycle_day, persona.cycle_length)
        reported = {
            m: min(10, math.floor(s + 0.5))
            for m, s in self.soreness.items()
            if s + 0.5 >= REPORTED_SORENESS
        }
        return Day(sleep, energy, reported, phase, rng.random() < persona.skip_probability, started)

    def _events(self, number: int) -> tuple[Event, ...]:
        rng = self.rng
        events: list[Event] = []
        planned = self.persona.injury
        if planned is not None and planned.start_day == number:
            severity = Severity(planned.severity)
            events.append(
                Event(DisruptionType.INJURY, severity, planned.lift, number, planned.end_day)
            )
        travel, injury = rng.random(), rng.random()
        if travel < TRAVEL_PER_DAY:
            severity = rng.choices(list(Severity), weights=(5, 4, 1))[0]
            events.append(
                Event(DisruptionType.TRAVEL, severity, None, number, number + rng.randint(2, 5))
            )
        if injury < INJURY_PER_DAY:
            severity = rng.choices(list(Severity), weights=(6, 3, 1))[0]
            lift = rng.choice(list(Lift))
            end = number + rng.randint(6, 20)
            events.append(Event(DisruptionType.INJURY, severity, lift, number, end))
        return tuple(events)

    def trained(self, lift: Lift, main_sets: int, aux_sets: int) -> None:
        """Soreness after a session: the lift's primary muscles take the load."""
        bump = MAIN_SET_SORENESS * main_sets + AUX_SET_SORENESS * aux_sets
        for muscle in PRIMARY_MUSCLES[lift]:
            self.soreness[muscle] = min(10.0, self.soreness[muscle] + bump)

    def next_day(self) -> None:
        decay = self.persona.soreness_decay
        for muscle, level in self.soreness.items():
            self.soreness[muscle] = 1.0 + (level - 1.0) * decay
        if self.persona.cycle_length is not None:
            self.cycle_day = self.cycle_day % self.persona.cycle_length + 1
