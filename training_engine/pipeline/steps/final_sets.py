"""Turn the planned count and intensity into the working sets (and recovery sessions)."""

from __future__ import annotations

from shared_types.enums import IntensityType
from shared_types.outputs import PlannedSet
from training_engine.formulas.base_sets import changed_set, straight_sets
from training_engine.formulas.rounding import format_kg, round_to_increment
from training_engine.limits import bar_weight_kg, rehab_ceiling_kg, weight_ceiling_kg
from training_engine.pipeline.state import PipelineState, SessionContext

RECOVERY_PCT_OF_BASE = 0.4
RECOVERY_SETS = 3
RECOVERY_REPS = 5
RECOVERY_RPE = 5.0
_DAY_LABEL = {
    IntensityType.HEAVY: "Heavy",
    IntensityType.EXPLOSIVE: "Explosive",
    IntensityType.REP: "Rep",
}


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
        return _restated(ctx, state.evolve(sets=sets, planned_count=len(sets)))
    if state.skipped or state.planned_count == 0:
        return _restated(ctx, state.evolve(sets=(), planned_count=0, skipped=True))
    weight = round_to_increment(ctx.base.weight_kg * state.intensity_multiplier, ctx.increment_kg)
    ceiling = weight_ceiling_kg(ctx.inp, ctx.base.weight_kg, ctx.increment_kg)
    if rehab is not None and weight > rehab and rehab <= ceiling:
        # The rehab cap is the binding limit: it alone speaks, and the 1RM ceiling (D2, D6) does
        # not rewrite the intensity of a weight it did not set.
        weight = rehab
        state = state.evolve(rehab_cap_kg=rehab).say(f"Rehab mode: capped at {format_kg(rehab)} kg")
    elif weight > ceiling:
        # The served multiplier is what was actually prescribed (accessories follow it too).
        state = state.evolve(intensity_multiplier=ceiling / ctx.base.weight_kg).say(
            f"Held at {format_kg(ceiling)} kg: adjustments never go above your 1RM"
        )
        weight = ceiling
    bar = bar_weight_kg(ctx.inp)
    if weight < bar:
        # Nothing lighter than the empty bar can be loaded (deviation D16).
        state = state.say(
            f"Raised to the empty bar ({format_kg(bar)} kg): no working set is lighter than the bar"
        )
        weight = bar
    planned = state.sets[: state.planned_count]
    first = planned[0]
    reps, rpe, reps_range = first.reps, first.rpe_target, first.reps_range
    straight = True
    for s in planned:
        if s.reps != reps or s.rpe_target != rpe or s.reps_range != reps_range:
            straight = False
            break
    if straight and rpe is not None:
        # Straight sets (as every step leaves them): the same sets as renumbering and
        # re-weighing each, from the shared straight-set memo.
        sets = straight_sets(len(planned), weight, reps, rpe, reps_range)
    else:
        sets = tuple(
            s if s.set_number == n and s.weight_kg == weight else changed_set(s, n, weight)
            for n, s in enumerate(planned, start=1)
        )
    return state.evolve(sets=sets)


def _restated(ctx: SessionContext, state: PipelineState) -> PipelineState:
    """The first line says what is served (ADR 0005: our wording): a skipped day leads with why
    the main lift is skipped, and nothing said about the sets it would have had is kept (deviation
    D15); a recovery session restates the day as the recovery sets it serves."""
    if state.skipped:
        reason = state.skip_reason or "Main lift skipped today"
        return state.evolve(rationale=(reason,))
    if not state.rationale or ctx.is_deload:
        return state
    first = state.sets[0]
    label = _DAY_LABEL.get(ctx.inp.intensity_type, "Training")
    intent = (
        f"{label} day, block {ctx.cycled_block}, served as a recovery session: "
        f"{len(state.sets)} x {first.reps} reps at {format_kg(first.weight_kg)} kg, "
        f"RPE {first.rpe_target:g}, in place of {format_kg(ctx.base.weight_kg)} kg"
    )
    return state.evolve(rationale=(intent, *state.rationale[1:]))
