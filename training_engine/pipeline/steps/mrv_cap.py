"""Never plan more weekly sets for a primary muscle than it can recover from (its MRV).

A deload is exempt (deviation D9): its sets are light, recovery is their purpose, and skipping
a deload because the week was hard removes the very session meant to absorb it.
"""

from __future__ import annotations

from training_engine.limits import main_sets_room
from training_engine.pipeline.state import PipelineState, SessionContext


def mrv_cap(ctx: SessionContext, state: PipelineState) -> PipelineState:
    if state.recovery_mode or state.skipped or ctx.is_deload:
        return state
    for muscle, room in main_sets_room(ctx.inp):
        if room < 1:
            # Also when fractional weekly volume leaves less than one set of room: a skip is
            # said out loud, never an empty session that claims not to be skipped.
            warning = f"MRV exceeded for {muscle.value} — main lift skipped"
            inp = ctx.inp
            reason = (
                f"Main lift skipped today: {muscle.value.replace('_', ' ')} has no room for "
                f"another set this week ({inp.weekly_sets(muscle):g} of "
                f"{inp.mrv_mev_config[muscle].mrv:g} sets, its recoverable maximum)"
            )
            return state.skip(reason).set_count("mrv_cap", 0, warning).warn(warning)
        if state.planned_count > room:
            warning = f"Approaching MRV for {muscle.value} — sets capped at {room}"
            state = state.set_count("mrv_cap", room, warning).warn(warning)
    return state
