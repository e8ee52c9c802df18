"""The `auto` strategy: the LLM when a provider is configured and its breaker lets a call
through, otherwise the formula (domain-reference §7).

This is the one place that decides which strategy serves a generation: rules (e.g. "never the
model on a deload"), a rollout share and a learned policy plug in here later, each as a reason
on the `route`. Today's rule is provider health only. A half-open breaker counts as accepting,
so its probe can close it.
"""

from __future__ import annotations

from shared_types.inputs import JITInput
from shared_types.llm import GenerationResult
from training_engine.ports import ProviderHealth
from training_engine.session import formula_run
from training_engine.strategies.llm import LlmStrategy

__all__ = ["AutoStrategy"]


class AutoStrategy:
    def __init__(self, llm: LlmStrategy, health: ProviderHealth) -> None:
        self._llm = llm
        self._health = health

    @property
    def name(self) -> str:
        return "auto"

    def choose(self, inp: JITInput) -> tuple[str, str]:
        """(strategy, why) for this input."""
        if self._health.accepting():
            return "llm", "provider configured and accepting calls"
        return "formula", "no provider configured, or its breaker is open"

    async def run(self, inp: JITInput) -> GenerationResult:
        choice, why = self.choose(inp)
        route = f"{choice}: {why}"
        formula = formula_run(inp)
        if choice == "llm":
            result = await self._llm.adjust(formula)
            return result.model_copy(update={"route": route})
        return GenerationResult(output=formula.output, route=route)
