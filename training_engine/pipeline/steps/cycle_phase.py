"""Menstrual-cycle phase: lighter, shorter sessions around menstruation and late luteal."""

from __future__ import annotations

from collections.abc import Mapping

from shared_types.enums import CyclePhase
from training_engine.pipeline.state import PipelineState, SessionContext
from training_engine.pipeline.steps.calibration import calibrated, calibration_note

# phase -> (intensity multiplier, set change, what the lifter is told)
PHASE_EFFECTS: Mapping[CyclePhase, tuple[float, int, str]] = {
    CyclePhase.MENSTRUAL: (0.95, -1, "Menstrual phase: one set fewer, load down 5%"),
    CyclePhase.FOLLICULAR: (1.0, 0, ""),
    CyclePhase.OVULATORY: (1.0, 0, ""),
    CyclePhase.LUTEAL: (0.975, 0, "Luteal phase: load down 2.5%"),
    CyclePhase.LATE_LUTEAL: (0.95, -1, "Late luteal phase: one set fewer, load down 5%"),
}


def cycle_phase(ctx: SessionContext, state: PipelineState) -> PipelineState:
    phase = ctx.inp.cycle_phase
    if ctx.is_deload or phase is None:
        return state
    default, set_change, reason = PHASE_EFFECTS[phase]
    if default == 1.0 and set_change == 0:
        return state
    multiplier = calibrated(default, ctx.calibration("cycle_phase"))
    reason += calibration_note(default, multiplier)
    before = state.planned_count
    return (
        state.set_count("cycle_phase", max(1, before + set_change), reason)
        .scale_intensity("cycle_phase", default, multiplier, reason)
        .record_removed("cycle_phase", before)
        .say(reason)
    )
