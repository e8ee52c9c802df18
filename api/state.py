"""What the app holds for its lifetime: settings, database, clock, strategy registry, caches."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from fastapi import Request

from api.clock import Clock
from api.persistence.db import Database
from api.settings import Settings
from training_engine.strategies import StrategyRegistry

__all__ = ["AppState", "TokenCache", "app_state"]

TOKEN_TTL_S = 5.0
TOKEN_CACHE_SIZE = 10_000


class TokenCache:
    """Token hash -> lifter id, for `TOKEN_TTL_S` seconds (monotonic clock).

    Rotating a token forgets the old hashes in this process at once. Another worker process may
    accept a revoked token until its entry expires (at most `TOKEN_TTL_S`); unknown tokens are
    never cached, so a new token works everywhere at once.
    """

    def __init__(self, ttl_s: float = TOKEN_TTL_S) -> None:
        self._ttl_s = ttl_s
        self._entries: dict[str, tuple[str, float]] = {}

    def get(self, token_hash: str) -> str | None:
        entry = self._entries.get(token_hash)
        if entry is None or entry[1] < time.monotonic():
            return None
        return entry[0]

    def put(self, token_hash: str, lifter_id: str) -> None:
        if len(self._entries) >= TOKEN_CACHE_SIZE:
            self._entries.clear()
        self._entries[token_hash] = (lifter_id, time.monotonic() + self._ttl_s)

    def forget(self, token_hashes: Iterable[str]) -> None:
        for token_hash in token_hashes:
            self._entries.pop(token_hash, None)


@dataclass(frozen=True)
class AppState:
    settings: Settings
    db: Database
    clock: Clock
    registry: StrategyRegistry
    tokens: TokenCache = field(default_factory=TokenCache)


def app_state(request: Request) -> AppState:
    state: AppState = request.app.state.jit
    return state
