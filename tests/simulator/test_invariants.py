"""The DR §9.10 checker catches planted violations and passes the formula's own output."""

from __future__ import annotations

from typing import Any

from shared_types.enums import CyclePhase, MuscleGroup, Severity
from shared_types.inputs import JITInput
from shared_types.outputs import JITOutput, PlannedSet
from simulator.invariants import LifterChecker, MuscleWeek, session_findings
from tests.factories import make_disruption, make_female_input, make_input
from training_engine.session import formula_session


def _errors(inp: JITInput, output: JITOutput | None = None, mean: float | None = None) -> list[str]:
    return session_findings(inp, output or formula_session(inp), mean)[0]


def _with_sets(output: JITOutput, *weights: float) -> JITOutput:
    sets = tuple(PlannedSet(set_number=n, weight_kg=w, reps=5) for n, w in enumerate(weights, 1))
    return output.model_copy(update={"main_lift_sets": sets})


def test_the_formulas_own_output_passes() -> None:
    assert session_findings(make_input(), formula_session(make_input()), None) == ([], [])


def test_a_set_above_the_1rm_is_caught() -> None:
    inp = make_input(one_rm_kg=140.0)
    assert "above_one_rm" in _errors(inp, _with_sets(formula_session(inp), 142.5))


def test_a_weight_off_the_plates_is_caught() -> None:
    inp = make_input()
    assert "main_weight_invalid" in _errors(inp, _with_sets(formula_session(inp), 101.0))


def test_a_session_without_a_main_set_is_caught() -> None:
    inp = make_input()
    assert "no_working_set" in _errors(inp, _with_sets(formula_session(inp)))


def test_a_heavy_deload_is_caught_against_the_regular_mean() -> None:
    inp = make_input(intensity_type="deload")
    assert _errors(inp, mean=120.0) == []
    assert "deload_too_heavy" in _errors(inp, _with_sets(formula_session(inp), 90.0), 120.0)


def test_a_major_disruption_not_skipped_is_caught() -> None:
    inp = make_input(active_disruptions=(make_disruption(Severity.MAJOR),))
    output = formula_session(inp)
    assert _errors(inp, output) == []
    unskipped = _with_sets(output, 100.0).model_copy(update={"skipped_main_lift": False})
    assert "major_not_skipped" in _errors(inp, unskipped)


def _without_rationale(output: JITOutput) -> JITOutput:
    return output.model_copy(update={"rationale": ()})


def test_missing_disruption_and_cycle_lines_are_caught() -> None:
    moderate = make_input(active_disruptions=(make_disruption(Severity.MODERATE),))
    assert _errors(moderate) == []
    assert _errors(moderate, _without_rationale(formula_session(moderate))) == [
        "moderate_no_rationale"
    ]
    cycle = make_female_input(cycle_phase=CyclePhase.MENSTRUAL)
    assert _errors(cycle) == []
    assert _errors(cycle, _without_rationale(formula_session(cycle))) == ["cycle_no_rationale"]


def test_too_many_sets_and_a_top_up_without_reason_are_caught() -> None:
    inp = make_input()
    output = formula_session(inp)
    work: dict[str, Any] = {
        "exercise": "Leg Press",
        "sets": tuple(PlannedSet(set_number=n, weight_kg=50.0, reps=10) for n in range(1, 40)),
        "skipped": False,
        "exercise_type": "weighted",
        "is_top_up": True,
    }
    aux = output.auxiliary_work[0].model_validate(work)
    errors = _errors(inp, output.model_copy(update={"auxiliary_work": (aux,)}))
    assert {"too_many_sets", "top_up_without_reason"} <= set(errors)


def test_mrv_exceeded_two_weeks_in_a_row_is_an_error_once_a_week() -> None:
    checker = LifterChecker()
    over = [MuscleWeek(MuscleGroup.QUADS, 25.0, 8.0, 20.0)]
    fine = [MuscleWeek(MuscleGroup.QUADS, 12.0, 8.0, 20.0)]
    assert checker.week(over)[0] == []
    assert checker.week(over)[0] == ["mrv_two_weeks"]
    assert checker.week(fine)[0] == []
    assert checker.week(over)[0] == []


def test_rpe_drift_is_flagged_over_three_sessions() -> None:
    checker = LifterChecker()
    assert [checker.rpe_drift(e) for e in (2.0, 2.0)] == [[], []]
    assert checker.rpe_drift(1.0) == ["rpe_drift"]  # mean 1.67 > 1.5
    assert checker.rpe_drift(-1.0) == []


def test_a_disrupted_session_does_not_count_as_a_regular_load() -> None:
    checker = LifterChecker()
    travel = make_input(
        active_disruptions=(make_disruption(Severity.MINOR, None, disruption_type="travel"),)
    )
    checker.session(travel, formula_session(travel))  # 112 kg x 0.7: capped at 70 %
    deload = make_input(intensity_type="deload")
    assert checker.session(deload, _with_sets(formula_session(deload), 75.0))[0] == []
    regular = make_input()
    checker.session(regular, formula_session(regular))  # 112.5 kg
    assert checker.session(deload, _with_sets(formula_session(deload), 80.0))[0] == [
        "deload_too_heavy"
    ]
