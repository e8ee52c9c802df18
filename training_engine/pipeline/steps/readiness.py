"""React to how recovered the lifter is today: wearable readings when present, else sleep/energy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from shared_types.inputs import JITInput
from training_engine.pipeline.state import PipelineState, SessionContext
from training_engine.pipeline.steps.calibration import calibrated, calibration_note

MAX_WEARABLE_SET_CUT = 2
MIN_WEARABLE_MULTIPLIER = 0.85


@dataclass(frozen=True)
class Readiness:
    set_cut: int
    multiplier: float
    reason: str


def subjective_readiness(sleep: int | None, energy: int | None) -> Readiness:
    """Sleep and energy on 1-5 (unknown = 3 = OK)."""
    sleep = sleep or 3
    energy = energy or 3
    if sleep <= 2 and energy <= 2:
        return _POOR_SLEEP_LOW_ENERGY
    if sleep <= 2:
        return _POOR_SLEEP
    if energy <= 2:
        return _LOW_ENERGY
    if sleep >= 4 and energy >= 4:
        return _GOOD_SLEEP_HIGH_ENERGY
    return _NEUTRAL


# The subjective outcomes are fixed values (frozen): built once, not per session.
_POOR_SLEEP_LOW_ENERGY = Readiness(
    1, 0.95, "Poor sleep and low energy: one set fewer, load down 5%"
)
_POOR_SLEEP = Readiness(0, 0.975, "Poor sleep: load down 2.5%")
_LOW_ENERGY = Readiness(0, 0.975, "Low energy: load down 2.5%")
_GOOD_SLEEP_HIGH_ENERGY = Readiness(0, 1.025, "Good sleep and high energy: load up 2.5%")
_NEUTRAL = Readiness(0, 1.0, "")


def wearable_readiness(inp: JITInput) -> Readiness:
    """HRV, resting heart rate, sleep duration and depth, outside load; effects accumulate."""
    cut = 0
    multiplier = 1.0
    reasons: list[str] = []
    hrv_up = False
    hrv = inp.hrv_pct_change
    if hrv is not None:
        if hrv <= -20:
            cut, multiplier = cut + 1, multiplier * 0.95
            reasons.append(f"HRV {hrv:g}% below baseline")
        elif hrv <= -10:
            multiplier *= 0.975
            reasons.append(f"HRV {hrv:g}% below baseline")
        elif hrv >= 10:
            hrv_up = True
    rhr = inp.resting_hr_pct_change
    if rhr is not None:
        if rhr >= 15:
            cut, multiplier = cut + 1, multiplier * 0.975
            reasons.append(f"resting heart rate {rhr:g}% above baseline")
        elif rhr >= 10:
            multiplier *= 0.975
            reasons.append(f"resting heart rate {rhr:g}% above baseline")
    minutes = inp.sleep_duration_min
    if minutes is not None:
        if minutes < 300:
            cut, multiplier = cut + 1, multiplier * 0.95
            reasons.append(f"only {minutes:g} min of sleep")
        elif minutes < 360:
            multiplier *= 0.975
            reasons.append(f"short sleep ({minutes:g} min)")
        if inp.deep_sleep_pct is not None and inp.deep_sleep_pct < 15:
            multiplier *= 0.975
            reasons.append(f"little deep sleep ({inp.deep_sleep_pct:g}%)")
    if inp.non_training_load == 3:
        multiplier *= 0.975
        reasons.append("high physical load outside training")
    if (
        not reasons
        and hrv_up
        and minutes is not None
        and minutes >= 420
        and inp.deep_sleep_pct is not None
        and inp.deep_sleep_pct >= 20
    ):
        multiplier *= 1.025
        reasons.append("HRV up with long, deep sleep")
    if not reasons:
        return Readiness(0, 1.0, "")
    cut = min(cut, MAX_WEARABLE_SET_CUT)
    multiplier = max(multiplier, MIN_WEARABLE_MULTIPLIER)
    return Readiness(cut, multiplier, "Wearable readiness: " + "; ".join(reasons))


def _has_wearable(inp: JITInput) -> bool:
    return (
        inp.hrv_pct_change is not None
        or inp.sleep_duration_min is not None
        or inp.resting_hr_pct_change is not None
    )


def readiness(ctx: SessionContext, state: PipelineState) -> PipelineState:
    if ctx.is_deload:
        return state
    inp = ctx.inp
    wearable = _has_wearable(inp)
    signal = (
        wearable_readiness(inp)
        if wearable
        else subjective_readiness(inp.sleep_quality, inp.energy_level)
    )
    if signal.set_cut == 0 and signal.multiplier == 1.0:
        return state
    multiplier = calibrated(signal.multiplier, ctx.calibration("readiness"))
    # Recorded even when calibration cancels the change: the trace keeps the default so the
    # calibration keeps learning from it.
    reason = signal.reason + calibration_note(signal.multiplier, multiplier)
    source: Literal["wearable-readiness", "readiness"] = (
        "wearable-readiness" if wearable else "readiness"
    )
    before = state.planned_count
    return (
        state.set_count(source, max(1, before - signal.set_cut), reason)
        .scale_intensity(source, signal.multiplier, multiplier, reason)
        .record_removed("readiness", before)
        .say(reason)
    )
