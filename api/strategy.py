"""Which strategy serves a generation, and how the output is labelled.

The lifter's `jit_strategy` setting (or the request's override) names `auto`, `formula`, `llm`
or `hybrid`. A name the registry offers runs as is. A name it does not offer (today: all but
`formula`, until the LLM layer registers its strategies) is served by the formula and labelled
honestly: `jit_strategy = formula_fallback`, `fallback_reason = disabled`. Never `llm`.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared_types.enums import FallbackReason, StrategyName, StrategyUsed
from shared_types.outputs import JITOutput
from training_engine.strategies import Strategy, StrategyRegistry

__all__ = ["Resolved", "label", "resolve"]

FORMULA = "formula"


@dataclass(frozen=True)
class Resolved:
    requested: StrategyName
    strategy: Strategy
    fallback_reason: FallbackReason | None


def resolve(requested: StrategyName, registry: StrategyRegistry) -> Resolved:
    if requested.value in registry.names:
        return Resolved(requested, registry.create(requested.value), None)
    return Resolved(requested, registry.create(FORMULA), FallbackReason.DISABLED)


def label(resolved: Resolved, output: JITOutput) -> JITOutput:
    """The output with the strategy that actually produced it."""
    if resolved.fallback_reason is not None:
        return output.model_copy(
            update={
                "jit_strategy": StrategyUsed.FORMULA_FALLBACK,
                "fallback_reason": resolved.fallback_reason,
            }
        )
    if output.jit_strategy is None:
        return output.model_copy(update={"jit_strategy": StrategyUsed(resolved.strategy.name)})
    return output
