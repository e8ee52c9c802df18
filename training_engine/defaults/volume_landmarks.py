"""Default weekly volume landmarks per muscle (domain-reference §3.18)."""

from __future__ import annotations

from shared_types.config import MrvMevConfig
from shared_types.enums import Sex

__all__ = ["FEMALE_LANDMARKS", "MALE_LANDMARKS", "default_landmarks"]

MALE_LANDMARKS = MrvMevConfig.model_validate(
    {
        "quads": {"mev": 8, "mrv": 20},
        "hamstrings": {"mev": 6, "mrv": 20},
        "glutes": {"mev": 0, "mrv": 22},
        "lower_back": {"mev": 6, "mrv": 18},
        "upper_back": {"mev": 10, "mrv": 22},
        "chest": {"mev": 8, "mrv": 22},
        "triceps": {"mev": 6, "mrv": 20},
        "shoulders": {"mev": 8, "mrv": 20},
        "biceps": {"mev": 8, "mrv": 20},
        "core": {"mev": 4, "mrv": 20},
    }
)

FEMALE_LANDMARKS = MrvMevConfig.model_validate(
    {
        "quads": {"mev": 10, "mrv": 26},
        "hamstrings": {"mev": 8, "mrv": 25},
        "glutes": {"mev": 0, "mrv": 28},
        "lower_back": {"mev": 7, "mrv": 20},
        "upper_back": {"mev": 12, "mrv": 28},
        "chest": {"mev": 10, "mrv": 26},
        "triceps": {"mev": 8, "mrv": 24},
        "shoulders": {"mev": 10, "mrv": 24},
        "biceps": {"mev": 10, "mrv": 24},
        "core": {"mev": 6, "mrv": 24},
    }
)


def default_landmarks(sex: Sex | None) -> MrvMevConfig:
    return FEMALE_LANDMARKS if sex is Sex.FEMALE else MALE_LANDMARKS
