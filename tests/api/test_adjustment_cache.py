"""The adjustment cache's database tier (issue 11): shared by workers, TTL on the app's clock, a
corrupt or unreadable entry is a miss, hits counted per tier. Runs on every database kind."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx2
import pytest
from sqlalchemy import text

from api.clock import FixedClock
from api.llm.cache import (
    DatabaseAdjustmentTier,
    MemoryAdjustmentCache,
    TieredAdjustmentCache,
    database_tier,
)
from api.llm.runtime import build_runtime
from api.persistence.db import Database
from api.persistence.tables import LlmCallRow
from api.settings import BudgetSettings
from shared_types.adjustment import JITAdjustment
from tests.api.client import Api
from tests.api.conftest import MONDAY
from tests.api.llm_payloads import ADJUSTMENT, FakeClock, Provider, openai_completion, settings
from tests.api.test_llm_generation import _generate, _ready

ADJ = JITAdjustment.model_validate(ADJUSTMENT)
TTL_S = 600.0


@pytest.fixture
def db(database_urls: dict[str, str], db_kind: str) -> Iterator[Database]:
    database = Database(database_urls[db_kind])
    yield database
    database.dispose()


def _tiered(
    db: Database, clock: FixedClock, memory_clock: FakeClock | None = None
) -> TieredAdjustmentCache:
    """A fresh worker's cache: an empty memory tier over the shared table."""
    memory = MemoryAdjustmentCache(16, 3600, memory_clock or FakeClock())
    return TieredAdjustmentCache(memory, DatabaseAdjustmentTier(db, TTL_S, clock))


def _key(name: str) -> str:
    """A key no other test uses (the table is shared by the run)."""
    return f"{name}-{uuid.uuid4().hex}"


def _corrupt(db: Database, key: str, stored: str) -> None:
    with db.write() as unit:
        update = text("UPDATE adjustment_cache SET adjustment = :a WHERE key = :k")
        unit.connection().execute(update, {"a": stored, "k": key})


def test_a_second_worker_gets_a_database_hit_and_the_provider_is_not_called(
    make_api: Any, db: Database, clock: FixedClock
) -> None:
    provider = Provider(lambda request, n: httpx2.Response(200, json=openai_completion(ADJUSTMENT)))

    def worker() -> tuple[Api, TieredAdjustmentCache]:
        tier = DatabaseAdjustmentTier(db, TTL_S, clock)
        runtime = build_runtime(settings(), http_client=provider.http(), database_tier=tier)
        assert isinstance(runtime.cache, TieredAdjustmentCache)
        api: Api = make_api(registry=runtime.registry())
        return api, runtime.cache

    first, first_cache = worker()
    second, second_cache = worker()
    who, sid = _ready(first)
    asked = _generate(first, who, sid, "llm", key="first").json()
    assert (asked["jit_strategy"], len(provider.requests)) == ("llm", 1)
    answered = _generate(second, who, sid, "llm", key="second").json()
    assert answered["prescription"] == asked["prescription"]
    assert len(provider.requests) == 1, "the second worker asked the model again"
    assert (first_cache.hits_by_tier(), first_cache.misses) == ({"memory": 0, "database": 0}, 1)
    assert (second_cache.hits_by_tier(), second_cache.misses) == ({"memory": 0, "database": 1}, 0)
    again = _generate(second, who, sid, "llm", key="third").json()  # in the second's memory now
    assert second_cache.hits_by_tier() == {"memory": 1, "database": 1}
    # Each call record says whether the cache answered, and which tier.
    records = [
        (row.attempts, row.cache_hit, row.cache_tier)
        for body in (asked, answered, again)
        for row in first.rows(LlmCallRow, generation_id=body["generation_id"])
    ]
    assert records == [(1, False, None), (0, True, "database"), (0, True, "memory")]


@pytest.mark.parametrize(
    "stored", ["{not json", '{"unexpected": true}', '{"rationale": 5}', "", "null"]
)
def test_a_corrupt_entry_is_a_miss_and_the_next_answer_overwrites_it(
    db: Database, clock: FixedClock, stored: str
) -> None:
    key = _key("corrupt")
    asyncio.run(_tiered(db, clock).put(key, ADJ))
    _corrupt(db, key, stored)
    reader = _tiered(db, clock)
    assert asyncio.run(reader.get(key)) is None
    assert (reader.hits_by_tier(), reader.misses) == ({"memory": 0, "database": 0}, 1)
    asyncio.run(reader.put(key, ADJ))
    assert asyncio.run(_tiered(db, clock).get(key)) == ADJ


def test_an_unreadable_database_is_a_miss(tmp_path: Path, clock: FixedClock) -> None:
    unmigrated = Database(f"sqlite:///{tmp_path / 'empty.db'}")  # no adjustment_cache table
    try:
        cache = _tiered(unmigrated, clock)
        assert asyncio.run(cache.get(_key("unreadable"))) is None
        assert cache.misses == 1
    finally:
        unmigrated.dispose()


def test_an_expired_entry_is_not_served(db: Database) -> None:
    clock = FixedClock(MONDAY)
    key = _key("ttl")
    asyncio.run(_tiered(db, clock).put(key, ADJ))
    clock.set(MONDAY + timedelta(seconds=TTL_S - 1))
    assert asyncio.run(_tiered(db, clock).get(key)) == ADJ
    clock.set(MONDAY + timedelta(seconds=TTL_S))
    assert asyncio.run(_tiered(db, clock).get(key)) is None


def test_a_database_hit_lives_in_memory_no_longer_than_its_row(db: Database) -> None:
    clock, memory_clock = FixedClock(MONDAY), FakeClock()
    key = _key("copy")
    asyncio.run(_tiered(db, clock).put(key, ADJ))
    clock.set(MONDAY + timedelta(seconds=TTL_S - 10))  # 10 s left on the row
    cache = _tiered(db, clock, memory_clock)
    assert asyncio.run(cache.get(key)) == ADJ
    memory_clock.advance(9)
    assert asyncio.run(cache.get(key)) == ADJ
    assert cache.hits_by_tier() == {"memory": 1, "database": 1}
    memory_clock.advance(1)
    clock.set(MONDAY + timedelta(seconds=TTL_S))
    assert asyncio.run(cache.get(key)) is None
    assert cache.misses == 1


def test_storing_deletes_expired_rows(db: Database) -> None:
    clock = FixedClock(MONDAY)
    old, new = _key("old"), _key("new")
    asyncio.run(_tiered(db, clock).put(old, ADJ))
    clock.set(MONDAY + timedelta(seconds=TTL_S + 1))
    asyncio.run(_tiered(db, clock).put(new, ADJ))
    with db.read() as unit:
        keys = {
            row[0] for row in unit.connection().execute(text("SELECT key FROM adjustment_cache"))
        }
    assert new in keys
    assert old not in keys


def test_the_settings_switch_the_database_tier(db: Database, clock: FixedClock) -> None:
    assert isinstance(database_tier(db, BudgetSettings(), clock), DatabaseAdjustmentTier)
    assert database_tier(db, BudgetSettings(cache_db_tier=False), clock) is None
    assert database_tier(db, BudgetSettings(cache_db_ttl_s=0), clock) is None


def test_without_a_database_tier_a_memory_miss_is_a_miss() -> None:
    cache = TieredAdjustmentCache(MemoryAdjustmentCache(4, 60, FakeClock()))
    assert asyncio.run(cache.get("k")) is None
    asyncio.run(cache.put("k", ADJ))
    assert asyncio.run(cache.get("k")) == ADJ
    assert (cache.hits_by_tier(), cache.misses) == ({"memory": 1, "database": 0}, 1)


def test_a_get_says_which_tier_answered(db: Database, clock: FixedClock) -> None:
    key = _key("tier")
    asyncio.run(_tiered(db, clock).put(key, ADJ))
    cache = _tiered(db, clock)  # another worker: its memory tier is empty
    assert asyncio.run(cache.get_with_tier(key)) == (ADJ, "database")
    assert asyncio.run(cache.get_with_tier(key)) == (ADJ, "memory")  # the hit filled memory
    assert asyncio.run(cache.get_with_tier(_key("missing"))) is None
    assert (cache.hits_by_tier(), cache.misses) == ({"memory": 1, "database": 1}, 1)
    alone = MemoryAdjustmentCache(4, 60, FakeClock())
    asyncio.run(alone.put(key, ADJ))
    assert asyncio.run(alone.get_with_tier(key)) == (ADJ, "memory")
