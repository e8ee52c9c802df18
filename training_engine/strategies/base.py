"""The strategy contract, and `serve`: the one way a generation is served.

A strategy turns a `JITInput` into a `GenerationResult`: the served output with the records the
shell stores beside it (the LLM call, the hybrid comparison, `auto`'s route). Strategies are
async because some wait on the outside world (a model); the formula does not. A strategy never
raises for a valid input: failures become a labelled fallback, and every strategy labels its
own output (`jit_strategy`, with the trace saying the same); `serve` labels an unlabelled one
with the strategy's name.

`serve(registry, name, inp, routing)` is what the API's session route, its stateless route and
the CLI call (`routing`: the facts a routing strategy decides with, when the caller has them).
A strategy name the product knows but the registry does not offer (a registry built by
hand, e.g. one that offers only the formula) is served by the formula labelled
`formula_fallback` / `disabled`, never `llm`; a name the product does not know is an
`UnknownStrategyError`.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from shared_types.enums import FallbackReason, StrategyName, StrategyUsed
from shared_types.inputs import JITInput
from shared_types.llm import GenerationResult
from training_engine.ports import Routing
from training_engine.served import labelled
from training_engine.strategies.registry import StrategyRegistry, UnknownStrategyError

__all__ = ["RoutedStrategy", "Strategy", "serve"]

FORMULA = StrategyName.FORMULA.value


class Strategy(Protocol):
    @property
    def name(self) -> str: ...

    async def run(self, inp: JITInput) -> GenerationResult: ...


@runtime_checkable
class RoutedStrategy(Protocol):
    """A strategy that decides with the shell's facts about one generation (`auto`)."""

    def routed(self, routing: Routing) -> Strategy: ...


async def serve(
    registry: StrategyRegistry, name: str, inp: JITInput, routing: Routing | None = None
) -> GenerationResult:
    """Run strategy `name` from `registry` on `inp`; the result names the strategy that ran.

    `routing`: the shell's facts and budget for a strategy that routes (`auto`); others ignore
    them.
    """
    if name in registry.names:
        strategy = registry.create(name)
        if routing is not None and isinstance(strategy, RoutedStrategy):
            strategy = strategy.routed(routing)
        result = await strategy.run(inp)
        output = result.output
        if output.jit_strategy is None and name in {s.value for s in StrategyUsed}:
            # a hand-registered strategy that left the label to its caller
            output = labelled(output, StrategyUsed(name), output.fallback_reason)
        return result.model_copy(update={"output": output, "strategy": name})
    if name not in {s.value for s in StrategyName} or FORMULA not in registry.names:
        raise UnknownStrategyError(name, registry.names)
    result = await registry.create(FORMULA).run(inp)
    served = labelled(result.output, StrategyUsed.FORMULA_FALLBACK, FallbackReason.DISABLED)
    return result.model_copy(update={"output": served, "strategy": FORMULA})
