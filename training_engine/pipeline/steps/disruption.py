"""Injury, illness, travel, fatigue, missing equipment or an outside event.

Only the most severe relevant disruption counts. Major: no main lift today. Moderate: at most
half the sets. Both moderate and minor take the type's load reduction (if it has one) as a
ceiling on intensity rather than stacking it on the other modifiers; the lifter's `disruption`
calibration deepens or softens the cut that ceiling makes (deviation F8). Deloads are left
alone.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from shared_types.enums import DisruptionType, Severity
from shared_types.inputs import TrainingDisruption
from training_engine.pipeline.state import PipelineState, SessionContext
from training_engine.pipeline.steps.calibration import calibrated, calibration_note

_SEVERITY_RANK = {Severity.MINOR: 1, Severity.MODERATE: 2, Severity.MAJOR: 3}

# Load reduction in percent by type and severity (major always skips in the pipeline).
LOAD_REDUCTION_PCT: Mapping[DisruptionType, Mapping[Severity, int]] = {
    DisruptionType.INJURY: {Severity.MODERATE: 40, Severity.MINOR: 20},
    DisruptionType.ILLNESS: {Severity.MODERATE: 25},
    DisruptionType.TRAVEL: {Severity.MAJOR: 30, Severity.MODERATE: 30, Severity.MINOR: 30},
    DisruptionType.FATIGUE: {Severity.MODERATE: 20, Severity.MINOR: 10},
}
DESCRIPTION_MIN_CHARS = 9


def worst_disruption(disruptions: tuple[TrainingDisruption, ...]) -> TrainingDisruption | None:
    """The most severe; on a tie, the one reported first."""
    worst: TrainingDisruption | None = None
    for disruption in disruptions:
        if worst is None or _SEVERITY_RANK[disruption.severity] > _SEVERITY_RANK[worst.severity]:
            worst = disruption
    return worst


def _label(disruption: TrainingDisruption) -> str:
    kind = disruption.disruption_type.value.replace("_", " ").capitalize()
    label = f"{kind} ({disruption.severity.value})"
    description = (disruption.description or "").strip()
    if len(description) >= DESCRIPTION_MIN_CHARS:
        label += f" - {description}"
    return label


def _equipment_note(ctx: SessionContext, state: PipelineState) -> PipelineState:
    """Say why bodyweight rows are served; a skipped day serves none (deviation D15)."""
    disruptions = ctx.inp.active_disruptions
    if (
        disruptions
        and not state.skipped
        and any(d.disruption_type is DisruptionType.EQUIPMENT_UNAVAILABLE for d in disruptions)
    ):
        return state.say("No equipment: bodyweight accessories are added to make up the volume")
    return state


def disruption(ctx: SessionContext, state: PipelineState) -> PipelineState:
    disruptions = ctx.inp.active_disruptions
    if not disruptions:
        return state  # nothing reported: nothing to apply, no equipment note
    lift = ctx.inp.primary_lift
    relevant = tuple(d for d in disruptions if d.affects(lift))
    if ctx.is_deload:
        if relevant:
            state = state.say("Disruption noted: a deload is already light, so it stays as planned")
        return _equipment_note(ctx, state)
    if state.recovery_mode:
        # Lighter than any moderate or minor adjustment already; a major disruption never gets
        # here (the soreness step leaves that day to this step, deviation D10). The bodyweight
        # rows are still served, so their reason is too (deviation D14).
        return _equipment_note(ctx, state)
    worst = worst_disruption(relevant)
    if worst is not None:
        state = _apply(state, worst, ctx.calibration("disruption"))
    return _equipment_note(ctx, state)


def _apply(
    state: PipelineState, worst: TrainingDisruption, calibration: float | None
) -> PipelineState:
    """`calibration`: the lifter's `disruption` calibration of the load cut (deviation F8)."""
    label = _label(worst)
    before = state.planned_count
    if worst.severity is Severity.MAJOR:
        reason = f"{label}: main lift skipped today"
        return (
            state.skip(f"Main lift skipped today: {label}")
            .set_count("disruption", 0, reason)
            .record_removed("disruption", before)
            .say(reason)
        )
    moderate = worst.severity is Severity.MODERATE
    pct = LOAD_REDUCTION_PCT.get(worst.disruption_type, {}).get(worst.severity)
    if pct is not None:
        reason = f"{label}: load capped at {100 - pct}%" + (", sets halved" if moderate else "")
    else:
        reason = f"{label}: " + ("sets halved" if moderate else "noted, no change")
    if moderate:
        state = state.set_count("disruption", min(before, max(1, math.ceil(before / 2))), reason)
    if pct is not None:
        ceiling = 1 - pct / 100
        if ceiling < state.intensity_multiplier:
            default = ceiling / state.intensity_multiplier
            applied = calibrated(default, calibration)
            reason += calibration_note(default, applied)
            state = state.scale_intensity("disruption", default, applied, reason)
            if applied == default:  # exactly the ceiling (x * (c / x) can miss c by an ulp)
                state = state.evolve(intensity_multiplier=ceiling)
    return state.record_removed("disruption", before).say(reason)
