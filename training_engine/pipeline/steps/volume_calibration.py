"""Adapt the set count to how the lifter has been coping (the only step that can add sets).

Signals: recent sessions felt easier or harder than targeted, readiness, soreness, self-rated
capacity, last week's body review, learned calibrations and the week within the block. The net
change is clamped to -2..+3 sets and never pushes a primary muscle past its MRV.
"""

from __future__ import annotations

import math

from shared_types.enums import MismatchDirection
from training_engine.formulas.base_sets import changed_set
from training_engine.limits import mrv_left
from training_engine.pipeline.state import PipelineState, SessionContext
from training_engine.pipeline.steps.soreness import HIGH_FROM, MODERATE_FROM

MIN_CHANGE = -2
MAX_CHANGE = 3
EASY_GAP_STRONG = 1.5
EASY_GAP = 1.0
HARD_GAP = -1.0
PROGRESSIVE_GAP = 0.5
CAPACITY_HIGH = 3.0
CALIBRATION_BOOST_SUM = 0.08


def _change(ctx: SessionContext) -> int:
    inp = ctx.inp
    gap = ctx.rpe_gap()
    sleep = inp.sleep_quality or 3
    energy = inp.energy_level or 3
    readiness_high = sleep >= 4 and energy >= 4
    readiness_low = sleep <= 2 or energy <= 2
    soreness_low = ctx.worst_soreness < MODERATE_FROM
    soreness_high = ctx.worst_soreness >= HIGH_FROM
    capacity = inp.capacity_history or ()
    capacity_mean = sum(capacity) / len(capacity) if len(capacity) >= 2 else 0.0

    change = 0
    if gap >= EASY_GAP_STRONG and soreness_low and readiness_high:
        change += 2
    elif gap >= EASY_GAP and not soreness_high and not readiness_low:
        change += 1
    if capacity_mean >= CAPACITY_HIGH:
        change += 1
    if inp.weekly_mismatch_direction is MismatchDirection.RECOVERING_WELL:
        change += 1
    if sum((inp.modifier_calibrations or {}).values()) >= CALIBRATION_BOOST_SUM:
        change += 1
    week_in_block = ((inp.week_number - 1) % 3) + 1
    if week_in_block >= 2 and gap >= PROGRESSIVE_GAP and not soreness_high:
        change += week_in_block - 1
    if gap <= HARD_GAP:
        change -= 1
    return max(MIN_CHANGE, min(MAX_CHANGE, change))


def _limit_by_mrv(ctx: SessionContext, planned: int, change: int) -> int:
    """Shrink an increase so no primary muscle passes its weekly MRV (the last limit wins)."""
    wanted = max(1, planned + change)
    for muscle in ctx.primary_muscles:
        remaining = mrv_left(ctx.inp, muscle)
        if remaining > 0 and wanted > remaining:
            capped = max(planned, math.floor(remaining))
            if capped < wanted:
                change = capped - planned
    return change


def volume_calibration(ctx: SessionContext, state: PipelineState) -> PipelineState:
    if ctx.is_deload or ctx.rehab_cap_applies or state.recovery_mode or state.skipped:
        return state
    change = _change(ctx)
    if change > 0:
        change = _limit_by_mrv(ctx, state.planned_count, change)
    if change == 0:
        return state
    count = max(1, state.planned_count + change)
    if count > len(state.sets):
        extra = tuple(
            changed_set(state.sets[-1], set_number=n) for n in range(len(state.sets) + 1, count + 1)
        )
        sets = state.sets + extra
    else:
        sets = state.sets[:count]
    direction = "added" if change > 0 else "removed"
    reason = (
        f"Volume calibration: {abs(change)} set(s) {direction} based on recent effort, "
        "recovery and weekly volume"
    )
    return state.evolve(sets=sets).set_count("volume_calibration", count, reason).say(reason)
