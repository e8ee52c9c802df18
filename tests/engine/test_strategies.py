"""The strategy contract and the registry."""

from __future__ import annotations

import asyncio

import pytest

from shared_types.enums import FallbackReason, StrategyUsed
from shared_types.inputs import JITInput
from shared_types.llm import GenerationResult
from tests.factories import make_input
from training_engine.session import formula_session
from training_engine.strategies import (
    FormulaStrategy,
    Strategy,
    StrategyRegistry,
    UnknownStrategyError,
    default_registry,
    serve,
)


def test_the_default_registry_offers_formula() -> None:
    registry = default_registry()
    assert registry.names == ("formula",)
    strategy = registry.create("formula")
    assert strategy.name == "formula"


def test_formula_strategy_serves_the_formula_session_labelled_formula() -> None:
    inp = make_input()
    served = asyncio.run(FormulaStrategy().run(inp)).output
    assert served == formula_session(inp)
    assert served.jit_strategy is StrategyUsed.FORMULA


def test_unknown_names_are_refused_with_the_known_ones() -> None:
    with pytest.raises(UnknownStrategyError) as caught:
        default_registry().create("llm")
    assert caught.value.known == ("formula",)


class _Echo:
    name = "echo"

    async def run(self, inp: JITInput) -> GenerationResult:
        return GenerationResult(output=formula_session(inp))


def test_registering_returns_a_new_registry_and_leaves_the_old_one_alone() -> None:
    base = default_registry()
    extended = base.register("echo", _Echo)
    assert extended.names == ("echo", "formula")
    assert base.names == ("formula",)
    assert isinstance(extended.create("echo"), _Echo)
    strategy: Strategy = StrategyRegistry().register("echo", _Echo).create("echo")
    assert strategy.name == "echo"


def test_serve_runs_the_named_strategy_and_says_which_ran() -> None:
    inp = make_input()
    result = asyncio.run(serve(default_registry(), "formula", inp))
    assert result.strategy == "formula"
    assert result.output == formula_session(inp)


@pytest.mark.parametrize("name", ["llm", "hybrid", "auto"])
def test_serve_answers_a_known_strategy_the_registry_lacks_with_a_labelled_formula(
    name: str,
) -> None:
    inp = make_input()
    result = asyncio.run(serve(default_registry(), name, inp))
    assert result.strategy == "formula"
    assert result.output.jit_strategy is StrategyUsed.FORMULA_FALLBACK
    assert result.output.fallback_reason is FallbackReason.DISABLED
    assert result.output.trace is not None
    assert result.output.trace.strategy == "formula_fallback"
    assert result.output.main_lift_sets == formula_session(inp).main_lift_sets


def test_serve_refuses_a_name_the_product_does_not_know() -> None:
    with pytest.raises(UnknownStrategyError) as caught:
        asyncio.run(serve(default_registry(), "oracle", make_input()))
    assert caught.value.known == ("formula",)
