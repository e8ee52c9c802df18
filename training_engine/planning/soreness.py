"""Synthetic soreness from active injuries (DR §3.20.5).

Every muscle a lift trains gets a floor of 5 (minor injury) or 7 (moderate) while an active
injury names that lift; a major injury adds none (the disruption step skips the lift anyway).
The lifter's own ratings are merged in by taking the higher value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from shared_types.enums import DisruptionStatus, DisruptionType, MuscleGroup, Severity
from shared_types.inputs import TrainingDisruption
from training_engine.muscles import LIFT_CONTRIBUTIONS

__all__ = ["injury_soreness", "merge_soreness"]

INJURY_SORENESS = {Severity.MINOR: 5, Severity.MODERATE: 7}


def injury_soreness(disruptions: Iterable[TrainingDisruption]) -> dict[MuscleGroup, int]:
    sore: dict[MuscleGroup, int] = {}
    for d in disruptions:
        level = INJURY_SORENESS.get(d.severity)
        if (
            d.disruption_type is not DisruptionType.INJURY
            or d.status is DisruptionStatus.RESOLVED
            or not d.affected_lifts
            or level is None
        ):
            continue
        for lift in d.affected_lifts:
            for muscle, _ in LIFT_CONTRIBUTIONS[lift]:
                sore[muscle] = max(sore.get(muscle, 1), level)
    return sore


def merge_soreness(
    rated: Mapping[MuscleGroup, int], synthetic: Mapping[MuscleGroup, int]
) -> dict[MuscleGroup, int]:
    """Both sources, the higher rating per muscle, in the canonical muscle order."""
    return {
        m: max(rated.get(m, 1), synthetic.get(m, 1))
        for m in MuscleGroup
        if m in rated or m in synthetic
    }
