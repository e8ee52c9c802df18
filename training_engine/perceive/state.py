"""What Perceive reads: a lifter's stored state and today's check-in, as plain frozen values.

The shell loads these (no table, request or ORM object gets here); `assemble` turns them into the
engine's `JITInput`. Weights are kilograms, times are aware datetimes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from shared_types.config import VolumeLandmark, WarmupProtocol
from shared_types.enums import (
    CalibrationSource,
    CyclePhase,
    ExerciseType,
    IntensityType,
    Lift,
    MuscleGroup,
    Sex,
)
from shared_types.inputs import JITInput, RehabCap, RestOverride, TrainingDisruption
from training_engine.planning.one_rm import LoggedSet

__all__ = [
    "Assembled",
    "AssemblyError",
    "CustomExercise",
    "DailyCheckIn",
    "InvalidOverrides",
    "JsonObject",
    "LifterProfile",
    "LifterState",
    "OneRmLabel",
    "PastSession",
    "Problem",
    "SessionPlan",
    "Wearables",
    "WeekSession",
    "WeekSet",
]

OneRmLabel = Literal["stored", "working", "profile_estimate"]
# Partial JSON as stored (config overrides): only the deep merge reads it.
JsonObject = Mapping[str, object]


@dataclass(frozen=True)
class LifterProfile:
    sex: Sex | None = None
    date_of_birth: date | None = None
    bodyweight_kg: float | None = None
    bar_weight_kg: float | None = None
    plates_kg: tuple[float, ...] | None = None  # the plates the lifter has; None: the default set


@dataclass(frozen=True)
class SessionPlan:
    session_id: str
    week_number: int
    day_number: int
    block_number: int
    lift: Lift
    intensity: IntensityType
    program_mode: str | None = None  # "scheduled", "unending", or None for an ad-hoc session
    days_per_week: int | None = None
    session_counter: int = 0  # unending programs: sessions finished so far


@dataclass(frozen=True)
class PastSession:
    """A completed session with what was prescribed and what was logged."""

    session_id: str
    lift: Lift
    completed_at: datetime
    target_rpe: float | None
    session_rpe: float | None
    planned_weight_kg: float | None
    primary_sets: tuple[LoggedSet, ...] = ()
    planned_reps: int | None = None  # the prescribed main-set reps
    one_rm_kg: float | None = None  # the 1RM the prescription was computed from
    aux_sets: tuple[tuple[str, LoggedSet], ...] = ()
    aux_prescribed_kg: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class WeekSet:
    """One set logged in the same program week (another session than today's)."""

    session_lift: Lift
    kind: str  # "primary" or "auxiliary"
    exercise: str
    rpe: float | None


@dataclass(frozen=True)
class WeekSession:
    day_number: int
    lift: Lift
    status: str


@dataclass(frozen=True)
class CustomExercise:
    """One of the lifter's own exercises: its muscles with the share of a set each gets, the
    lift it assists (None: every lift) and whether it is served as a configured accessory."""

    name: str
    muscles: tuple[tuple[MuscleGroup, float], ...]
    exercise_type: ExerciseType = ExerciseType.WEIGHTED
    lift: Lift | None = None
    accessory: bool = True


@dataclass(frozen=True)
class LifterState:
    profile: LifterProfile
    plan: SessionPlan
    stored_maxes: Mapping[Lift, float]
    formula_overrides: JsonObject
    landmark_overrides: Mapping[MuscleGroup, VolumeLandmark]
    warmup: WarmupProtocol | None
    rest_overrides: tuple[RestOverride, ...]
    recent: tuple[PastSession, ...]  # completed sessions, any lift, newest first
    last_completed_at: datetime | None  # of today's lift, however long ago
    week_sets: tuple[WeekSet, ...]
    week_sessions: tuple[WeekSession, ...]
    disruptions: tuple[TrainingDisruption, ...]
    rehab_caps: tuple[RehabCap, ...]
    custom_exercises: tuple[CustomExercise, ...] = ()
    # The learnt calibrations the lifter has applied (issue 10); empty: none sent.
    calibrations: Mapping[CalibrationSource, float] = field(default_factory=dict)
    # Their applied load corrections per intensity type (F9); empty: none sent.
    load_calibrations: Mapping[IntensityType, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Wearables:
    hrv_pct_change: float | None = None
    resting_hr_pct_change: float | None = None
    sleep_duration_min: float | None = None
    deep_sleep_pct: float | None = None
    spo2_avg: float | None = None
    non_training_load: int | None = None
    readiness_score: float | None = None


@dataclass(frozen=True)
class DailyCheckIn:
    """How the lifter feels today (soreness 1-10 per muscle, sleep and energy 1-5)."""

    soreness: Mapping[MuscleGroup, int] = field(default_factory=dict)
    sleep_quality: int | None = None
    energy_level: int | None = None
    wearables: Wearables = Wearables()
    cycle_phase: CyclePhase | None = None


@dataclass(frozen=True)
class Assembled:
    input: JITInput
    one_rm_source: OneRmLabel
    notes: tuple[str, ...]  # how the input was assembled (1RM source, injury soreness)


@dataclass(frozen=True)
class Problem:
    location: tuple[str | int, ...]
    message: str


class AssemblyError(ValueError):
    """Stored state that cannot become a valid input; `problems` say what and where."""

    def __init__(self, message: str, problems: Sequence[Problem]) -> None:
        super().__init__(message)
        self.message = message
        self.problems = tuple(problems)


class InvalidOverrides(AssemblyError):
    """The formula overrides do not merge into a valid `FormulaConfig` (locations inside them)."""
