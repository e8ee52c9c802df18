"""The `hybrid` strategy: the formula and the LLM's adjustment of it, compared
(domain-reference §6). The formula pass runs once and is both the LLM's base and the comparison's
formula side (the reference runs the two concurrently; ours is CPU work of microseconds, so
nothing waits on it).

The served session is the LLM's when it succeeded, and the formula's labelled
`formula_fallback` (with the reason) otherwise; a fallback is never labelled `llm`. In shadow
mode the formula is served (labelled `formula`) while the LLM still runs and is recorded. Every
run returns a `ComparisonRecord`: both sessions, the divergence and what was served.
"""

from __future__ import annotations

from shared_types.enums import StrategyUsed
from shared_types.inputs import JITInput
from shared_types.llm import ComparisonRecord, GenerationResult
from shared_types.routing import ModelVariant
from training_engine.divergence import compute_divergence, should_surface
from training_engine.served import labelled
from training_engine.session import FormulaRun, formula_run
from training_engine.strategies.llm import LlmStrategy

__all__ = ["HybridStrategy"]


class HybridStrategy:
    def __init__(self, llm: LlmStrategy, *, shadow: bool = False) -> None:
        self._llm = llm
        self._shadow = shadow

    @property
    def name(self) -> str:
        return "hybrid"

    async def run(self, inp: JITInput) -> GenerationResult:
        return await self.compare(formula_run(inp))

    async def compare(
        self, run: FormulaRun, variant: ModelVariant | None = None
    ) -> GenerationResult:
        """The comparison over a formula pass already made (`auto` routes here with its own),
        the model asked with `variant` (None: the configured prompt and model)."""
        formula = run.output
        llm = await self._llm.adjust(run, variant)
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
