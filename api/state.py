"""What the app holds for its lifetime: settings, database, clock, strategy registry."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from api.clock import Clock
from api.persistence.db import Database
from api.settings import Settings
from training_engine.strategies import StrategyRegistry

__all__ = ["AppState", "app_state"]


@dataclass(frozen=True)
class AppState:
    settings: Settings
    db: Database
    clock: Clock
    registry: StrategyRegistry


def app_state(request: Request) -> AppState:
    state: AppState = request.app.state.jit
    return state
