"""Strategies by name. The shell builds a registry, registers what it can offer, and asks it.

A registry is a value, not a module-level global: tests and callers build their own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from training_engine.strategies.base import Strategy

__all__ = ["StrategyRegistry", "UnknownStrategyError", "default_registry"]

StrategyFactory = Callable[[], "Strategy"]


class UnknownStrategyError(LookupError):
    def __init__(self, name: str, known: tuple[str, ...]) -> None:
        super().__init__(f"unknown strategy {name!r}; available: {', '.join(known)}")
        self.name = name
        self.known = known


class StrategyRegistry:
    def __init__(self, factories: Mapping[str, StrategyFactory] | None = None) -> None:
        self._factories: Mapping[str, StrategyFactory] = MappingProxyType(dict(factories or {}))

    def register(self, name: str, factory: StrategyFactory) -> StrategyRegistry:
        """A new registry with `name` added (or replaced)."""
        return StrategyRegistry({**self._factories, name: factory})

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(sorted(self._factories))

    def create(self, name: str) -> Strategy:
        factory = self._factories.get(name)
        if factory is None:
            raise UnknownStrategyError(name, self.names)
        return factory()


def default_registry() -> StrategyRegistry:
    """The strategies the core can offer on its own (no model needed): `formula`."""
    from training_engine.strategies.formula import FormulaStrategy  # noqa: PLC0415

    return StrategyRegistry({"formula": FormulaStrategy})
