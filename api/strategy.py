"""Which strategy serves a generation, and how the output is labelled.

The lifter's `jit_strategy` setting (or the request's override) names `auto`, `formula`, `llm`
or `hybrid`. The app's registry offers all four (`create_app` builds it from the settings with
`api.llm.runtime`, as the CLI does), and a name the registry offers runs as is. The strategies
label their own outputs:

* `formula`: `formula`;
* `llm`: `llm`, or on any failure the formula labelled `formula_fallback` with the reason (with
  `JIT_LLM__PROVIDER=none`, the default, always `formula_fallback` / `disabled`);
* `hybrid`: `llm` when the model's session is served, `formula` in shadow mode, otherwise
  `formula_fallback` with the reason;
* `auto`: the `llm` strategy when a provider is configured and its breaker accepts calls,
  otherwise the formula (`formula`).

Safety net: a name the registry does not offer (a registry built by hand, e.g. in a test or an
embedding that offers only the formula) is served by the formula and labelled honestly,
`jit_strategy = formula_fallback`, `fallback_reason = disabled`. Never `llm`.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared_types.enums import FallbackReason, StrategyName, StrategyUsed
from shared_types.outputs import JITOutput
from training_engine.served import labelled
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
    """The output with the strategy that actually produced it (its trace says the same)."""
    if resolved.fallback_reason is not None:
        return labelled(output, StrategyUsed.FORMULA_FALLBACK, resolved.fallback_reason)
    if output.jit_strategy is None:
        return labelled(output, StrategyUsed(resolved.strategy.name), output.fallback_reason)
    return output
