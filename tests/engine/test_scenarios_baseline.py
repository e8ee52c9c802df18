"""Scenario tests: the untouched prescription (domain-reference §9.1, §9.4, §9.7 calculateSets,
initPipeline rationale, §3.15 rest).

Every number marked [run] in the reference is what parakeet's engine printed for the same input.
Accessory work is not built yet, so nothing here looks at `auxiliary_work`.
"""

from __future__ import annotations

from typing import Any

import pytest

from shared_types.config import FormulaConfig
from shared_types.outputs import JITOutput
from tests.factories import make_disruption, make_female_input, make_input, make_logs
from training_engine.accessories.build import DELOAD_ACCESSORIES
from training_engine.defaults import MALE_FORMULA_CONFIG
from training_engine.session import formula_session

ONE_RMS = (60.0, 100.0, 140.0, 220.0)
LIFTS = ("squat", "bench", "deadlift")


def main_weight(out: JITOutput) -> float:
    """The one working weight of a straight-set session."""
    weights = {s.weight_kg for s in out.main_lift_sets}
    assert len(weights) == 1, f"expected straight sets, got {weights}"
    return weights.pop()


def config_with(
    overrides: dict[str, Any], base: FormulaConfig = MALE_FORMULA_CONFIG
) -> FormulaConfig:
    """A formula config with nested fields replaced (a user's saved override)."""

    def merge(target: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
        for key, value in patch.items():
            if isinstance(value, dict):
                target[key] = merge(dict(target[key]), value)
            else:
                target[key] = value
        return target

    return FormulaConfig.model_validate(merge(base.model_dump(), overrides))


# --- §9.1 clean baseline --------------------------------------------------------------------


def test_clean_baseline_prescribes_two_sets_of_five_at_eighty_percent() -> None:
    out = formula_session(make_input())

    assert [(s.set_number, s.weight_kg, s.reps, s.rpe_target) for s in out.main_lift_sets] == [
        (1, 112.5, 5, 8.5),
        (2, 112.5, 5, 8.5),
    ]
    assert all(s.reps_range is None for s in out.main_lift_sets)
    assert out.volume_modifier == 1.0
    assert out.intensity_modifier == 1.0
    assert out.skipped_main_lift is False
    assert out.warnings == ()
    assert out.volume_reductions is None
    assert out.capped_by_rehab is None
    assert out.rehab_cap_kg is None
    assert out.rest_recommendations.main_lift == (180, 180)
    assert len(out.rationale) == 1
    assert "80%" in out.rationale[0]


def test_clean_baseline_warms_up_with_the_standard_ramp_below_the_working_weight() -> None:
    out = formula_session(make_input())

    assert [(w.set_number, w.weight_kg, w.reps) for w in out.warmup_sets] == [
        (1, 45.0, 5),
        (2, 67.5, 3),
        (3, 85.0, 2),
        (4, 102.5, 1),
    ]
    assert all(w.weight_kg < 112.5 for w in out.warmup_sets)
    assert all(w.is_warmup for w in out.warmup_sets)


# --- §9.1 full base matrix ([run]) ----------------------------------------------------------

# (intensity, block) -> (sets, weights for 1RM 60/100/140/220, reps, reps_range, rpe, rest)
MALE_BASE: dict[tuple[str, int], tuple[int, tuple[float, ...], int, Any, float, int]] = {
    ("heavy", 1): (2, (47.5, 80.0, 112.5, 175.0), 5, None, 8.5, 180),
    ("heavy", 2): (2, (50.0, 85.0, 120.0, 187.5), 3, None, 9.0, 210),
    ("heavy", 3): (4, (55.0, 90.0, 125.0, 197.5), 1, (1, 2), 9.5, 300),
    ("explosive", 1): (3, (40.0, 65.0, 90.0, 142.5), 8, None, 7.0, 120),
    ("explosive", 2): (2, (42.5, 70.0, 97.5, 155.0), 6, None, 7.5, 150),
    ("explosive", 3): (2, (45.0, 75.0, 105.0, 165.0), 2, None, 8.0, 180),
    ("rep", 1): (3, (42.5, 70.0, 97.5, 155.0), 8, (8, 12), 8.0, 120),
    ("rep", 2): (3, (47.5, 80.0, 112.5, 175.0), 4, (4, 8), 8.0, 120),
    ("rep", 3): (3, (50.0, 85.0, 120.0, 187.5), 3, (3, 5), 8.5, 150),
    ("deload", 1): (3, (25.0, 40.0, 55.0, 87.5), 5, None, 5.0, 90),
}

# Female defaults: same weights and reps; sets, RPE and rest differ.
FEMALE_SETS_RPE_REST: dict[tuple[str, int], tuple[int, float, int]] = {
    ("heavy", 1): (3, 8.0, 150),
    ("heavy", 2): (3, 8.5, 180),
    ("heavy", 3): (4, 9.0, 270),
    ("explosive", 1): (3, 6.5, 90),
    ("explosive", 2): (2, 7.0, 120),
    ("explosive", 3): (2, 7.5, 150),
    ("rep", 1): (4, 7.5, 90),
    ("rep", 2): (4, 7.5, 90),
    ("rep", 3): (3, 8.0, 120),
    ("deload", 1): (3, 5.0, 90),
}


def _matrix_cases() -> list[Any]:
    """Each (day, block, 1RM) once. The base table, its rounding and the rest do not depend on
    the lift (no overrides, disruptions or weekly volume here), so the lifts take turns."""
    cases = [(day, i, rm) for day in MALE_BASE for i, rm in enumerate(ONE_RMS)]
    return [
        pytest.param(
            LIFTS[n % 3], intensity, block, i, id=f"{LIFTS[n % 3]}-{intensity}-B{block}-{rm:g}kg"
        )
        for n, ((intensity, block), i, rm) in enumerate(cases)
    ]


@pytest.mark.parametrize(("lift", "intensity", "block", "rm_index"), _matrix_cases())
def test_male_base_matrix_matches_the_reference(
    lift: str, intensity: str, block: int, rm_index: int
) -> None:
    sets, weights, reps, reps_range, rpe, rest = MALE_BASE[(intensity, block)]
    out = formula_session(
        make_input(
            primary_lift=lift,
            intensity_type=intensity,
            block_number=block,
            one_rm_kg=ONE_RMS[rm_index],
        )
    )

    assert [s.set_number for s in out.main_lift_sets] == list(range(1, sets + 1))
    assert main_weight(out) == weights[rm_index]
    assert {s.reps for s in out.main_lift_sets} == {reps}
    assert {s.reps_range for s in out.main_lift_sets} == {reps_range}
    assert {s.rpe_target for s in out.main_lift_sets} == {rpe}
    assert out.rest_recommendations.main_lift == (rest,) * sets
    assert out.volume_modifier == 1.0
    assert out.intensity_modifier == 1.0
    assert out.skipped_main_lift is False
    assert out.warnings == ()


@pytest.mark.parametrize(("lift", "intensity", "block", "rm_index"), _matrix_cases())
def test_female_base_matrix_keeps_weights_and_changes_sets_rpe_and_rest(
    lift: str, intensity: str, block: int, rm_index: int
) -> None:
    _, weights, reps, reps_range, _, _ = MALE_BASE[(intensity, block)]
    sets, rpe, rest = FEMALE_SETS_RPE_REST[(intensity, block)]
    out = formula_session(
        make_female_input(
            primary_lift=lift,
            intensity_type=intensity,
            block_number=block,
            one_rm_kg=ONE_RMS[rm_index],
        )
    )

    assert [s.set_number for s in out.main_lift_sets] == list(range(1, sets + 1))
    assert main_weight(out) == weights[rm_index]
    assert {s.reps for s in out.main_lift_sets} == {reps}
    assert {s.reps_range for s in out.main_lift_sets} == {reps_range}
    assert {s.rpe_target for s in out.main_lift_sets} == {rpe}
    assert out.rest_recommendations.main_lift == (rest,) * sets
    assert out.volume_modifier == 1.0
    assert out.skipped_main_lift is False


def test_light_deload_warms_up_with_a_single_bar_set() -> None:
    """Deload at 1RM 60 works at 25 kg (< 40 kg, so minimal); both steps floor to the bar."""
    out = formula_session(make_input(intensity_type="deload", one_rm_kg=60.0))

    assert main_weight(out) == 25.0
    assert [(w.set_number, w.weight_kg, w.reps, w.display_weight) for w in out.warmup_sets] == [
        (1, 20.0, 5, "20 kg (bar)")
    ]


# --- §9.7 calculateSets values -------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "sets", "weight", "reps", "reps_range"),
    [
        pytest.param({}, 2, 112.5, 5, None, id="squat-140-B1-heavy"),
        pytest.param(
            {"primary_lift": "deadlift", "one_rm_kg": 180.0, "block_number": 3},
            4,
            162.5,
            1,
            (1, 2),
            id="deadlift-180-B3-heavy",
        ),
        pytest.param(
            {"primary_lift": "bench", "one_rm_kg": 100.0, "intensity_type": "explosive"},
            3,
            65.0,
            8,
            None,
            id="bench-100-B1-explosive",
        ),
        pytest.param(
            {
                "primary_lift": "bench",
                "one_rm_kg": 100.0,
                "intensity_type": "rep",
                "block_number": 2,
            },
            3,
            80.0,
            4,
            (4, 8),
            id="bench-100-B2-rep",
        ),
        pytest.param({"intensity_type": "deload"}, 3, 55.0, 5, None, id="deload-140"),
    ],
)
def test_base_sets_follow_the_periodisation_table(
    overrides: dict[str, Any], sets: int, weight: float, reps: int, reps_range: Any
) -> None:
    out = formula_session(make_input(**overrides))

    assert len(out.main_lift_sets) == sets
    assert main_weight(out) == weight
    assert {s.reps for s in out.main_lift_sets} == {reps}
    assert {s.reps_range for s in out.main_lift_sets} == {reps_range}


@pytest.mark.parametrize(("increment", "weight"), [(None, 52.5), (2.5, 52.5), (5.0, 50.0)])
def test_base_weight_rounds_to_the_loadable_increment(
    increment: float | None, weight: float
) -> None:
    """Bench 65 kg, B1 heavy: 80% = 52 kg -> 52.5 with 2.5 kg steps, 50 with 5 kg steps."""
    out = formula_session(
        make_input(primary_lift="bench", one_rm_kg=65.0, weight_increment_kg=increment)
    )

    assert main_weight(out) == weight


@pytest.mark.parametrize(("intensity", "block"), list(MALE_BASE))
@pytest.mark.parametrize("one_rm", ONE_RMS)
def test_five_kilo_plates_make_every_main_weight_a_multiple_of_five(
    intensity: str, block: int, one_rm: float
) -> None:
    out = formula_session(
        make_input(
            intensity_type=intensity, block_number=block, one_rm_kg=one_rm, weight_increment_kg=5.0
        )
    )

    assert out.main_lift_sets
    assert all(s.weight_kg % 5 == 0 for s in out.main_lift_sets)


def test_user_pct_override_changes_the_base_weight() -> None:
    config = config_with({"block1": {"heavy": {"pct": 0.75}}})

    out = formula_session(make_input(formula_config=config))

    assert main_weight(out) == 105.0
    assert len(out.main_lift_sets) == 2
    assert {s.reps for s in out.main_lift_sets} == {5}


# --- deliberate difference: never above 1RM ------------------------------------------------


def test_adjustments_never_push_the_main_lift_above_the_one_rep_max() -> None:
    """Our rule (not parakeet's): 1RM 60, base pct 1.0 (60 kg) x 1.05 (easy RPE) stays at 60."""
    config = config_with({"block1": {"heavy": {"pct": 1.0}}})

    out = formula_session(
        make_input(
            formula_config=config,
            one_rm_kg=60.0,
            recent_logs=make_logs((7.0, 8.5), (7.0, 8.5)),
        )
    )

    assert main_weight(out) == 60.0


def test_a_configured_base_above_the_one_rep_max_is_kept() -> None:
    """Our rule: a base the lifter configured above 1RM (pct 1.05 -> 62.5 kg) is their choice."""
    config = config_with({"block1": {"heavy": {"pct": 1.05}}})

    out = formula_session(make_input(formula_config=config, one_rm_kg=60.0))

    assert main_weight(out) == 62.5


# --- §9.7 initPipeline rationale ------------------------------------------------------------


@pytest.mark.parametrize(
    ("intensity", "label", "needle"),
    [
        ("heavy", "Heavy", "maximal strength"),
        ("explosive", "Explosive", "speed"),
        ("rep", "Rep", "8-12"),
    ],
)
def test_session_intent_is_the_only_rationale_on_a_clean_day(
    intensity: str, label: str, needle: str
) -> None:
    out = formula_session(make_input(intensity_type=intensity))

    assert len(out.rationale) == 1
    assert out.rationale[0].startswith(label)
    assert needle in out.rationale[0]


def test_a_deload_says_what_it_serves() -> None:
    # Deviation D13: parakeet gives a deload no reasons at all.
    out = formula_session(make_input(intensity_type="deload"))

    assert out.rationale[0].startswith("Deload day: 3 x 5 reps at 55 kg (40% of your 1RM), RPE 5")
    assert out.rationale[1:] == (DELOAD_ACCESSORIES,)


@pytest.mark.parametrize(("block", "shown"), [(1, 1), (2, 2), (3, 3), (4, 1), (5, 2), (6, 3)])
def test_block_numbers_cycle_through_the_three_block_tables(block: int, shown: int) -> None:
    out = formula_session(make_input(block_number=block))

    assert f"block {shown}" in out.rationale[0].lower()
    assert out.rest_recommendations.main_lift[0] == {1: 180, 2: 210, 3: 300}[shown]


def test_session_intent_shows_the_percentage_of_the_rounded_weight() -> None:
    """47.5 kg of a 60 kg 1RM is 79%, not the configured 80%."""
    out = formula_session(make_input(one_rm_kg=60.0))

    assert "79%" in out.rationale[0]


# --- §9.4 invariants ------------------------------------------------------------------------
# The reference's 36 cases are 3 lifts x 3 days x 4 1RMs; the lift cannot change the untouched
# session (see the base matrix), so the lifts take turns over the 12 (day, 1RM) pairs.


@pytest.mark.parametrize(
    ("lift", "intensity", "one_rm"),
    [
        (LIFTS[n % 3], intensity, one_rm)
        for n, (intensity, one_rm) in enumerate(
            (i, rm) for i in ("heavy", "explosive", "rep") for rm in ONE_RMS
        )
    ],
)
def test_main_lift_invariants_hold_for_every_lift_intensity_and_one_rm(
    lift: str, intensity: str, one_rm: float
) -> None:
    out = formula_session(make_input(primary_lift=lift, intensity_type=intensity, one_rm_kg=one_rm))
    main = out.main_lift_sets

    assert out.skipped_main_lift or len(main) >= 1
    for s in main:
        assert s.weight_kg % 2.5 == 0
        assert 0 <= s.weight_kg <= one_rm
        assert s.rpe_target is not None
        assert 5.0 <= s.rpe_target <= 10.0
    assert [s.set_number for s in main] == list(range(1, len(main) + 1))
    assert len(out.rest_recommendations.main_lift) == len(main)


@pytest.mark.parametrize(
    ("lift", "muscle"), [("squat", "quads"), ("bench", "chest"), ("deadlift", "hamstrings")]
)
def test_severe_soreness_of_the_first_primary_muscle_gives_a_recovery_session(
    lift: str, muscle: str
) -> None:
    out = formula_session(make_input(primary_lift=lift, soreness_ratings={muscle: 10}))

    assert len(out.main_lift_sets) == 3
    assert all(s.rpe_target == 5.0 for s in out.main_lift_sets)
    assert all(s.weight_kg >= 20.0 for s in out.main_lift_sets)
    assert out.skipped_main_lift is False


# --- §9.6 / §3.15 rest ----------------------------------------------------------------------


def test_block_three_heavy_rests_five_minutes_between_every_set() -> None:
    out = formula_session(make_input(block_number=3))

    assert out.rest_recommendations.main_lift == (300, 300, 300, 300)


def test_female_block_two_rep_day_rests_ninety_seconds() -> None:
    out = formula_session(make_female_input(intensity_type="rep", block_number=2))

    assert out.rest_recommendations.main_lift == (90,) * len(out.main_lift_sets)
    assert len(out.main_lift_sets) == 4


def test_deload_rests_ninety_seconds() -> None:
    out = formula_session(make_input(intensity_type="deload"))

    assert out.rest_recommendations.main_lift == (90, 90, 90)


def test_user_rest_override_for_lift_and_intensity_replaces_the_formula_rest() -> None:
    out = formula_session(
        make_input(
            user_rest_overrides=({"lift": "squat", "intensity_type": "heavy", "rest_seconds": 240},)
        )
    )

    assert out.rest_recommendations.main_lift == (240, 240)


CATCH_ALL = {"rest_seconds": 60}
LIFT_ONLY = {"lift": "squat", "rest_seconds": 90}
INTENSITY_ONLY = {"intensity_type": "heavy", "rest_seconds": 120}
EXACT = {"lift": "squat", "intensity_type": "heavy", "rest_seconds": 240}
OTHER_LIFT = {"lift": "bench", "intensity_type": "heavy", "rest_seconds": 30}


@pytest.mark.parametrize(
    ("overrides", "rest"),
    [
        ((CATCH_ALL, LIFT_ONLY, INTENSITY_ONLY, EXACT), 240),
        ((CATCH_ALL, LIFT_ONLY, INTENSITY_ONLY), 120),
        ((CATCH_ALL, LIFT_ONLY), 90),
        ((CATCH_ALL,), 60),
        ((OTHER_LIFT,), 180),
    ],
)
def test_the_most_specific_rest_override_wins(overrides: tuple[Any, ...], rest: int) -> None:
    out = formula_session(make_input(user_rest_overrides=overrides))

    assert out.rest_recommendations.main_lift == (rest, rest)


def test_skipped_main_lift_has_no_main_rest() -> None:
    out = formula_session(make_input(active_disruptions=(make_disruption("major"),)))

    assert out.skipped_main_lift is True
    assert out.rest_recommendations.main_lift == ()
