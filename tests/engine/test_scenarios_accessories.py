"""Scenario tests: the configured accessories, bodyweight compensation, accessory rest and the
accessory side of history anchors (domain-reference §3.12, §9.1, §9.2, §9.3, §9.6, §9.7).

Numbers marked [run] in the reference were printed by parakeet's engine for the same input;
[test] values are what parakeet's own tests assert. Skip reasons and warnings are parakeet's
exact text; rationale wording is ours, so only key words are checked. Volume top-ups live in
`test_scenarios_topup.py`, the anchor rules themselves in `test_anchor.py`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shared_types.config import MrvMevConfig
from shared_types.enums import IntensityType
from shared_types.inputs import AuxHistoryEntry, AuxHistorySet, JITInput
from shared_types.outputs import AuxiliaryWork, JITOutput
from tests.factories import make_disruption, make_female_input, make_input, make_logs
from training_engine.accessories.configured import AccessoryContext, configured_accessory
from training_engine.accessories.exercises import ExerciseBook
from training_engine.defaults import FEMALE_FORMULA_CONFIG, MALE_LANDMARKS
from training_engine.muscles import PRIMARY_MUSCLES
from training_engine.session import formula_session

MAIN_SKIPPED = "Main lift skipped — auxiliary suppressed"
SEVERE_SORENESS = "Severe soreness — auxiliary exercise skipped"
UNKNOWN_AUX = ("Mystery Move A", "Mystery Move B")  # not in the catalog: 0.675 of 1RM, no overlap
NOW = datetime(2026, 5, 25, 12, 0, tzinfo=UTC)


def aux(out: JITOutput, exercise: str) -> AuxiliaryWork:
    rows = [row for row in out.auxiliary_work if row.exercise == exercise]
    assert len(rows) == 1, f"expected one {exercise!r} row, got {out.auxiliary_work}"
    return rows[0]


def aux_shape(row: AuxiliaryWork) -> tuple[int, float, int]:
    """(sets, weight, reps) of a straight-set accessory row."""
    assert not row.skipped, f"{row.exercise} was skipped: {row.skip_reason}"
    weights = {s.weight_kg for s in row.sets}
    reps = {s.reps for s in row.sets}
    assert len(weights) == 1, f"expected straight sets, got {row.sets}"
    assert len(reps) == 1, f"expected one rep target, got {row.sets}"
    assert [s.set_number for s in row.sets] == list(range(1, len(row.sets) + 1))
    return len(row.sets), weights.pop(), reps.pop()


def configured(out: JITOutput) -> tuple[AuxiliaryWork, ...]:
    """The configured pair (always the first two rows)."""
    return out.auxiliary_work[:2]


def mentions(out: JITOutput, word: str) -> bool:
    return any(word.lower() in line.lower() for line in out.rationale)


def landmarks_with(**muscles: tuple[float, float]) -> MrvMevConfig:
    """Male landmarks with some muscles' (mev, mrv) replaced."""
    data = MALE_LANDMARKS.model_dump()
    for muscle, (mev, mrv) in muscles.items():
        data[muscle] = {"mev": mev, "mrv": mrv}
    return MrvMevConfig.model_validate(data)


def history(
    *tops: float, days_ago: tuple[float, ...] = (2, 5, 8), prescribed: float | None = None
) -> tuple[AuxHistoryEntry, ...]:
    """Completed sessions of one accessory, newest first, each a single set at its top weight."""
    return tuple(
        AuxHistoryEntry(
            session_id=f"hist-{i}",
            completed_at=NOW - timedelta(days=age),
            prescribed_weight_kg=prescribed,
            sets=(AuxHistorySet(weight_kg=top, reps=4),),
        )
        for i, (top, age) in enumerate(zip(tops, days_ago, strict=False))
    )


def equipment_out(**overrides: Any) -> JITInput:
    gym_closed = make_disruption(
        "moderate", None, disruption_type="equipment_unavailable", description="Gym closed"
    )
    return make_input(active_disruptions=(gym_closed,), **overrides)


# --- §9.1 clean baseline --------------------------------------------------------------------


def test_clean_baseline_discounts_both_squat_accessories_for_the_heavy_main_work() -> None:
    out = formula_session(make_input())

    assert [row.exercise for row in out.auxiliary_work] == ["Pause Squat", "Barbell Box Squat"]
    # 140 x 0.75 = 105 -> x 0.85 = 89.25 -> 90;  140 x 0.7 = 98 -> 97.5 -> x 0.85 -> 82.5
    assert aux_shape(aux(out, "Pause Squat")) == (3, 90.0, 4)
    assert aux_shape(aux(out, "Barbell Box Squat")) == (3, 82.5, 4)
    assert all(s.rpe_target == 7.5 for row in out.auxiliary_work for s in row.sets)
    assert all(row.skip_reason is None for row in out.auxiliary_work)
    assert all(not row.is_top_up for row in out.auxiliary_work)
    assert all(row.anchor is None for row in out.auxiliary_work)


def test_clean_baseline_rests_ninety_seconds_after_each_accessory() -> None:
    out = formula_session(make_input())

    assert out.rest_recommendations.auxiliary == (90, 90)


def test_main_lift_boosts_never_inflate_the_accessories() -> None:
    # easy recent sessions: main 3 sets at x 1.05; ratios 1.5 and 1.05 are clamped to 1
    out = formula_session(make_input(recent_logs=make_logs((7.0, 8.5), (7.0, 8.5))))

    assert len(out.main_lift_sets) == 3
    assert out.main_lift_sets[0].weight_kg == 117.5
    assert aux_shape(aux(out, "Pause Squat")) == (3, 90.0, 4)
    assert aux_shape(aux(out, "Barbell Box Squat")) == (3, 82.5, 4)


def test_deload_accessories_ignore_severe_soreness() -> None:
    out = formula_session(make_input(intensity_type="deload", soreness_ratings={"quads": 9}))

    assert aux_shape(aux(out, "Pause Squat")) == (2, 52.5, 4)
    assert aux_shape(aux(out, "Barbell Box Squat")) == (2, 50.0, 4)


# --- §9.2 real training days (accessory parts) ----------------------------------------------


def test_s1_menstrual_phase_trims_and_lightens_the_female_squat_accessories() -> None:
    out = formula_session(make_female_input(one_rm_kg=60.0, cycle_phase="menstrual"))

    # 2 of 3 main sets kept, load x 0.95 on top of the 0.85 fatigue discount
    assert aux_shape(aux(out, "Pause Squat")) == (2, 37.5, 4)
    assert aux_shape(aux(out, "Barbell Box Squat")) == (2, 35.0, 4)


def test_s2_sore_quads_halve_the_block_three_accessories() -> None:
    out = formula_session(
        make_input(block_number=3, one_rm_kg=200.0, soreness_ratings={"quads": 8})
    )

    assert aux_shape(aux(out, "Pause Squat")) == (2, 120.0, 4)
    assert aux_shape(aux(out, "Barbell Box Squat")) == (2, 112.5, 4)


def test_s4_deload_accessories_use_two_thirds_volume_and_half_load() -> None:
    out = formula_session(make_input(intensity_type="deload"))

    # 3 x 0.67 -> 2 sets; 105 x 0.5 = 52.5; 97.5 x 0.5 = 48.75 -> 50
    assert aux_shape(aux(out, "Pause Squat")) == (2, 52.5, 4)
    assert aux_shape(aux(out, "Barbell Box Squat")) == (2, 50.0, 4)
    assert out.rest_recommendations.auxiliary == (90, 90)


def test_s6_chest_below_mev_on_deadlift_day_adds_a_dumbbell_fly_top_up() -> None:
    weekly = {m: v["mev"] for m, v in MALE_LANDMARKS.model_dump().items() if m != "chest"}
    out = formula_session(
        make_input(
            primary_lift="deadlift",
            one_rm_kg=200.0,
            weekly_volume_to_date=weekly,
            auxiliary_pool=("Dumbbell Fly", "Dips", "Stiff-Leg Deadlift"),
            all_one_rm_kg={"squat": 160.0, "bench": 100.0, "deadlift": 200.0},
            session_index=3,
            total_sessions_this_week=3,
        )
    )

    top_ups = [row for row in out.auxiliary_work if row.is_top_up]
    # D18: chest at 0 of 8 gets a second chest top-up too (Dips)
    assert [row.exercise for row in top_ups] == ["Dumbbell Fly", "Dips"]
    # 0.12 x sqrt(80 x 100) = 10.7 -> 10 kg (bench 1RM, no fatigue discount on a top-up)
    assert aux_shape(top_ups[0]) == (3, 10.0, 12)
    assert top_ups[0].top_up_reason == "chest below MEV"
    assert mentions(out, "below MEV")
    assert mentions(out, "Dumbbell Fly")
    assert len(out.rest_recommendations.auxiliary) == 4


# --- §9.3 compound adjustments (accessory parts) --------------------------------------------


def test_c1_worst_realistic_day_leaves_one_light_set_of_each_accessory() -> None:
    out = formula_session(
        make_female_input(
            recent_logs=make_logs((9.5, 8.0), (9.5, 8.0)),
            sleep_quality=1,
            energy_level=1,
            cycle_phase="menstrual",
            soreness_ratings={"quads": 6},
        )
    )

    # 1 of 3 main sets, intensity 0.857375 on top of the 0.85 fatigue discount
    assert aux_shape(aux(out, "Pause Squat")) == (1, 77.5, 4)
    assert aux_shape(aux(out, "Barbell Box Squat")) == (1, 70.0, 4)


def test_c3_recovery_session_skips_both_accessories_for_severe_soreness() -> None:
    out = formula_session(
        make_female_input(
            recent_logs=make_logs((10.0, 8.0), (10.0, 8.0)),
            sleep_quality=1,
            energy_level=1,
            cycle_phase="menstrual",
            soreness_ratings={"quads": 10},
            active_disruptions=(make_disruption("moderate", "squat"),),
        )
    )

    assert len(out.auxiliary_work) == 2
    for row in out.auxiliary_work:
        assert row.skipped is True
        assert row.sets == ()
        assert row.skip_reason == SEVERE_SORENESS
    assert out.rest_recommendations.auxiliary == (90, 90)


def test_c4_no_quad_room_left_after_the_main_set_skips_both_accessories() -> None:
    out = formula_session(
        make_input(
            mrv_mev_config=landmarks_with(quads=(2, 3)),
            weekly_volume_to_date={"quads": 2},
            soreness_ratings={"quads": 6},
        )
    )

    # remaining = 3 - 2 - 1 main set = 0 < 1
    for row in configured(out):
        assert row.skipped is True
        assert row.sets == ()
        assert row.skip_reason == "MRV approaching for quads"
    assert out.warnings == (
        "Approaching MRV for quads — Pause Squat skipped",
        "Approaching MRV for quads — Barbell Box Squat skipped",
    )


def test_c5_outside_event_and_soreness_halve_and_lighten_the_accessories() -> None:
    race = make_disruption(
        "moderate", None, disruption_type="other", description="Hyrox race yesterday"
    )
    out = formula_session(make_input(soreness_ratings={"quads": 8}, active_disruptions=(race,)))

    assert aux_shape(aux(out, "Pause Squat")) == (2, 85.0, 4)
    assert aux_shape(aux(out, "Barbell Box Squat")) == (2, 77.5, 4)


# --- §9.6 accessory rep targets -------------------------------------------------------------


@pytest.mark.parametrize(
    ("lift", "pair", "reps"),
    [
        pytest.param("squat", ("Pause Squat", "Barbell Box Squat"), (4, 4), id="squat-variants"),
        pytest.param(
            "deadlift", ("Dumbbell Romanian Deadlift", "Good Mornings"), (8, 10), id="hinges"
        ),
        pytest.param("deadlift", ("Hyperextension", "Good Mornings"), (15, 10), id="hyper"),
        pytest.param("squat", ("Barbell Box Squat", "Dumbbell Step Up"), (4, 10), id="box-step"),
        pytest.param("deadlift", ("Rack Pull", "Dumbbell Romanian Deadlift"), (4, 8), id="rack"),
    ],
)
def test_catalog_rep_targets_set_the_accessory_reps(
    lift: str, pair: tuple[str, str], reps: tuple[int, int]
) -> None:
    out = formula_session(make_input(primary_lift=lift, active_auxiliaries=pair))

    assert tuple(aux_shape(row)[2] for row in out.auxiliary_work) == reps


def test_hyperextension_is_a_bodyweight_accessory_with_no_load() -> None:
    out = formula_session(
        make_input(primary_lift="deadlift", active_auxiliaries=("Hyperextension", "Good Mornings"))
    )

    row = aux(out, "Hyperextension")
    assert row.exercise_type == "bodyweight"
    assert aux_shape(row) == (3, 0.0, 15)


@pytest.mark.parametrize(
    ("sex", "reps"), [(None, 10), ("male", 10), ("female", 12)], ids=["unknown", "male", "female"]
)
def test_an_exercise_without_a_rep_target_gets_the_sex_default(sex: str | None, reps: int) -> None:
    out = formula_session(make_input(biological_sex=sex, active_auxiliaries=UNKNOWN_AUX))

    assert [aux_shape(row)[2] for row in out.auxiliary_work] == [reps, reps]


def test_a_custom_timed_exercise_is_one_unloaded_set() -> None:
    out = formula_session(
        make_input(
            active_auxiliaries=("Running", "Pause Squat"),
            custom_exercise_type_map={"Running": "timed"},
        )
    )

    row = aux(out, "Running")
    assert row.exercise_type == "timed"
    assert row.skipped is False
    assert [(s.set_number, s.weight_kg, s.reps, s.rpe_target) for s in row.sets] == [
        (1, 0.0, 0, 7.0)
    ]


def test_curls_on_bench_day_are_not_discounted_and_dumbbells_scale_by_square_root() -> None:
    out = formula_session(
        make_input(
            primary_lift="bench",
            one_rm_kg=140.0,
            active_auxiliaries=("Barbell Curl", "Dumbbell Curl"),
        )
    )

    # 140 x 0.2 = 28 -> 27.5; 0.15 x sqrt(80 x 140) = 15.87 -> 15 (biceps: no overlap with bench)
    assert aux_shape(aux(out, "Barbell Curl")) == (3, 27.5, 10)
    assert aux_shape(aux(out, "Dumbbell Curl")) == (3, 15.0, 12)


# --- §9.6 catalog weights (0.85 fatigue discount where muscles overlap) ---------------------


@pytest.mark.parametrize(
    ("lift", "one_rm", "exercise", "weight", "reps"),
    [
        pytest.param("squat", 180.0, "Dumbbell Step Up", 20.0, 10, id="step-up"),
        pytest.param("squat", 180.0, "Barbell Front Squat", 100.0, 4, id="front-squat"),
        pytest.param("deadlift", 220.0, "Kettlebell Swing", 30.0, 12, id="kb-swing"),
        pytest.param("deadlift", 220.0, "Barbell Row", 75.0, 8, id="barbell-row"),
        pytest.param("bench", 120.0, "Dumbbell Fly", 10.0, 12, id="db-fly"),
        pytest.param("bench", 120.0, "Close-Grip Barbell Bench Press", 77.5, 5, id="close-grip"),
        pytest.param("deadlift", 220.0, "Dumbbell Row", 30.0, 10, id="db-row"),
        pytest.param("deadlift", 220.0, "Rack Pull", 195.0, 4, id="rack-pull"),
        pytest.param("squat", 140.0, "My Custom Sled Push", 95.0, 10, id="unknown-no-overlap"),
    ],
)
def test_catalog_share_of_the_1rm_sets_the_accessory_load(
    lift: str, one_rm: float, exercise: str, weight: float, reps: int
) -> None:
    out = formula_session(
        make_input(primary_lift=lift, one_rm_kg=one_rm, active_auxiliaries=(exercise, "Lunge"))
    )

    assert aux_shape(aux(out, exercise)) == (3, weight, reps)


# --- §9.6 accessory soreness ----------------------------------------------------------------


def test_severely_sore_chest_skips_every_bench_accessory() -> None:
    out = formula_session(
        make_input(
            primary_lift="bench",
            one_rm_kg=100.0,
            soreness_ratings={"chest": 10},
            active_auxiliaries=("Close-Grip Barbell Bench Press", "Dips"),
        )
    )

    assert len(out.auxiliary_work) == 2
    assert all(row.skipped and row.sets == () for row in out.auxiliary_work)
    assert {row.skip_reason for row in out.auxiliary_work} == {SEVERE_SORENESS}


def test_moderate_quad_soreness_leaves_two_sets_of_each_accessory() -> None:
    out = formula_session(make_input(soreness_ratings={"quads": 6}))

    # main 1 of 2 sets: round_half_up(3 x 0.5) = 2 sets, load unchanged
    assert aux_shape(aux(out, "Pause Squat")) == (2, 90.0, 4)
    assert aux_shape(aux(out, "Barbell Box Squat")) == (2, 82.5, 4)


def test_high_quad_soreness_lightens_an_unknown_accessory_by_the_main_intensity() -> None:
    out = formula_session(make_input(soreness_ratings={"quads": 8}, active_auxiliaries=UNKNOWN_AUX))

    # 140 x 0.675 = 94.5 -> 95; x 0.95 = 90.25 -> 90
    assert [aux_shape(row) for row in out.auxiliary_work] == [(2, 90.0, 10), (2, 90.0, 10)]


def test_severe_quad_soreness_skips_all_accessories_in_a_recovery_session() -> None:
    out = formula_session(make_input(soreness_ratings={"quads": 10}))

    assert len(out.main_lift_sets) == 3
    assert all(row.skipped for row in out.auxiliary_work)
    assert {row.skip_reason for row in out.auxiliary_work} == {SEVERE_SORENESS}


# --- §9.6 sex -------------------------------------------------------------------------------


def test_female_moderate_soreness_gives_two_sets_of_twelve() -> None:
    out = formula_session(
        make_input(
            biological_sex="female",
            soreness_ratings={"quads": 6},
            active_auxiliaries=UNKNOWN_AUX,
        )
    )

    assert [aux_shape(row)[::2] for row in out.auxiliary_work] == [(2, 12), (2, 12)]


# --- §9.6 equipment unavailable: bodyweight compensation ------------------------------------


def test_missing_equipment_adds_two_bodyweight_rows_after_the_configured_pair() -> None:
    out = formula_session(equipment_out())

    assert len(out.main_lift_sets) == 1
    assert out.main_lift_sets[0].weight_kg == 112.5
    assert [row.exercise for row in out.auxiliary_work] == [
        "Pause Squat",
        "Barbell Box Squat",
        "Jump Squat",
        "Pistol Squat",
    ]
    # configured accessories: one extra set, the main lift's ratios ignored (halved sets)
    assert aux_shape(aux(out, "Pause Squat")) == (4, 90.0, 4)
    assert aux_shape(aux(out, "Barbell Box Squat")) == (4, 82.5, 4)
    for row in out.auxiliary_work[2:]:
        assert row.exercise_type == "bodyweight"
        assert row.is_top_up is not True
        assert aux_shape(row) == (3, 0.0, 10)
        assert {s.rpe_target for s in row.sets} == {7.0}
    assert mentions(out, "bodyweight")
    assert out.rest_recommendations.auxiliary == (90, 90, 90, 90)


def test_missing_equipment_gives_a_female_lifter_fifteen_reps() -> None:
    out = formula_session(equipment_out(biological_sex="female"))

    bodyweight = out.auxiliary_work[2:]
    assert len(bodyweight) == 2
    assert [aux_shape(row) for row in bodyweight] == [(3, 0.0, 15), (3, 0.0, 15)]
    assert {s.rpe_target for row in bodyweight for s in row.sets} == {7.0}


@pytest.mark.parametrize(
    ("lift", "sex", "expected"),
    [
        ("squat", "male", ("Jump Squat", "Pistol Squat")),
        ("bench", "male", ("Decline Push-ups", "Diamond Push-ups")),
        ("deadlift", "male", ("Nordic Hamstring Curl", "Single-Leg RDL")),
        ("squat", "female", ("Sumo Squat", "Curtsy Lunge")),
        ("bench", "female", ("Standard Push-ups", "Wide Push-ups")),
        ("deadlift", "female", ("Hip Thrust", "Single-Leg Glute Bridge")),
    ],
)
def test_missing_equipment_picks_the_first_two_of_the_lift_and_sex_pool(
    lift: str, sex: str, expected: tuple[str, str]
) -> None:
    out = formula_session(equipment_out(primary_lift=lift, biological_sex=sex))

    assert len(out.auxiliary_work) == 4
    assert tuple(row.exercise for row in out.auxiliary_work[2:]) == expected
    assert all(configured_row.skipped is False for configured_row in configured(out))
    assert all(len(row.sets) == 4 for row in configured(out))
    assert len(out.rest_recommendations.auxiliary) == 4


def test_missing_equipment_adds_bodyweight_work_even_when_severely_sore() -> None:
    out = formula_session(equipment_out(soreness_ratings={"quads": 10}))

    assert [row.skip_reason for row in configured(out)] == [SEVERE_SORENESS, SEVERE_SORENESS]
    bodyweight = out.auxiliary_work[2:]
    assert [row.exercise for row in bodyweight] == ["Jump Squat", "Pistol Squat"]
    assert all(not row.skipped and len(row.sets) == 3 for row in bodyweight)
    assert len(out.rest_recommendations.auxiliary) == 4


@pytest.mark.parametrize(
    ("configured_count", "bodyweight_rows"), [(3, 2), (4, 1), (5, 0)], ids=["3", "4", "5"]
)
def test_bodyweight_compensation_fills_only_the_slots_left_under_five(
    configured_count: int, bodyweight_rows: int
) -> None:
    names = ("Pause Squat", "Barbell Box Squat", "Leg Press", "Hack Squat", "Barbell Front Squat")
    out = formula_session(equipment_out(active_auxiliaries=names[:configured_count]))

    assert len(out.auxiliary_work) == configured_count + bodyweight_rows
    extra = [row.exercise for row in out.auxiliary_work[configured_count:]]
    assert extra == ["Jump Squat", "Pistol Squat"][:bodyweight_rows]
    assert len([row for row in out.auxiliary_work if not row.skipped]) <= 5


def test_missing_equipment_with_a_pool_keeps_at_most_five_active_accessories() -> None:
    out = formula_session(
        equipment_out(
            auxiliary_pool=("Toes to Bar", "Barbell Hang Clean", "Dumbbell Fly", "Barbell Curl")
        )
    )

    active = [row for row in out.auxiliary_work if not row.skipped]
    assert len(active) <= 5
    assert len(active) == 5  # weekly volume is empty, so top-ups fill the last slot
    assert [row.exercise for row in out.auxiliary_work[:4]] == [
        "Pause Squat",
        "Barbell Box Squat",
        "Jump Squat",
        "Pistol Squat",
    ]
    assert len(out.rest_recommendations.auxiliary) == len(out.auxiliary_work)


# --- §9.6 GH#217: accessories follow the main lift's reductions -----------------------------


def test_gh217_stacked_penalties_carry_into_the_accessories() -> None:
    out = formula_session(
        make_input(
            active_auxiliaries=UNKNOWN_AUX,
            sleep_quality=2,
            energy_level=2,
            cycle_phase="late_luteal",
            soreness_ratings={"quads": 6},
        )
    )

    assert len(out.main_lift_sets) == 1
    # 95 x 0.95 x 0.95 = 85.7 -> 85
    assert [aux_shape(row) for row in out.auxiliary_work] == [(2, 85.0, 10), (2, 85.0, 10)]


def test_gh217_moderate_injury_caps_the_accessories_at_sixty_percent() -> None:
    out = formula_session(
        make_input(
            active_auxiliaries=UNKNOWN_AUX,
            active_disruptions=(make_disruption("moderate", None),),
        )
    )

    assert len(out.main_lift_sets) == 1
    # 95 x 0.6 = 57 -> 57.5
    assert [aux_shape(row) for row in out.auxiliary_work] == [(2, 57.5, 10), (2, 57.5, 10)]


def test_gh217_major_disruption_suppresses_the_accessories_with_the_main_lift() -> None:
    out = formula_session(
        make_input(
            active_auxiliaries=UNKNOWN_AUX,
            active_disruptions=(make_disruption("major", None),),
        )
    )

    assert out.skipped_main_lift is True
    assert len(out.auxiliary_work) == 2
    assert all(row.skipped and row.sets == () for row in out.auxiliary_work)
    assert {row.skip_reason for row in out.auxiliary_work} == {MAIN_SKIPPED}
    assert out.rest_recommendations.auxiliary == (90, 90)
    assert out.rest_recommendations.main_lift == ()


def test_gh217_deload_accessories_ignore_the_same_penalties() -> None:
    out = formula_session(
        make_input(
            intensity_type="deload",
            active_auxiliaries=UNKNOWN_AUX,
            sleep_quality=2,
            energy_level=2,
            cycle_phase="late_luteal",
            soreness_ratings={"quads": 6},
        )
    )

    # deload ratios only: 3 x 0.67 -> 2 sets, 95 x 0.5 = 47.5
    assert [aux_shape(row) for row in out.auxiliary_work] == [(2, 47.5, 10), (2, 47.5, 10)]


def test_gh217_clean_day_keeps_three_full_accessory_sets() -> None:
    out = formula_session(make_input(active_auxiliaries=UNKNOWN_AUX))

    assert [aux_shape(row) for row in out.auxiliary_work] == [(3, 95.0, 10), (3, 95.0, 10)]


# --- §9.6 rest ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "inp",
    [
        pytest.param(make_input(block_number=3), id="male-B3-heavy"),
        pytest.param(
            make_input(block_number=2, intensity_type="rep", formula_config=FEMALE_FORMULA_CONFIG),
            id="female-B2-rep",
        ),
        pytest.param(make_input(intensity_type="deload"), id="deload"),
        pytest.param(make_input(soreness_ratings={"quads": 10}), id="skipped-rows"),
    ],
)
def test_every_accessory_row_rests_ninety_seconds(inp: JITInput) -> None:
    out = formula_session(inp)

    assert out.rest_recommendations.auxiliary == (90,) * len(out.auxiliary_work)
    assert len(out.rest_recommendations.main_lift) == len(out.main_lift_sets)


def test_a_skipped_main_lift_still_rests_after_each_accessory_row() -> None:
    out = formula_session(make_input(weekly_volume_to_date={"quads": 21}))

    assert out.skipped_main_lift is True
    assert out.rest_recommendations.main_lift == ()
    assert out.rest_recommendations.auxiliary == (90, 90)
    assert {row.skip_reason for row in out.auxiliary_work} == {MAIN_SKIPPED}


# --- §9.7 processAuxExercise: post-main fatigue ---------------------------------------------


def accessory_on(
    intensity: IntensityType, exercise: str = "Pause Squat", *, main_sets: int = 2
) -> AuxiliaryWork:
    """One configured accessory after `main_sets` main sets, with neutral main-lift ratios."""
    inp = make_input(intensity_type=intensity)
    ctx = AccessoryContext(
        inp=inp,
        book=ExerciseBook.for_input(inp),
        primary_muscles=PRIMARY_MUSCLES[inp.primary_lift],
        main_set_count=main_sets,
        main_skipped=False,
        soreness=1,
        volume_ratio=1.0,
        intensity_ratio=1.0,
        no_equipment=False,
    )
    planned = configured_accessory(ctx, exercise)
    assert planned.warnings == ()
    return planned.row


def test_fatigue_discount_is_deepest_after_heavy_work_and_absent_after_a_deload() -> None:
    weights = {
        intensity: aux_shape(accessory_on(intensity))[1]
        for intensity in (
            IntensityType.HEAVY,
            IntensityType.REP,
            IntensityType.EXPLOSIVE,
            IntensityType.DELOAD,
        )
    }

    # 105 x 0.85 / 0.90 / 0.95 / 1.0
    assert weights == {
        IntensityType.HEAVY: 90.0,
        IntensityType.REP: 95.0,
        IntensityType.EXPLOSIVE: 100.0,
        IntensityType.DELOAD: 105.0,
    }


def test_no_fatigue_discount_when_the_accessory_misses_the_main_lift_muscles() -> None:
    assert aux_shape(accessory_on(IntensityType.HEAVY, "Barbell Curl")) == (3, 27.5, 10)


def test_no_fatigue_discount_without_main_sets() -> None:
    assert aux_shape(accessory_on(IntensityType.HEAVY, main_sets=0)) == (3, 105.0, 4)


def test_explosive_day_accessories_are_heavier_than_heavy_day_ones() -> None:
    heavy = formula_session(make_input())
    explosive = formula_session(make_input(intensity_type="explosive"))

    for exercise in ("Pause Squat", "Barbell Box Squat"):
        assert aux_shape(aux(explosive, exercise))[1] > aux_shape(aux(heavy, exercise))[1]


# --- §9.7 processAuxExercise: history anchors -----------------------------------------------


def anchored(entries: tuple[AuxHistoryEntry, ...], **overrides: Any) -> JITOutput:
    return formula_session(make_input(aux_history={"pause-squat": entries}, now=NOW, **overrides))


def test_a_history_anchor_is_served_without_the_fatigue_discount() -> None:
    out = anchored(history(95.0, 95.0, 95.0))

    row = aux(out, "Pause Squat")
    assert row.anchor is not None
    assert row.anchor.source == "history"
    assert row.anchor.anchor_base_kg == 95.0
    assert row.anchor.formula_weight_kg == pytest.approx(105.0)
    assert aux_shape(row) == (3, 95.0, 4)


def test_a_blend_anchor_still_gets_the_fatigue_discount() -> None:
    # one session at 90: 105 + (90 - 105) x 1/3 = 100 -> x 0.85 = 85
    out = anchored(history(90.0))

    row = aux(out, "Pause Squat")
    assert row.anchor is not None
    assert row.anchor.source == "blend"
    assert row.anchor.anchor_base_kg == pytest.approx(100.0)
    assert aux_shape(row) == (3, 85.0, 4)


def test_a_snap_anchor_is_served_without_the_fatigue_discount() -> None:
    # prescribed 90 twice, lifted 100 twice: the lifter's number is adopted
    out = anchored(history(100.0, 100.0, prescribed=90.0))

    row = aux(out, "Pause Squat")
    assert row.anchor is not None
    assert row.anchor.source == "snap"
    assert row.anchor.confidence == "high"
    assert aux_shape(row) == (3, 100.0, 4)


@pytest.mark.parametrize(
    "entries",
    [
        pytest.param(history(95.0, 95.0, 95.0, days_ago=(100, 103, 106)), id="stale"),
        pytest.param(history(0.0, 0.0), id="no-usable-weights"),
    ],
)
def test_a_formula_source_anchor_prescribes_exactly_the_unanchored_weight(
    entries: tuple[AuxHistoryEntry, ...],
) -> None:
    plain = formula_session(make_input(now=NOW))
    out = anchored(entries)

    row = aux(out, "Pause Squat")
    assert row.anchor is not None
    assert row.anchor.source == "formula"
    assert aux_shape(row) == aux_shape(aux(plain, "Pause Squat")) == (3, 90.0, 4)


def test_severe_soreness_skip_keeps_the_anchor_metadata() -> None:
    out = anchored(history(95.0, 95.0, 95.0), soreness_ratings={"quads": 9})

    row = aux(out, "Pause Squat")
    assert row.skipped is True
    assert row.skip_reason == SEVERE_SORENESS
    assert row.anchor is not None
    assert row.anchor.source == "history"
    assert row.anchor.anchor_base_kg == 95.0


def test_main_lift_skip_keeps_the_anchor_metadata() -> None:
    out = anchored(
        history(95.0, 95.0, 95.0), active_disruptions=(make_disruption("major", "squat"),)
    )

    row = aux(out, "Pause Squat")
    assert row.skipped is True
    assert row.skip_reason == MAIN_SKIPPED
    assert row.anchor is not None
    assert row.anchor.source == "history"


def test_history_of_one_accessory_does_not_anchor_the_other() -> None:
    out = anchored(history(95.0, 95.0, 95.0))

    assert aux(out, "Barbell Box Squat").anchor is None
    assert aux_shape(aux(out, "Barbell Box Squat")) == (3, 82.5, 4)


# --- deliberate departures touching accessories ---------------------------------------------


def test_d10_major_injury_beats_recovery_mode_and_suppresses_the_accessories() -> None:
    out = formula_session(
        make_input(soreness_ratings={"quads": 10}, active_disruptions=(make_disruption("major"),))
    )

    assert out.skipped_main_lift is True
    assert out.main_lift_sets == ()
    assert {row.skip_reason for row in out.auxiliary_work} == {MAIN_SKIPPED}


def test_d9_deload_at_the_quad_mrv_keeps_the_main_lift_but_skips_the_accessories() -> None:
    out = formula_session(make_input(intensity_type="deload", weekly_volume_to_date={"quads": 20}))

    assert out.skipped_main_lift is False
    assert len(out.main_lift_sets) == 3
    assert {row.skip_reason for row in out.auxiliary_work} == {"MRV approaching for quads"}
    assert out.warnings == (
        "Approaching MRV for quads — Pause Squat skipped",
        "Approaching MRV for quads — Barbell Box Squat skipped",
    )
