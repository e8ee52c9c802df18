"""Soreness of the lift's primary muscles: fewer sets, lighter load, or a recovery session."""

from __future__ import annotations

from training_engine.pipeline.state import PipelineState, SessionContext
from training_engine.pipeline.steps.calibration import calibrated, calibration_note

MODERATE_FROM = 5
HIGH_FROM = 7
SEVERE_FROM = 9


def soreness_effect(worst: int, female: bool) -> tuple[int, float, str] | None:
    """(sets removed, intensity multiplier, reason) for a soreness level; None when fresh.

    Severe soreness is handled by recovery mode, not here.
    """
    if worst >= HIGH_FROM:
        if female:
            return 1, 0.97, f"High soreness ({worst}/10): one set fewer, load down 3%"
        return 2, 0.95, f"High soreness ({worst}/10): two sets fewer, load down 5%"
    if worst >= MODERATE_FROM:
        return 1, 1.0, f"Moderate soreness ({worst}/10): one set fewer"
    return None


def soreness(ctx: SessionContext, state: PipelineState) -> PipelineState:
    if ctx.is_deload:
        return state
    worst = ctx.worst_soreness
    if worst >= SEVERE_FROM and ctx.major_disruption is not None:
        return state  # no lift today at all: the disruption step skips it (deviation D10)
    if worst >= SEVERE_FROM:
        reason = f"Severe soreness ({worst}/10): light recovery session instead"
        return state.evolve(recovery_mode=True).say(reason)
    effect = soreness_effect(worst, ctx.is_female)
    if effect is None:
        return state
    cut, default, reason = effect
    multiplier = calibrated(default, ctx.calibration("soreness"))
    reason += calibration_note(default, multiplier)
    before = state.planned_count
    state = state.set_count("soreness", max(1, before - cut), reason)
    if default != 1.0:
        state = state.scale_intensity("soreness", default, multiplier, reason)
    return state.record_removed("soreness", before).say(reason)
