"""The formula pipeline for the main lift: the steps, listed once, in order."""

from __future__ import annotations

from collections.abc import Callable

from shared_types.inputs import JITInput
from training_engine.pipeline.state import PipelineState, SessionContext, initial_state, new_context
from training_engine.pipeline.steps.cycle_phase import cycle_phase
from training_engine.pipeline.steps.disruption import disruption
from training_engine.pipeline.steps.final_sets import final_sets
from training_engine.pipeline.steps.load_calibration import load_calibration
from training_engine.pipeline.steps.mrv_cap import mrv_cap
from training_engine.pipeline.steps.readiness import readiness
from training_engine.pipeline.steps.rep_range import rep_range
from training_engine.pipeline.steps.rpe_history import rpe_history
from training_engine.pipeline.steps.session_intent import session_intent
from training_engine.pipeline.steps.soreness import soreness
from training_engine.pipeline.steps.volume_calibration import volume_calibration

__all__ = ["MAIN_LIFT_STEPS", "Step", "run_main_lift"]

Step = Callable[[SessionContext, PipelineState], PipelineState]

MAIN_LIFT_STEPS: tuple[Step, ...] = (
    session_intent,
    volume_calibration,
    rpe_history,
    rep_range,
    readiness,
    cycle_phase,
    soreness,
    load_calibration,
    mrv_cap,
    disruption,
    final_sets,
)


def run_main_lift(inp: JITInput) -> tuple[SessionContext, PipelineState]:
    ctx = new_context(inp)
    state = initial_state(ctx)
    for step in MAIN_LIFT_STEPS:
        state = step(ctx, state)
    return ctx, state
