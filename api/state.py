"""What the app holds for its lifetime: settings, database, clock, strategy registry, caches,
metrics."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Generic, TypeVar

from fastapi import Request

from api.clock import Clock
from api.llm.review_tasks import ReviewTasks
from api.metrics import Metrics
from api.persistence.db import Database
from api.persistence.repositories.state import Standing
from api.settings import Settings
from training_engine.strategies import StrategyRegistry

__all__ = [
    "AppState",
    "CachedToken",
    "StageTimes",
    "StandingCache",
    "TokenCache",
    "app_state",
]

TOKEN_TTL_S = 5.0
CACHE_SIZE = 10_000
V = TypeVar("V")


@dataclass(frozen=True)
class CachedToken:
    """What a known token stands for: its lifter, its own id and device, and when it expires
    (checked against the app's clock on every request, cached or not)."""

    lifter_id: str
    token_id: str
    device: str
    expires_at: datetime | None


class TokenCache(Generic[V]):
    """Token hash -> what it stands for (`CachedToken`), for `TOKEN_TTL_S` seconds (monotonic
    clock).

    Rotating or revoking a token (or deleting its lifter) forgets the old hashes in this
    process at once, and for `TOKEN_TTL_S` refuses to cache them again (a lookup that read
    the token before the rotation committed cannot put it back). Another worker process may
    accept a revoked token until its entry expires (at most `TOKEN_TTL_S`); unknown tokens are
    never cached, so a new token works everywhere at once.
    """

    def __init__(self, ttl_s: float = TOKEN_TTL_S) -> None:
        self._ttl_s = ttl_s
        self._entries: dict[str, tuple[V, float]] = {}
        self._forgotten: dict[str, float] = {}  # hash -> until when it is not cached again

    def get(self, token_hash: str) -> V | None:
        entry = self._entries.get(token_hash)
        if entry is None or entry[1] < time.monotonic():
            return None
        return entry[0]

    def put(self, token_hash: str, value: V) -> None:
        now = time.monotonic()
        forgotten = self._forgotten.get(token_hash)
        if forgotten is not None:
            if forgotten >= now:
                return
            del self._forgotten[token_hash]
        if len(self._entries) >= CACHE_SIZE:
            self._entries.clear()
        self._entries[token_hash] = (value, now + self._ttl_s)

    def forget(self, token_hashes: Iterable[str]) -> None:
        until = time.monotonic() + self._ttl_s
        if len(self._forgotten) >= CACHE_SIZE:
            self._forgotten = {h: t for h, t in self._forgotten.items() if t >= until - self._ttl_s}
        for token_hash in token_hashes:
            self._entries.pop(token_hash, None)
            self._forgotten[token_hash] = until


class StandingCache:
    """Lifter id -> the lifter's `Standing` (maxes, configs, disruptions, rehab caps).

    An entry is used only at the `config_version` it was loaded at; every write to those bumps
    the version in the database, so a stale entry is never used, in any worker.
    """

    def __init__(self) -> None:
        self._entries: dict[str, Standing] = {}

    def get(self, lifter_id: str, config_version: int) -> Standing | None:
        entry = self._entries.get(lifter_id)
        return entry if entry is not None and entry.config_version == config_version else None

    def put(self, lifter_id: str, standing: Standing) -> None:
        if len(self._entries) >= CACHE_SIZE:
            self._entries.clear()
        self._entries[lifter_id] = standing


class StageTimes:
    """CPU seconds per generation stage (`time.thread_time` of the thread that ran it), for
    `jit-engine bench-api`; off unless `JIT_STAGE_TIMES_FILE` is set. Each stage runs in one
    thread without yielding, so other requests' work is not counted in it."""

    def __init__(self) -> None:
        self.cpu_s: dict[str, float] = {}
        self.generations = 0

    @contextmanager
    def measure(self, stage: str) -> Iterator[None]:
        start = time.thread_time()
        try:
            yield
        finally:
            self.cpu_s[stage] = self.cpu_s.get(stage, 0.0) + time.thread_time() - start

    def write(self, path: str) -> None:
        """One file per process (`<path>.<pid>`), so several workers do not overwrite."""
        report = {"generations": self.generations, "cpu_s": self.cpu_s}
        Path(f"{path}.{os.getpid()}").write_text(json.dumps(report), encoding="utf-8")


@dataclass(frozen=True)
class AppState:
    settings: Settings
    db: Database
    clock: Clock
    registry: StrategyRegistry
    tokens: TokenCache[CachedToken] = field(default_factory=TokenCache)
    standing: StandingCache = field(default_factory=StandingCache)
    stages: StageTimes | None = None
    metrics: Metrics = field(default_factory=Metrics)
    reviews: ReviewTasks | None = None  # the review pass's tasks; None when reviews are off

    @contextmanager
    def stage(self, name: str, into: dict[str, float] | None = None) -> Iterator[None]:
        """Times a stage: its wall-clock latency into the metrics, and its CPU when the bench
        asked for it. With `into`, its wall-clock milliseconds are also kept there under `name`
        when it ends without an error (the generation stores them: `generations.stage_ms`)."""
        cpu = self.stages.measure(name) if self.stages is not None else nullcontext()
        with self.metrics.stage(name), cpu:
            if into is None:
                yield
                return
            start = time.perf_counter()
            yield
            into[name] = round((time.perf_counter() - start) * 1000, 3)


def app_state(request: Request) -> AppState:
    state: AppState = request.app.state.jit
    return state
