"""`JITInput`: everything the engine knows about one lifter on one day (domain-reference §1).

Required fields come first, then the optional signals. Ranges are validated here so the engine
can trust its input: soreness 1-10, sleep and energy 1-5, positive 1RM, known lifts and muscles.
Time is an input (`now`), never read by the engine.

Sizes are bounded too (docs/domain/input-validation.md, "Size bounds"): a name list or map holds
at most `MAX_NAMES` (200) entries, any other list at most `MAX_ITEMS` (50), a free string at most
`MAX_TEXT` (200) characters. The engine's work grows with them (the top-up scorer walks the pool,
the anchor walks the history), so an unbounded input would let one request hold a worker; every
bound is several times what the product itself assembles (78 pool names, 3 history entries per
accessory, one disruption per kind).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AwareDatetime, Field

from shared_types.base import Frozen
from shared_types.config import FormulaConfig, MrvMevConfig, WarmupProtocol
from shared_types.enums import (
    CalibrationSource,
    CyclePhase,
    DisruptionStatus,
    DisruptionType,
    ExerciseType,
    IntensityType,
    Lift,
    MismatchDirection,
    MuscleGroup,
    OneRmSource,
    Severity,
    Sex,
)

__all__ = [
    "AuxHistoryEntry",
    "AuxHistorySet",
    "JITInput",
    "RecentSessionSummary",
    "RehabCap",
    "RestOverride",
    "TrainingDisruption",
]

MAX_NAMES = 200  # pool, custom maps, history: 2.5x the 78-name top-up pool
MAX_ITEMS = 50  # any other list: sets, entries, overrides, lifts, capacity scores
MAX_TEXT = 200  # an id, a date or a label; descriptions keep their own 2000

Text = Annotated[str, Field(max_length=MAX_TEXT)]
Kg = Annotated[float, Field(ge=0, le=1000)]
PositiveKg = Annotated[float, Field(gt=0, le=1000)]
Rpe = Annotated[float, Field(ge=1, le=10)]
Name = Annotated[str, Field(min_length=1, max_length=120)]
Soreness = Annotated[int, Field(ge=1, le=10)]
Scale5 = Annotated[int, Field(ge=1, le=5)]
WeeklySets = Annotated[float, Field(ge=0, le=200)]
Calibration = Annotated[float, Field(ge=-0.5, le=0.5)]
# A learnt per-intensity load correction (F9): the main lift's load is multiplied by 1 + value.
LoadCalibration = Annotated[float, Field(ge=-0.15, le=0.15)]


class RecentSessionSummary(Frozen):
    """One recent completed session of the same lift (newest first in `recent_logs`)."""

    actual_rpe: Rpe | None
    target_rpe: Rpe
    planned_weight_kg: Kg | None = None
    actual_max_weight_kg: Kg | None = None
    deviation_kg: Annotated[float, Field(ge=-1000, le=1000)] | None = None
    estimated_one_rm_kg: Kg | None = None
    contained_rehab_sets: bool | None = None


class TrainingDisruption(Frozen):
    """Something outside the program: injury, illness, travel, fatigue, equipment, an event.

    `affected_lifts` null or empty means every lift. Only type and severity are required; the
    rest mirrors the stored row so a snapshot can be replayed as it was.
    """

    id: Text | None = None
    user_id: Text | None = None
    program_id: Text | None = None
    session_ids_affected: Annotated[tuple[Text, ...], Field(max_length=MAX_ITEMS)] | None = None
    reported_at: Text | None = None
    disruption_type: DisruptionType
    severity: Severity
    affected_date_start: Text | None = None
    affected_date_end: Text | None = None
    affected_lifts: Annotated[tuple[Lift, ...], Field(max_length=MAX_ITEMS)] | None = None
    description: Annotated[str, Field(max_length=2000)] | None = None
    event_name: Text | None = None
    adjustment_applied: (
        Annotated[str, Field(max_length=2000)]
        | Annotated[dict[Text, object], Field(max_length=MAX_ITEMS)]
        | None
    ) = None
    resolved_at: Text | None = None
    status: DisruptionStatus = DisruptionStatus.ACTIVE

    def affects(self, lift: Lift) -> bool:
        return not self.affected_lifts or lift in self.affected_lifts


class RehabCap(Frozen):
    """A long-term weight ceiling on one lift while it heals."""

    lift: Lift
    cap_kg: PositiveKg


class RestOverride(Frozen):
    """A lifter's rest preference; unset lift / intensity means 'any'."""

    lift: Lift | None = None
    intensity_type: IntensityType | None = None
    rest_seconds: Annotated[int, Field(ge=0, le=1200)]


class AuxHistorySet(Frozen):
    weight_kg: Kg
    reps: Annotated[int, Field(ge=0, le=100)]
    rpe: Rpe | None = None


class AuxHistoryEntry(Frozen):
    """One completed session of an accessory: what was prescribed and what was lifted."""

    session_id: Text
    completed_at: AwareDatetime
    prescribed_weight_kg: Kg | None = None
    sets: Annotated[tuple[AuxHistorySet, ...], Field(max_length=MAX_ITEMS)]


class JITInput(Frozen):
    # --- required ---
    session_id: Name
    week_number: Annotated[int, Field(ge=1, le=1000)]
    block_number: Annotated[int, Field(ge=1, le=1000)]
    primary_lift: Lift
    intensity_type: IntensityType
    one_rm_kg: Annotated[float, Field(gt=0, le=700)]
    formula_config: FormulaConfig
    soreness_ratings: dict[MuscleGroup, Soreness]
    weekly_volume_to_date: dict[MuscleGroup, WeeklySets]
    mrv_mev_config: MrvMevConfig
    active_auxiliaries: Annotated[tuple[Name, ...], Field(max_length=5)]
    recent_logs: Annotated[tuple[RecentSessionSummary, ...], Field(max_length=50)]
    active_disruptions: Annotated[tuple[TrainingDisruption, ...], Field(max_length=20)]
    warmup_config: WarmupProtocol | None = None
    # --- optional ---
    warmup_config_explicit: bool | None = None
    days_since_last_session: Annotated[int, Field(ge=0)] | None = None
    biological_sex: Sex | None = None
    user_age: Annotated[int, Field(ge=10, le=110)] | None = None
    user_rest_overrides: Annotated[tuple[RestOverride, ...], Field(max_length=MAX_ITEMS)] | None = (
        None
    )
    bar_weight_kg: Annotated[float, Field(gt=0, le=50)] | None = None
    auxiliary_pool: Annotated[tuple[Name, ...], Field(max_length=MAX_NAMES)] | None = None
    all_one_rm_kg: dict[Lift, Annotated[float, Field(gt=0, le=700)]] | None = None
    sleep_quality: Scale5 | None = None
    energy_level: Scale5 | None = None
    weight_increment_kg: Annotated[float, Field(gt=0, le=50)] | None = None
    recent_aux_exercises: Annotated[tuple[Name, ...], Field(max_length=MAX_NAMES)] | None = None
    hrv_pct_change: Annotated[float, Field(ge=-100, le=500)] | None = None
    resting_hr_pct_change: Annotated[float, Field(ge=-100, le=500)] | None = None
    sleep_duration_min: Annotated[float, Field(ge=0, le=1440)] | None = None
    deep_sleep_pct: Annotated[float, Field(ge=0, le=100)] | None = None
    spo2_avg: Annotated[float, Field(ge=0, le=100)] | None = None
    non_training_load: Annotated[int, Field(ge=0, le=3)] | None = None
    readiness_score: Annotated[float, Field(ge=0, le=100)] | None = None
    cycle_phase: CyclePhase | None = None
    session_index: Annotated[int, Field(ge=0, le=14)] | None = None
    total_sessions_this_week: Annotated[int, Field(ge=0, le=14)] | None = None
    upcoming_lifts: Annotated[tuple[Lift, ...], Field(max_length=MAX_ITEMS)] | None = None
    modifier_calibrations: dict[CalibrationSource, Calibration] | None = None
    load_calibrations: dict[IntensityType, LoadCalibration] | None = Field(
        default=None,
        description="Learnt load corrections per intensity type (F9): load x (1 + value).",
    )
    stored_one_rm_kg: Annotated[float, Field(gt=0, le=700)] | None = None
    demonstrated_one_rm_kg: Annotated[float, Field(gt=0, le=770)] | None = Field(
        default=None,
        description=(
            "The max the lifter's recent sets of this lift show (F10); only the load "
            "correction's ceiling reads it."
        ),
    )
    one_rm_source: OneRmSource | None = None
    capacity_history: (
        Annotated[tuple[Annotated[int, Field(ge=1, le=4)], ...], Field(max_length=MAX_ITEMS)] | None
    ) = None
    weekly_mismatch_direction: MismatchDirection | None = None
    custom_muscle_map: (
        Annotated[
            dict[Name, Annotated[tuple[MuscleGroup, ...], Field(max_length=MAX_ITEMS)]],
            Field(max_length=MAX_NAMES),
        ]
        | None
    ) = None
    custom_exercise_type_map: (
        Annotated[dict[Name, ExerciseType], Field(max_length=MAX_NAMES)] | None
    ) = None
    active_rehab_cap: RehabCap | None = None
    aux_history: (
        Annotated[
            dict[Name, Annotated[tuple[AuxHistoryEntry, ...], Field(max_length=MAX_ITEMS)]],
            Field(max_length=MAX_NAMES),
        ]
        | None
    ) = None
    now: AwareDatetime | None = Field(
        default=None, description="The clock of this generation (anchor decay, generated_at)."
    )

    def soreness(self, muscle: MuscleGroup) -> int:
        """Rating for one muscle; an unrated muscle is fresh (1)."""
        return self.soreness_ratings.get(muscle, 1)

    def weekly_sets(self, muscle: MuscleGroup) -> float:
        """Effective sets already done this week; none recorded means 0."""
        return self.weekly_volume_to_date.get(muscle, 0.0)
