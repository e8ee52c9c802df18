"""Each deliberate departure from parakeet (docs/deviations.md), pinned by name."""

from __future__ import annotations

from shared_types.config import MrvMevConfig
from tests.factories import make_disruption, make_input, make_logs
from training_engine.defaults import MALE_LANDMARKS
from training_engine.session import formula_session


def test_d1_a_deload_is_not_moved_by_recent_rpe() -> None:
    hard = formula_session(
        make_input(intensity_type="deload", recent_logs=make_logs((10, 8.5), (10, 8.5)))
    )
    easy = formula_session(
        make_input(intensity_type="deload", recent_logs=make_logs((6, 8.5), (6, 8.5)))
    )
    # parakeet: 52.5 kg (x0.95) after hard sessions, 57.5 kg (x1.05) after easy ones
    assert [s.weight_kg for s in hard.main_lift_sets] == [55.0] * 3
    assert [s.weight_kg for s in easy.main_lift_sets] == [55.0] * 3
    assert hard.intensity_modifier == easy.intensity_modifier == 1.0


def test_d2_modifiers_never_take_the_main_lift_above_the_1rm() -> None:
    config = make_input().formula_config.model_dump()
    config["block1"]["heavy"]["pct"] = 1.0
    inp = make_input(
        formula_config=config,
        recent_logs=make_logs((6, 8.5), (6, 8.5)),
        sleep_quality=5,
        energy_level=5,
    )
    out = formula_session(inp)
    # parakeet: 140 x 1.05 x 1.025 = 150.675 -> 150 kg, 107% of the 1RM
    assert {s.weight_kg for s in out.main_lift_sets} == {140.0}
    assert any("1RM" in line for line in out.rationale)


def test_d2_a_base_the_lifter_configured_above_the_1rm_is_kept() -> None:
    config = make_input().formula_config.model_dump()
    config["block1"]["heavy"]["pct"] = 1.05
    out = formula_session(make_input(formula_config=config))
    assert {s.weight_kg for s in out.main_lift_sets} == {147.5}


def _landmarks(quads_mrv: float) -> MrvMevConfig:
    data = MALE_LANDMARKS.model_dump()
    data["quads"] = {"mev": 2, "mrv": quads_mrv}
    return MrvMevConfig.model_validate(data)


def test_d3_less_than_one_set_of_mrv_room_is_a_declared_skip() -> None:
    out = formula_session(
        make_input(mrv_mev_config=_landmarks(20), weekly_volume_to_date={"quads": 19.5})
    )
    # parakeet: zero sets, skippedMainLift false
    assert out.skipped_main_lift
    assert out.main_lift_sets == ()
    assert out.warnings == ("MRV exceeded for quads — main lift skipped",)


def test_d4_volume_calibration_adds_whole_sets_under_fractional_mrv_room() -> None:
    out = formula_session(
        make_input(
            recent_logs=make_logs((6.5, 8.5), (6.5, 8.5)),
            sleep_quality=5,
            energy_level=5,
            weekly_volume_to_date={"quads": 16.5},
        )
    )
    # room 3.5 sets: parakeet would plan 3.5 sets; we plan 3
    assert len(out.main_lift_sets) == 3


def test_d5_a_cap_on_another_lift_leaves_todays_progression_alone() -> None:
    inp = make_input(
        active_rehab_cap={"lift": "bench", "cap_kg": 60},
        recent_logs=make_logs((10, 8), (10, 8)),
    )
    out = formula_session(inp)
    # parakeet: the bench cap freezes the squat's RPE and calibration steps -> 2 x 112.5 kg
    assert [s.weight_kg for s in out.main_lift_sets] == [107.5]
    assert out.capped_by_rehab is None


def test_d6_intensity_modifier_reports_what_was_served() -> None:
    out = formula_session(
        make_input(
            block_number=3,
            one_rm_kg=200,
            recent_logs=make_logs((6, 9.5), (6, 9.5)),
            sleep_quality=5,
            energy_level=5,
            modifier_calibrations={"readiness": 0.15},
        )
    )
    assert {s.weight_kg for s in out.main_lift_sets} == {200.0}
    assert out.intensity_modifier == 200 / 180


def test_d7_no_warmup_step_is_heavier_than_the_work() -> None:
    config = make_input().formula_config.model_dump()
    config["rounding_increment_kg"] = 1.25
    out = formula_session(
        make_input(
            one_rm_kg=70.0,
            formula_config=config,
            warmup_config={"type": "custom", "steps": [{"pct": 1.0, "reps": 1}]},
            warmup_config_explicit=True,
        )
    )
    working = out.main_lift_sets[0].weight_kg
    assert working == 56.25
    # parakeet: 56.25 rounded to the 2.5 kg plate step = 57.5 kg, above the work
    assert [w.weight_kg for w in out.warmup_sets] == [56.25]


def test_d8_top_ups_never_go_past_the_mrv() -> None:
    data = MALE_LANDMARKS.model_dump()
    data["shoulders"] = {"mev": 8, "mrv": 20}
    shoulders_full = make_input(
        mrv_mev_config=MrvMevConfig.model_validate(data),
        weekly_volume_to_date={"shoulders": 20, "core": 4, "upper_back": 10, "biceps": 8},
        auxiliary_pool=("Barbell Incline Bench Press",),
    )
    # chest is short; the only candidate also trains shoulders fully, which are at their MRV:
    # parakeet adds 3 sets (shoulders 23/20); we add none
    out = formula_session(shoulders_full)
    assert [row.exercise for row in out.auxiliary_work if row.is_top_up] == []

    data["chest"] = {"mev": 20, "mrv": 20}
    half_a_set_left = make_input(
        mrv_mev_config=MrvMevConfig.model_validate(data),
        weekly_volume_to_date={"chest": 19.5, "core": 4, "upper_back": 10, "biceps": 8},
        auxiliary_pool=("Dumbbell Fly",),
    )
    # 0.5 sets of room under the chest MRV: parakeet floors the top-up at 1 set (20.5/20)
    assert [row for row in formula_session(half_a_set_left).auxiliary_work if row.is_top_up] == []


def test_d9_a_deload_is_not_skipped_at_the_mrv() -> None:
    out = formula_session(
        make_input(intensity_type="deload", weekly_volume_to_date={"quads": 20, "glutes": 30})
    )
    # parakeet: skipped, "MRV exceeded for quads — main lift skipped"
    assert not out.skipped_main_lift
    assert [s.weight_kg for s in out.main_lift_sets] == [55.0] * 3


def test_d10_a_major_disruption_beats_recovery_mode() -> None:
    out = formula_session(
        make_input(
            soreness_ratings={"quads": 10},
            active_disruptions=(make_disruption("major"),),
        )
    )
    # parakeet: 3 x 45 kg recovery session despite the major injury
    assert out.skipped_main_lift
    assert out.main_lift_sets == ()
    assert out.warmup_sets == ()
    assert {row.skip_reason for row in out.auxiliary_work} == {
        "Main lift skipped — auxiliary suppressed"
    }


def test_d11_calibration_cannot_turn_a_cut_into_a_boost() -> None:
    out = formula_session(
        make_input(sleep_quality=2, energy_level=3, modifier_calibrations={"readiness": 0.05})
    )
    # parakeet: 0.975 + 0.05 = 1.025 -> 115 kg while saying "poor sleep, load down"
    assert [s.weight_kg for s in out.main_lift_sets] == [112.5, 112.5]
    assert out.intensity_modifier == 1.0


def test_d8_a_muscle_half_a_set_short_still_gets_one_set_when_there_is_room() -> None:
    out = formula_session(
        make_input(
            weekly_volume_to_date={
                "chest": 7.5,
                "core": 4,
                "upper_back": 10,
                "biceps": 8,
                "triceps": 6,
                "shoulders": 8,
                "hamstrings": 6,
            },
            auxiliary_pool=("Dumbbell Fly",),
        )
    )
    top_ups = [row for row in out.auxiliary_work if row.is_top_up]
    assert [(row.exercise, len(row.sets)) for row in top_ups] == [("Dumbbell Fly", 1)]


def test_f8_an_rpe_history_calibration_sharpens_the_nudge_and_the_trace_keeps_the_default() -> None:
    logs = make_logs((7.0, 8.5), (7.0, 8.5))  # easy twice: x1.05
    plain = formula_session(make_input(recent_logs=logs))
    sharper = formula_session(
        make_input(recent_logs=logs, modifier_calibrations={"rpe_history": 0.05})
    )
    assert plain.main_lift_sets[0].weight_kg == 117.5  # 1.05 x 112.5
    assert sharper.main_lift_sets[0].weight_kg == 125.0  # 1.10 x 112.5 = 123.75, half-up
    assert "calibrated to your history: load up 10.0%" in " ".join(sharper.rationale)
    modifiers = sharper.trace.main_lift.weight_derivation.modifiers
    assert [(m.source, m.multiplier) for m in modifiers] == [("rpe_history", 1.05)]


def test_f8_a_disruption_calibration_deepens_the_cut_and_cannot_make_it_a_boost() -> None:
    injury = (make_disruption("minor", "squat"),)  # load capped at 80 %
    plain = formula_session(make_input(active_disruptions=injury))
    deeper = formula_session(
        make_input(active_disruptions=injury, modifier_calibrations={"disruption": -0.1})
    )
    lifted = formula_session(
        make_input(active_disruptions=injury, modifier_calibrations={"disruption": 0.5})
    )
    assert plain.main_lift_sets[0].weight_kg == 90.0  # 0.8 x 112.5
    assert deeper.main_lift_sets[0].weight_kg == 80.0  # 0.7 x 112.5 = 78.75, half-up
    assert lifted.main_lift_sets[0].weight_kg == 112.5  # at most the uncut load (D11)
    defaults = [m.multiplier for m in deeper.trace.main_lift.weight_derivation.modifiers]
    assert defaults == [0.8]
