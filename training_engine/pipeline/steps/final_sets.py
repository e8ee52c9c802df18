"""Turn the planned count and intensity into the working sets (and recovery sessions)."""

from __future__ import annotations

from shared_types.outputs import PlannedSet
from training_engine.formulas.base_sets import changed_set, straight_sets
from training_engine.formulas.rounding import format_kg, round_to_increment
from training_engine.limits import bar_weight_kg, rehab_ceiling_kg, weight_ceiling_kg
from training_engine.pipeline.state import PipelineState, SessionContext

RECOVERY_PCT_OF_BASE = 0.4
RECOVERY_SETS = 3
RECOVERY_REPS = 5
RECOVERY_RPE = 5.0


def recovery_sets(ctx: SessionContext, rehab_ceiling: float | None) -> tuple[PlannedSet, ...]:
    """3 x 5 at RPE 5, 40% of the base weight (or of a lower rehab ceiling), never below the bar."""
    basis = ctx.base.weight_kg if rehab_ceiling is None else min(ctx.base.weight_kg, rehab_ceiling)
    weight = max(
        bar_weight_kg(ctx.inp), round_to_increment(basis * RECOVERY_PCT_OF_BASE, ctx.increment_kg)
    )
    return straight_sets(RECOVERY_SETS, weight, RECOVERY_REPS, RECOVERY_RPE)


def final_sets(ctx: SessionContext, state: PipelineState) -> PipelineState:
    rehab = rehab_ceiling_kg(ctx.inp, ctx.increment_kg)
    if state.recovery_mode:
        sets = recovery_sets(ctx, rehab)
        return state.evolve(sets=sets, planned_count=len(sets))
    if state.skipped or state.planned_count == 0:
        return state.evolve(sets=(), planned_count=0, skipped=True)
    weight = round_to_increment(ctx.base.weight_kg * state.intensity_multiplier, ctx.increment_kg)
    ceiling = weight_ceiling_kg(ctx.inp, ctx.base.weight_kg, ctx.increment_kg)
    if weight > ceiling:
        # The served multiplier is what was actually prescribed (accessories follow it too).
        state = state.evolve(intensity_multiplier=ceiling / ctx.base.weight_kg).say(
            f"Held at {format_kg(ceiling)} kg: adjustments never go above your 1RM"
        )
        weight = ceiling
    if rehab is not None and weight > rehab:
        weight = rehab
        state = state.evolve(rehab_cap_kg=rehab).say(f"Rehab mode: capped at {format_kg(rehab)} kg")
    sets = tuple(
        s if s.set_number == n and s.weight_kg == weight else changed_set(s, n, weight)
        for n, s in enumerate(state.sets[: state.planned_count], start=1)
    )
    return state.evolve(sets=sets)
