"""The formula base: sets, reps and weight straight from the periodisation table (§3.2).

Every strategy starts from this base; the LLM path and the constraint pass recompute it from the
same input, so it lives here once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from shared_types.base import trusted
from shared_types.config import DeloadConfig, FixedSessionConfig, RepSessionConfig
from shared_types.enums import IntensityType
from shared_types.inputs import JITInput
from shared_types.outputs import PlannedSet
from shared_types.trace import BaseConfigTrace
from training_engine.formulas.rounding import (
    effective_increment_kg,
    round_half_up,
    round_to_increment,
)

__all__ = [
    "FormulaBase",
    "base_for",
    "changed_set",
    "cycled_block",
    "formula_base",
    "main_increment_kg",
    "straight_sets",
]


def cycled_block(block_number: int) -> int:
    """Programs run blocks 1, 2, 3, 1, 2, 3...: block 4 uses block 1's table."""
    return ((block_number - 1) % 3) + 1


def main_increment_kg(inp: JITInput) -> float:
    """Step for main-lift weights: the coarser of the config's rounding and the lifter's plates."""
    return effective_increment_kg(inp.formula_config.rounding_increment_kg, inp.weight_increment_kg)


@dataclass(frozen=True)
class FormulaBase:
    """The untouched prescription for today's lift, intensity and block."""

    sets: tuple[PlannedSet, ...]
    pct: float
    reps: int
    reps_max: int | None
    rpe_target: float
    trace: BaseConfigTrace  # what the trace says of this base (a deload's trace leaves it out)
    # The first set's weight and the set count, read by many steps: worked out once (bases
    # are memoised per day config, so this runs once per config, 1RM and increment).
    weight_kg: float = field(init=False)
    count: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "weight_kg", self.sets[0].weight_kg)
        object.__setattr__(self, "count", len(self.sets))


def straight_sets(
    count: int,
    weight_kg: float,
    reps: int,
    rpe: float,
    reps_range: tuple[int, int] | None = None,
) -> tuple[PlannedSet, ...]:
    """`count` identical sets numbered 1..count (every prescription here is straight sets)."""
    return _straight_sets(count, weight_kg, reps, rpe, reps_range)


@lru_cache(maxsize=4096, typed=True)
def _straight_sets(
    count: int, weight_kg: float, reps: int, rpe: float, reps_range: tuple[int, int] | None
) -> tuple[PlannedSet, ...]:
    """Memoised (the sets are frozen): weights are loadable multiples of a few increments, so a
    service prescribes the same few thousand set lists again and again."""
    return tuple(
        trusted(
            PlannedSet,
            set_number=n,
            weight_kg=weight_kg,
            reps=reps,
            rpe_target=rpe,
            reps_range=reps_range,
        )
        for n in range(1, count + 1)
    )


def changed_set(
    planned: PlannedSet,
    set_number: int | None = None,
    weight_kg: float | None = None,
    *,
    reps: int | None = None,
) -> PlannedSet:
    """`planned` with another number, weight or reps."""
    return trusted(
        PlannedSet,
        set_number=planned.set_number if set_number is None else set_number,
        weight_kg=planned.weight_kg if weight_kg is None else weight_kg,
        reps=planned.reps if reps is None else reps,
        rpe_target=planned.rpe_target,
        reps_range=planned.reps_range,
    )


def formula_base(inp: JITInput) -> FormulaBase:
    return base_for(inp, main_increment_kg(inp), cycled_block(inp.block_number))


def base_for(inp: JITInput, increment_kg: float, cycled: int) -> FormulaBase:
    """`formula_base` given the input's `main_increment_kg` and `cycled_block`."""
    config = inp.formula_config
    if inp.intensity_type is IntensityType.DELOAD:
        return _day_base(config.deload, inp.one_rm_kg, increment_kg)
    block = config.block(cycled)
    return _day_base(getattr(block, inp.intensity_type), inp.one_rm_kg, increment_kg)


@lru_cache(maxsize=4096, typed=True)
def _day_base(
    day: DeloadConfig | FixedSessionConfig | RepSessionConfig, one_rm_kg: float, increment: float
) -> FormulaBase:
    """Memoised (the configs are frozen, the base too): a service sees the same few day
    configs with the same loadable 1RMs again and again."""
    weight = round_to_increment(day.pct * one_rm_kg, increment)
    if isinstance(day, DeloadConfig):
        sets = straight_sets(day.sets, weight, day.reps, day.rpe_target, None)
        reps, reps_max = day.reps, None
    elif isinstance(day, RepSessionConfig):
        count = round_half_up((day.sets_min + day.sets_max) / 2)
        reps_range = (day.reps_min, day.reps_max)
        sets = straight_sets(count, weight, day.reps_min, day.rpe_target, reps_range)
        reps, reps_max = day.reps_min, day.reps_max
    else:
        ranged = day.reps_max is not None and day.reps_max > day.reps
        fixed_range = (day.reps, day.reps_max) if ranged and day.reps_max is not None else None
        sets = straight_sets(day.sets, weight, day.reps, day.rpe_target, fixed_range)
        reps, reps_max = day.reps, day.reps_max if ranged else None
    return FormulaBase(
        sets=sets,
        pct=day.pct,
        reps=reps,
        reps_max=reps_max,
        rpe_target=day.rpe_target,
        trace=trusted(BaseConfigTrace, sets=len(sets), reps=reps, reps_max=reps_max, pct=day.pct),
    )
