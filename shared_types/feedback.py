"""The feedback loop's values: what a finished session shows, and what the engine learns from it.

`SessionOutcome` is computed when a session is completed or skipped (the reward every learning
step uses); `CalibrationRow` is one lifter's learned offset for one modifier source;
`CalibrationRecommendation` is a change too large, too uncertain or too direction-changing to be
applied without a person; `LoadSuggestion` proposes a new max from a run of sessions;
`SetAdvice` is the next-set coaching returned when a main-lift set is logged.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from shared_types.base import Frozen
from shared_types.enums import CalibrationSource, IntensityType, Lift
from shared_types.outputs import PlannedSet

__all__ = [
    "AdviceKind",
    "CalibrationEvidence",
    "CalibrationRecommendation",
    "CalibrationRow",
    "Confidence",
    "ExclusionReason",
    "LoadCalibrationRow",
    "LoadSuggestion",
    "SessionOutcome",
    "SetAdvice",
    "SetOutcome",
]


class Confidence(StrEnum):
    EXPLORING = "exploring"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


# Why an outcome does not teach the calibration (None: it does).
ExclusionReason = Literal["skipped", "rehab", "pain_limited", "no_rpe", "deload", "no_main_sets"]


class SetOutcome(Frozen):
    """One prescribed main set against what was logged for it (None fields: not logged)."""

    set_number: int
    prescribed_weight_kg: float | None  # None: a set logged beyond the prescription
    prescribed_reps: int | None
    target_rpe: float | None
    done: bool
    weight_kg: float | None = None
    reps: int | None = None
    rpe: float | None = None
    rpe_error: float | None = None  # actual - target, when both are known
    failed: bool = False
    pain_limited: bool = False
    rehab: bool = False


class SessionOutcome(Frozen):
    session_id: str
    lift: Lift
    intensity_type: IntensityType
    status: Literal["completed", "skipped"]
    skip_reason: str | None = None
    sets: tuple[SetOutcome, ...]
    sets_prescribed: int
    sets_done: int
    reps_prescribed: int
    reps_done: int
    failures: int
    mean_rpe_error: float | None  # over the main sets with an RPE and a target
    worst_rpe_error: float | None  # the error furthest from zero, with its sign
    completion_ratio: float  # reps done / reps prescribed over the main sets (0 when skipped)
    learnable: bool  # whether calibration learning and load suggestions may use it
    excluded_because: ExclusionReason | None = None


class CalibrationEvidence(Frozen):
    """What one learning step saw for one source (kept on the row for the recommendation)."""

    samples: int  # sessions that taught this source
    effective_weight: float  # the decayed, responsibility-weighted sample weight
    mean_bias: float  # RPE error attributed to the source, as if uncalibrated (+: too hard)
    interval_low: float  # ~95 % interval of the mean bias
    interval_high: float


class CalibrationRow(Frozen):
    """One lifter's learned calibration for one modifier source.

    `suggested_adjustment` is what the evidence asks for; `applied_adjustment` is what reaches
    `JITInput.modifier_calibrations` (None: nothing applied, the source is not sent).
    """

    source: CalibrationSource
    evidence: CalibrationEvidence
    confidence: Confidence
    suggested_adjustment: float
    applied_adjustment: float | None = None
    typical_multiplier: float = 1.0  # the decayed mean of the source's default multipliers


class LoadCalibrationRow(Frozen):
    """One lifter's learnt load correction for one intensity type (deviation F9).

    The evidence's `mean_bias` is the main sets' RPE error as if no load correction had been
    applied; `applied_adjustment` is what reaches `JITInput.load_calibrations` (None: nothing).
    """

    intensity_type: IntensityType
    evidence: CalibrationEvidence
    confidence: Confidence
    suggested_adjustment: float
    applied_adjustment: float | None = None


class CalibrationRecommendation(Frozen):
    """A calibration change a person must accept or dismiss."""

    source: CalibrationSource
    current_adjustment: float | None
    recommended_adjustment: float
    reasons: tuple[
        Literal["low_confidence", "large_adjustment", "direction_flip", "softens_disruption"], ...
    ]
    evidence: CalibrationEvidence


class LoadSuggestion(Frozen):
    lift: Lift
    intensity_type: IntensityType
    kind: Literal["decrease", "increase", "low_completion"]
    change_pct: float  # -2.5, +2.5, or 0 for a completion flag
    current_max_kg: float | None
    suggested_max_kg: float | None  # None for a completion flag
    sessions: tuple[str, ...]  # the session ids that make the evidence, newest first
    mean_rpe_deviation: float | None
    completion_ratio: float | None
    reason: str


AdviceKind = Literal[
    "increase_small",
    "increase_large",
    "failure_rest",
    "failure_reduce",
    "failure_optional",
    "volume_recovery",
]


class SetAdvice(Frozen):
    """Next-set advice after a main-lift set: what to change and why. Accepting it replaces the
    remaining prescribed sets with `remaining_sets` (and adds `added_sets` for volume recovery)."""

    kind: AdviceKind
    message: str
    rest_delta_seconds: int = 0
    remaining_sets: tuple[PlannedSet, ...] = ()
    added_sets: tuple[PlannedSet, ...] = ()
    optional: bool = False
