"""The hard-constraint pass holds every constraint for any adjustment, and is idempotent."""

from __future__ import annotations

import math

from hypothesis import given

from shared_types.adjustment import JITAdjustment
from shared_types.enums import IntensityType, Severity
from shared_types.inputs import JITInput
from tests.engine.invariants import (
    FLOOR_PCT_OF_BASE,
    PRIMARY_CONTRIBUTIONS,
    RECOVERY_RPE,
    RECOVERY_SETS,
    SEVERE_SORENESS,
    assert_main_lift_invariants,
    increment_kg,
    mrv_set_room,
    table_base,
)
from tests.strategies import any_adjustment, any_input
from training_engine.adjustment import adjusted_session
from training_engine.constraints import enforce_hard_constraints
from training_engine.session import formula_run


def _constrained(inp: JITInput, adjustment: JITAdjustment):  # type: ignore[no-untyped-def]
    return adjusted_session(formula_run(inp), adjustment)


@given(any_input(), any_adjustment())
def test_every_hard_constraint_holds_after_the_pass(
    inp: JITInput, adjustment: JITAdjustment
) -> None:
    out = _constrained(inp, adjustment)
    assert_main_lift_invariants(inp, out)
    base = table_base(inp)
    sets = out.main_lift_sets

    deload = inp.intensity_type is IntensityType.DELOAD
    at_mrv = any(
        inp.weekly_sets(m) >= inp.mrv_mev_config[m].mrv
        for m in PRIMARY_CONTRIBUTIONS[inp.primary_lift]
    )
    major = any(
        d.severity is Severity.MAJOR and d.affects(inp.primary_lift) for d in inp.active_disruptions
    )
    if (at_mrv or major) and not deload:
        assert out.skipped_main_lift
    worst = max(inp.soreness(m) for m in PRIMARY_CONTRIBUTIONS[inp.primary_lift])
    recovery = inp.intensity_type is not IntensityType.DELOAD and worst >= SEVERE_SORENESS
    if sets and recovery:
        assert len(sets) == RECOVERY_SETS
        assert all(s.rpe_target == RECOVERY_RPE for s in sets)
    elif sets and not deload:
        assert len(sets) <= mrv_set_room(inp)
        # The floor is the loadable weight nearest 40% of the base (DR §4 rule 2), so it may
        # sit up to half an increment below it (5 kg with a 10 kg increment).
        floor = base.weight_kg * FLOOR_PCT_OF_BASE
        slack = max(2.5, increment_kg(inp) / 2)
        rehab_capped = out.capped_by_rehab is True
        assert sets[0].weight_kg >= floor - slack or rehab_capped or sets[0].weight_kg == 0
    if inp.intensity_type is IntensityType.DELOAD and sets:
        assert sets[0].weight_kg <= base.weight_kg + 1e-6
        assert len(sets) <= base.count
    assert math.isfinite(out.intensity_modifier)
    assert out.volume_modifier == len(sets) / base.count
    if out.llm_rest_suggestion is not None:
        assert -60 <= out.llm_rest_suggestion.delta_seconds <= 60


@given(any_input(), any_adjustment())
def test_the_pass_is_idempotent(inp: JITInput, adjustment: JITAdjustment) -> None:
    once = _constrained(inp, adjustment)
    assert (
        enforce_hard_constraints(once, formula_run(inp), overrides=adjustment.aux_overrides) == once
    )


@given(any_input(), any_adjustment())
def test_the_served_session_carries_a_trace_of_what_was_served(
    inp: JITInput, adjustment: JITAdjustment
) -> None:
    out = _constrained(inp, adjustment)
    assert out.trace is not None
    assert out.trace.strategy == "llm"
    assert (out.trace.rationale, out.trace.warnings) == (out.rationale, out.warnings)
    assert out.trace.session_id == out.session_id


@given(any_input(), any_adjustment())
def test_constraint_warnings_are_marked(inp: JITInput, adjustment: JITAdjustment) -> None:
    out = _constrained(inp, adjustment)
    assert all(w.startswith("[constraint] ") for w in out.warnings)


@given(any_input(), any_adjustment())
def test_accessories_follow_the_served_main_lift_and_stay_bounded(
    inp: JITInput, adjustment: JITAdjustment
) -> None:
    out = _constrained(inp, adjustment)
    rows = out.auxiliary_work
    configured = [r for r in rows if not r.is_top_up][: len(inp.active_auxiliaries)]
    assert [r.exercise for r in configured] == list(inp.active_auxiliaries)
    assert len(out.rest_recommendations.auxiliary) == len(rows)
    if out.skipped_main_lift:
        assert all(r.skipped for r in configured)
    for row in rows:
        for s in row.sets:
            assert math.isfinite(s.weight_kg)
            assert s.weight_kg >= 0
        anchor = row.anchor
        if anchor is not None and anchor.from_llm_override:
            assert anchor.engine_anchor_kg is not None
            assert 0 <= anchor.anchor_base_kg <= anchor.engine_anchor_kg * 1.2 + 1e-9
            if row.sets and anchor.engine_anchor_kg > 0:
                assert row.sets[0].weight_kg <= anchor.engine_anchor_kg * 1.2 + 2.5
