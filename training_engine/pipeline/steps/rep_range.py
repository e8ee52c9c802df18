"""On rep days, prescribe the top of the rep range when recent sessions were far too easy."""

from __future__ import annotations

from shared_types.enums import IntensityType
from training_engine.formulas.base_sets import changed_set
from training_engine.pipeline.state import PipelineState, SessionContext
from training_engine.pipeline.steps.rpe_history import LARGE_GAP


def rep_range(ctx: SessionContext, state: PipelineState) -> PipelineState:
    if (
        ctx.inp.intensity_type is not IntensityType.REP
        or state.recovery_mode
        or state.skipped
        or ctx.rehab_cap_applies
    ):
        return state
    deviation = ctx.recent_rpe_deviation()
    if deviation is None or deviation > -LARGE_GAP:
        return state
    sets = tuple(
        changed_set(s, reps=s.reps_range[1]) if s.reps_range is not None else s for s in state.sets
    )
    top = next((s.reps for s in sets if s.reps_range is not None), None)
    if top is None:
        return state
    reason = f"Recent sessions were far below target RPE: {top} reps per set, the top of the range"
    return (
        state.evolve(sets=sets, rep_override=top)
        .scale_intensity("rpe_history", 1.0, 1.0, reason)
        .say(reason)
    )
