"""The functional core: pure functions over immutable values. No I/O, clock, env or network."""

from training_engine.adjustment import apply_adjustment
from training_engine.constraints import enforce_hard_constraints
from training_engine.session import formula_session
from training_engine.strategies import (
    FormulaStrategy,
    Strategy,
    StrategyRegistry,
    UnknownStrategyError,
    default_registry,
)

__all__ = [
    "FormulaStrategy",
    "Strategy",
    "StrategyRegistry",
    "UnknownStrategyError",
    "apply_adjustment",
    "default_registry",
    "enforce_hard_constraints",
    "formula_session",
]
