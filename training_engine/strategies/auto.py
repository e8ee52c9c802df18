"""The `auto` strategy: the routing policy decides which strategy serves (issue 11, DR §7).

`routing.decide` takes the effective rule, a manual trigger, the confidence gate, the rule's
thresholds, the budget, provider health and the rollout arm, in that order, and every step it
took is a reason on the result's `route` ("llm: rule: llm (from global); ...").

The shell gives what only it knows per generation through `routed(Routing(...))`: the facts
(rules, triggers, calls today, expected latency and cost) and its budget. Without them `auto`
applies the default rule (the model when a provider accepts calls, as before) after the gate.
The budget is reserved only when the decision asks a model and settled with the call's record
afterwards; a refused reservation decides again with the budget exhausted (the formula,
labelled `budget_exhausted`). A half-open breaker counts as accepting, so its probe can close
it. Whatever serves, the formula runs once and is the base of every branch.

An active distilled rule of the oracle (issue 12) serves its adjustment through the LLM path's
apply and constraint pass (`adjusted_session`) without a model call, a budget reservation or a
call record; its route names the rule's version.

In the shadow phase of a prompt or model rollout the candidate's call runs concurrently with
the served session (the generation waits for the slower of the two), on its own reservation
of `Routing.shadow_budget`; its record is the result's `shadow_call`, never served.
"""

from __future__ import annotations

import asyncio

from shared_types.enums import FallbackReason, StrategyUsed
from shared_types.inputs import JITInput
from shared_types.llm import GenerationResult
from shared_types.oracle import DistilledRule
from shared_types.routing import ModelVariant, RouteDecision, RoutingFacts
from training_engine.adjustment import adjusted_session
from training_engine.ports import ProviderHealth, Routing
from training_engine.routing.decide import decide
from training_engine.routing.gate import GateConfig, confidence_gate
from training_engine.routing.oracle import as_adjustment
from training_engine.routing.rules import effective_rule
from training_engine.session import FormulaRun, formula_run
from training_engine.strategies.hybrid import HybridStrategy
from training_engine.strategies.llm import LlmStrategy, fallback_session

__all__ = ["DEFAULT_FACTS", "AutoStrategy"]

# No rule anywhere: the model serves when a provider accepts calls (today's behaviour).
DEFAULT_FACTS = RoutingFacts(rule=effective_rule(None, None, None))
_ASKS_A_MODEL = frozenset({"llm", "hybrid", "shadow"})


class AutoStrategy:
    def __init__(
        self,
        llm: LlmStrategy,
        health: ProviderHealth,
        *,
        gate: GateConfig | None = None,
        routing: Routing | None = None,
    ) -> None:
        self._llm = llm
        self._health = health
        self._gate = gate or GateConfig()
        self._routing = routing or Routing(DEFAULT_FACTS)

    @property
    def name(self) -> str:
        return "auto"

    def routed(self, routing: Routing) -> AutoStrategy:
        """The same strategy deciding with this generation's facts and budget."""
        return AutoStrategy(self._llm, self._health, gate=self._gate, routing=routing)

    def choose(self, inp: JITInput, *, budget_granted: bool | None = None) -> RouteDecision:
        """What serves `inp`, and every reason (`budget_granted`: the reservation's answer,
        when one was asked for; else the facts')."""
        facts = self._routing.facts
        granted = facts.budget_granted if budget_granted is None else budget_granted
        return decide(
            inp,
            facts.rule,
            confidence_gate(inp, self._gate),
            provider_accepting=self._health.accepting(),
            budget_granted=granted,
            rollout_arm=facts.rollout_arm,
            manual=facts.manual,
            calls_today=facts.calls_today,
            expected_latency_ms=facts.expected_latency_ms,
            expected_cost=facts.expected_cost,
            variant=facts.variant,
            bandit=facts.bandit,
            distilled=facts.distilled,
        )

    async def run(self, inp: JITInput) -> GenerationResult:
        decision = self.choose(inp)
        formula = formula_run(inp)
        if decision.beside is None:
            return await self._budgeted(inp, decision, formula)
        served, beside = await asyncio.gather(
            self._budgeted(inp, decision, formula), self._shadow_call(decision.beside, formula)
        )
        if beside is None:
            route = f"{served.route}; the shadow call was not made: budget exhausted"
            return served.model_copy(update={"route": route})
        return served.model_copy(update={"shadow_call": beside.call})

    async def _budgeted(
        self, inp: JITInput, decision: RouteDecision, formula: FormulaRun
    ) -> GenerationResult:
        """Serve `decision`, reserving its model call first (a refusal decides again)."""
        budget = self._routing.budget
        reserved = False
        if budget is not None and decision.strategy in _ASKS_A_MODEL and not decision.distilled:
            reserved = await budget.reserve()
            if not reserved:
                decision = self.choose(inp, budget_granted=False)
        result: GenerationResult | None = None
        try:
            result = await self._serve(decision, formula)
        finally:
            if reserved and budget is not None:
                await budget.settle(result.call if result is not None else None)
        route = f"{decision.strategy}: " + "; ".join(decision.reasons)
        return result.model_copy(update={"route": route, "bandit": decision.bandit})

    async def _shadow_call(
        self, variant: ModelVariant, formula: FormulaRun
    ) -> GenerationResult | None:
        """A rollout's shadow call: the candidate's prompt and model asked beside the served
        session, within its own budget reservation (None: refused); only its record is kept."""
        budget = self._routing.shadow_budget
        if budget is not None and not await budget.reserve():
            return None
        result: GenerationResult | None = None
        try:
            result = await self._llm.adjust(formula, variant)
        finally:
            if budget is not None:
                await budget.settle(result.call if result is not None else None)
        return result

    async def _serve(self, decision: RouteDecision, formula: FormulaRun) -> GenerationResult:
        if decision.distilled is not None:
            return _distilled(decision.distilled, formula)
        if decision.strategy == "llm":
            return await self._llm.adjust(formula, decision.variant)
        if decision.strategy in ("hybrid", "shadow"):
            hybrid = HybridStrategy(self._llm, shadow=decision.strategy == "shadow")
            return await hybrid.compare(formula, decision.variant)
        if decision.fallback is FallbackReason.BUDGET_EXHAUSTED:
            return GenerationResult(output=fallback_session(formula, decision.fallback))
        return GenerationResult(output=formula.output)


def _distilled(rule: DistilledRule, formula: FormulaRun) -> GenerationResult:
    """An active distilled rule served through the LLM path's own apply and constraint pass
    (`adjusted_session`), labelled `distilled_rule`: no model call, so no call record and no
    tokens. An adjustment the apply cannot take serves the formula labelled
    `invalid_response`, as the LLM path does."""
    try:
        output = adjusted_session(formula, as_adjustment(rule))
    except (ArithmeticError, ValueError, TypeError, AttributeError):
        return GenerationResult(output=fallback_session(formula, FallbackReason.INVALID_RESPONSE))
    return GenerationResult(
        output=output.model_copy(update={"jit_strategy": StrategyUsed.DISTILLED_RULE})
    )
