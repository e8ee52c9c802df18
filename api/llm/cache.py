"""The adjustment cache: canonical input hash -> the model's adjustment.

The key is a sha256 over (the prompt's context, which is the prompt-relevant part of the
input, canonical JSON; the prompt version; the model; the response schema). A changed prompt,
model or schema never reuses an old answer. `AdjustmentCache` is the interface: the
in-process `MemoryAdjustmentCache` (LRU with a TTL, clock injected) is the first tier; the
persistence layer can implement the same two async methods over a table.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import OrderedDict
from collections.abc import Callable
from functools import cache
from typing import Protocol, runtime_checkable

from shared_types.adjustment import JITAdjustment

__all__ = ["AdjustmentCache", "MemoryAdjustmentCache", "cache_key", "schema_hash"]

Clock = Callable[[], float]


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

    async def put(self, key: str, adjustment: JITAdjustment) -> None:
        if self._ttl <= 0:
            return
        self._entries[key] = (self._clock() + self._ttl, adjustment)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)
