"""`auto` decides with the routing policy (issue 11): the confidence gate, the shell's facts
(rule, manual trigger, budget) through `serve(..., routing=...)`, and a route that gives every
reason. The decision's own order and properties are pinned in tests/engine/routing/."""

from __future__ import annotations

import asyncio
from typing import Any

from shared_types.enums import FallbackReason, IntensityType, StrategyUsed
from shared_types.llm import LlmCallRecord
from shared_types.routing import RouteRule, RoutingFacts
from tests.engine.test_llm_strategies import Health, adjustment
from tests.factories import make_input
from training_engine.ports import CallBudget, FixedAdjustmentSource, Routing
from training_engine.routing.rules import effective_rule
from training_engine.session import formula_session
from training_engine.strategies import AutoStrategy, LlmStrategy, serve
from training_engine.strategies.registry import StrategyRegistry

POOR_NIGHT = {"sleep_quality": 1, "energy_level": 2}  # the gate is not confident


def auto(accepting: bool = True) -> AutoStrategy:
    return AutoStrategy(
        LlmStrategy(FixedAdjustmentSource(adjustment(set_modifier=-1))), Health(accepting)
    )


def facts(**rule: object) -> RoutingFacts:
    return RoutingFacts(rule=effective_rule(RouteRule.model_validate(rule), None, None))


def served(
    strategy: AutoStrategy,
    facts: RoutingFacts | None = None,
    budget: CallBudget | None = None,
    **inp: object,
) -> Any:
    registry = StrategyRegistry({"auto": lambda: strategy})
    routing = Routing(facts, budget) if facts is not None else None
    return asyncio.run(serve(registry, "auto", make_input(**inp), routing))


class Budget:
    """A budget with `left` reservations; records what was settled."""

    def __init__(self, left: int) -> None:
        self.left = left
        self.settled: list[LlmCallRecord | None] = []

    async def reserve(self) -> bool:
        if self.left <= 0:
            return False
        self.left -= 1
        return True

    async def settle(self, call: LlmCallRecord | None) -> None:
        self.settled.append(call)


def test_a_confident_formula_serves_without_asking_the_model_and_says_so() -> None:
    result = served(auto())
    assert result.output == formula_session(make_input())
    assert result.route.startswith("formula: rule: llm (from default); rule conditions pass; gate:")
    assert "formula is confident" in result.route
    assert result.call is None  # no model call, not even a record of one


def test_when_the_gate_is_not_confident_the_model_serves_with_every_reason() -> None:
    result = served(auto(), **POOR_NIGHT)
    assert result.output.jit_strategy is StrategyUsed.LLM
    assert result.route.startswith("llm: rule: llm (from default)")
    assert result.route.endswith(
        "budget reserved; provider accepting calls; no rollout: llm serves"
    )


def test_a_manual_trigger_from_the_shell_wins() -> None:
    manual = RoutingFacts(rule=effective_rule(None, None, None), manual="formula")
    result = served(auto(), manual, **POOR_NIGHT)
    assert result.output.jit_strategy is StrategyUsed.FORMULA
    assert result.route == "formula: manual trigger: formula"


def test_a_rule_can_serve_hybrid_and_shadow_from_the_same_formula_pass() -> None:
    hybrid = served(auto(), facts(strategy="hybrid"), **POOR_NIGHT)
    assert hybrid.comparison is not None
    assert not hybrid.comparison.shadow
    assert hybrid.output.jit_strategy is StrategyUsed.LLM
    shadow = served(auto(), facts(strategy="shadow"), **POOR_NIGHT)
    assert shadow.comparison is not None
    assert shadow.comparison.shadow
    assert shadow.output.jit_strategy is StrategyUsed.FORMULA


def test_never_on_deload_keeps_the_model_off_a_deload() -> None:
    result = served(
        auto(), facts(never_on_deload=True), intensity_type=IntensityType.DELOAD, **POOR_NIGHT
    )
    assert result.output.jit_strategy is StrategyUsed.FORMULA
    assert "never the model on a deload (from global)" in result.route


def test_an_exhausted_budget_falls_back_labelled() -> None:
    budget = Budget(left=0)
    result = served(auto(), facts(), budget, **POOR_NIGHT)
    assert result.output.jit_strategy is StrategyUsed.FORMULA_FALLBACK
    assert result.output.fallback_reason is FallbackReason.BUDGET_EXHAUSTED
    assert result.route.endswith("budget exhausted")
    assert budget.settled == []  # nothing was held


def test_a_granted_budget_is_settled_once_with_the_call() -> None:
    budget = Budget(left=1)
    result = served(auto(), facts(), budget, **POOR_NIGHT)
    assert result.output.jit_strategy is StrategyUsed.LLM
    assert "budget reserved" in result.route
    assert budget.settled == [result.call]


def test_no_budget_is_reserved_when_the_formula_serves() -> None:
    budget = Budget(left=1)
    served(auto(), facts(), budget)  # a confident formula
    served(auto(), facts(strategy="formula"), budget, **POOR_NIGHT)
    assert (budget.left, budget.settled) == (1, [])


class Breaking:
    async def adjustment(self, request: object) -> object:
        raise RuntimeError("a source that breaks its contract")


def test_the_reservation_is_settled_when_the_model_breaks() -> None:
    budget = Budget(left=1)
    strategy = AutoStrategy(LlmStrategy(Breaking()), Health(True))  # type: ignore[arg-type]
    result = served(strategy, facts(), budget, **POOR_NIGHT)
    assert result.output.jit_strategy is StrategyUsed.FORMULA_FALLBACK
    assert len(budget.settled) == 1


def test_without_a_provider_the_formula_serves() -> None:
    result = served(auto(accepting=False), **POOR_NIGHT)
    assert result.output.jit_strategy is StrategyUsed.FORMULA
    assert result.route.endswith("no provider configured, or its breaker is open")


def test_other_strategies_ignore_routing_facts() -> None:
    routing = Routing(RoutingFacts(rule=effective_rule(None, None, None), manual="llm"))
    llm = LlmStrategy(FixedAdjustmentSource(adjustment(set_modifier=-1)))
    registry = StrategyRegistry({"llm": lambda: llm})
    result = asyncio.run(serve(registry, "llm", make_input(), routing))
    assert result.route is None
    assert result.output.jit_strategy is StrategyUsed.LLM
