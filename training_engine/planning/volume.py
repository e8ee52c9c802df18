"""Effective sets and weekly volume per muscle (DR §3.18, §8.3).

A logged set counts by its RPE (piecewise linear: below 6 nothing, 6 -> 0.15, 6.5 -> 0.30,
7 -> 0.65, 8 -> 0.85, 9 and above a full set; unrecorded RPE counts as a full set), times the
exercise's contribution to each muscle.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from itertools import pairwise

from shared_types.config import MrvMevConfig
from shared_types.enums import MuscleGroup

__all__ = ["VolumeStatus", "rpe_set_multiplier", "volume_status", "weekly_volume"]

_POINTS: tuple[tuple[float, float], ...] = (
    (6.0, 0.15),
    (6.5, 0.30),
    (7.0, 0.65),
    (8.0, 0.85),
    (9.0, 1.0),
)
APPROACHING_WITHIN_SETS = 2


def rpe_set_multiplier(rpe: float | None) -> float:
    if rpe is None:
        return 1.0
    if rpe < _POINTS[0][0]:
        return 0.0
    if rpe >= _POINTS[-1][0]:
        return 1.0
    for (x0, y0), (x1, y1) in pairwise(_POINTS):
        if x0 <= rpe < x1:
            return y0 + (y1 - y0) * (rpe - x0) / (x1 - x0)
    return 1.0  # pragma: no cover - the table covers [6, 9)


def weekly_volume(
    sets: Iterable[tuple[float | None, Iterable[tuple[MuscleGroup, float]]]],
) -> dict[MuscleGroup, float]:
    """Effective sets per muscle from (RPE, muscle contributions) per logged set.

    The sum is kept fractional (two decimals); muscles with nothing logged are left out.
    """
    totals: dict[MuscleGroup, float] = {}
    for rpe, contributions in sets:
        effective = rpe_set_multiplier(rpe)
        if effective == 0:
            continue
        for muscle, share in contributions:
            totals[muscle] = totals.get(muscle, 0.0) + effective * share
    return {m: float(f"{totals[m]:.2f}") for m in MuscleGroup if totals.get(m, 0.0) > 0}


class VolumeStatus(StrEnum):
    BELOW_MEV = "below_mev"
    IN_RANGE = "in_range"
    APPROACHING_MRV = "approaching_mrv"
    AT_MRV = "at_mrv"
    EXCEEDED_MRV = "exceeded_mrv"


def volume_status(
    volume: Mapping[MuscleGroup, float], landmarks: MrvMevConfig
) -> dict[MuscleGroup, VolumeStatus]:
    """Each muscle's weekly sets against its MEV and MRV, in the canonical muscle order."""
    result: dict[MuscleGroup, VolumeStatus] = {}
    for muscle in MuscleGroup:
        sets = volume.get(muscle, 0.0)
        mark = landmarks[muscle]
        if sets > mark.mrv:
            status = VolumeStatus.EXCEEDED_MRV
        elif sets == mark.mrv:
            status = VolumeStatus.AT_MRV
        elif mark.mrv - sets <= APPROACHING_WITHIN_SETS:
            status = VolumeStatus.APPROACHING_MRV
        elif sets >= mark.mev:
            status = VolumeStatus.IN_RANGE
        else:
            status = VolumeStatus.BELOW_MEV
        result[muscle] = status
    return result
