"""The lifter's learnt load correction for today's intensity type (deviation F9).

Learnt from the lifter's own sessions (`training_engine.feedback.load_calibration`): when their
heavy (or explosive, or rep) days keep feeling easier or harder than the target RPE, the main
lift's load for that kind of day moves by the learnt fraction. A deload is left alone (its job
is to be light) and so is a lift under a rehab cap (the cap decides its load).

It runs after the day's signals (RPE history, readiness, cycle phase, soreness) so that it knows
the load they leave: a correction up never takes that load above what the 1RM says the
prescribed reps weigh to failure (Epley, the model the working 1RM reads logs with), nor a
single above `MAX_SHARE_OF_MAX` of it. That 1RM is the larger of the engine's and the max the
lifter's recent sets show (`demonstrated_one_rm_kg`, deviation F10: the engine's trails a lifter
who is getting stronger); the formula's 1RM ceiling still holds every set at or below the
engine's own. It may bring a day up to its target RPE, never to a rep max or a max attempt, and
it leaves room for a 1RM read a little high; the signals alone keep the reference's behaviour.
"""

from __future__ import annotations

from training_engine.formulas.rounding import floor_to_increment
from training_engine.pipeline.state import PipelineState, SessionContext
from training_engine.planning.one_rm import epley_kg

# The heaviest single a correction may reach, as a share of the engine's 1RM: the RTS chart's
# single at RPE 9.5 (97.8 %), the heaviest target the program prescribes, so a correction may
# bring it to its target but never to a max attempt. Without a ceiling the simulator served 10
# of 6,784 sessions of singles at the engine's 1RM above the lifter's true max; at 95 % the
# late error fell 9.5 % instead of 12.3 % (docs/measurements/learning.md, third sitting).
MAX_SHARE_OF_MAX = 0.975
_SLACK_KG = 1e-9


def load_calibration(ctx: SessionContext, state: PipelineState) -> PipelineState:
    corrections = ctx.inp.load_calibrations
    if not corrections or ctx.rehab_cap_applies or ctx.is_deload:
        return state
    if state.skipped or state.recovery_mode:
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
    ceiling = correction_ceiling(ctx, state.intensity_multiplier)
    if adjustment > 0 and multiplier > ceiling:
        multiplier = ceiling
        held = f"held to {(ceiling - 1) * 100:.1f}%" if ceiling > 1.0 else "not applied today"
        reason += f", {held}: never a rep max or a max attempt"
    if multiplier == 1.0:
        return state.say(reason)
    return state.scale_intensity("load_calibration", multiplier, multiplier, reason).say(reason)


def correction_ceiling(ctx: SessionContext, signals: float) -> float:
    """The largest correction up (at least 1.0) on the load the day's signals left (the base
    weight x `signals`): up to the base set's reps to failure by Epley at the 1RM (the larger of
    the engine's and the demonstrated one, F10), and a single up to `MAX_SHARE_OF_MAX` of it,
    on the plate step below."""
    base = ctx.base
    if base.weight_kg <= 0 or signals <= 0:
        return 1.0
    one_rm = max(ctx.inp.one_rm_kg, ctx.inp.demonstrated_one_rm_kg or 0.0)
    heaviest = MAX_SHARE_OF_MAX * one_rm
    first = base.sets[0] if base.sets else None
    factor = epley_kg(1.0, first.reps) if first is not None else None
    if factor is not None:
        heaviest = min(heaviest, one_rm / factor)
    # Down to the plate step, so the final half-up rounding cannot carry it past the ceiling
    # (with a float's slack: 140 / (1 + 5 / 30) is 119.99999999999999, a 120 kg five).
    heaviest = floor_to_increment(heaviest + _SLACK_KG, ctx.increment_kg)
    return max(1.0, heaviest / (base.weight_kg * signals))
