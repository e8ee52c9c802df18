"""The strategy contract and the registry."""

from __future__ import annotations

import asyncio

import pytest

from shared_types.enums import StrategyUsed
from shared_types.inputs import JITInput
from shared_types.outputs import JITOutput
from tests.factories import make_input
from training_engine.session import formula_session
from training_engine.strategies import (
    FormulaStrategy,
    Strategy,
    StrategyRegistry,
    UnknownStrategyError,
    default_registry,
)


def test_the_default_registry_offers_formula() -> None:
    registry = default_registry()
    assert registry.names == ("formula",)
    strategy = registry.create("formula")
    assert isinstance(strategy, Strategy)
    assert strategy.name == "formula"


def test_formula_strategy_serves_the_formula_session_labelled_formula() -> None:
    inp = make_input()
    served = asyncio.run(FormulaStrategy().generate(inp))
    assert served == formula_session(inp)
    assert served.jit_strategy is StrategyUsed.FORMULA


def test_unknown_names_are_refused_with_the_known_ones() -> None:
    with pytest.raises(UnknownStrategyError) as caught:
        default_registry().create("llm")
    assert caught.value.known == ("formula",)


class _Echo:
    name = "echo"

    async def generate(self, inp: JITInput) -> JITOutput:
        return formula_session(inp)


def test_registering_returns_a_new_registry_and_leaves_the_old_one_alone() -> None:
    base = default_registry()
    extended = base.register("echo", _Echo)
    assert extended.names == ("echo", "formula")
    assert base.names == ("formula",)
    assert isinstance(extended.create("echo"), _Echo)
    assert isinstance(StrategyRegistry().register("echo", _Echo).create("echo"), Strategy)
