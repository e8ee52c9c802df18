"""The adjustment cache: canonical input hash -> the model's adjustment.

The key is a sha256 over (the prompt's context, which is the prompt-relevant part of the
input, canonical JSON; the prompt version; the model; the response schema). A changed prompt,
model or schema never reuses an old answer. `AdjustmentCache` is the interface (two async
methods). The runtime builds a `TieredAdjustmentCache`: the in-process `MemoryAdjustmentCache`
(LRU with a TTL, clock injected) in front of the optional `DatabaseAdjustmentTier` (a table
every worker shares, with its own TTL on the app's clock; issue 11). A database hit fills the
memory tier. An entry that is corrupt or cannot be read is a miss, never an error, and the next
answer overwrites it. `get_with_tier` tells the caller which tier answered (the source stores it
on the call record: `llm_calls.cache_tier`); the tiered cache also counts hits per tier and
misses (for /metrics).
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import cache
from typing import Protocol, runtime_checkable

from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from api.persistence.db import Database
from api.persistence.repositories import adjustment_cache as repo
from api.settings import BudgetSettings
from shared_types.adjustment import JITAdjustment
from shared_types.llm import CacheTier

__all__ = [
    "AdjustmentCache",
    "DatabaseAdjustmentTier",
    "MemoryAdjustmentCache",
    "Tier",
    "TieredAdjustmentCache",
    "cache_key",
    "database_tier",
    "schema_hash",
]

Clock = Callable[[], float]
WallClock = Callable[[], datetime]
Tier = CacheTier  # the tier that answered a get

_log = logging.getLogger(__name__)


@cache
def schema_hash() -> str:
    schema = json.dumps(JITAdjustment.model_json_schema(), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(schema.encode()).hexdigest()[:16]


def cache_key(context_json: str, prompt_version: str, provider: str, model: str) -> str:
    canonical = json.dumps(
        {
            "context": json.loads(context_json),
            "prompt_version": prompt_version,
            "provider": provider,
            "model": model,
            "schema": schema_hash(),
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


@runtime_checkable
class AdjustmentCache(Protocol):
    async def get(self, key: str) -> JITAdjustment | None: ...

    async def get_with_tier(self, key: str) -> tuple[JITAdjustment, Tier] | None:
        """The adjustment and the tier that answered; None on a miss."""
        ...

    async def put(self, key: str, adjustment: JITAdjustment) -> None: ...


class MemoryAdjustmentCache:
    """Least-recently-used entries, each valid for `ttl_s` seconds of the injected clock."""

    def __init__(self, max_entries: int, ttl_s: float, clock: Clock = time.monotonic) -> None:
        self._entries: OrderedDict[str, tuple[float, JITAdjustment]] = OrderedDict()
        self._max = max_entries
        self._ttl = ttl_s
        self._clock = clock

    def __len__(self) -> int:
        return len(self._entries)

    async def get_with_tier(self, key: str) -> tuple[JITAdjustment, Tier] | None:
        adjustment = await self.get(key)
        return None if adjustment is None else (adjustment, "memory")

    async def get(self, key: str) -> JITAdjustment | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires_at, adjustment = entry
        if self._clock() >= expires_at:
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return adjustment

    async def put(self, key: str, adjustment: JITAdjustment, ttl_s: float | None = None) -> None:
        """Keep `adjustment` for the cache's TTL, or for `ttl_s` if that is shorter (an entry
        copied from the database tier lives no longer than the row it came from)."""
        ttl = self._ttl if ttl_s is None else min(self._ttl, ttl_s)
        if ttl <= 0:
            return
        self._entries[key] = (self._clock() + ttl, adjustment)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)


class DatabaseAdjustmentTier:
    """The table tier (`adjustment_cache`): entries live `ttl_s` seconds of the app's clock, so
    every worker agrees when one expires. Reads and writes run through `Database.run` (a worker
    thread on PostgreSQL)."""

    def __init__(self, db: Database, ttl_s: float, clock: WallClock) -> None:
        self._db = db
        self._ttl = timedelta(seconds=ttl_s)
        self._clock = clock

    async def get(self, key: str) -> tuple[JITAdjustment, float] | None:
        """The stored adjustment and its seconds left; None when missing, expired, corrupt (not
        JSON, or not a valid `JITAdjustment`) or unreadable (the database failed)."""
        now = self._clock()
        try:
            found = await self._db.run(self._load, key, now)
        except SQLAlchemyError as exc:
            _log.warning(
                "adjustment cache: database tier unreadable (%s); a miss", type(exc).__name__
            )
            return None
        if found is None:
            return None
        text, expires_at = found
        try:
            adjustment = JITAdjustment.model_validate_json(text)
        except ValidationError:
            _log.warning("adjustment cache: corrupt entry %s; a miss", key[:12])
            return None
        return adjustment, (expires_at - now).total_seconds()

    async def put(self, key: str, adjustment: JITAdjustment) -> None:
        now = self._clock()
        await self._db.run(self._store, key, adjustment.model_dump_json(), now, now + self._ttl)

    def _load(self, key: str, now: datetime) -> tuple[str, datetime] | None:
        with self._db.read() as unit:
            return repo.load(unit, key, now)

    def _store(self, key: str, text: str, now: datetime, expires_at: datetime) -> None:
        with self._db.write() as unit:
            repo.store(unit, key, text, now, expires_at)


def database_tier(
    db: Database, settings: BudgetSettings, clock: WallClock
) -> DatabaseAdjustmentTier | None:
    """The database tier the settings ask for (`cache_db_tier` on and a positive TTL), or None."""
    if not settings.cache_db_tier or settings.cache_db_ttl_s <= 0:
        return None
    return DatabaseAdjustmentTier(db, settings.cache_db_ttl_s, clock)


class TieredAdjustmentCache:
    """The memory tier in front of the optional database tier, counting where each get ended."""

    def __init__(
        self, memory: MemoryAdjustmentCache, database: DatabaseAdjustmentTier | None = None
    ) -> None:
        self._memory = memory
        self._database = database
        self._hits: dict[Tier, int] = {"memory": 0, "database": 0}
        self.misses = 0

    def hits_by_tier(self) -> dict[Tier, int]:
        """Hits so far per tier (a copy); `misses` counts gets that neither tier answered."""
        return dict(self._hits)

    async def get(self, key: str) -> JITAdjustment | None:
        found = await self.get_with_tier(key)
        return None if found is None else found[0]

    async def get_with_tier(self, key: str) -> tuple[JITAdjustment, Tier] | None:
        """The adjustment and the tier that answered (a database hit fills the memory tier);
        None when neither did."""
        adjustment = await self._memory.get(key)
        if adjustment is not None:
            self._hits["memory"] += 1
            return adjustment, "memory"
        stored = await self._database.get(key) if self._database is not None else None
        if stored is None:
            self.misses += 1
            return None
        adjustment, seconds_left = stored
        self._hits["database"] += 1
        await self._memory.put(key, adjustment, seconds_left)
        return adjustment, "database"

    async def put(self, key: str, adjustment: JITAdjustment) -> None:
        """Both tiers; a database failure propagates after the memory tier is filled (the
        source skips a failing cache)."""
        await self._memory.put(key, adjustment)
        if self._database is not None:
            await self._database.put(key, adjustment)
