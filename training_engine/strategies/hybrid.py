"""The `hybrid` strategy: formula and LLM concurrently, compared (domain-reference §6).

The served session is the LLM's when it succeeded, and the formula's labelled
`formula_fallback` (with the reason) otherwise; a fallback is never labelled `llm`. In shadow
mode the formula is served (labelled `formula`) while the LLM still runs and is recorded. Every
run returns a `ComparisonRecord`: both sessions, the divergence and what was served.
"""

from __future__ import annotations

import asyncio

from shared_types.enums import StrategyUsed
from shared_types.inputs import JITInput
from shared_types.llm import ComparisonRecord, GenerationResult
from shared_types.outputs import JITOutput
from training_engine.divergence import compute_divergence, should_surface
from training_engine.served import labelled
from training_engine.strategies.base import Strategy
from training_engine.strategies.formula import FormulaStrategy
from training_engine.strategies.llm import LlmStrategy

__all__ = ["HybridStrategy"]


class HybridStrategy:
    def __init__(
        self, llm: LlmStrategy, formula: Strategy | None = None, *, shadow: bool = False
    ) -> None:
        self._llm = llm
        self._formula = formula or FormulaStrategy()
        self._shadow = shadow

    @property
    def name(self) -> str:
        return "hybrid"

    async def generate(self, inp: JITInput) -> JITOutput:
        return (await self.run(inp)).output

    async def run(self, inp: JITInput) -> GenerationResult:
        formula, llm = await asyncio.gather(self._formula.generate(inp), self._llm.run(inp))
        succeeded = llm.output.jit_strategy is StrategyUsed.LLM
        reason = None if succeeded else llm.output.fallback_reason
        divergence = compute_divergence(formula, llm.output) if succeeded else None
        if succeeded and not self._shadow:
            served = llm.output
        elif self._shadow:
            served = labelled(formula, StrategyUsed.FORMULA)
        else:
            served = labelled(formula, StrategyUsed.FORMULA_FALLBACK, reason)
        comparison = ComparisonRecord(
            served=served.jit_strategy or StrategyUsed.FORMULA,
            shadow=self._shadow,
            fallback_reason=reason,
            divergence=divergence,
            should_surface_to_user=divergence is not None
            and not self._shadow
            and should_surface(divergence),
            formula_output=formula,
            llm_output=llm.output if succeeded else None,
        )
        return GenerationResult(output=served, call=llm.call, comparison=comparison)
