"""The routing decision (issue 11): the documented order of precedence, a reason for every step
taken, and its properties (a manual trigger always wins; never the model on a deload when the
rule says so; deterministic)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared_types.enums import FallbackReason, IntensityType, MuscleGroup
from shared_types.inputs import JITInput
from shared_types.routing import EffectiveRule, GateDecision, RouteDecision, RouteRule
from tests.engine.routing.test_rules import maybe_rules
from tests.factories import make_input
from tests.strategies import any_input
from training_engine.routing.decide import decide
from training_engine.routing.rules import effective_rule

CONFIDENT = GateDecision(confident=True, reasons=("formula is confident: quiet day",))
UNSURE = GateDecision(confident=False, reasons=("formula is not confident: a deload",))
HEALTHY: dict[str, Any] = {
    "provider_accepting": True,
    "budget_granted": True,
    "rollout_arm": None,
    "manual": None,
    "calls_today": 0,
    "expected_latency_ms": None,
    "expected_cost": None,
}
strategies = st.sampled_from(["formula", "llm", "hybrid", "shadow"])


def route(
    inp: JITInput | None = None,
    rule: RouteRule | None = None,
    gate: GateDecision = UNSURE,
    **context: Any,
) -> RouteDecision:
    """A decision for `inp` under a global `rule`, healthy unless `context` says otherwise."""
    effective = effective_rule(rule, None, None)
    return decide(inp or make_input(), effective, gate, **{**HEALTHY, **context})


def test_with_nothing_against_it_the_rules_strategy_serves_and_every_step_is_a_reason() -> None:
    decision = route(rule=RouteRule(strategy="hybrid"))
    assert decision.strategy == "hybrid"
    assert decision.reasons == (
        "rule: hybrid (from global)",
        "rule conditions pass",
        "gate: formula is not confident: a deload",
        "thresholds pass",
        "budget reserved",
        "provider accepting calls",
        "no rollout: hybrid serves",
    )
    assert decision.fallback is None


@pytest.mark.parametrize(
    ("rule", "gate", "context", "last"),
    [
        (RouteRule(strategy="formula"), UNSURE, {}, "rule serves the formula (from global)"),
        (RouteRule(), CONFIDENT, {}, "gate: formula is confident: quiet day"),
        (
            RouteRule(min_latency_ms=2000),
            UNSURE,
            {"expected_latency_ms": 2500.0},
            "expected latency 2500 ms over the 2000 ms budget",
        ),
        (
            RouteRule(max_cost_per_call=0.001),
            UNSURE,
            {"expected_cost": 0.002},
            "expected cost $0.002 over the $0.001 ceiling per call",
        ),
        (
            RouteRule(max_calls_per_day=3),
            UNSURE,
            {"calls_today": 3},
            "3 model calls today: the limit is 3",
        ),
        (RouteRule(), UNSURE, {"budget_granted": False}, "budget exhausted"),
        (
            RouteRule(),
            UNSURE,
            {"provider_accepting": False},
            "no provider configured, or its breaker is open",
        ),
        (
            RouteRule(),
            UNSURE,
            {"rollout_arm": "control"},
            "rollout control arm: the formula serves",
        ),
    ],
)
def test_each_step_can_serve_the_formula_and_says_so(
    rule: RouteRule, gate: GateDecision, context: dict[str, Any], last: str
) -> None:
    decision = route(rule=rule, gate=gate, **context)
    assert decision.strategy == "formula"
    assert decision.reasons[-1] == last


def test_only_the_budget_labels_a_fallback() -> None:
    assert route(budget_granted=False).fallback is FallbackReason.BUDGET_EXHAUSTED
    assert route(provider_accepting=False).fallback is None


def test_thresholds_within_limits_or_unknown_pass() -> None:
    rule = RouteRule(min_latency_ms=2000, max_cost_per_call=0.01, max_calls_per_day=3)
    assert route(rule=rule, expected_latency_ms=2000.0, calls_today=2).strategy == "llm"
    assert route(rule=rule, expected_cost=0.01).strategy == "llm"


def test_rollout_arms() -> None:
    assert route(rollout_arm="candidate").strategy == "llm"
    shadow = route(rule=RouteRule(strategy="hybrid"), rollout_arm="shadow")
    assert shadow.strategy == "shadow"


def test_rule_conditions_on_deload_and_recovery() -> None:
    deload = make_input(intensity_type="deload")
    sore = make_input(soreness_ratings={MuscleGroup.QUADS: 9})
    assert route(deload, RouteRule(never_on_deload=True)).reasons[-1] == (
        "never the model on a deload (from global)"
    )
    assert route(sore, RouteRule(never_in_recovery=True)).strategy == "formula"
    assert route(deload, RouteRule(never_in_recovery=True)).strategy == "llm"
    assert route(sore, RouteRule(never_on_deload=True)).strategy == "llm"


decisions = st.fixed_dictionaries(
    {
        "provider_accepting": st.booleans(),
        "budget_granted": st.booleans(),
        "rollout_arm": st.none() | st.sampled_from(["candidate", "control", "shadow"]),
        "manual": st.none() | strategies,
        "calls_today": st.integers(0, 100),
        "expected_latency_ms": st.none() | st.floats(0, 60_000),
        "expected_cost": st.none() | st.floats(0, 1),
    }
)
gates = st.builds(GateDecision, confident=st.booleans(), reasons=st.just(("gate",)))
effective_rules = st.builds(effective_rule, maybe_rules, maybe_rules, maybe_rules)


@given(any_input(), effective_rules, gates, decisions, strategies)
def test_a_manual_trigger_always_wins(
    inp: JITInput, rule: EffectiveRule, gate: GateDecision, context: dict[str, Any], manual: str
) -> None:
    decision = decide(inp, rule, gate, **{**context, "manual": manual})
    assert decision.strategy == manual
    assert decision.reasons == (f"manual trigger: {manual}",)


@given(any_input(), maybe_rules, maybe_rules, gates, decisions)
def test_never_the_model_on_a_deload_when_the_rule_says_so(
    inp: JITInput,
    g: RouteRule | None,
    lifter: RouteRule | None,
    gate: GateDecision,
    context: dict[str, Any],
) -> None:
    rule = effective_rule(g, lifter, RouteRule(never_on_deload=True))
    deload = inp.model_copy(update={"intensity_type": IntensityType.DELOAD})
    decision = decide(deload, rule, gate, **{**context, "manual": None})
    assert decision.strategy == "formula"


@given(any_input(), effective_rules, gates, decisions)
def test_deterministic_with_a_reason_for_every_step(
    inp: JITInput, rule: EffectiveRule, gate: GateDecision, context: dict[str, Any]
) -> None:
    decision = decide(inp, rule, gate, **context)
    assert decide(inp, rule, gate, **context) == decision
    assert decision.reasons
    if decision.strategy != "formula" and context["manual"] is None:
        assert not gate.confident
        assert context["budget_granted"]
        assert context["provider_accepting"]
        assert len(decision.reasons) == 7
