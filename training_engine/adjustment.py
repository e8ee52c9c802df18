"""Apply a model's `JITAdjustment` to the formula base (domain-reference §5.5), main lift part.

The result is a candidate only: every LLM-derived output then goes through
`training_engine.constraints.enforce_hard_constraints`. Values outside the schema's bounds (a
caller that skipped validation, a replayed row) are clamped here first, so nothing downstream
ever sees them.
Accessory overrides are applied in a later issue; `auxiliary_work` stays empty for now.
"""

from __future__ import annotations

import math

from shared_types.adjustment import (
    INTENSITY_MODIFIER_MAX,
    INTENSITY_MODIFIER_MIN,
    REST_DELTA_MAX_SECONDS,
    SET_MODIFIER_MAX,
    SET_MODIFIER_MIN,
    JITAdjustment,
)
from shared_types.enums import StrategyUsed
from shared_types.inputs import JITInput
from shared_types.outputs import JITOutput, LlmRestSuggestion, PlannedSet, RestRecommendations
from training_engine.formulas.rest import main_rest
from training_engine.formulas.rounding import round_half_up, round_to_increment
from training_engine.formulas.warmup import build_warmup
from training_engine.pipeline.state import new_context

__all__ = ["apply_adjustment", "bounded_intensity", "bounded_set_modifier"]


def bounded_intensity(value: float) -> float:
    """The intensity modifier inside the schema's bounds; a non-number means 'no change'."""
    if not math.isfinite(value):
        return 1.0
    return min(INTENSITY_MODIFIER_MAX, max(INTENSITY_MODIFIER_MIN, value))


def bounded_set_modifier(value: int) -> int:
    return min(SET_MODIFIER_MAX, max(SET_MODIFIER_MIN, int(value)))


def _rest_delta(adjustment: JITAdjustment) -> float | None:
    rest = adjustment.rest_adjustments
    if rest is None or rest.main_lift is None or not math.isfinite(rest.main_lift):
        return None
    return max(-REST_DELTA_MAX_SECONDS, min(REST_DELTA_MAX_SECONDS, rest.main_lift))


def apply_adjustment(inp: JITInput, adjustment: JITAdjustment) -> JITOutput:
    ctx = new_context(inp)
    base = ctx.base
    intensity = bounded_intensity(adjustment.intensity_modifier)
    main: tuple[PlannedSet, ...] = ()
    if not adjustment.skip_main_lift:
        count = max(0, base.count + bounded_set_modifier(adjustment.set_modifier))
        weight = round_to_increment(base.weight_kg * intensity, ctx.increment_kg)
        main = tuple(s.model_copy(update={"weight_kg": weight}) for s in base.sets[:count])
    skipped = not main
    warmups = () if skipped else build_warmup(inp, main[0].weight_kg, ctx.worst_soreness)[0]
    rest = main_rest(inp, ctx.cycled_block)
    delta = _rest_delta(adjustment)
    return JITOutput(
        session_id=inp.session_id,
        generated_at=inp.now,
        main_lift_sets=main,
        warmup_sets=warmups,
        auxiliary_work=(),
        volume_modifier=len(main) / base.count,
        intensity_modifier=0.0 if skipped else intensity,
        rationale=tuple(adjustment.rationale),
        warnings=(),
        skipped_main_lift=skipped,
        rest_recommendations=RestRecommendations(
            main_lift=tuple(rest.formula_base_seconds for _ in main), auxiliary=()
        ),
        jit_strategy=StrategyUsed.LLM,
        llm_rest_suggestion=None
        if delta is None
        else LlmRestSuggestion(
            delta_seconds=round_half_up(delta), formula_base_seconds=rest.formula_base_seconds
        ),
    )
