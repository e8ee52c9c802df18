"""The deterministic strategy: the formula pipeline, offline, the reference behaviour."""

from __future__ import annotations

from shared_types.inputs import JITInput
from shared_types.llm import GenerationResult
from training_engine.session import formula_session

__all__ = ["FormulaStrategy"]


class FormulaStrategy:
    @property
    def name(self) -> str:
        return "formula"

    async def run(self, inp: JITInput) -> GenerationResult:
        return GenerationResult(output=formula_session(inp))
