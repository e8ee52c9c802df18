"""Nudge the load when the last two sessions felt harder or easier than their target RPE.

A deload is left alone (deviation D1 in docs/deviations.md): its job is to be light, and a
string of hard sessions is a reason to deload, not a reason to change the deload. The lifter's
`rpe_history` calibration sharpens or softens the nudge (deviation F8; the reference only adds
it to the volume step's sum).
"""

from __future__ import annotations

from training_engine.pipeline.state import PipelineState, SessionContext
from training_engine.pipeline.steps.calibration import calibrated, calibration_note

OVER_THRESHOLD = 0.75
UNDER_THRESHOLD = -0.75
LARGE_GAP = 1.25
SMALL_OVER = 0.975
LARGE_OVER = 0.95
SMALL_UNDER = 1.025
LARGE_UNDER = 1.05


def rpe_history(ctx: SessionContext, state: PipelineState) -> PipelineState:
    if ctx.rehab_cap_applies or ctx.is_deload:
        return state
    deviation = ctx.recent_rpe_deviation()
    if deviation is None:
        return state
    if deviation >= OVER_THRESHOLD:
        multiplier = LARGE_OVER if deviation >= LARGE_GAP else SMALL_OVER
        reason = (
            f"Your last two sessions felt harder than planned (+{deviation:.2f} RPE): "
            f"load reduced {_pct(multiplier)}%"
        )
    elif deviation <= UNDER_THRESHOLD:
        multiplier = LARGE_UNDER if deviation <= -LARGE_GAP else SMALL_UNDER
        reason = (
            f"Your last two sessions felt easier than planned ({deviation:.2f} RPE): "
            f"load increased {_pct(multiplier)}%"
        )
    else:
        return state
    applied = calibrated(multiplier, ctx.calibration("rpe_history"))
    reason += calibration_note(multiplier, applied)
    return state.scale_intensity("rpe_history", multiplier, applied, reason).say(reason)


def _pct(multiplier: float) -> str:
    return f"{abs(1 - multiplier) * 100:g}"
