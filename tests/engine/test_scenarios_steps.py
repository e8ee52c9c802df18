"""Scenario tests: each pipeline step's rules, observed through `formula_session`
(domain-reference §9.7 step-level tests; rules in §3.3-§3.11).

Parakeet tests these steps one by one; here each rule is pinned through the whole session, with
the other signals neutral so the step under test is the only thing that moves the numbers.
"""

from __future__ import annotations

from typing import Any

import pytest

from shared_types.outputs import JITOutput
from tests.factories import make_disruption, make_female_input, make_input, make_logs
from training_engine.session import formula_session


def main_lift_warnings(out: JITOutput) -> tuple[str, ...]:
    """Warnings about the main lift (accessory skips raise their own, checked elsewhere)."""
    skipped = {f"— {row.exercise} skipped" for row in out.auxiliary_work}
    return tuple(w for w in out.warnings if not any(w.endswith(s) for s in skipped))


def main_weight(out: JITOutput) -> float:
    """The one working weight of a straight-set session."""
    weights = {s.weight_kg for s in out.main_lift_sets}
    assert len(weights) == 1, f"expected straight sets, got {weights}"
    return weights.pop()


def mentions(out: JITOutput, word: str) -> bool:
    return any(word.lower() in line.lower() for line in out.rationale)


def gap_logs(n: int, gap: float, target: float = 8.0) -> Any:
    """n recent logs that each felt `gap` RPE easier than targeted (parakeet's makeRecentLogs)."""
    return make_logs(*[(target - gap, target)] * n)


def deviation_logs(deviation: float, target: float = 8.5) -> Any:
    """Two recent logs whose actual RPE is `deviation` above target."""
    return make_logs((target + deviation, target), (target + deviation, target))


# --- RPE-history step (§3.4) ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("deviation", "multiplier", "weight"),
    [
        pytest.param(0.74, 1.0, 112.5, id="+0.74-none"),
        pytest.param(0.75, 0.975, 110.0, id="+0.75-small-cut"),
        pytest.param(1.24, 0.975, 110.0, id="+1.24-small-cut"),
        pytest.param(1.25, 0.95, 107.5, id="+1.25-large-cut"),
        pytest.param(-0.74, 1.0, 112.5, id="-0.74-none"),
        pytest.param(-0.75, 1.025, 115.0, id="-0.75-small-boost"),
        pytest.param(-1.24, 1.025, 115.0, id="-1.24-small-boost"),
        pytest.param(-1.25, 1.05, 117.5, id="-1.25-large-boost"),
    ],
)
def test_rpe_deviation_thresholds_pick_the_load_multiplier(
    deviation: float, multiplier: float, weight: float
) -> None:
    out = formula_session(make_input(recent_logs=deviation_logs(deviation)))

    assert out.intensity_modifier == pytest.approx(multiplier)
    assert main_weight(out) == weight
    assert mentions(out, "last two sessions") is (multiplier != 1.0)


def test_rpe_history_needs_two_logs_with_an_rpe() -> None:
    single = formula_session(make_input(recent_logs=make_logs((10.0, 8.5))))
    one_rated = formula_session(make_input(recent_logs=make_logs((None, 8.5), (10.0, 8.5))))

    for out in (single, one_rated):
        assert out.intensity_modifier == 1.0
        assert main_weight(out) == 112.5
        assert not mentions(out, "last two sessions")


def test_rpe_history_skips_logs_without_an_rpe() -> None:
    out = formula_session(make_input(recent_logs=make_logs((None, 8.5), (9.75, 8.5), (9.75, 8.5))))

    assert out.intensity_modifier == pytest.approx(0.95)
    assert main_weight(out) == 107.5


def test_rpe_history_reads_only_the_two_newest_logs() -> None:
    out = formula_session(
        make_input(recent_logs=make_logs((8.5, 8.5), (8.5, 8.5), (10.0, 8.5), (10.0, 8.5)))
    )

    assert out.intensity_modifier == 1.0
    assert main_weight(out) == 112.5


# --- volume calibration step (§3.3) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "sets"),
    [
        pytest.param({}, 2, id="no-data"),
        pytest.param({"recent_logs": gap_logs(3, 1.5)}, 3, id="gap-1.5-plus-one"),
        pytest.param(
            {
                "recent_logs": gap_logs(3, 2.0),
                "sleep_quality": 5,
                "energy_level": 5,
                "soreness_ratings": {"quads": 2},
            },
            4,
            id="gap-2-fresh-and-rested-plus-two",
        ),
        pytest.param({"recent_logs": gap_logs(3, -1.5)}, 1, id="gap-minus-1.5-minus-one"),
        pytest.param({"recent_logs": gap_logs(3, -3.0, target=7.0)}, 1, id="gap-minus-3-floor"),
        pytest.param({"capacity_history": (3, 3, 3)}, 3, id="capacity-3"),
        pytest.param({"weekly_mismatch_direction": "recovering_well"}, 3, id="recovering-well"),
        pytest.param({"recent_logs": gap_logs(1, 3.0)}, 2, id="single-log"),
        pytest.param(
            {"modifier_calibrations": {"soreness": 0.05, "readiness": 0.04}},
            3,
            id="calibrations-sum-0.09",
        ),
        pytest.param(
            {"modifier_calibrations": {"soreness": 0.03, "readiness": 0.02}},
            2,
            id="calibrations-sum-0.05",
        ),
        pytest.param({"week_number": 1, "recent_logs": gap_logs(3, 0.8)}, 2, id="week1-gap-0.8"),
        pytest.param({"week_number": 2, "recent_logs": gap_logs(3, 0.8)}, 3, id="week2-gap-0.8"),
        pytest.param({"week_number": 3, "recent_logs": gap_logs(3, 0.8)}, 4, id="week3-gap-0.8"),
    ],
)
def test_volume_calibration_adds_or_removes_sets_from_recovery_signals(
    overrides: dict[str, Any], sets: int
) -> None:
    out = formula_session(make_input(**overrides))

    assert len(out.main_lift_sets) == sets
    assert mentions(out, "volume calibration") is (sets != 2)


def test_volume_calibration_is_clamped_at_three_extra_sets() -> None:
    out = formula_session(
        make_input(
            week_number=3,
            recent_logs=gap_logs(3, 2.0),
            sleep_quality=5,
            energy_level=5,
            capacity_history=(4, 4),
            weekly_mismatch_direction="recovering_well",
            modifier_calibrations={"soreness": 0.05, "readiness": 0.04},
        )
    )

    assert len(out.main_lift_sets) == 5


def test_volume_calibration_never_adds_sets_past_the_mrv() -> None:
    out = formula_session(
        make_input(recent_logs=gap_logs(3, 1.5), weekly_volume_to_date={"quads": 18})
    )

    assert len(out.main_lift_sets) == 2
    assert not mentions(out, "volume calibration")
    assert main_lift_warnings(out) == ()


def test_volume_calibration_extends_with_copies_of_the_last_base_set() -> None:
    out = formula_session(make_input(block_number=3, recent_logs=gap_logs(3, 1.5)))

    assert [s.set_number for s in out.main_lift_sets] == [1, 2, 3, 4, 5]
    assert {(s.reps, s.reps_range, s.rpe_target) for s in out.main_lift_sets} == {(1, (1, 2), 9.5)}
    assert len({s.weight_kg for s in out.main_lift_sets}) == 1
    assert out.volume_modifier == pytest.approx(5 / 4)


@pytest.mark.parametrize("week", [1, 3])
def test_volume_calibration_leaves_a_deload_alone(week: int) -> None:
    out = formula_session(
        make_input(intensity_type="deload", week_number=week, recent_logs=gap_logs(3, 1.5))
    )

    assert len(out.main_lift_sets) == 3
    assert not mentions(out, "volume calibration")


def test_high_soreness_blocks_the_progressive_week_boost() -> None:
    """Week 3 gap 0.8 would add 2 sets; with quads 8 nothing is added and soreness cuts to 1."""
    out = formula_session(
        make_input(week_number=3, recent_logs=gap_logs(3, 0.8), soreness_ratings={"quads": 8})
    )

    assert len(out.main_lift_sets) == 1
    assert not mentions(out, "volume calibration")


def test_calibration_adds_a_set_that_moderate_soreness_then_takes_back() -> None:
    out = formula_session(make_input(recent_logs=gap_logs(3, 1.5), soreness_ratings={"quads": 6}))

    assert len(out.main_lift_sets) == 2
    assert mentions(out, "volume calibration")
    assert mentions(out, "soreness")
    assert out.volume_reductions is not None
    assert {s.source: s.sets_removed for s in out.volume_reductions.sources} == {"soreness": 1}


# --- MRV step (§3.9) ------------------------------------------------------------------------


def test_mrv_cap_is_not_applied_to_a_recovery_session() -> None:
    out = formula_session(
        make_input(soreness_ratings={"quads": 10}, weekly_volume_to_date={"quads": 25})
    )

    assert out.skipped_main_lift is False
    assert len(out.main_lift_sets) == 3
    assert main_lift_warnings(out) == ()


@pytest.mark.parametrize("weekly", [20.0, 25.0])
def test_no_room_left_under_the_mrv_skips_the_main_lift(weekly: float) -> None:
    out = formula_session(make_input(weekly_volume_to_date={"quads": weekly}))

    assert out.skipped_main_lift is True
    assert out.main_lift_sets == ()
    assert out.volume_modifier == 0.0
    assert main_lift_warnings(out) == ("MRV exceeded for quads — main lift skipped",)


def test_less_room_than_planned_caps_the_sets() -> None:
    out = formula_session(make_input(weekly_volume_to_date={"quads": 19}))

    assert len(out.main_lift_sets) == 1
    assert main_weight(out) == 112.5
    assert out.skipped_main_lift is False
    assert main_lift_warnings(out) == ("Approaching MRV for quads — sets capped at 1",)


def test_room_equal_to_the_plan_changes_nothing() -> None:
    out = formula_session(make_input(weekly_volume_to_date={"quads": 18}))

    assert len(out.main_lift_sets) == 2
    assert main_lift_warnings(out) == ()


def test_the_most_restrictive_muscle_sets_the_cap() -> None:
    out = formula_session(
        make_input(block_number=3, weekly_volume_to_date={"quads": 17, "glutes": 21})
    )

    assert len(out.main_lift_sets) == 1
    assert main_lift_warnings(out) == (
        "Approaching MRV for quads — sets capped at 3",
        "Approaching MRV for glutes — sets capped at 1",
    )


def test_a_muscle_at_mrv_skips_even_after_another_muscle_capped() -> None:
    out = formula_session(make_input(weekly_volume_to_date={"quads": 19, "lower_back": 18}))

    assert out.skipped_main_lift is True
    assert out.main_lift_sets == ()
    assert "MRV exceeded for lower_back — main lift skipped" in out.warnings


def test_hamstrings_do_not_limit_a_squat_day() -> None:
    out = formula_session(make_input(weekly_volume_to_date={"hamstrings": 100}))

    assert len(out.main_lift_sets) == 2
    assert main_lift_warnings(out) == ()


def test_fractional_room_below_one_set_skips_with_a_warning() -> None:
    """Our deliberate difference: parakeet would return 0 sets without the skip flag."""
    out = formula_session(make_input(weekly_volume_to_date={"quads": 19.5}))

    assert out.skipped_main_lift is True
    assert out.main_lift_sets == ()
    assert main_lift_warnings(out) == ("MRV exceeded for quads — main lift skipped",)


def test_mrv_no_longer_skips_a_deload() -> None:
    """§10.2-4: parakeet skips a deload with quads at MRV; we keep it (deviation D9)."""
    out = formula_session(make_input(intensity_type="deload", weekly_volume_to_date={"quads": 20}))

    assert out.skipped_main_lift is False
    assert [s.weight_kg for s in out.main_lift_sets] == [55.0] * 3
    assert main_lift_warnings(out) == ()


# --- soreness step (§3.8) -------------------------------------------------------------------


@pytest.mark.parametrize("rating", [5, 8, 10])
def test_soreness_is_ignored_on_a_deload(rating: int) -> None:
    out = formula_session(make_input(intensity_type="deload", soreness_ratings={"quads": rating}))

    assert len(out.main_lift_sets) == 3
    assert main_weight(out) == 55.0
    assert out.intensity_modifier == 1.0


def test_soreness_nine_is_already_a_recovery_session() -> None:
    out = formula_session(
        make_input(soreness_ratings={"quads": 9}, modifier_calibrations={"soreness": 0.05})
    )

    assert [(s.weight_kg, s.reps, s.rpe_target) for s in out.main_lift_sets] == [(45.0, 5, 5.0)] * 3
    assert out.intensity_modifier == 0.4
    assert out.volume_reductions is None


@pytest.mark.parametrize("rating", [1, 2, 3, 4])
def test_fresh_muscles_change_nothing(rating: int) -> None:
    out = formula_session(make_input(soreness_ratings={"quads": rating, "glutes": rating}))

    assert len(out.main_lift_sets) == 2
    assert main_weight(out) == 112.5
    assert not mentions(out, "soreness")


def test_the_worst_primary_muscle_decides_the_soreness_tier() -> None:
    out = formula_session(make_input(soreness_ratings={"quads": 2, "lower_back": 7}))

    assert len(out.main_lift_sets) == 1
    assert main_weight(out) == 107.5


def test_high_soreness_removes_two_sets_and_five_percent_for_men() -> None:
    out = formula_session(make_input(block_number=3, soreness_ratings={"quads": 7}))

    assert len(out.main_lift_sets) == 2
    assert out.intensity_modifier == pytest.approx(0.95)
    assert main_weight(out) == 120.0


def test_high_soreness_removes_one_set_and_three_percent_for_women() -> None:
    out = formula_session(make_female_input(block_number=3, soreness_ratings={"quads": 7}))

    assert len(out.main_lift_sets) == 3
    assert out.intensity_modifier == pytest.approx(0.97)
    assert main_weight(out) == 122.5


def test_soreness_never_takes_the_last_set() -> None:
    out = formula_session(make_input(soreness_ratings={"quads": 8}))

    assert len(out.main_lift_sets) == 1


def test_soreness_calibration_softens_the_load_cut() -> None:
    out = formula_session(
        make_input(soreness_ratings={"quads": 7}, modifier_calibrations={"soreness": 0.03})
    )

    assert out.intensity_modifier == pytest.approx(0.98)
    assert main_weight(out) == 110.0


def test_soreness_calibration_has_no_effect_without_a_load_cut() -> None:
    out = formula_session(
        make_input(soreness_ratings={"quads": 5}, modifier_calibrations={"soreness": 0.05})
    )

    assert len(out.main_lift_sets) == 1
    assert out.intensity_modifier == 1.0
    assert main_weight(out) == 112.5


# --- readiness step (§3.6) ------------------------------------------------------------------


def test_readiness_is_ignored_on_a_deload() -> None:
    out = formula_session(make_input(intensity_type="deload", sleep_quality=1, energy_level=1))

    assert len(out.main_lift_sets) == 3
    assert main_weight(out) == 55.0


@pytest.mark.parametrize(
    ("sleep", "energy", "sets", "multiplier", "weight"),
    [
        pytest.param(None, None, 2, 1.0, 112.5, id="unknown"),
        pytest.param(3, 3, 2, 1.0, 112.5, id="ok-ok"),
        pytest.param(1, None, 2, 0.975, 110.0, id="poor-sleep"),
        pytest.param(None, 1, 2, 0.975, 110.0, id="low-energy"),
        pytest.param(2, 3, 2, 0.975, 110.0, id="sleep-2"),
        pytest.param(1, 1, 1, 0.95, 107.5, id="poor-sleep-low-energy"),
        pytest.param(2, 2, 1, 0.95, 107.5, id="sleep-2-energy-2"),
        pytest.param(5, 5, 2, 1.025, 115.0, id="great-both"),
        pytest.param(4, 4, 2, 1.025, 115.0, id="good-both"),
        pytest.param(5, None, 2, 1.0, 112.5, id="only-sleep-great"),
        pytest.param(5, 3, 2, 1.0, 112.5, id="sleep-great-energy-ok"),
    ],
)
def test_sleep_and_energy_adjust_sets_and_load(
    sleep: int | None, energy: int | None, sets: int, multiplier: float, weight: float
) -> None:
    out = formula_session(make_input(sleep_quality=sleep, energy_level=energy))

    assert len(out.main_lift_sets) == sets
    assert out.intensity_modifier == pytest.approx(multiplier)
    assert main_weight(out) == weight
    assert len(out.rationale) == (1 if multiplier == 1.0 else 2)


def test_readiness_calibration_softens_a_poor_sleep_cut() -> None:
    out = formula_session(make_input(sleep_quality=1, modifier_calibrations={"readiness": 0.02}))

    assert out.intensity_modifier == pytest.approx(0.995)


def test_readiness_calibration_is_ignored_when_readiness_is_neutral() -> None:
    out = formula_session(
        make_input(sleep_quality=3, energy_level=3, modifier_calibrations={"readiness": 0.05})
    )

    assert out.intensity_modifier == 1.0
    assert main_weight(out) == 112.5


# --- cycle-phase step (§3.7) ----------------------------------------------------------------


@pytest.mark.parametrize("phase", ["menstrual", "late_luteal"])
def test_cycle_phase_is_ignored_on_a_deload(phase: str) -> None:
    out = formula_session(make_female_input(intensity_type="deload", cycle_phase=phase))

    assert len(out.main_lift_sets) == 3
    assert main_weight(out) == 55.0
    assert not any("phase" in line.lower() for line in out.rationale)


@pytest.mark.parametrize(
    ("phase", "sets", "multiplier", "weight"),
    [
        pytest.param("menstrual", 1, 0.95, 107.5, id="menstrual"),
        pytest.param("late_luteal", 1, 0.95, 107.5, id="late-luteal"),
        pytest.param("luteal", 2, 0.975, 110.0, id="luteal"),
        pytest.param("follicular", 2, 1.0, 112.5, id="follicular"),
        pytest.param("ovulatory", 2, 1.0, 112.5, id="ovulatory"),
        pytest.param(None, 2, 1.0, 112.5, id="no-phase"),
    ],
)
def test_cycle_phase_adjusts_sets_and_load(
    phase: str | None, sets: int, multiplier: float, weight: float
) -> None:
    out = formula_session(make_input(biological_sex="female", cycle_phase=phase))

    assert len(out.main_lift_sets) == sets
    assert out.intensity_modifier == pytest.approx(multiplier)
    assert main_weight(out) == weight
    assert len(out.rationale) == (1 if multiplier == 1.0 else 2)


# --- disruption step (§3.10) ----------------------------------------------------------------


@pytest.mark.parametrize("severity", ["moderate", "major"])
def test_a_deload_proceeds_unchanged_through_a_disruption(severity: str) -> None:
    out = formula_session(
        make_input(intensity_type="deload", active_disruptions=(make_disruption(severity),))
    )

    assert out.skipped_main_lift is False
    assert len(out.main_lift_sets) == 3
    assert main_weight(out) == 55.0
    # The deload's own line (D13), the disruption note, the deload accessories' line.
    assert len(out.rationale) == 3
    assert "stays as planned" in out.rationale[1]


def test_a_deload_without_disruption_has_no_disruption_line() -> None:
    out = formula_session(make_input(intensity_type="deload"))

    assert not any("disruption" in line.lower() for line in out.rationale)


def test_moderate_injury_halves_sets_and_caps_load_at_sixty_percent() -> None:
    out = formula_session(make_input(active_disruptions=(make_disruption("moderate"),)))

    assert len(out.main_lift_sets) == 1
    assert out.intensity_modifier == pytest.approx(0.6)
    assert main_weight(out) == 67.5
    assert mentions(out, "injury")


def test_moderate_missing_equipment_names_the_type_and_keeps_the_load() -> None:
    out = formula_session(
        make_input(
            active_disruptions=(
                make_disruption("moderate", disruption_type="equipment_unavailable"),
            )
        )
    )

    assert len(out.main_lift_sets) == 1
    assert out.intensity_modifier == 1.0
    assert main_weight(out) == 112.5
    assert mentions(out, "equipment unavailable")


def test_minor_injury_caps_load_at_eighty_percent_and_keeps_the_sets() -> None:
    out = formula_session(make_input(active_disruptions=(make_disruption("minor"),)))

    assert len(out.main_lift_sets) == 2
    assert out.intensity_modifier == pytest.approx(0.8)
    assert main_weight(out) == 90.0


def test_major_injury_skips_the_main_lift() -> None:
    out = formula_session(make_input(active_disruptions=(make_disruption("major"),)))

    assert out.skipped_main_lift is True
    assert out.main_lift_sets == ()
    assert out.warmup_sets == ()
    assert mentions(out, "injury")


@pytest.mark.parametrize(
    ("overrides", "sets"),
    [
        pytest.param({}, 1, id="2-to-1"),
        pytest.param({"block_number": 3}, 2, id="4-to-2"),
        pytest.param({"block_number": 3, "sleep_quality": 1, "energy_level": 1}, 2, id="3-to-2"),
    ],
)
def test_moderate_disruption_halves_the_sets_entering_the_step(
    overrides: dict[str, Any], sets: int
) -> None:
    out = formula_session(
        make_input(active_disruptions=(make_disruption("moderate"),), **overrides)
    )

    assert len(out.main_lift_sets) == sets


@pytest.mark.parametrize(
    ("disruption_type", "severity", "multiplier"),
    [
        ("illness", "moderate", 0.75),
        ("illness", "minor", 1.0),
        ("travel", "moderate", 0.7),
        ("travel", "minor", 0.7),
        ("fatigue", "moderate", 0.8),
        ("fatigue", "minor", 0.9),
        ("unprogrammed_event", "moderate", 1.0),
        ("other", "minor", 1.0),
    ],
)
def test_each_disruption_type_caps_the_load_by_its_reduction(
    disruption_type: str, severity: str, multiplier: float
) -> None:
    out = formula_session(
        make_input(active_disruptions=(make_disruption(severity, disruption_type=disruption_type),))
    )

    assert out.intensity_modifier == pytest.approx(multiplier)
    assert len(out.main_lift_sets) == (1 if severity == "moderate" else 2)


@pytest.mark.parametrize("disruption_type", ["travel", "equipment_unavailable", "other"])
def test_any_major_disruption_skips_the_main_lift(disruption_type: str) -> None:
    out = formula_session(
        make_input(active_disruptions=(make_disruption("major", disruption_type=disruption_type),))
    )

    assert out.skipped_main_lift is True
    assert out.main_lift_sets == ()


def test_the_disruption_cap_does_not_stack_on_a_deeper_reduction() -> None:
    """Intensity becomes min(current, 1 - pct): minor fatigue (0.9) after 0.95 soreness -> 0.9."""
    out = formula_session(
        make_input(
            soreness_ratings={"quads": 8},
            active_disruptions=(make_disruption("minor", disruption_type="fatigue"),),
        )
    )

    assert out.intensity_modifier == pytest.approx(0.9)
    assert main_weight(out) == 102.5


# --- rep-range step (§3.5) ------------------------------------------------------------------


@pytest.mark.parametrize(("intensity", "reps"), [("heavy", 5), ("explosive", 8)])
def test_rep_range_step_leaves_heavy_and_explosive_days_alone(intensity: str, reps: int) -> None:
    out = formula_session(make_input(intensity_type=intensity, recent_logs=deviation_logs(-1.5)))

    assert {s.reps for s in out.main_lift_sets} == {reps}
    assert not mentions(out, "top of the range")


@pytest.mark.parametrize(
    "logs",
    [
        pytest.param(make_logs((6.0, 8.0)), id="single-log"),
        pytest.param(make_logs((None, 8.0), (6.0, 8.0)), id="one-rated-log"),
        pytest.param(deviation_logs(0.0, 8.0), id="dev-0"),
        pytest.param(deviation_logs(1.0, 8.0), id="dev-plus-1"),
        pytest.param(deviation_logs(-0.75, 8.0), id="dev-minus-0.75"),
        pytest.param(deviation_logs(-1.0, 8.0), id="dev-minus-1"),
    ],
)
def test_rep_range_step_needs_a_large_negative_deviation(logs: Any) -> None:
    out = formula_session(make_input(intensity_type="rep", recent_logs=logs))

    assert {s.reps for s in out.main_lift_sets} == {8}
    assert not mentions(out, "top of the range")


@pytest.mark.parametrize(("block", "reps"), [(1, 12), (2, 8), (3, 5)])
def test_rep_range_step_prescribes_the_top_of_each_blocks_range(block: int, reps: int) -> None:
    out = formula_session(
        make_input(intensity_type="rep", block_number=block, recent_logs=deviation_logs(-1.25, 8.0))
    )

    assert {s.reps for s in out.main_lift_sets} == {reps}
    assert sum("top of the range" in line for line in out.rationale) == 1


def test_recovery_session_keeps_five_reps_after_easy_rep_days() -> None:
    out = formula_session(
        make_input(
            intensity_type="rep",
            recent_logs=deviation_logs(-1.5, 8.0),
            soreness_ratings={"quads": 10},
        )
    )

    assert [(s.reps, s.reps_range) for s in out.main_lift_sets] == [(5, None)] * 3


def test_skipped_rep_day_prescribes_no_reps() -> None:
    out = formula_session(
        make_input(
            intensity_type="rep",
            recent_logs=deviation_logs(-1.5, 8.0),
            active_disruptions=(make_disruption("major"),),
        )
    )

    assert out.skipped_main_lift is True
    assert out.main_lift_sets == ()
