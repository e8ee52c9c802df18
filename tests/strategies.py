"""Hypothesis strategies: any valid `JITInput`, any (including hostile) `JITAdjustment`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hypothesis import strategies as st

from shared_types.adjustment import AnchorOverride, AuxOverride, JITAdjustment, RestAdjustments
from shared_types.config import MrvMevConfig
from shared_types.enums import (
    CalibrationSource,
    CyclePhase,
    DisruptionType,
    IntensityType,
    Lift,
    MismatchDirection,
    MuscleGroup,
    Severity,
    Sex,
    WarmupPresetName,
)
from shared_types.inputs import JITInput
from training_engine.defaults import FEMALE_FORMULA_CONFIG, MALE_FORMULA_CONFIG
from training_engine.defaults.exercise_catalog import CATALOG

__all__ = ["any_adjustment", "any_input"]

muscles = st.sampled_from(list(MuscleGroup))
lifts = st.sampled_from(list(Lift))


@st.composite
def landmarks(draw: st.DrawFn) -> MrvMevConfig:
    table = {}
    for muscle in MuscleGroup:
        mev = draw(st.integers(0, 12))
        table[muscle.value] = {"mev": mev, "mrv": draw(st.integers(max(mev, 1), 30))}
    return MrvMevConfig.model_validate(table)


@st.composite
def formula_configs(draw: st.DrawFn) -> Any:
    config = draw(st.sampled_from([MALE_FORMULA_CONFIG, FEMALE_FORMULA_CONFIG])).model_dump()
    for block in ("block1", "block2", "block3"):
        for day in ("heavy", "explosive", "rep"):
            if draw(st.booleans()):
                config[block][day]["pct"] = draw(st.floats(0.4, 1.05))
    config["rounding_increment_kg"] = draw(st.sampled_from([1.25, 2.5, 5.0]))
    return config


logs = st.fixed_dictionaries(
    {
        "actual_rpe": st.one_of(
            st.none(), st.sampled_from([5.0, 6, 6.5, 7, 7.5, 8, 8.5, 9, 9.5, 10])
        ),
        "target_rpe": st.sampled_from([6.0, 7, 7.5, 8, 8.5, 9, 9.5]),
    },
    optional={"contained_rehab_sets": st.booleans()},
)

disruptions = st.fixed_dictionaries(
    {
        "disruption_type": st.sampled_from(list(DisruptionType)),
        "severity": st.sampled_from(list(Severity)),
        "affected_lifts": st.one_of(st.none(), st.lists(lifts, max_size=3, unique=True)),
        "description": st.one_of(st.none(), st.text(max_size=30)),
    }
)

warmups = st.one_of(
    st.builds(
        lambda n: {"type": "preset", "name": n.value}, st.sampled_from(list(WarmupPresetName))
    ),
    st.builds(
        lambda steps: {"type": "custom", "steps": steps},
        st.lists(
            st.fixed_dictionaries({"pct": st.floats(0, 1), "reps": st.integers(1, 20)}),
            min_size=1,
            max_size=6,
        ),
    ),
    st.none(),
)


CUSTOM_EXERCISES = ("Pec Deck", "Running", "Sled Push")
exercise_names = st.sampled_from([e.name for e in CATALOG] + list(CUSTOM_EXERCISES))

history_entries = st.fixed_dictionaries(
    {
        "session_id": st.just("h"),
        "completed_at": st.datetimes(
            min_value=datetime(2025, 6, 1), max_value=datetime(2026, 3, 1), timezones=st.just(UTC)
        ),
        "prescribed_weight_kg": st.one_of(st.none(), st.floats(0, 200)),
        "sets": st.lists(
            st.fixed_dictionaries({"weight_kg": st.floats(0, 250), "reps": st.integers(0, 15)}),
            max_size=4,
        ),
    }
)


def _optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


@st.composite
def any_input(draw: st.DrawFn) -> JITInput:
    """Any input the models accept, biased toward the interesting corners."""
    lift = draw(lifts)
    fields: dict[str, Any] = {
        "session_id": "prop",
        "week_number": draw(st.integers(1, 60)),
        "block_number": draw(st.integers(1, 9)),
        "primary_lift": lift,
        "intensity_type": draw(st.sampled_from(list(IntensityType))),
        "one_rm_kg": draw(st.one_of(st.floats(1, 600), st.sampled_from([20.0, 60, 100, 140, 220]))),
        "formula_config": draw(formula_configs()),
        "soreness_ratings": draw(st.dictionaries(muscles, st.integers(1, 10))),
        "weekly_volume_to_date": draw(
            st.dictionaries(muscles, st.one_of(st.integers(0, 32), st.floats(0, 32)))
        ),
        "mrv_mev_config": draw(landmarks()),
        "active_auxiliaries": draw(st.lists(exercise_names, max_size=5, unique=True)),
        "recent_logs": draw(st.lists(logs, max_size=6)),
        "active_disruptions": draw(st.lists(disruptions, max_size=3)),
        "warmup_config": draw(warmups),
        "warmup_config_explicit": draw(_optional(st.booleans())),
        "biological_sex": draw(_optional(st.sampled_from(list(Sex)))),
        "sleep_quality": draw(_optional(st.integers(1, 5))),
        "energy_level": draw(_optional(st.integers(1, 5))),
        "hrv_pct_change": draw(_optional(st.floats(-40, 40))),
        "resting_hr_pct_change": draw(_optional(st.floats(-20, 30))),
        "sleep_duration_min": draw(_optional(st.floats(180, 600))),
        "deep_sleep_pct": draw(_optional(st.floats(0, 40))),
        "non_training_load": draw(_optional(st.integers(0, 3))),
        "cycle_phase": draw(_optional(st.sampled_from(list(CyclePhase)))),
        "modifier_calibrations": draw(
            _optional(
                st.dictionaries(
                    st.sampled_from(list(CalibrationSource)), st.floats(-0.15, 0.15), max_size=5
                )
            )
        ),
        "capacity_history": draw(_optional(st.lists(st.integers(1, 4), max_size=5))),
        "weekly_mismatch_direction": draw(_optional(st.sampled_from(list(MismatchDirection)))),
        "weight_increment_kg": draw(_optional(st.sampled_from([1.25, 2.5, 5.0, 10.0]))),
        "bar_weight_kg": draw(_optional(st.sampled_from([15.0, 20.0]))),
        "active_rehab_cap": draw(
            _optional(st.fixed_dictionaries({"lift": lifts, "cap_kg": st.floats(5, 300)}))
        ),
        "user_rest_overrides": draw(
            _optional(
                st.lists(
                    st.fixed_dictionaries(
                        {"rest_seconds": st.integers(30, 600)},
                        optional={
                            "lift": lifts,
                            "intensity_type": st.sampled_from(list(IntensityType)),
                        },
                    ),
                    max_size=3,
                )
            )
        ),
    }
    fields.update(
        {
            "auxiliary_pool": draw(_optional(st.lists(exercise_names, max_size=40, unique=True))),
            "all_one_rm_kg": draw(_optional(st.dictionaries(lifts, st.floats(20, 400)))),
            "session_index": draw(_optional(st.integers(0, 5))),
            "total_sessions_this_week": draw(_optional(st.integers(0, 5))),
            "upcoming_lifts": draw(_optional(st.lists(lifts, max_size=2, unique=True))),
            "recent_aux_exercises": draw(_optional(st.lists(exercise_names, max_size=5))),
            "custom_muscle_map": draw(
                _optional(st.just({"Pec Deck": ["chest", "shoulders"], "Sled Push": ["quads"]}))
            ),
            "custom_exercise_type_map": draw(_optional(st.just({"Running": "timed"}))),
            "aux_history": draw(
                _optional(
                    st.dictionaries(
                        exercise_names, st.lists(history_entries, max_size=4), max_size=3
                    )
                )
            ),
            "now": draw(_optional(st.just(datetime(2026, 3, 2, 9, 0, tzinfo=UTC)))),
        }
    )
    return JITInput.model_validate(fields)


hostile_floats = st.one_of(
    st.floats(0.4, 1.2),
    st.sampled_from([0.4, 1.2, 0.0, -1.0, 1.21, 0.39, 5.0, 1e9, -1e9]),
    st.just(float("nan")),
    st.just(float("inf")),
    st.just(float("-inf")),
)


hostile_weights = st.one_of(
    st.floats(0, 500),
    st.sampled_from([0.0, 500.0, 9999.0, -50.0, 1e12]),
    st.just(float("nan")),
    st.just(float("inf")),
)

aux_overrides = st.builds(
    lambda name, action, anchor: AuxOverride.model_construct(
        exercise=name, action=action, anchor_override=anchor
    ),
    exercise_names,
    st.sampled_from(["skip", "reduce", "normal"]),
    st.one_of(
        st.none(),
        st.builds(
            lambda w, r: AnchorOverride.model_construct(weight_kg=w, reason=r),
            hostile_weights,
            st.text(max_size=20),
        ),
    ),
)


@st.composite
def any_adjustment(draw: st.DrawFn) -> JITAdjustment:
    """Any adjustment, including values at and beyond the schema bounds (built unvalidated)."""
    rest = draw(
        st.one_of(
            st.none(),
            st.builds(
                lambda v: RestAdjustments.model_construct(main_lift=v),
                st.one_of(st.none(), st.floats(allow_nan=True), st.integers(-500, 500)),
            ),
        )
    )
    overrides = draw(st.lists(aux_overrides, max_size=4))
    return JITAdjustment.model_construct(
        intensity_modifier=draw(hostile_floats),
        set_modifier=draw(st.one_of(st.integers(-3, 2), st.integers(-100, 100))),
        skip_main_lift=draw(st.booleans()),
        aux_overrides=tuple(overrides),
        rationale=tuple(draw(st.lists(st.text(max_size=20), max_size=6))),
        confidence=draw(st.sampled_from(["high", "medium", "low"])),
        rest_adjustments=rest,
    )
