"""Say what today is for: day type, block, reps and load as a share of 1RM."""

from __future__ import annotations

from shared_types.enums import IntensityType
from training_engine.formulas.rounding import format_kg, round_half_up
from training_engine.pipeline.state import PipelineState, SessionContext

_PURPOSE = {
    IntensityType.HEAVY: ("Heavy", "maximal strength"),
    IntensityType.EXPLOSIVE: ("Explosive", "speed and bar speed"),
    IntensityType.REP: ("Rep", "work capacity"),
}


def session_intent(ctx: SessionContext, state: PipelineState) -> PipelineState:
    base = ctx.base
    if ctx.is_deload:
        # A deload's numbers have reasons too (deviation D13).
        pct = round_half_up(base.pct * 100)
        return state.say(
            f"Deload day: {base.count} x {base.reps} reps at {format_kg(base.weight_kg)} kg "
            f"({pct}% of your 1RM), RPE {base.rpe_target:g}: light work so the training weeks' "
            "fatigue can clear"
        )
    label, purpose = _PURPOSE[ctx.inp.intensity_type]
    reps = f"{base.reps}-{base.reps_max}" if base.reps_max is not None else str(base.reps)
    pct = round_half_up(base.weight_kg / ctx.inp.one_rm_kg * 100)
    return state.say(
        f"{label} day, block {ctx.cycled_block} ({purpose}): {reps} reps at {pct}% of your 1RM"
    )
