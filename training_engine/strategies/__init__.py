"""Pluggable strategies: the contract, the registry, and the formula strategy."""

from training_engine.strategies.base import Strategy
from training_engine.strategies.formula import FormulaStrategy
from training_engine.strategies.registry import (
    StrategyRegistry,
    UnknownStrategyError,
    default_registry,
)

__all__ = [
    "FormulaStrategy",
    "Strategy",
    "StrategyRegistry",
    "UnknownStrategyError",
    "default_registry",
]
