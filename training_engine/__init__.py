"""The functional core: pure functions over immutable values. No I/O, clock, env or network."""

from training_engine.adjustment import adjusted_session, apply_adjustment
from training_engine.constraints import enforce_hard_constraints
from training_engine.ports import AdjustmentSource, AdjustmentUnavailable, FixedAdjustmentSource
from training_engine.prompt import build_prompt
from training_engine.session import FormulaRun, formula_run, formula_session
from training_engine.strategies import (
    AutoStrategy,
    FormulaStrategy,
    HybridStrategy,
    LlmStrategy,
    Strategy,
    StrategyRegistry,
    UnknownStrategyError,
    default_registry,
    serve,
)

__all__ = [
    "AdjustmentSource",
    "AdjustmentUnavailable",
    "AutoStrategy",
    "FixedAdjustmentSource",
    "FormulaRun",
    "FormulaStrategy",
    "HybridStrategy",
    "LlmStrategy",
    "Strategy",
    "StrategyRegistry",
    "UnknownStrategyError",
    "adjusted_session",
    "apply_adjustment",
    "build_prompt",
    "default_registry",
    "enforce_hard_constraints",
    "formula_run",
    "formula_session",
    "serve",
]
