"""Warm-up ramps: (fraction of the working weight, reps) per step (domain-reference §3.14).

A fraction of 0 means the empty bar. Every step is floored at the bar weight.
"""

from __future__ import annotations

from collections.abc import Mapping

from shared_types.enums import WarmupPresetName

__all__ = ["MINIMAL_BELOW_KG", "WARMUP_PRESETS"]

WARMUP_PRESETS: Mapping[WarmupPresetName, tuple[tuple[float, int], ...]] = {
    WarmupPresetName.STANDARD: ((0.40, 5), (0.60, 3), (0.75, 2), (0.90, 1)),
    WarmupPresetName.STANDARD_FEMALE: ((0.40, 5), (0.55, 4), (0.70, 3), (0.85, 2), (0.925, 1)),
    WarmupPresetName.MINIMAL: ((0.50, 5), (0.75, 2)),
    WarmupPresetName.EXTENDED: ((0.30, 10), (0.50, 5), (0.65, 3), (0.80, 2), (0.90, 1), (0.95, 1)),
    WarmupPresetName.EMPTY_BAR: ((0.0, 10), (0.50, 5), (0.70, 3), (0.85, 1)),
}

# Below this working weight a long ramp is pointless: the minimal preset is used instead
# (unless the lifter chose a protocol explicitly).
MINIMAL_BELOW_KG = 40.0
