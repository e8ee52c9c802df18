"""Test data builders with keyword overrides.

`make_input(**overrides)` is the reference's base fixture (squat, block 1 heavy, 1RM 140 kg,
male tables, nothing sore, no history, standard warm-up), so a test states only what differs.
"""

from __future__ import annotations

from typing import Any

from shared_types.enums import DisruptionType, IntensityType, Lift, Severity
from shared_types.feedback import SessionOutcome
from shared_types.inputs import JITInput, RecentSessionSummary, TrainingDisruption
from training_engine.defaults import (
    FEMALE_FORMULA_CONFIG,
    FEMALE_LANDMARKS,
    MALE_FORMULA_CONFIG,
    MALE_LANDMARKS,
)

__all__ = ["make_disruption", "make_female_input", "make_input", "make_logs"]


def make_input(**overrides: Any) -> JITInput:
    """A valid `JITInput`; any field can be overridden by keyword (validated as usual)."""
    fields: dict[str, Any] = {
        "session_id": "sess-001",
        "week_number": 1,
        "block_number": 1,
        "primary_lift": "squat",
        "intensity_type": "heavy",
        "one_rm_kg": 140.0,
        "formula_config": MALE_FORMULA_CONFIG,
        "soreness_ratings": {},
        "weekly_volume_to_date": {},
        "mrv_mev_config": MALE_LANDMARKS,
        "active_auxiliaries": ("Pause Squat", "Barbell Box Squat"),
        "recent_logs": (),
        "active_disruptions": (),
        "warmup_config": {"type": "preset", "name": "standard"},
    }
    fields.update(overrides)
    return JITInput.model_validate(fields)


def make_female_input(**overrides: Any) -> JITInput:
    """The base fixture for a female lifter with the female tables."""
    fields: dict[str, Any] = {
        "biological_sex": "female",
        "formula_config": FEMALE_FORMULA_CONFIG,
        "mrv_mev_config": FEMALE_LANDMARKS,
    }
    fields.update(overrides)
    return make_input(**fields)


def make_disruption(
    severity: Severity | str = Severity.MODERATE,
    lift: Lift | str | None = Lift.SQUAT,
    *,
    disruption_type: DisruptionType | str = DisruptionType.INJURY,
    description: str | None = "Knee injury",
    **overrides: Any,
) -> TrainingDisruption:
    fields: dict[str, Any] = {
        "id": "dis-1",
        "disruption_type": disruption_type,
        "severity": severity,
        "affected_lifts": None if lift is None else (lift,),
        "description": description,
        "status": "active",
    }
    fields.update(overrides)
    return TrainingDisruption.model_validate(fields)


def make_logs(*pairs: tuple[float | None, float], **extra: Any) -> tuple[RecentSessionSummary, ...]:
    """Recent logs from (actual RPE, target RPE) pairs, newest first."""
    return tuple(
        RecentSessionSummary.model_validate({"actual_rpe": actual, "target_rpe": target, **extra})
        for actual, target in pairs
    )


def make_outcome(error: float | None = 0.0, **overrides: Any) -> SessionOutcome:
    """A completed heavy squat session's outcome with mean RPE error `error` (3 x 5 done, no
    failure), learnable unless `learnable=False` (then pain-limited); any field by keyword."""
    learnable = overrides.get("learnable", True)
    fields: dict[str, Any] = {
        "session_id": "s",
        "lift": Lift.SQUAT,
        "intensity_type": IntensityType.HEAVY,
        "status": "completed",
        "sets": (),
        "sets_prescribed": 3,
        "sets_done": 3,
        "reps_prescribed": 15,
        "reps_done": 15,
        "failures": 0,
        "mean_rpe_error": error,
        "worst_rpe_error": error,
        "completion_ratio": 1.0,
        "learnable": learnable,
        "excluded_because": None if learnable else "pain_limited",
    }
    return SessionOutcome(**{**fields, **overrides})
