"""Closed vocabularies shared by every layer.

Each enum's value is the wire string (the same in our native JSON and in parakeet's JSON).
`MuscleGroup` is declared in the canonical order; code that iterates muscles iterates this enum,
never a dict's insertion order, so tie-breaks are stable and match the reference.
"""

from enum import StrEnum

__all__ = [
    "AnchorConfidence",
    "AnchorSource",
    "CalibrationSource",
    "CyclePhase",
    "DisruptionStatus",
    "DisruptionType",
    "ExerciseType",
    "FallbackReason",
    "IntensityType",
    "Lift",
    "MismatchDirection",
    "MuscleGroup",
    "OneRmSource",
    "Severity",
    "Sex",
    "StrategyName",
    "StrategyUsed",
    "WarmupPresetName",
]


class Lift(StrEnum):
    SQUAT = "squat"
    BENCH = "bench"
    DEADLIFT = "deadlift"


class IntensityType(StrEnum):
    HEAVY = "heavy"
    EXPLOSIVE = "explosive"
    REP = "rep"
    DELOAD = "deload"


class MuscleGroup(StrEnum):
    QUADS = "quads"
    HAMSTRINGS = "hamstrings"
    GLUTES = "glutes"
    LOWER_BACK = "lower_back"
    UPPER_BACK = "upper_back"
    CHEST = "chest"
    TRICEPS = "triceps"
    SHOULDERS = "shoulders"
    BICEPS = "biceps"
    CORE = "core"


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"


class DisruptionType(StrEnum):
    INJURY = "injury"
    ILLNESS = "illness"
    TRAVEL = "travel"
    FATIGUE = "fatigue"
    EQUIPMENT_UNAVAILABLE = "equipment_unavailable"
    UNPROGRAMMED_EVENT = "unprogrammed_event"
    OTHER = "other"


class Severity(StrEnum):
    MINOR = "minor"
    MODERATE = "moderate"
    MAJOR = "major"


class DisruptionStatus(StrEnum):
    ACTIVE = "active"
    MONITORING = "monitoring"
    RESOLVED = "resolved"


class CyclePhase(StrEnum):
    MENSTRUAL = "menstrual"
    FOLLICULAR = "follicular"
    OVULATORY = "ovulatory"
    LUTEAL = "luteal"
    LATE_LUTEAL = "late_luteal"


class CalibrationSource(StrEnum):
    RPE_HISTORY = "rpe_history"
    READINESS = "readiness"
    CYCLE_PHASE = "cycle_phase"
    SORENESS = "soreness"
    DISRUPTION = "disruption"


class MismatchDirection(StrEnum):
    RECOVERING_WELL = "recovering_well"
    ACCUMULATING_FATIGUE = "accumulating_fatigue"


class OneRmSource(StrEnum):
    STORED = "stored"
    WORKING = "working"


class ExerciseType(StrEnum):
    WEIGHTED = "weighted"
    BODYWEIGHT = "bodyweight"
    TIMED = "timed"


class AnchorSource(StrEnum):
    FORMULA = "formula"
    BLEND = "blend"
    HISTORY = "history"
    SNAP = "snap"


class AnchorConfidence(StrEnum):
    EXPLORING = "exploring"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class WarmupPresetName(StrEnum):
    STANDARD = "standard"
    STANDARD_FEMALE = "standard_female"
    MINIMAL = "minimal"
    EXTENDED = "extended"
    EMPTY_BAR = "empty_bar"


class StrategyName(StrEnum):
    """What a caller may ask for."""

    AUTO = "auto"
    FORMULA = "formula"
    LLM = "llm"
    HYBRID = "hybrid"


class StrategyUsed(StrEnum):
    """What actually produced a served output (stored on the session row)."""

    FORMULA = "formula"
    LLM = "llm"
    HYBRID = "hybrid"
    FORMULA_FALLBACK = "formula_fallback"
    # An active distilled rule of the oracle served the model's part (issue 12): the LLM path's
    # apply and constraint pass ran on the rule's adjustment, and no model was called.
    DISTILLED_RULE = "distilled_rule"


class FallbackReason(StrEnum):
    TIMEOUT = "timeout"
    RATE_LIMITED = "rate_limited"
    PROVIDER_ERROR = "provider_error"
    CONNECTION = "connection"
    INVALID_RESPONSE = "invalid_response"
    BREAKER_OPEN = "breaker_open"
    BUDGET_EXHAUSTED = "budget_exhausted"
    DISABLED = "disabled"
