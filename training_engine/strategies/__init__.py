"""Pluggable strategies: the contract, the registry, formula, llm, hybrid and auto."""

from training_engine.strategies.auto import AutoStrategy
from training_engine.strategies.base import Strategy, serve
from training_engine.strategies.formula import FormulaStrategy
from training_engine.strategies.hybrid import HybridStrategy
from training_engine.strategies.llm import LlmStrategy, fallback_session
from training_engine.strategies.registry import (
    StrategyRegistry,
    UnknownStrategyError,
    default_registry,
)

__all__ = [
    "AutoStrategy",
    "FormulaStrategy",
    "HybridStrategy",
    "LlmStrategy",
    "Strategy",
    "StrategyRegistry",
    "UnknownStrategyError",
    "default_registry",
    "fallback_session",
    "serve",
]
