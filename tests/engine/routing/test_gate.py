"""The confidence gate (issue 11): the formula is confident only when no judgement-call signal
is present, each failing condition is named, and each condition can be switched off."""

from __future__ import annotations

import pytest
from hypothesis import given

from shared_types.enums import MuscleGroup, Severity
from shared_types.inputs import JITInput
from tests.factories import make_disruption, make_input, make_logs
from tests.strategies import any_input
from training_engine.routing.gate import GateConfig, confidence_gate, in_recovery_mode

DEFAULT = GateConfig()


def test_a_quiet_day_is_confident_and_says_why() -> None:
    decision = confidence_gate(make_input(sleep_quality=3, energy_level=4), DEFAULT)
    assert decision.confident
    assert decision.reasons[0].startswith("formula is confident: no active disruption")
    assert "not a deload" in decision.reasons[0]


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"active_disruptions": (make_disruption(Severity.MINOR),)}, "active disruption"),
        ({"soreness_ratings": {MuscleGroup.QUADS: 5}}, "primary soreness 5/10 above 4"),
        ({"sleep_quality": 2}, "sleep 2/5"),
        ({"energy_level": 1}, "energy 1/5"),
        ({"recent_logs": make_logs((9.5, 8.5), (9.0, 8.5))}, "RPE drift +0.75"),
        ({"recent_logs": make_logs((7.5, 8.5), (7.5, 8.5))}, "RPE drift -1.00"),
        ({"hrv_pct_change": -12.0}, "HRV -12% below baseline"),
        ({"intensity_type": "deload"}, "a deload"),
    ],
)
def test_each_failing_condition_is_named(overrides: dict[str, object], named: str) -> None:
    decision = confidence_gate(make_input(**overrides), DEFAULT)
    assert not decision.confident
    assert len(decision.reasons) == 1
    assert decision.reasons[0].startswith("formula is not confident: ")
    assert named in decision.reasons[0]


def test_the_thresholds_sit_where_the_pipeline_acts() -> None:
    """Soreness 4 and drift under 0.75 change nothing in the formula, so the gate passes them."""
    inp = make_input(
        soreness_ratings={MuscleGroup.QUADS: 4, MuscleGroup.CHEST: 10},  # chest: not primary
        recent_logs=make_logs((9.0, 8.5), (9.0, 8.5)),
        hrv_pct_change=-9.0,
    )
    assert confidence_gate(inp, DEFAULT).confident


def test_every_failing_condition_is_listed_together() -> None:
    inp = make_input(
        intensity_type="deload", sleep_quality=1, soreness_ratings={MuscleGroup.GLUTES: 8}
    )
    assert len(confidence_gate(inp, DEFAULT).reasons) == 3


def test_a_disruption_on_another_lift_counts_only_in_scope_any() -> None:
    inp = make_input(active_disruptions=(make_disruption(Severity.MINOR, "bench"),))
    assert not confidence_gate(inp, DEFAULT).confident
    assert confidence_gate(inp, GateConfig(disruption_scope="lift")).confident


def test_a_resolved_disruption_does_not_count() -> None:
    inp = make_input(active_disruptions=(make_disruption(status="resolved"),))
    assert confidence_gate(inp, DEFAULT).confident


def test_a_condition_switched_off_is_not_checked() -> None:
    inp = make_input(intensity_type="deload", sleep_quality=1)
    config = GateConfig(check_deload=False, check_readiness=False)
    assert confidence_gate(inp, config).confident


def test_a_gate_switched_off_never_claims_confidence() -> None:
    decision = confidence_gate(make_input(), GateConfig(enabled=False))
    assert (decision.confident, decision.reasons) == (False, ("gate switched off",))


def test_recovery_mode_is_the_soreness_steps_decision() -> None:
    assert in_recovery_mode(make_input(soreness_ratings={MuscleGroup.QUADS: 9}))
    assert not in_recovery_mode(make_input(soreness_ratings={MuscleGroup.QUADS: 8}))
    assert not in_recovery_mode(
        make_input(intensity_type="deload", soreness_ratings={MuscleGroup.QUADS: 9})
    )
    major = make_disruption(Severity.MAJOR)
    assert not in_recovery_mode(
        make_input(soreness_ratings={MuscleGroup.QUADS: 10}, active_disruptions=(major,))
    )


@given(any_input())
def test_confident_only_when_every_default_condition_holds(inp: JITInput) -> None:
    decision = confidence_gate(inp, DEFAULT)
    deload = inp.intensity_type == "deload"
    if decision.confident:
        assert not deload
        assert all(d.status == "resolved" for d in inp.active_disruptions)
        assert (inp.sleep_quality or 3) >= 3
        assert (inp.energy_level or 3) >= 3
    else:
        assert all(r.startswith("formula is not confident: ") for r in decision.reasons)
    assert confidence_gate(inp, DEFAULT) == decision  # deterministic
