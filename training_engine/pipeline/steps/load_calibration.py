"""The lifter's learnt load correction for today's intensity type (deviation F9).

Learnt from the lifter's own sessions (`training_engine.feedback.load_calibration`): when their
heavy (or explosive, or rep) days keep feeling easier or harder than the target RPE, the main
lift's load for that kind of day moves by the learnt fraction. A deload is left alone (its job
is to be light) and so is a lift under a rehab cap (the cap decides its load).

A correction up never takes the load above what the engine's 1RM says the prescribed reps weigh
to failure (Epley, the model the working 1RM reads logs with), nor a single above
`MAX_SHARE_OF_MAX` of it: it may bring a day up to its target RPE, never to a rep max or a max
attempt, and it leaves room for a 1RM the engine reads a little high.
"""

from __future__ import annotations

from training_engine.pipeline.state import PipelineState, SessionContext
from training_engine.planning.one_rm import epley_kg

# The RTS chart's single at RPE 9 (a double at RPE 10 is 95.5 % of 1RM): the heaviest working
# single a learnt correction may prescribe. The simulator without it: 10 of 6,784 sessions with
# singles at the engine's 1RM above the lifter's true max (docs/measurements/learning.md).
MAX_SHARE_OF_MAX = 0.95


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
    ceiling = correction_ceiling(ctx)
    if adjustment > 0 and multiplier > ceiling:
        multiplier = ceiling
        reason += f", held to {(ceiling - 1) * 100:.1f}%: never a rep max or a max attempt"
    if multiplier == 1.0:
        return state.say(reason)
    return state.scale_intensity("load_calibration", multiplier, multiplier, reason).say(reason)


def correction_ceiling(ctx: SessionContext) -> float:
    """The largest multiplier of the base weight a correction up may reach (at least 1.0): the
    base set's reps to failure by Epley at the engine's 1RM, and a single at `MAX_SHARE_OF_MAX`."""
    base = ctx.base
    if base.weight_kg <= 0:
        return 1.0
    one_rm = ctx.inp.one_rm_kg
    heaviest = MAX_SHARE_OF_MAX * one_rm
    first = base.sets[0] if base.sets else None
    factor = epley_kg(1.0, first.reps) if first is not None else None
    if factor is not None:
        heaviest = min(heaviest, one_rm / factor)
    return max(1.0, heaviest / base.weight_kg)
