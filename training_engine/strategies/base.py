"""The strategy contract: something that turns a `JITInput` into a `JITOutput`.

Strategies are async because some wait on the outside world (a model); the formula strategy
does not. A strategy never raises for a valid input: failures become a labelled fallback.
`run` returns the output with the records the shell stores beside it (the LLM call, the hybrid
comparison, `auto`'s route); `run_strategy` gives that for any strategy.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from shared_types.inputs import JITInput
from shared_types.llm import GenerationResult
from shared_types.outputs import JITOutput

__all__ = ["RecordingStrategy", "Strategy", "run_strategy"]


@runtime_checkable
class Strategy(Protocol):
    @property
    def name(self) -> str: ...

    async def generate(self, inp: JITInput) -> JITOutput: ...


@runtime_checkable
class RecordingStrategy(Strategy, Protocol):
    async def run(self, inp: JITInput) -> GenerationResult: ...


async def run_strategy(strategy: Strategy, inp: JITInput) -> GenerationResult:
    if isinstance(strategy, RecordingStrategy):
        return await strategy.run(inp)
    return GenerationResult(output=await strategy.generate(inp))
