"""`JITAdjustment`: the bounded answer a model may give (domain-reference §5.1).

Every property is required and "optional" ones are nullable, as OpenAI strict structured output
demands. The bounds here are the first guard only; the engine's constraint pass is the real one.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from shared_types.base import Frozen

__all__ = [
    "INTENSITY_MODIFIER_MAX",
    "INTENSITY_MODIFIER_MIN",
    "REST_DELTA_MAX_SECONDS",
    "SET_MODIFIER_MAX",
    "SET_MODIFIER_MIN",
    "AnchorOverride",
    "AuxOverride",
    "JITAdjustment",
    "RestAdjustments",
]

INTENSITY_MODIFIER_MIN = 0.4
INTENSITY_MODIFIER_MAX = 1.2
SET_MODIFIER_MIN = -3
SET_MODIFIER_MAX = 2
REST_DELTA_MAX_SECONDS = 60


class AnchorOverride(Frozen):
    weight_kg: Annotated[float, Field(ge=0, le=500, allow_inf_nan=False)]
    reason: Annotated[str, Field(max_length=160)]


class AuxOverride(Frozen):
    exercise: str
    action: Literal["skip", "reduce", "normal"]
    anchor_override: AnchorOverride | None


class RestAdjustments(Frozen):
    main_lift: Annotated[float, Field(allow_inf_nan=False)] | None


class JITAdjustment(Frozen):
    intensity_modifier: Annotated[
        float, Field(ge=INTENSITY_MODIFIER_MIN, le=INTENSITY_MODIFIER_MAX, allow_inf_nan=False)
    ]
    set_modifier: Annotated[int, Field(ge=SET_MODIFIER_MIN, le=SET_MODIFIER_MAX)]
    skip_main_lift: bool
    aux_overrides: tuple[AuxOverride, ...]
    rationale: Annotated[tuple[Annotated[str, Field(max_length=200)], ...], Field(max_length=5)]
    confidence: Literal["high", "medium", "low"]
    rest_adjustments: RestAdjustments | None
