"""Named cases of the hard-constraint pass (domain-reference §4, §9.8) and our added rules."""

from __future__ import annotations

from typing import Any

from shared_types.adjustment import JITAdjustment
from shared_types.inputs import JITInput
from shared_types.outputs import JITOutput
from tests.factories import make_disruption, make_female_input, make_input
from training_engine.adjustment import adjusted_session, apply_adjustment
from training_engine.constraints import SIGNAL_PREFIX, enforce_hard_constraints
from training_engine.session import formula_run


def adjust(intensity: float = 1.0, sets: int = 0, **extra: Any) -> JITAdjustment:
    fields: dict[str, Any] = {
        "intensity_modifier": intensity,
        "set_modifier": sets,
        "skip_main_lift": False,
        "aux_overrides": [],
        "rationale": ["test"],
        "confidence": "medium",
        "rest_adjustments": None,
        **extra,
    }
    return JITAdjustment.model_validate(fields)


def constrained(inp: JITInput, adjustment: JITAdjustment) -> JITOutput:
    return adjusted_session(formula_run(inp), adjustment)


def shape(out: JITOutput) -> tuple[int, float | None]:
    sets = out.main_lift_sets
    return len(sets), sets[0].weight_kg if sets else None


B3_HEAVY = {"block_number": 3}  # 4 x 125 kg at 1RM 140


def test_adjustment_is_applied_to_the_formula_base() -> None:
    out = constrained(make_input(), adjust(0.9, -1))
    assert shape(out) == (1, 102.5)  # 101.25 rounds half-up
    assert out.rationale == ("test",)
    assert out.warnings == ()


def test_over_reaction_guard_restores_base_minus_one_set_at_95_percent() -> None:
    out = constrained(make_input(**B3_HEAVY), adjust(0.85, -2))
    assert shape(out) == (3, 120.0)
    assert any("Over-reaction guard" in w for w in out.warnings)


def test_guard_stays_out_of_the_way_with_high_soreness() -> None:
    out = constrained(make_input(**B3_HEAVY, soreness_ratings={"quads": 8}), adjust(0.85, -2))
    assert shape(out) == (2, 107.5)
    assert not any("Over-reaction" in w for w in out.warnings)


def test_guard_stays_out_of_the_way_with_a_disruption() -> None:
    out = constrained(
        make_input(**B3_HEAVY, active_disruptions=(make_disruption("moderate"),)),
        adjust(0.85, -2),
    )
    # No restoring to 3 sets; the weight is the formula's disrupted one (C9), not 107.5.
    assert shape(out) == (2, 75.0)
    assert not any("Over-reaction" in w for w in out.warnings)


def test_c9_the_model_is_held_to_the_formulas_disrupted_session() -> None:
    inp = make_input(active_disruptions=(make_disruption("moderate"),))
    formula = formula_run(inp).output
    out = constrained(inp, adjust(1.0, 1))  # the model ignores the injury and adds a set
    assert shape(out) == shape(formula)
    assert out.warnings[-2:] == (
        f"[constraint] Disruption — held to the formula's {len(formula.main_lift_sets)} set(s)",
        f"[constraint] Disruption — weight held at {formula.main_lift_sets[0].weight_kg:g}kg",
    )
    lighter = constrained(inp, adjust(0.5, -1))  # lighter stays the model's
    assert shape(lighter)[1] is not None
    assert shape(lighter)[1] < formula.main_lift_sets[0].weight_kg
    assert not any("Disruption" in w for w in lighter.warnings)


def test_c9_does_not_touch_a_lift_the_disruption_leaves_alone() -> None:
    inp = make_input(active_disruptions=(make_disruption("moderate", lift="bench"),))
    assert not any("Disruption" in w for w in constrained(inp, adjust(1.0, 1)).warnings)


def test_a_mild_trim_is_not_an_over_reaction() -> None:
    out = constrained(make_input(**B3_HEAVY), adjust(0.95, 0))
    assert shape(out) == (4, 120.0)
    assert out.warnings == ()


def test_muscle_at_mrv_forces_a_skip_with_a_constraint_warning() -> None:
    out = constrained(make_input(weekly_volume_to_date={"quads": 20}), adjust())
    assert out.skipped_main_lift
    assert out.main_lift_sets == ()
    assert out.warmup_sets == ()
    assert out.rest_recommendations.main_lift == ()
    assert out.warnings == ("[constraint] MRV exceeded for quads — main lift forced skip",)


def test_mrv_room_caps_the_sets_the_model_asked_for() -> None:
    out = constrained(make_input(weekly_volume_to_date={"quads": 19}), adjust(1.0, 0))
    assert shape(out) == (1, 112.5)
    assert out.warnings == ("[constraint] Approaching MRV for quads — sets capped at 1",)
    assert out.volume_modifier == 0.5


def test_rehab_cap_lowers_the_weight_and_flags_it_once() -> None:
    inp = make_input(active_rehab_cap={"lift": "squat", "cap_kg": 80})
    before = apply_adjustment(formula_run(inp), adjust())
    assert shape(before) == (2, 112.5)
    out = enforce_hard_constraints(before, formula_run(inp))
    assert shape(out) == (2, 80.0)
    assert (out.capped_by_rehab, out.rehab_cap_kg) == (True, 80.0)
    assert out.warnings == ("[constraint] Capped at 80kg by Rehab Mode",)
    assert enforce_hard_constraints(out, formula_run(inp)).warnings == out.warnings


def test_rehab_ceiling_rounds_up_to_the_plates() -> None:
    inp = make_input(active_rehab_cap={"lift": "squat", "cap_kg": 82.5}, weight_increment_kg=5)
    out = constrained(inp, adjust())
    assert shape(out) == (2, 85.0)
    assert out.rehab_cap_kg == 85.0


def test_a_cap_on_another_lift_does_nothing() -> None:
    out = constrained(make_input(active_rehab_cap={"lift": "bench", "cap_kg": 80}), adjust())
    assert shape(out) == (2, 112.5)
    assert out.capped_by_rehab is None


def test_severe_soreness_switches_to_recovery_mode_whatever_the_model_said() -> None:
    out = constrained(make_input(soreness_ratings={"quads": 10}), adjust(1.1, 2))
    assert [(s.weight_kg, s.reps, s.rpe_target) for s in out.main_lift_sets] == [(45.0, 5, 5.0)] * 3
    assert [(w.weight_kg, w.reps) for w in out.warmup_sets] == [(22.5, 5), (35.0, 2)]
    assert "recovery session" in out.warnings[0]


def test_no_set_goes_above_the_1rm() -> None:
    out = constrained(make_input(**B3_HEAVY), adjust(1.2, 0))
    assert shape(out) == (4, 140.0)  # 125 x 1.2 = 150 would be 107% of 1RM
    assert out.warnings == ("[constraint] Weight held at 140kg, today's upper bound",)
    assert out.intensity_modifier == 140 / 125


def test_a_deload_is_never_heavier_than_planned() -> None:
    out = constrained(make_input(intensity_type="deload"), adjust(1.2, 2))
    assert shape(out) == (3, 55.0)
    assert out.warnings == (
        "[constraint] Deload kept to the planned 3 set(s)",
        "[constraint] Weight held at 55kg, today's upper bound",
    )


def test_a_deload_may_be_lightened() -> None:
    out = constrained(make_input(intensity_type="deload"), adjust(0.7, -1))
    assert shape(out) == (2, 37.5)


def test_weight_floor_is_40_percent_of_the_base() -> None:
    formula = formula_run(make_input())
    candidate = apply_adjustment(formula, adjust(1.0))
    too_light = tuple(s.model_copy(update={"weight_kg": 10.0}) for s in candidate.main_lift_sets)
    out = enforce_hard_constraints(
        candidate.model_copy(update={"main_lift_sets": too_light}), formula
    )
    assert shape(out) == (2, 45.0)


def test_an_empty_unskipped_main_lift_gets_the_minimum_set() -> None:
    candidate = apply_adjustment(formula_run(make_input()), adjust()).model_copy(
        update={"main_lift_sets": ()}
    )
    out = enforce_hard_constraints(candidate, formula_run(make_input()))
    assert shape(out) == (1, 112.5)
    assert out.warnings[0] == "[constraint] Minimum 1 working set enforced"
    assert out.rest_recommendations.main_lift == (180,)


def test_cutting_every_set_means_skipping() -> None:
    out = constrained(make_input(), adjust(1.0, -3))
    assert out.skipped_main_lift
    assert out.intensity_modifier == 0.0


def test_a_skip_request_is_honoured() -> None:
    out = constrained(make_input(), adjust(skip_main_lift=True))
    assert out.skipped_main_lift
    assert out.warmup_sets == ()


def test_rest_delta_is_advisory_and_clamped() -> None:
    out = constrained(make_input(), adjust(rest_adjustments={"main_lift": 90}))
    assert out.rest_recommendations.main_lift == (180, 180)
    assert out.llm_rest_suggestion is not None
    assert (
        out.llm_rest_suggestion.delta_seconds,
        out.llm_rest_suggestion.formula_base_seconds,
    ) == (
        60,
        180,
    )


def test_a_major_disruption_forces_a_skip_whatever_the_model_said() -> None:
    inp = make_input(active_disruptions=(make_disruption("major"),))
    out = constrained(inp, adjust(0.4, -1))  # parakeet serves 1 x 45 kg here (LLM fixture f20)
    assert out.skipped_main_lift
    assert out.warnings == ("[constraint] Major injury disruption — main lift forced skip",)


def test_a_deload_at_mrv_is_kept_as_the_formula_keeps_it() -> None:
    out = constrained(
        make_input(intensity_type="deload", weekly_volume_to_date={"quads": 25}), adjust(0.9, 0)
    )
    assert shape(out) == (3, 50.0)


def test_c10_the_served_session_keeps_the_days_signals_in_its_reasons() -> None:
    inp = make_female_input(
        cycle_phase="menstrual", active_disruptions=(make_disruption("moderate"),)
    )
    formula = formula_run(inp).output
    cycle = next(r for r in formula.rationale if r.startswith("Menstrual phase"))
    injury = next(r for r in formula.rationale if "(moderate)" in r)
    out = constrained(inp, adjust(0.9, 0))  # the model's rationale is "test" alone
    assert out.rationale == (
        "test",
        f"{SIGNAL_PREFIX}{cycle}",
        f"{SIGNAL_PREFIX}{injury}",
    )
    # A model that gave the formula's reason itself is not repeated, and the pass is idempotent.
    said = constrained(inp, adjust(0.9, 0, rationale=[cycle]))
    assert said.rationale == (cycle, f"{SIGNAL_PREFIX}{injury}")
    again = enforce_hard_constraints(out, formula_run(inp))
    assert again.rationale == out.rationale


def test_c10_adds_nothing_without_a_signal() -> None:
    assert constrained(make_input(), adjust(0.9, 0)).rationale == ("test",)
