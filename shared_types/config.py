"""Configuration models that travel inside a `JITInput`.

`FormulaConfig` is the periodisation table (one block per training block, plus deload, rest and
rounding). Ranges are those of the reference's user-override schema (domain-reference §3.1), so a
merged config can never carry a value a user could not have chosen.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from shared_types.base import Frozen
from shared_types.enums import MuscleGroup, WarmupPresetName

__all__ = [
    "BlockConfig",
    "CustomWarmup",
    "DeloadConfig",
    "FixedSessionConfig",
    "FormulaConfig",
    "MrvMevConfig",
    "PresetWarmup",
    "ProgressiveOverload",
    "RepSessionConfig",
    "RestSeconds",
    "RestSecondsBlock",
    "TrainingMaxIncrease",
    "VolumeLandmark",
    "WarmupProtocol",
    "WarmupStep",
]

Pct = Annotated[float, Field(ge=0.4, le=1.05)]
SetCount = Annotated[int, Field(ge=1, le=10)]
RepCount = Annotated[int, Field(ge=1, le=20)]
RestSecondsValue = Annotated[int, Field(ge=0, le=1200)]


def _rpe_in_half_steps(value: float) -> float:
    if not 5.0 <= value <= 10.0 or (value * 2) != int(value * 2):
        raise ValueError("must be between 5.0 and 10.0 in steps of 0.5")
    return value


class FixedSessionConfig(Frozen):
    """Heavy and explosive days: straight sets at one percentage."""

    pct: Pct
    sets: SetCount
    reps: RepCount
    reps_max: RepCount | None = None
    rpe_target: float

    _rpe = field_validator("rpe_target")(_rpe_in_half_steps)

    @model_validator(mode="after")
    def _range_ordered(self) -> FixedSessionConfig:
        if self.reps_max is not None and self.reps_max < self.reps:
            raise ValueError("reps_max must be at least reps")
        return self


class RepSessionConfig(Frozen):
    """Rep days: a set range and a rep range at one percentage."""

    pct: Pct
    sets_min: SetCount
    sets_max: SetCount
    reps_min: RepCount
    reps_max: RepCount
    rpe_target: float

    _rpe = field_validator("rpe_target")(_rpe_in_half_steps)

    @model_validator(mode="after")
    def _ranges_ordered(self) -> RepSessionConfig:
        if self.sets_min > self.sets_max:
            raise ValueError("sets_min must not exceed sets_max")
        if self.reps_min > self.reps_max:
            raise ValueError("reps_min must not exceed reps_max")
        return self


class BlockConfig(Frozen):
    heavy: FixedSessionConfig
    explosive: FixedSessionConfig
    rep: RepSessionConfig


class DeloadConfig(Frozen):
    pct: Annotated[float, Field(ge=0.2, le=0.6)]
    sets: Annotated[int, Field(ge=1, le=5)]
    reps: Annotated[int, Field(ge=1, le=15)]
    rpe_target: float

    _rpe = field_validator("rpe_target")(_rpe_in_half_steps)


class ProgressiveOverload(Frozen):
    heavy_pct_increment_per_block: Annotated[float, Field(ge=0.025, le=0.1)]


class TrainingMaxIncrease(Frozen):
    bench_min: Annotated[float, Field(gt=0)]
    bench_max: Annotated[float, Field(gt=0)]
    squat_min: Annotated[float, Field(gt=0)]
    squat_max: Annotated[float, Field(gt=0)]
    deadlift_min: Annotated[float, Field(gt=0)]
    deadlift_max: Annotated[float, Field(gt=0)]


class RestSecondsBlock(Frozen):
    heavy: RestSecondsValue
    explosive: RestSecondsValue
    rep: RestSecondsValue


class RestSeconds(Frozen):
    block1: RestSecondsBlock
    block2: RestSecondsBlock
    block3: RestSecondsBlock
    deload: RestSecondsValue
    auxiliary: RestSecondsValue


class FormulaConfig(Frozen):
    block1: BlockConfig
    block2: BlockConfig
    block3: BlockConfig
    deload: DeloadConfig
    progressive_overload: ProgressiveOverload
    training_max_increase: TrainingMaxIncrease
    rounding_increment_kg: Annotated[float, Field(gt=0, le=25)] = 2.5
    rest_seconds: RestSeconds

    def block(self, cycled_block: int) -> BlockConfig:
        """The config of block 1, 2 or 3 (callers cycle the program's block number first)."""
        return (self.block1, self.block2, self.block3)[cycled_block - 1]

    def rest_block(self, cycled_block: int) -> RestSecondsBlock:
        rest = self.rest_seconds
        return (rest.block1, rest.block2, rest.block3)[cycled_block - 1]


class VolumeLandmark(Frozen):
    """Weekly hard sets for one muscle: minimum effective (MEV) and maximum recoverable (MRV)."""

    mev: Annotated[float, Field(ge=0, le=60)]
    mrv: Annotated[float, Field(gt=0, le=60)]

    @model_validator(mode="after")
    def _mev_not_above_mrv(self) -> VolumeLandmark:
        if self.mev > self.mrv:
            raise ValueError("mev must not exceed mrv")
        return self


class MrvMevConfig(Frozen):
    """Landmarks for every muscle group (all ten are required)."""

    quads: VolumeLandmark
    hamstrings: VolumeLandmark
    glutes: VolumeLandmark
    lower_back: VolumeLandmark
    upper_back: VolumeLandmark
    chest: VolumeLandmark
    triceps: VolumeLandmark
    shoulders: VolumeLandmark
    biceps: VolumeLandmark
    core: VolumeLandmark

    def __getitem__(self, muscle: MuscleGroup) -> VolumeLandmark:
        landmark: VolumeLandmark = self.__dict__[muscle]  # a StrEnum member is its field name
        return landmark


class WarmupStep(Frozen):
    """One ramp step: a fraction of the working weight (0 = the empty bar) for some reps."""

    pct: Annotated[float, Field(ge=0, le=1.0)]
    reps: Annotated[int, Field(ge=1, le=20)]


class PresetWarmup(Frozen):
    type: Literal["preset"] = "preset"
    name: WarmupPresetName


class CustomWarmup(Frozen):
    type: Literal["custom"] = "custom"
    steps: Annotated[tuple[WarmupStep, ...], Field(min_length=1, max_length=10)]


WarmupProtocol = Annotated[PresetWarmup | CustomWarmup, Field(discriminator="type")]
