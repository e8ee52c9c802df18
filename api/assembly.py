"""Perceive: a lifter's stored state + today's check-in -> a validated `JITInput` (DR §8.3).

The repositories load a `LifterState` of plain values (no table ever gets here); `assemble`
turns it into the engine's input. What it fixes in parakeet's assembly (docs/deviations.md, P*):

* sex-specific defaults: the formula table, volume landmarks, warm-up preset and bar weight
  follow the lifter's sex, with their overrides merged on top (§10.2-1);
* each past session carries its own prescribed target RPE, not a constant 8.5 (§10.2-3);
* weekly volume is the fractional sum of effective sets, not floored per session;
* a disruption whose dates have not started yet does not act today.

Every other rule follows §8.3: working 1RM (§3.20.6) or the profile estimate (§3.20.7), injury
soreness (§3.20.5), the recent-log window (6 sessions within 60 days), the rehab cap of today's
lift, accessory history from the stored outputs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal

from pydantic import ValidationError

from api.errors import ErrorDetail, InvalidRequest, problem_path
from api.schemas import CheckIn
from shared_types.config import (
    FormulaConfig,
    MrvMevConfig,
    PresetWarmup,
    VolumeLandmark,
    WarmupProtocol,
)
from shared_types.enums import (
    DisruptionStatus,
    IntensityType,
    Lift,
    MuscleGroup,
    OneRmSource,
    Sex,
    WarmupPresetName,
)
from shared_types.inputs import (
    AuxHistoryEntry,
    AuxHistorySet,
    JITInput,
    RecentSessionSummary,
    RehabCap,
    RestOverride,
    TrainingDisruption,
)
from training_engine.accessories.exercises import ExerciseBook
from training_engine.defaults import default_formula_config, default_landmarks
from training_engine.formulas.rounding import format_kg
from training_engine.muscles import LIFT_CONTRIBUTIONS
from training_engine.planning import (
    LoggedSet,
    block_auxiliaries,
    epley_kg,
    injury_soreness,
    merge_soreness,
    profile_estimate_kg,
    top_up_pool,
    weekly_volume,
    working_one_rm_kg,
)
from training_engine.planning.scheduler import LIFT_ORDER

__all__ = [
    "Assembled",
    "LifterProfile",
    "LifterState",
    "OneRmLabel",
    "PastSession",
    "SessionPlan",
    "WeekSession",
    "WeekSet",
    "active_on",
    "assemble",
    "default_bar_weight_kg",
    "default_warmup",
    "effective_formula_config",
    "effective_landmarks",
    "set_volume",
]

RECENT_LOGS = 6
RECENT_DAYS = 60
AUX_HISTORY_SESSIONS = 12
AUX_HISTORY_PER_EXERCISE = 3
RECENT_AUX_SESSIONS = 4
FEMALE_BAR_KG = 15.0
DEFAULT_BAR_KG = 20.0
OneRmLabel = Literal["stored", "working", "profile_estimate"]


@dataclass(frozen=True)
class LifterProfile:
    sex: Sex | None = None
    date_of_birth: date | None = None
    bodyweight_kg: float | None = None
    bar_weight_kg: float | None = None
    plates_kg: tuple[float, ...] | None = None


@dataclass(frozen=True)
class SessionPlan:
    session_id: str
    week_number: int
    day_number: int
    block_number: int
    lift: Lift
    intensity: IntensityType
    program_mode: str | None = None
    days_per_week: int | None = None
    session_counter: int = 0


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
    aux_sets: tuple[tuple[str, LoggedSet], ...] = ()
    aux_prescribed_kg: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class WeekSet:
    """One set logged in the same program week (another session than today's)."""

    session_lift: Lift
    kind: str
    exercise: str
    rpe: float | None


@dataclass(frozen=True)
class WeekSession:
    day_number: int
    lift: Lift
    status: str


@dataclass(frozen=True)
class LifterState:
    profile: LifterProfile
    plan: SessionPlan
    stored_maxes: Mapping[Lift, float]
    formula_overrides: Mapping[str, Any]
    landmark_overrides: Mapping[MuscleGroup, VolumeLandmark]
    warmup: WarmupProtocol | None
    rest_overrides: tuple[RestOverride, ...]
    recent: tuple[PastSession, ...]  # completed sessions, any lift, newest first
    last_completed_at: datetime | None  # of today's lift, however long ago
    week_sets: tuple[WeekSet, ...]
    week_sessions: tuple[WeekSession, ...]
    disruptions: tuple[TrainingDisruption, ...]
    rehab_caps: tuple[RehabCap, ...]


@dataclass(frozen=True)
class Assembled:
    input: JITInput
    one_rm_source: OneRmLabel
    notes: tuple[str, ...]


def _deep_merge(base: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in overrides.items():
        current = merged.get(key)
        if isinstance(current, Mapping) and isinstance(value, Mapping):
            merged[key] = _deep_merge(current, value)
        else:
            merged[key] = value
    return merged


def effective_formula_config(
    sex: Sex | None, overrides: Mapping[str, Any], *, path: Sequence[str] = ("overrides",)
) -> FormulaConfig:
    """The sex default with the overrides deep-merged; a bad override is a 422 with its path."""
    base = default_formula_config(sex).model_dump(mode="json")
    try:
        return FormulaConfig.model_validate(_deep_merge(base, overrides))
    except ValidationError as exc:
        details = [
            ErrorDetail(path=problem_path((*path, *err["loc"])), message=err["msg"])
            for err in exc.errors()
        ]
        raise InvalidRequest("the formula overrides are invalid", details) from None


def effective_landmarks(
    sex: Sex | None, overrides: Mapping[MuscleGroup, VolumeLandmark]
) -> MrvMevConfig:
    base = default_landmarks(sex).model_dump(mode="json")
    for muscle, landmark in overrides.items():
        base[muscle.value] = landmark.model_dump(mode="json")
    return MrvMevConfig.model_validate(base)


def default_warmup(sex: Sex | None) -> WarmupProtocol:
    name = WarmupPresetName.STANDARD_FEMALE if sex is Sex.FEMALE else WarmupPresetName.STANDARD
    return PresetWarmup(name=name)


def default_bar_weight_kg(sex: Sex | None) -> float:
    return FEMALE_BAR_KG if sex is Sex.FEMALE else DEFAULT_BAR_KG


def active_on(disruption: TrainingDisruption, today: date) -> bool:
    """Not resolved, already started, and not yet over."""
    if disruption.status is DisruptionStatus.RESOLVED:
        return False
    start = disruption.affected_date_start
    end = disruption.affected_date_end
    if start is not None and date.fromisoformat(start) > today:
        return False
    return end is None or date.fromisoformat(end) >= today


def set_volume(sets: Sequence[WeekSet], book: ExerciseBook) -> dict[MuscleGroup, float]:
    """Effective sets per muscle: main sets by their lift, accessories by the catalog or the
    lifter's custom map (an unknown accessory counts for the day's lift, as in parakeet)."""

    def contributions(s: WeekSet) -> tuple[tuple[MuscleGroup, float], ...]:
        if s.kind == "primary":
            return LIFT_CONTRIBUTIONS[s.session_lift]
        return book.muscles(s.exercise) or LIFT_CONTRIBUTIONS[s.session_lift]

    return weekly_volume((s.rpe, contributions(s)) for s in sets)


def _age(date_of_birth: date | None, today: date) -> int | None:
    if date_of_birth is None or date_of_birth > today:
        return None
    years = today.year - date_of_birth.year
    if (today.month, today.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years if 10 <= years <= 110 else None


def _summary(session: PastSession) -> RecentSessionSummary | None:
    if session.target_rpe is None:  # nothing was prescribed (main lift skipped)
        return None
    weights = [s.weight_kg for s in session.primary_sets if s.weight_kg > 0]
    actual_max = max(weights) if weights else None
    estimates = [e for s in session.primary_sets if (e := epley_kg(s.weight_kg, s.reps))]
    deviation = (
        actual_max - session.planned_weight_kg
        if actual_max is not None and session.planned_weight_kg is not None
        else None
    )
    return RecentSessionSummary(
        actual_rpe=session.session_rpe,
        target_rpe=session.target_rpe,
        planned_weight_kg=session.planned_weight_kg,
        actual_max_weight_kg=actual_max,
        deviation_kg=deviation,
        estimated_one_rm_kg=max(estimates) if estimates else None,
        contained_rehab_sets=any(s.during_rehab for s in session.primary_sets),
    )


def _aux_history(
    recent: Sequence[PastSession], book: ExerciseBook
) -> dict[str, tuple[AuxHistoryEntry, ...]]:
    history: dict[str, list[AuxHistoryEntry]] = {}
    for session in recent[:AUX_HISTORY_SESSIONS]:
        by_exercise: dict[str, list[LoggedSet]] = {}
        for name, logged in session.aux_sets:
            by_exercise.setdefault(name, []).append(logged)
        for name, sets in by_exercise.items():
            entries = history.setdefault(book.slug(name), [])
            if len(entries) >= AUX_HISTORY_PER_EXERCISE:
                continue
            entries.append(
                AuxHistoryEntry(
                    session_id=session.session_id,
                    completed_at=session.completed_at,
                    prescribed_weight_kg=session.aux_prescribed_kg.get(name),
                    sets=tuple(
                        AuxHistorySet(weight_kg=s.weight_kg, reps=s.reps, rpe=s.rpe) for s in sets
                    ),
                )
            )
    return {slug: tuple(entries) for slug, entries in history.items()}


def _recent_aux_names(recent: Sequence[PastSession]) -> tuple[str, ...]:
    names: list[str] = []
    for session in recent[:RECENT_AUX_SESSIONS]:
        for name, _ in session.aux_sets:
            if name not in names:
                names.append(name)
    return tuple(names)


def _week_position(plan: SessionPlan, week: Sequence[WeekSession]) -> dict[str, Any]:
    if plan.program_mode == "unending" and plan.days_per_week:
        days = plan.days_per_week
        index = plan.session_counter % days + 1
        upcoming: list[Lift] = []
        lift = plan.lift
        for _ in range(days - index):
            lift = LIFT_ORDER[(LIFT_ORDER.index(lift) + 1) % len(LIFT_ORDER)]
            upcoming.append(lift)
        return {
            "session_index": index,
            "total_sessions_this_week": days,
            "upcoming_lifts": tuple(upcoming),
        }
    if plan.program_mode is None:
        return {}
    completed = sum(1 for s in week if s.status == "completed")
    later = tuple(
        s.lift
        for s in sorted(week, key=lambda s: s.day_number)
        if s.day_number > plan.day_number and s.status in ("planned", "generated", "in_progress")
    )
    return {
        "session_index": min(completed + 1, 14),
        "total_sessions_this_week": min(max(len(week), 1), 14),
        "upcoming_lifts": later,
    }


def _one_rm(state: LifterState, today: date) -> tuple[dict[str, Any], OneRmLabel, list[str]]:
    lift = state.plan.lift
    stored = state.stored_maxes.get(lift)
    if stored is None:
        profile = state.profile
        estimate = profile_estimate_kg(
            lift, profile.sex, profile.bodyweight_kg, _age(profile.date_of_birth, today)
        )
        note = (
            f"No stored 1RM for {lift.value}: {format_kg(estimate)} kg estimated from the profile"
        )
        return {"one_rm_kg": estimate}, "profile_estimate", [note]
    cutoff = today - timedelta(days=RECENT_DAYS)
    sessions = [
        s.primary_sets for s in state.recent if s.lift is lift and s.completed_at.date() >= cutoff
    ][:RECENT_LOGS]
    working = working_one_rm_kg(stored, sessions)
    if working == stored:
        return {"one_rm_kg": stored, "one_rm_source": OneRmSource.STORED}, "stored", []
    note = f"Working 1RM {format_kg(working)} kg from recent sets (stored {format_kg(stored)} kg)"
    fields = {
        "one_rm_kg": working,
        "stored_one_rm_kg": stored,
        "one_rm_source": OneRmSource.WORKING,
    }
    return fields, "working", [note]


def assemble(state: LifterState, checkin: CheckIn, now: datetime) -> Assembled:
    """The engine's input for today's session. Pure: the same state and clock, the same input."""
    today = now.date()
    plan, profile = state.plan, state.profile
    sex = profile.sex
    book = ExerciseBook(sex=Sex.FEMALE if sex is Sex.FEMALE else Sex.MALE)
    one_rm_fields, one_rm_label, notes = _one_rm(state, today)

    disruptions = tuple(d for d in state.disruptions if active_on(d, today))
    synthetic = injury_soreness(disruptions)
    soreness = merge_soreness(checkin.soreness, synthetic)
    if synthetic:
        notes.append(
            "Injury soreness added for " + ", ".join(m.value for m in MuscleGroup if m in synthetic)
        )
    cutoff = today - timedelta(days=RECENT_DAYS)
    same_lift = [s for s in state.recent if s.lift is plan.lift and s.completed_at.date() >= cutoff]
    recent_logs = tuple(
        summary for s in same_lift[:RECENT_LOGS] if (summary := _summary(s)) is not None
    )
    cap = next((c for c in state.rehab_caps if c.lift is plan.lift), None)
    plates = profile.plates_kg
    wearables = checkin.wearables.model_dump(exclude_none=True) if checkin.wearables else {}
    fields: dict[str, Any] = {
        "session_id": plan.session_id,
        "week_number": plan.week_number,
        "block_number": plan.block_number,
        "primary_lift": plan.lift,
        "intensity_type": plan.intensity,
        **one_rm_fields,
        "formula_config": effective_formula_config(sex, state.formula_overrides),
        "soreness_ratings": soreness,
        "weekly_volume_to_date": set_volume(state.week_sets, book),
        "mrv_mev_config": effective_landmarks(sex, state.landmark_overrides),
        "active_auxiliaries": block_auxiliaries(plan.lift, (plan.block_number - 1) % 3 + 1),
        "recent_logs": recent_logs,
        "active_disruptions": disruptions,
        "warmup_config": state.warmup or default_warmup(sex),
        "warmup_config_explicit": state.warmup is not None,
        "days_since_last_session": (
            max((today - state.last_completed_at.date()).days, 0)
            if state.last_completed_at is not None
            else None
        ),
        "biological_sex": sex,
        "user_age": _age(profile.date_of_birth, today),
        "user_rest_overrides": state.rest_overrides or None,
        "bar_weight_kg": profile.bar_weight_kg or default_bar_weight_kg(sex),
        "auxiliary_pool": top_up_pool(),
        "all_one_rm_kg": dict(state.stored_maxes) or None,
        "sleep_quality": checkin.sleep_quality,
        "energy_level": checkin.energy_level,
        "weight_increment_kg": 2 * min(plates) if plates else None,
        "recent_aux_exercises": _recent_aux_names(state.recent) or None,
        **wearables,
        "cycle_phase": checkin.cycle_phase,
        **_week_position(plan, state.week_sessions),
        "active_rehab_cap": cap,
        "aux_history": _aux_history(state.recent, book) or None,
        "now": now,
    }
    return Assembled(JITInput.model_validate(fields), one_rm_label, tuple(notes))
