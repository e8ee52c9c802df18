"""The lifter's learnt load correction for today's intensity type (deviation F9).

Learnt from the lifter's own sessions (`training_engine.feedback.load_calibration`): when their
heavy (or explosive, or rep) days keep feeling easier or harder than the target RPE, the main
lift's load for that kind of day moves by the learnt fraction. A deload is left alone (its job
is to be light) and so is a lift under a rehab cap (the cap decides its load).
"""

from __future__ import annotations

from training_engine.pipeline.state import PipelineState, SessionContext


def load_calibration(ctx: SessionContext, state: PipelineState) -> PipelineState:
    corrections = ctx.inp.load_calibrations
    if not corrections or ctx.rehab_cap_applies or ctx.is_deload:
        return state
    kind = ctx.inp.intensity_type
    adjustment = corrections.get(kind)
    if not adjustment:
        return state
    multiplier = 1.0 + adjustment
    feel = "easier" if adjustment > 0 else "harder"
    reason = (
        f"Your recent {kind.value} days felt {feel} than planned: "
        f"load {'up' if adjustment > 0 else 'down'} {abs(adjustment) * 100:.1f}%"
    )
    return state.scale_intensity("load_calibration", multiplier, multiplier, reason).say(reason)
