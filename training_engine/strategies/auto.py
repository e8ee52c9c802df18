"""The `auto` strategy: the routing policy decides which strategy serves (issue 11, DR §7).

`routing.decide` takes the effective rule, a manual trigger, the confidence gate, the rule's
thresholds, the budget, provider health and the rollout arm, in that order, and every step it
took is a reason on the result's `route` ("llm: rule: llm (from global); ..."). The shell gives
the facts only it knows (rules, triggers, budget, calls today) per generation through
`routed(facts)`; without them `auto` applies the default rule (the model when a provider accepts
calls, as before) after the gate. A half-open breaker counts as accepting, so its probe can
close it. Whatever serves, the formula runs once and is the base of every branch.
"""

from __future__ import annotations

from shared_types.enums import FallbackReason
from shared_types.inputs import JITInput
from shared_types.llm import GenerationResult
from shared_types.routing import RouteDecision, RoutingFacts
from training_engine.ports import ProviderHealth
from training_engine.routing.decide import decide
from training_engine.routing.gate import GateConfig, confidence_gate
from training_engine.routing.rules import effective_rule
from training_engine.session import FormulaRun, formula_run
from training_engine.strategies.hybrid import HybridStrategy
from training_engine.strategies.llm import LlmStrategy, fallback_session

__all__ = ["DEFAULT_FACTS", "AutoStrategy"]

# No rule anywhere: the model serves when a provider accepts calls (today's behaviour).
DEFAULT_FACTS = RoutingFacts(rule=effective_rule(None, None, None))


class AutoStrategy:
    def __init__(
        self,
        llm: LlmStrategy,
        health: ProviderHealth,
        *,
        gate: GateConfig | None = None,
        facts: RoutingFacts = DEFAULT_FACTS,
    ) -> None:
        self._llm = llm
        self._health = health
        self._gate = gate or GateConfig()
        self._facts = facts

    @property
    def name(self) -> str:
        return "auto"

    def routed(self, facts: RoutingFacts) -> AutoStrategy:
        """The same strategy deciding with this generation's facts."""
        return AutoStrategy(self._llm, self._health, gate=self._gate, facts=facts)

    def choose(self, inp: JITInput) -> RouteDecision:
        """What serves `inp`, and every reason."""
        facts = self._facts
        return decide(
            inp,
            facts.rule,
            confidence_gate(inp, self._gate),
            provider_accepting=self._health.accepting(),
            budget_granted=facts.budget_granted,
            rollout_arm=facts.rollout_arm,
            manual=facts.manual,
            calls_today=facts.calls_today,
            expected_latency_ms=facts.expected_latency_ms,
            expected_cost=facts.expected_cost,
        )

    async def run(self, inp: JITInput) -> GenerationResult:
        decision = self.choose(inp)
        route = f"{decision.strategy}: " + "; ".join(decision.reasons)
        result = await self._serve(decision, formula_run(inp))
        return result.model_copy(update={"route": route})

    async def _serve(self, decision: RouteDecision, formula: FormulaRun) -> GenerationResult:
        if decision.strategy == "llm":
            return await self._llm.adjust(formula)
        if decision.strategy in ("hybrid", "shadow"):
            hybrid = HybridStrategy(self._llm, shadow=decision.strategy == "shadow")
            return await hybrid.compare(formula)
        if decision.fallback is FallbackReason.BUDGET_EXHAUSTED:
            return GenerationResult(output=fallback_session(formula, decision.fallback))
        return GenerationResult(output=formula.output)
