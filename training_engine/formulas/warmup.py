"""Warm-up ramps up to the first working weight (domain-reference §3.14)."""

from __future__ import annotations

from functools import lru_cache

from shared_types.base import trusted
from shared_types.config import CustomWarmup
from shared_types.enums import Sex, WarmupPresetName
from shared_types.inputs import JITInput
from shared_types.outputs import WarmupSet
from shared_types.trace import WarmupStepTrace, WarmupTrace
from training_engine.defaults.warmup_presets import MINIMAL_BELOW_KG, WARMUP_PRESETS
from training_engine.formulas.rounding import DEFAULT_INCREMENT_KG, format_kg, round_to_increment
from training_engine.limits import bar_weight_kg
from training_engine.pipeline.steps.soreness import SEVERE_FROM

__all__ = ["build_warmup", "effective_protocol"]


def effective_protocol(
    inp: JITInput, working_weight_kg: float, worst_soreness: int
) -> tuple[str, tuple[tuple[float, int], ...]]:
    """(protocol name, steps). An explicit choice always wins; otherwise a recovery session or a
    light working weight gets the minimal ramp. Without a choice, the standard ramp for the sex."""
    config = inp.warmup_config
    if not inp.warmup_config_explicit and (
        worst_soreness >= SEVERE_FROM or working_weight_kg < MINIMAL_BELOW_KG
    ):
        preset = WarmupPresetName.MINIMAL
    elif isinstance(config, CustomWarmup):
        return "custom", tuple((step.pct, step.reps) for step in config.steps)
    elif config is not None:
        preset = config.name
    elif inp.biological_sex is Sex.FEMALE:
        preset = WarmupPresetName.STANDARD_FEMALE
    else:
        preset = WarmupPresetName.STANDARD
    return _PRESET_NAMES[preset], WARMUP_PRESETS[preset]


_PRESET_NAMES = {preset: preset.value for preset in WarmupPresetName}  # `.value` is a call


def build_warmup(
    inp: JITInput, working_weight_kg: float, worst_soreness: int
) -> tuple[tuple[WarmupSet, ...], WarmupTrace]:
    name, steps = effective_protocol(inp, working_weight_kg, worst_soreness)
    increment = inp.weight_increment_kg or DEFAULT_INCREMENT_KG
    return _ramp(name, steps, working_weight_kg, bar_weight_kg(inp), increment)


@lru_cache(maxsize=4096, typed=True)
def _ramp(
    name: str,
    steps: tuple[tuple[float, int], ...],
    working_weight_kg: float,
    bar: float,
    increment: float,
) -> tuple[tuple[WarmupSet, ...], WarmupTrace]:
    """The warm-up sets and their trace. Memoised (the values are frozen): working weights are
    loadable multiples of a few increments, so a service builds the same ramps again and again."""
    sets: list[WarmupSet] = []
    traced: list[WarmupStepTrace] = []
    previous: float | None = None
    for pct, reps in steps:
        # Never heavier than the working weight (deviation D7): warm-ups round with the plate
        # step, which can be coarser than the main lift's and would otherwise round up past it.
        ramp = min(round_to_increment(working_weight_kg * pct, increment), working_weight_kg)
        weight = max(bar, ramp)
        if weight == previous:
            continue  # two steps that round to the same weight are one step
        previous = weight
        display = f"{format_kg(weight)} kg" + (" (bar)" if weight == bar else "")
        sets.append(
            trusted(
                WarmupSet,
                set_number=len(sets) + 1,
                weight_kg=weight,
                display_weight=display,
                reps=reps,
                is_warmup=True,
            )
        )
        traced.append(trusted(WarmupStepTrace, pct=pct, weight_kg=weight, reps=reps))
    trace = trusted(
        WarmupTrace, working_weight_kg=working_weight_kg, protocol_name=name, steps=tuple(traced)
    )
    return tuple(sets), trace
