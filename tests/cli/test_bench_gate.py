"""`jit-engine bench-gate`: the confidence gate measured over a simulated population.

The command over a small population of the simulator's lifters (reproducible per seed, its
counts consistent with each other), and `measure_gate` over scripted lives whose answers are
known: a neutral life fails only on deloads (and the noisy RPE's drift) and a "no change" model
agrees with the formula where it is gated; a good night's boost is what "no change" drops; a
life of poor nights is never gated.
"""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from api.cli import main
from benchmarks.routing import CONDITIONS, Day, Event, SimulatedLifter, measure_gate
from shared_types.adjustment import JITAdjustment
from shared_types.enums import CyclePhase, Lift, MuscleGroup, Sex
from training_engine.ports import FixedAdjustmentSource

NO_CHANGE = JITAdjustment(
    intensity_modifier=1.0,
    set_modifier=0,
    skip_main_lift=False,
    aux_overrides=(),
    rationale=("no change",),
    confidence="medium",
    rest_adjustments=None,
)


def bench_gate(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["bench-gate", *argv], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_the_command_prints_one_reproducible_json_line_whose_counts_agree() -> None:
    code, out, err = bench_gate("--lifters", "3", "--weeks", "2", "--seed", "5")
    assert (code, err) == (0, "")
    assert out.count("\n") == 1
    result = json.loads(out)
    gated, inputs = result["gated"], result["inputs"]
    assert inputs > 0
    assert result["model_failures"] == 0
    assert result["gated_divergence"]["inputs"] == gated
    assert result["ungated_divergence"]["inputs"] == inputs - gated
    assert sum(result["gated_divergence"]["set_delta"].values()) == gated
    assert set(result["failing"]) == set(CONDITIONS)
    # Every ungated input fails at least one condition; no condition fails on a gated one.
    assert inputs - gated <= sum(result["failing"].values())
    assert all(n <= inputs - gated for n in result["failing"].values())
    assert 0.0 <= result["gated_divergence"]["weight_pct_max"] <= 1.0
    assert bench_gate("--lifters", "3", "--weeks", "2", "--seed", "5")[1] == out


def test_the_command_refuses_an_empty_population() -> None:
    code, out, err = bench_gate("--lifters", "0")
    assert (code, out) == (2, "")
    assert "--lifters" in err


@dataclass(frozen=True)
class _Day:
    sleep: int
    energy: int
    soreness: Mapping[MuscleGroup, int] = field(default_factory=dict)
    cycle_phase: CyclePhase | None = None
    skip: bool = False
    started: Sequence[Event] = ()


@dataclass
class _SameEveryDay:
    """A life that is the same every day (soreness never reported)."""

    today: _Day
    trained_sessions: int = 0

    def day(self, number: int) -> Day:
        return self.today

    def trained(self, lift: Lift, main_sets: int, aux_sets: int) -> None:
        self.trained_sessions += 1

    def next_day(self) -> None:
        pass


def _measure(today: _Day, weeks: int = 4) -> dict[str, Any]:
    def lifter(index: int, seed: int) -> SimulatedLifter:
        maxes = {Lift.SQUAT: 140.0, Lift.BENCH: 100.0, Lift.DEADLIFT: 180.0}
        return SimulatedLifter(Sex.MALE, maxes, _SameEveryDay(today))

    model = FixedAdjustmentSource(NO_CHANGE)
    return asyncio.run(measure_gate(2, weeks, 0, lifter, model))


def test_a_neutral_life_fails_only_deloads_and_drift_and_no_change_agrees_when_gated() -> None:
    result = _measure(_Day(sleep=3, energy=3))
    assert result["inputs"] == 2 * 4 * 3
    failing = result["failing"]
    assert failing["deload"] > 0
    assert result["inputs"] - result["gated"] >= failing["deload"]
    assert failing["deload"] + failing["rpe_drift"] == sum(failing.values())
    assert result["gated_divergence"]["diverged"] == 0
    assert result["gated_divergence"]["weight_pct_max"] == 0.0


def test_a_good_night_is_gated_but_no_change_drops_the_formulas_boost() -> None:
    result = _measure(_Day(sleep=5, energy=5))
    assert result["gated"] > 0
    assert result["gated_divergence"]["weight_diverged"] == result["gated"]
    assert result["gated_diverged_formula_modifiers"] == {"readiness": result["gated"]}


def test_poor_nights_are_never_gated() -> None:
    result = _measure(_Day(sleep=1, energy=1))
    assert result["gated"] == 0
    assert result["failing"]["readiness"] == result["inputs"]
