"""Perceive: a lifter's stored state + today's check-in -> the engine's `JITInput` (DR §8.3).

Pure: the same state, check-in and clock give the same input. Where it departs from parakeet's
assembly (docs/deviations.md, P1-P4): sex-specific defaults with the overrides on top; each past
session keeps its own target RPE; weekly volume is the fractional sum of effective sets; a
disruption acts only from its start date. Every other rule follows §8.3: the working 1RM
(§3.20.6) or the profile estimate (§3.20.7), injury soreness (§3.20.5), the recent-log window,
the rehab cap of today's lift and the accessory history from the stored outputs.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import ValidationError

from shared_types.enums import DisruptionStatus, MuscleGroup, Sex
from shared_types.inputs import JITInput, TrainingDisruption
from training_engine.accessories.exercises import ExerciseBook
from training_engine.formulas.base_sets import cycled_block
from training_engine.formulas.rounding import plate_step_kg
from training_engine.perceive.configs import (
    default_bar_weight_kg,
    default_warmup,
    effective_formula_config,
    effective_landmarks,
)
from training_engine.perceive.exercises import custom_accessories, custom_maps
from training_engine.perceive.history import (
    age,
    aux_history,
    demonstrated_one_rm,
    one_rm,
    recent_aux_names,
    recent_logs,
    set_volume,
    week_position,
)
from training_engine.perceive.state import (
    Assembled,
    AssemblyError,
    DailyCheckIn,
    LifterState,
    Problem,
)
from training_engine.planning import block_auxiliaries, injury_soreness, merge_soreness, top_up_pool

__all__ = ["active_on", "assemble"]


def active_on(disruption: TrainingDisruption, today: date) -> bool:
    """Not resolved, already started (P4), and not yet over."""
    if disruption.status is DisruptionStatus.RESOLVED:
        return False
    start = disruption.affected_date_start
    end = disruption.affected_date_end
    if start is not None and date.fromisoformat(start) > today:
        return False
    return end is None or date.fromisoformat(end) >= today


def _days_since(last: datetime, now: datetime) -> int:
    """Whole calendar days between `last` and `now`, both read in `now`'s zone."""
    local = last.astimezone(now.tzinfo) if last.tzinfo and now.tzinfo else last
    return max((now.date() - local.date()).days, 0)


def assemble(state: LifterState, checkin: DailyCheckIn, now: datetime) -> Assembled:
    """The engine's input for today's session; raises `AssemblyError` (or its subclass
    `InvalidOverrides`) when the stored state cannot make a valid one."""
    today = now.date()
    plan, profile = state.plan, state.profile
    sex = profile.sex
    muscle_map, type_map = custom_maps(state.custom_exercises)
    book = ExerciseBook(
        custom_muscles=muscle_map or {},
        custom_types=type_map or {},
        sex=Sex.FEMALE if sex is Sex.FEMALE else Sex.MALE,
    )
    rm = one_rm(plan.lift, state.stored_maxes.get(plan.lift), profile, state.recent, today)
    notes = [rm.note] if rm.note else []

    disruptions = tuple(d for d in state.disruptions if active_on(d, today))
    synthetic = injury_soreness(disruptions)
    if synthetic:
        sore = ", ".join(m.value for m in MuscleGroup if m in synthetic)
        notes.append(f"Injury soreness added for {sore}")
    week = week_position(plan, state.week_sessions)
    last = state.last_completed_at
    wear = checkin.wearables
    try:
        inp = JITInput(
            session_id=plan.session_id,
            week_number=plan.week_number,
            block_number=plan.block_number,
            primary_lift=plan.lift,
            intensity_type=plan.intensity,
            one_rm_kg=rm.kg,
            stored_one_rm_kg=rm.stored_kg,
            one_rm_source=rm.source,
            demonstrated_one_rm_kg=demonstrated_one_rm(state.recent, plan.lift, today, rm.kg),
            formula_config=effective_formula_config(sex, state.formula_overrides),
            soreness_ratings=merge_soreness(checkin.soreness, synthetic),
            weekly_volume_to_date=set_volume(state.week_sets, book),
            mrv_mev_config=effective_landmarks(sex, state.landmark_overrides),
            active_auxiliaries=custom_accessories(
                block_auxiliaries(plan.lift, cycled_block(plan.block_number)),
                state.custom_exercises,
                plan.lift,
            ),
            recent_logs=recent_logs(state.recent, plan.lift, today),
            active_disruptions=disruptions,
            warmup_config=state.warmup or default_warmup(sex),
            warmup_config_explicit=state.warmup is not None,
            days_since_last_session=_days_since(last, now) if last else None,
            biological_sex=sex,
            user_age=age(profile.date_of_birth, today),
            user_rest_overrides=state.rest_overrides or None,
            bar_weight_kg=profile.bar_weight_kg or default_bar_weight_kg(sex),
            auxiliary_pool=top_up_pool(),
            all_one_rm_kg=dict(state.stored_maxes) or None,
            sleep_quality=checkin.sleep_quality,
            energy_level=checkin.energy_level,
            weight_increment_kg=plate_step_kg(profile.plates_kg) if profile.plates_kg else None,
            recent_aux_exercises=recent_aux_names(state.recent) or None,
            hrv_pct_change=wear.hrv_pct_change,
            resting_hr_pct_change=wear.resting_hr_pct_change,
            sleep_duration_min=wear.sleep_duration_min,
            deep_sleep_pct=wear.deep_sleep_pct,
            spo2_avg=wear.spo2_avg,
            non_training_load=wear.non_training_load,
            readiness_score=wear.readiness_score,
            cycle_phase=checkin.cycle_phase,
            session_index=week.session_index,
            total_sessions_this_week=week.total_sessions,
            upcoming_lifts=week.upcoming_lifts,
            active_rehab_cap=next((c for c in state.rehab_caps if c.lift is plan.lift), None),
            aux_history=aux_history(state.recent, book) or None,
            custom_muscle_map=muscle_map,
            custom_exercise_type_map=type_map,
            modifier_calibrations=dict(state.calibrations) or None,
            load_calibrations=dict(state.load_calibrations) or None,
            now=now,
        )
    except ValidationError as exc:
        problems = [Problem(tuple(err["loc"]), err["msg"]) for err in exc.errors()]
        raise AssemblyError("the assembled input is invalid", problems) from exc
    return Assembled(inp, rm.label, tuple(notes))
