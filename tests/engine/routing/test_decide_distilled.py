"""`decide` with the oracle's active distilled rules (issue 12): a rule of the input's context
serves where the rules let the model serve, after the rule conditions and the gate and before
the thresholds, budget, provider, rollout and bandit; anything else decides as before."""

from __future__ import annotations

from typing import Any

from shared_types.oracle import DistilledRule
from shared_types.routing import BanditFacts, RouteRule
from tests.engine.routing.test_decide import CONFIDENT, route
from tests.factories import make_input
from training_engine.routing.bandit import context_of

INPUT = make_input(sleep_quality=2)
KEY = context_of(INPUT).key


def _rule(context: str = KEY, version: str = "v3") -> DistilledRule:
    return DistilledRule(
        version=version,
        context=context,
        intensity_multiplier=0.95,
        set_delta=-1,
        fitted_on=12,
        fitted_sessions=("a", "b"),
        provenance="0" * 64,
        consistent_share=1.0,
        cases=(),
    )


def _route(**context: Any) -> Any:
    return route(INPUT, RouteRule(strategy="llm"), **{"distilled": {KEY: _rule()}, **context})


def test_an_active_rule_of_the_context_serves_before_the_model_steps() -> None:
    decision = _route(provider_accepting=False, budget_granted=False, calls_today=10**6)
    assert decision.strategy == "llm"
    assert decision.distilled == _rule()
    assert decision.fallback is None
    assert decision.reasons == (
        "rule: llm (from global)",
        "rule conditions pass",
        "gate: formula is not confident: a deload",
        f"distilled_rule v3 in {KEY}: the rule serves, no model call",
    )


def test_the_rule_replaces_the_bandit_and_a_rollout_arm() -> None:
    bandit = BanditFacts(policy_version="p", seed=1)
    assert _route(bandit=bandit).bandit is None
    assert _route(rollout_arm="control").distilled == _rule()


def test_the_rules_formula_the_gate_and_a_manual_trigger_still_come_first() -> None:
    distilled = {KEY: _rule()}
    assert route(INPUT, RouteRule(strategy="formula"), distilled=distilled).distilled is None
    assert _route(gate=CONFIDENT).strategy == "formula"
    assert _route(gate=CONFIDENT).distilled is None
    manual = _route(manual="hybrid")
    assert (manual.strategy, manual.distilled) == ("hybrid", None)
    shadow = route(INPUT, RouteRule(strategy="shadow"), distilled=distilled)
    assert (shadow.strategy, shadow.distilled) == ("shadow", None)


def test_a_rule_of_another_context_changes_nothing() -> None:
    other = {
        "bench|heavy|fresh|normal|-|on_target|-": _rule("bench|heavy|fresh|normal|-|on_target|-")
    }
    with_other = route(INPUT, RouteRule(strategy="llm"), distilled=other)
    without = route(INPUT, RouteRule(strategy="llm"))
    assert with_other == without
    assert with_other.distilled is None
