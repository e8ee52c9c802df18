"""Apply a model's `JITAdjustment` to the formula base (domain-reference §5.5).

Both take the generation's one formula pass (`FormulaRun`): its context is the base the model
adjusts, and its trace is the one the served output carries.

`apply_adjustment` gives the candidate session; `adjusted_session` is what the LLM strategy
serves: the candidate through the one hard-constraint pass
(`training_engine.constraints.enforce_hard_constraints`), which also re-derives everything that
follows the main lift (accessories, warm-ups, rest, modifiers), with the trace of a formula pass
over the same input (`training_engine.served.formula_traced`, domain-reference §2.1).

Values outside the schema's bounds (a caller that skipped validation, a replayed row) are
clamped here first, so nothing downstream ever sees them. Where we depart from parakeet:

* a positive `set_modifier` adds sets (copies of the last base set); the constraint pass bounds
  them by the MRV room (L1);
* the main rest is the formula's final rest, so the lifter's own rest override is kept (L4);
* the accessories are the formula's (anchors, fatigue discount, MRV skip, catalog reps,
  compensation, top-ups) with the model's overrides on top (`accessories/overrides.py`, L5).
"""

from __future__ import annotations

import math

from shared_types.adjustment import (
    INTENSITY_MODIFIER_MAX,
    INTENSITY_MODIFIER_MIN,
    REST_DELTA_MAX_SECONDS,
    SET_MODIFIER_MAX,
    SET_MODIFIER_MIN,
    AuxOverride,
    JITAdjustment,
)
from shared_types.enums import StrategyUsed
from shared_types.outputs import JITOutput, LlmRestSuggestion, PlannedSet, RestRecommendations
from training_engine.accessories.build import follow_main_lift
from training_engine.constraints import enforce_hard_constraints
from training_engine.formulas.rest import aux_rest_seconds, main_rest
from training_engine.formulas.rounding import round_half_up, round_to_increment
from training_engine.formulas.warmup import build_warmup
from training_engine.served import formula_traced
from training_engine.session import FormulaRun

__all__ = [
    "adjusted_session",
    "apply_adjustment",
    "bounded_intensity",
    "bounded_set_modifier",
    "overrides_by_name",
]


def bounded_intensity(value: float) -> float:
    """The intensity modifier inside the schema's bounds; a non-number means 'no change'."""
    if not math.isfinite(value):
        return 1.0
    return min(INTENSITY_MODIFIER_MAX, max(INTENSITY_MODIFIER_MIN, value))


def bounded_set_modifier(value: int) -> int:
    return min(SET_MODIFIER_MAX, max(SET_MODIFIER_MIN, int(value)))


def overrides_by_name(adjustment: JITAdjustment) -> dict[str, AuxOverride]:
    """The model's accessory overrides by exact exercise name (a later entry wins)."""
    return {o.exercise: o for o in adjustment.aux_overrides}


def _rest_delta(adjustment: JITAdjustment) -> float | None:
    rest = adjustment.rest_adjustments
    if rest is None or rest.main_lift is None or not math.isfinite(rest.main_lift):
        return None
    return max(-REST_DELTA_MAX_SECONDS, min(REST_DELTA_MAX_SECONDS, rest.main_lift))


def _main_sets(count: int, base: tuple[PlannedSet, ...], weight: float) -> tuple[PlannedSet, ...]:
    """`count` straight sets at `weight`: the base sets, then copies of the last one."""
    template = base[-1]
    return tuple(
        (base[n - 1] if n <= len(base) else template).model_copy(
            update={"set_number": n, "weight_kg": weight}
        )
        for n in range(1, count + 1)
    )


def apply_adjustment(formula: FormulaRun, adjustment: JITAdjustment) -> JITOutput:
    """The candidate session: the adjustment on the formula base, before the constraint pass."""
    ctx = formula.ctx
    inp = ctx.inp
    base = ctx.base
    intensity = bounded_intensity(adjustment.intensity_modifier)
    main: tuple[PlannedSet, ...] = ()
    if not adjustment.skip_main_lift:
        count = max(0, base.count + bounded_set_modifier(adjustment.set_modifier))
        weight = round_to_increment(base.weight_kg * intensity, ctx.increment_kg)
        main = _main_sets(count, base.sets, weight)
    skipped = not main
    modifier = 0.0 if skipped else intensity
    warmups = () if skipped else build_warmup(inp, main[0].weight_kg, ctx.worst_soreness)[0]
    rest = main_rest(inp, ctx.cycled_block)
    accessories = follow_main_lift(
        inp,
        main,
        base_count=base.count,
        worst_soreness=ctx.worst_soreness,
        intensity_modifier=modifier,
        overrides=overrides_by_name(adjustment),
    )
    delta = _rest_delta(adjustment)
    return JITOutput(
        session_id=inp.session_id,
        generated_at=inp.now,
        main_lift_sets=main,
        warmup_sets=warmups,
        auxiliary_work=accessories.rows,
        volume_modifier=len(main) / base.count,
        intensity_modifier=modifier,
        rationale=tuple(adjustment.rationale),
        warnings=(),
        skipped_main_lift=skipped,
        rest_recommendations=RestRecommendations(
            main_lift=tuple(rest.final_seconds for _ in main),
            auxiliary=tuple(aux_rest_seconds(inp) for _ in accessories.rows),
        ),
        jit_strategy=StrategyUsed.LLM,
        llm_rest_suggestion=None
        if delta is None
        else LlmRestSuggestion(
            delta_seconds=round_half_up(delta), formula_base_seconds=rest.formula_base_seconds
        ),
    )


def adjusted_session(formula: FormulaRun, adjustment: JITAdjustment) -> JITOutput:
    """What the LLM strategy serves for this adjustment: candidate, then the constraint pass,
    then the formula pass's trace saying what was served."""
    constrained = enforce_hard_constraints(
        apply_adjustment(formula, adjustment), formula, overrides=adjustment.aux_overrides
    )
    return formula_traced(formula, constrained)
