"""Properties of the formula strategy over any valid input."""

from __future__ import annotations

from hypothesis import given

from shared_types.inputs import JITInput
from tests.engine.invariants import assert_main_lift_invariants
from tests.strategies import any_input
from training_engine.session import formula_session


@given(any_input())
def test_any_valid_input_gives_a_sound_main_lift(inp: JITInput) -> None:
    assert_main_lift_invariants(inp, formula_session(inp))


@given(any_input())
def test_output_is_deterministic(inp: JITInput) -> None:
    first = formula_session(inp).model_dump_json()
    assert formula_session(inp).model_dump_json() == first


@given(any_input())
def test_volume_reductions_only_report_removed_sets(inp: JITInput) -> None:
    out = formula_session(inp)
    reductions = out.volume_reductions
    if reductions is not None:
        assert reductions.total_sets_removed == sum(s.sets_removed for s in reductions.sources)
        assert reductions.total_sets_removed > 0
        assert all(s.sets_removed > 0 for s in reductions.sources)


@given(any_input())
def test_trace_explains_the_served_sets(inp: JITInput) -> None:
    out = formula_session(inp)
    assert out.trace is not None
    traced = out.trace.main_lift.sets
    assert [(t.weight_kg, t.reps) for t in traced] == [
        (s.weight_kg, s.reps) for s in out.main_lift_sets
    ]
    assert out.trace.rationale == out.rationale
    assert out.trace.rest.main_lift.final_seconds in (
        *out.rest_recommendations.main_lift,
        None,
    ) or (not out.main_lift_sets)
