"""Synthetic lifters and their hidden truths: who they are, how they respond, how they adapt.

A lifter's truths are never shown to the engine:

* `Gains`: the personal response to each signal source. On a day the engine's trace says a
  source's default multiplier is `d`, the lifter's true capacity multiplier for it is
  `d ** gain` (gain 1.0: the truth equals the engine's defaults; 2.0: twice as strong in log).
* `TrueStrength`: the true 1RM per lift, adapting to training with a Banister fitness-fatigue
  model on the training impulse `sets x reps x load / true 1RM` of each main set:
  `1RM = initial x (1 + k_fitness x fitness - K_FATIGUE x fatigue)`, fitness decaying with
  `TAU_FITNESS_DAYS`, fatigue with `TAU_FATIGUE_DAYS`, the factor bounded to
  `ADAPTATION_BOUNDS`. `k_fitness` sets the rate: a novice gains ~1 %/week on a 3-day cube
  program, an intermediate ~0.3 %/week.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Literal

from shared_types.enums import Lift, Sex

__all__ = [
    "ADAPTATION_BOUNDS",
    "PERSONAS",
    "Gains",
    "InjuryPlan",
    "LifterSpec",
    "Persona",
    "Population",
    "TrueStrength",
    "make_lifter",
]

Population = Literal["differs", "defaults", "mixed"]
TAU_FITNESS_DAYS = 120.0
TAU_FATIGUE_DAYS = 7.0
K_FATIGUE = 0.002
ADAPTATION_BOUNDS = (0.85, 1.35)  # true 1RM / initial 1RM
K_NOVICE = 0.00095
K_INTERMEDIATE = 0.0003
K_OLDER = 0.0002
DIFFERS_GAIN_RANGE = (1.5, 3.0)


@dataclass(frozen=True)
class InjuryPlan:
    """A planned injury: reported on `start_day`, resolved on `end_day` (days from the start)."""

    lift: Lift
    severity: Literal["minor", "moderate", "major"]
    start_day: int
    end_day: int


@dataclass(frozen=True)
class Persona:
    name: str
    sex: Sex
    age: int
    one_rm_kg: dict[Lift, float]
    k_fitness: float
    sleep_mean: float = 3.4  # 1-5 scale
    energy_mean: float = 3.4
    soreness_decay: float = 0.55  # share of soreness above 1 left the next day
    cycle_length: int | None = None  # tracked menstrual cycle
    injury: InjuryPlan | None = None
    skip_probability: float = 0.04


PERSONAS: tuple[Persona, ...] = (
    Persona(
        "novice",
        Sex.MALE,
        24,
        {Lift.SQUAT: 100.0, Lift.BENCH: 70.0, Lift.DEADLIFT: 120.0},
        K_NOVICE,
    ),
    Persona(
        "intermediate",
        Sex.MALE,
        31,
        {Lift.SQUAT: 160.0, Lift.BENCH: 110.0, Lift.DEADLIFT: 190.0},
        K_INTERMEDIATE,
    ),
    Persona(
        "older",
        Sex.MALE,
        58,
        {Lift.SQUAT: 120.0, Lift.BENCH: 85.0, Lift.DEADLIFT: 140.0},
        K_OLDER,
        sleep_mean=3.0,
        energy_mean=3.1,
        soreness_decay=0.7,
    ),
    Persona(
        "female_cycle",
        Sex.FEMALE,
        28,
        {Lift.SQUAT: 90.0, Lift.BENCH: 52.5, Lift.DEADLIFT: 110.0},
        K_INTERMEDIATE,
        cycle_length=28,
    ),
    Persona(
        "injured",
        Sex.MALE,
        36,
        {Lift.SQUAT: 150.0, Lift.BENCH: 100.0, Lift.DEADLIFT: 180.0},
        K_INTERMEDIATE,
        injury=InjuryPlan(Lift.SQUAT, "moderate", 14, 35),
    ),
)


@dataclass(frozen=True)
class Gains:
    """Personal response per signal source (1.0: the engine's defaults are the truth)."""

    readiness: float = 1.0
    soreness: float = 1.0
    cycle_phase: float = 1.0
    disruption: float = 1.0

    def for_source(self, source: str) -> float:
        """The gain of a trace modifier source (`wearable-readiness` is readiness)."""
        if source in ("readiness", "wearable-readiness"):
            return self.readiness
        return {
            "soreness": self.soreness,
            "cycle_phase": self.cycle_phase,
            "disruption": self.disruption,
        }.get(source, 1.0)


@dataclass(frozen=True)
class LifterSpec:
    index: int
    persona: Persona
    gains: Gains
    seed: str  # the lifter's own random stream: random.Random(seed)


def _random_persona(rng: random.Random) -> Persona:
    sex = rng.choice((Sex.MALE, Sex.FEMALE))
    scale = rng.uniform(0.7, 1.4) * (1.0 if sex is Sex.MALE else 0.62)
    base = {Lift.SQUAT: 130.0, Lift.BENCH: 90.0, Lift.DEADLIFT: 160.0}
    maxes = {lift: 2.5 * math.floor(kg * scale / 2.5) for lift, kg in base.items()}
    tracked = sex is Sex.FEMALE and rng.random() < 0.6
    return Persona(
        "random",
        sex,
        rng.randint(18, 60),
        maxes,
        rng.uniform(K_OLDER, K_NOVICE),
        sleep_mean=rng.uniform(2.8, 4.0),
        energy_mean=rng.uniform(2.8, 4.0),
        soreness_decay=rng.uniform(0.45, 0.75),
        cycle_length=rng.randint(25, 32) if tracked else None,
        skip_probability=rng.uniform(0.0, 0.1),
    )


def _gains(rng: random.Random, population: Population) -> Gains:
    differs = population == "differs" or (population == "mixed" and rng.random() < 0.5)
    if not differs:
        return Gains()
    low, high = DIFFERS_GAIN_RANGE
    return Gains(*(rng.uniform(low, high) for _ in range(4)))


def make_lifter(index: int, seed: int, population: Population) -> LifterSpec:
    """Lifter `index` of a run: the named personas first, then random ones; the gains drawn by
    the population. Depends only on (index, seed, population), never on the other lifters."""
    stream = f"{seed}:{index}"
    rng = random.Random(f"{stream}:spec")
    persona = PERSONAS[index] if index < len(PERSONAS) else _random_persona(rng)
    return LifterSpec(index, persona, _gains(rng, population), stream)


@dataclass
class _LiftState:
    initial_kg: float
    fitness: float = 0.0
    fatigue: float = 0.0


@dataclass
class TrueStrength:
    """The hidden true 1RM per lift (fitness-fatigue model, see the module docstring)."""

    k_fitness: float
    lifts: dict[Lift, _LiftState] = field(default_factory=dict)

    @classmethod
    def starting_at(cls, one_rm_kg: dict[Lift, float], k_fitness: float) -> TrueStrength:
        return cls(k_fitness, {lift: _LiftState(kg) for lift, kg in one_rm_kg.items()})

    def factor(self, lift: Lift) -> float:
        """True 1RM / initial 1RM, within `ADAPTATION_BOUNDS`."""
        state = self.lifts[lift]
        raw = 1.0 + self.k_fitness * state.fitness - K_FATIGUE * state.fatigue
        low, high = ADAPTATION_BOUNDS
        return min(high, max(low, raw))

    def one_rm(self, lift: Lift) -> float:
        return self.lifts[lift].initial_kg * self.factor(lift)

    def train(self, lift: Lift, impulse: float) -> None:
        """Add a session's training impulse (sum of reps x load / true 1RM over main sets)."""
        state = self.lifts[lift]
        state.fitness += impulse
        state.fatigue += impulse

    def next_day(self) -> None:
        decay_fitness = math.exp(-1.0 / TAU_FITNESS_DAYS)
        decay_fatigue = math.exp(-1.0 / TAU_FATIGUE_DAYS)
        for state in self.lifts.values():
            state.fitness *= decay_fitness
            state.fatigue *= decay_fatigue
