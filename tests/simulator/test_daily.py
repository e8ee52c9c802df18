"""The lifter's seeded daily life and the simulated coach model."""

from __future__ import annotations

import asyncio
import random

import pytest

from shared_types.enums import CyclePhase, Lift, MuscleGroup
from simulator.coach import SIMULATED_MODEL, SimulatedCoach, simulated_adjustment
from simulator.daily import DailyLife, Day, Event, cycle_phase
from simulator.lifter import PERSONAS
from tests.factories import make_input
from training_engine.ports import AdjustmentRequest
from training_engine.prompt import build_prompt
from training_engine.session import formula_run

NOVICE = PERSONAS[0]


@pytest.mark.parametrize(
    ("day", "phase"),
    [
        (1, CyclePhase.MENSTRUAL),
        (5, CyclePhase.MENSTRUAL),
        (6, CyclePhase.FOLLICULAR),
        (12, CyclePhase.OVULATORY),
        (17, CyclePhase.LUTEAL),
        (24, CyclePhase.LATE_LUTEAL),
        (28, CyclePhase.LATE_LUTEAL),
    ],
)
def test_the_cycle_phase_follows_the_reference_buckets(day: int, phase: CyclePhase) -> None:
    assert cycle_phase(day, 28) is phase


def test_a_longer_cycle_is_scaled_to_28_days() -> None:
    assert cycle_phase(6, 32) is CyclePhase.MENSTRUAL  # 6 x 28 / 32 = 5.25 -> 5


def test_soreness_rises_after_training_and_fades() -> None:
    life = DailyLife.start(NOVICE, random.Random(0))
    life.trained(Lift.SQUAT, main_sets=3, aux_sets=4)
    sore = life.soreness[MuscleGroup.QUADS]
    life.next_day()
    assert sore > life.soreness[MuscleGroup.QUADS] > 1.0
    assert life.soreness[MuscleGroup.CHEST] == 1.0


def test_the_same_stream_lives_the_same_days() -> None:
    def days(seed: str) -> list[Day]:
        life = DailyLife.start(PERSONAS[3], random.Random(seed))
        out: list[Day] = []
        for n in range(60):
            out.append(life.day(n))
            life.next_day()
        return out

    assert days("a") == days("a")
    assert days("a") != days("b")
    assert {d.cycle_phase for d in days("a")} == set(CyclePhase)


def test_the_planned_injury_starts_on_its_day() -> None:
    injured = PERSONAS[4]
    assert injured.injury is not None
    life = DailyLife.start(injured, random.Random(0))
    started: list[Event] = []
    for n in range(injured.injury.start_day + 1):
        started.extend(life.day(n).started)
        life.next_day()
    assert any(e.lift is Lift.SQUAT and e.start_day == injured.injury.start_day for e in started)


def test_the_coach_cuts_more_on_poor_sleep_and_low_energy() -> None:
    calm = simulated_adjustment(make_input(sleep_quality=4, energy_level=4))
    tired = simulated_adjustment(make_input(sleep_quality=1, energy_level=2))
    sore = simulated_adjustment(make_input(soreness_ratings={"quads": 8}))
    assert (calm.intensity_modifier, calm.set_modifier) == (1.0, 0)
    assert tired.intensity_modifier == pytest.approx(0.975**2)
    assert tired.set_modifier == -1
    assert sore.intensity_modifier == pytest.approx(0.95)


def test_the_coach_labels_its_records_as_simulated() -> None:
    inp = make_input(sleep_quality=2)
    request = AdjustmentRequest(inp, build_prompt(formula_run(inp)))
    answer = asyncio.run(SimulatedCoach().adjustment(request))
    assert answer.record is not None
    assert (answer.record.provider, answer.record.model) == ("simulated", SIMULATED_MODEL)
    assert answer.record.adjustment == answer.adjustment
