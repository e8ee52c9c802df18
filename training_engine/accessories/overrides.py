"""A model's accessory overrides, applied on top of the formula's own accessory rules (§5.5-4).

The LLM path builds its accessories exactly as the formula does (anchors, post-main fatigue
discount, soreness and MRV skips, catalog reps, compensation rows, top-ups); an override then
changes one configured accessory, matched by its exact name:

* `skip`: the row is skipped with the reason `LLM: skip override`;
* `anchorOverride`: the model's starting load replaces the engine's anchor (history or catalog).
  It is bounded: never above `OVERRIDE_MAX_RATIO` x the engine's own anchor, never negative, so
  a hallucinated 500 kg cannot become a 200 kg split squat (deviation L5);
* `reduce`: at most `REDUCE_MAX_SETS` sets at `REDUCE_FACTOR` of the load the rules gave.

Overrides for exercises that are not configured today are ignored: the model cannot add work.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from shared_types.adjustment import AnchorOverride, AuxOverride
from shared_types.base import trusted
from shared_types.enums import AnchorConfidence, AnchorSource, ExerciseType
from shared_types.outputs import AuxiliaryWork
from training_engine.accessories.anchor import AnchorResult
from training_engine.accessories.configured import (
    AccessoryContext,
    Planned,
    configured_accessory,
    resolve_anchor,
    row_trace,
)
from training_engine.formulas.rounding import round_to_increment

__all__ = [
    "OVERRIDE_MAX_RATIO",
    "REDUCE_FACTOR",
    "REDUCE_MAX_SETS",
    "SKIP_LLM_OVERRIDE",
    "overridden_accessory",
]

OVERRIDE_MAX_RATIO = 1.2  # the schema's largest intensity modifier, applied to the anchor
REDUCE_FACTOR = 0.9
REDUCE_MAX_SETS = 2
SKIP_LLM_OVERRIDE = "LLM: skip override"


def _override_anchor(
    override: AnchorOverride,
) -> Callable[[AnchorResult | None, float], AnchorResult]:
    def replace(engine: AnchorResult | None, formula_kg: float) -> AnchorResult:
        engine_kg = engine.anchor_kg if engine is not None else formula_kg
        asked = override.weight_kg if math.isfinite(override.weight_kg) else engine_kg
        weight = min(max(asked, 0.0), engine_kg * OVERRIDE_MAX_RATIO)
        return AnchorResult(
            anchor_kg=weight,
            source=AnchorSource.SNAP,
            sessions_used=engine.sessions_used if engine is not None else 0,
            confidence=AnchorConfidence.HIGH,
            formula_weight_kg=formula_kg,
            rationale=override.reason,
            engine_anchor_kg=engine_kg,
        )

    return replace


def _skipped(ctx: AccessoryContext, exercise: str) -> Planned:
    book = ctx.book
    engine = resolve_anchor(
        ctx, exercise, book.formula_weight_kg(exercise, ctx.inp.one_rm_kg, ctx.inp.primary_lift)
    )
    row = trusted(
        AuxiliaryWork,
        exercise=exercise,
        sets=(),
        skipped=True,
        skip_reason=SKIP_LLM_OVERRIDE,
        exercise_type=book.exercise_type(exercise),
        anchor=engine.carrier() if engine is not None else None,
    )
    return Planned(row, row_trace(ctx, row, "configured accessory"))


def _reduced(ctx: AccessoryContext, planned: Planned) -> Planned:
    row = planned.row
    if row.skipped or row.exercise_type is ExerciseType.TIMED:
        return planned
    weight = round_to_increment(row.sets[0].weight_kg * REDUCE_FACTOR, ctx.increment_kg)
    sets = tuple(s.model_copy(update={"weight_kg": weight}) for s in row.sets[:REDUCE_MAX_SETS])
    reduced = row.model_copy(update={"sets": sets})
    trace = planned.trace
    weighed = trace.weight_trace
    return Planned(
        reduced,
        trace.model_copy(
            update={
                "sets": len(sets),
                "weight_trace": None
                if weighed is None
                else weighed.model_copy(update={"final_weight_kg": weight}),
            }
        ),
        planned.warnings,
    )


def overridden_accessory(ctx: AccessoryContext, exercise: str, override: AuxOverride) -> Planned:
    """A configured accessory built by the formula's rules, then changed by the model."""
    if override.action == "skip":
        return _skipped(ctx, exercise)
    anchor = override.anchor_override
    planned = configured_accessory(
        ctx, exercise, _override_anchor(anchor) if anchor is not None else None
    )
    return _reduced(ctx, planned) if override.action == "reduce" else planned
