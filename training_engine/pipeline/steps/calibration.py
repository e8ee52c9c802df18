"""Per-athlete calibration of a modifier (learned offsets, domain-reference §3.20.8)."""

from __future__ import annotations

CALIBRATED_MIN = 0.5
CALIBRATED_MAX = 1.2


def calibrated(default: float, adjustment: float | None) -> float:
    """The multiplier after a learned offset: default + offset, clamped to 0.5-1.2.

    A neutral multiplier (1.0) is never calibrated, and calibration can soften or sharpen a
    modifier but never turn a reduction into a boost or a boost into a reduction (deviation
    D11): "poor sleep, load down" must not prescribe more load.
    """
    if adjustment is None or default == 1.0:
        return default
    value = min(CALIBRATED_MAX, max(CALIBRATED_MIN, default + adjustment))
    return min(value, 1.0) if default < 1.0 else max(value, 1.0)


def calibration_note(default: float, applied: float) -> str:
    """What the lifter's calibration changed, for the rationale ('' when nothing)."""
    if applied == default:
        return ""
    change = (applied - 1.0) * 100
    effect = (
        "no load change"
        if change == 0
        else f"load {'up' if change > 0 else 'down'} {abs(change):.1f}%"
    )
    return f" (calibrated to your history: {effect})"
