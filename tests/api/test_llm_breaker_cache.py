"""The circuit breaker and the adjustment cache, on a fake clock."""

from __future__ import annotations

import asyncio

from api.llm.breaker import CircuitBreaker
from api.llm.cache import MemoryAdjustmentCache, cache_key
from api.llm.runtime import ProviderHealthCheck
from shared_types.adjustment import JITAdjustment
from tests.api.llm_payloads import ADJUSTMENT, FakeClock

ADJ = JITAdjustment.model_validate(ADJUSTMENT)


def test_consecutive_transient_failures_open_the_breaker() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(3, 30, clock)
    for _ in range(2):
        assert breaker.try_acquire()
        breaker.record_failure(transient=True)
    assert breaker.state == "closed"
    assert breaker.try_acquire()
    breaker.record_failure(transient=True)
    assert breaker.state == "open"
    assert not breaker.try_acquire()
    assert not breaker.accepting()


def test_a_non_transient_failure_breaks_the_streak() -> None:
    breaker = CircuitBreaker(2, 30, FakeClock())
    breaker.record_failure(transient=True)
    breaker.record_failure(transient=False)  # the provider answered, badly
    breaker.record_failure(transient=True)
    assert breaker.state == "closed"


def test_after_the_cooldown_one_probe_goes_through_and_success_closes() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(1, 30, clock)
    breaker.record_failure(transient=True)
    clock.advance(29.9)
    assert breaker.state == "open"
    clock.advance(0.1)
    assert breaker.state == "half_open"
    assert breaker.accepting()
    assert breaker.try_acquire()
    assert not breaker.try_acquire(), "only one probe at a time"
    assert not breaker.accepting()
    breaker.record_success()
    assert breaker.state == "closed"
    assert breaker.try_acquire()


def test_a_failed_probe_opens_again_for_a_whole_cooldown() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(3, 30, clock)
    for _ in range(3):
        breaker.record_failure(transient=True)
    clock.advance(30)
    assert breaker.try_acquire()
    breaker.record_failure(transient=True)
    assert breaker.state == "open"
    clock.advance(29)
    assert breaker.state == "open"
    clock.advance(1)
    assert breaker.state == "half_open"


def test_a_cancelled_probe_frees_the_slot() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(1, 30, clock)
    breaker.record_failure(transient=True)
    clock.advance(30)
    assert breaker.try_acquire()
    breaker.release()
    assert breaker.try_acquire()


def test_auto_health_follows_the_breaker() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(1, 30, clock)
    assert ProviderHealthCheck(breaker).accepting()
    breaker.record_failure(transient=True)
    assert not ProviderHealthCheck(breaker).accepting()
    clock.advance(30)
    assert ProviderHealthCheck(breaker).accepting()
    assert not ProviderHealthCheck(None).accepting()


def test_cache_entries_expire_after_the_ttl() -> None:
    clock = FakeClock()
    cache = MemoryAdjustmentCache(4, 60, clock)
    asyncio.run(cache.put("k", ADJ))
    clock.advance(59.9)
    assert asyncio.run(cache.get("k")) == ADJ
    clock.advance(0.1)
    assert asyncio.run(cache.get("k")) is None
    assert len(cache) == 0


def test_the_least_recently_used_entry_is_evicted() -> None:
    cache = MemoryAdjustmentCache(2, 60, FakeClock())
    asyncio.run(cache.put("a", ADJ))
    asyncio.run(cache.put("b", ADJ))
    asyncio.run(cache.get("a"))
    asyncio.run(cache.put("c", ADJ))
    assert asyncio.run(cache.get("b")) is None
    assert asyncio.run(cache.get("a")) == ADJ
    assert asyncio.run(cache.get("c")) == ADJ


def test_a_zero_ttl_turns_the_cache_off() -> None:
    cache = MemoryAdjustmentCache(2, 0, FakeClock())
    asyncio.run(cache.put("a", ADJ))
    assert asyncio.run(cache.get("a")) is None


def test_the_key_changes_with_the_context_prompt_version_and_model() -> None:
    base = cache_key('{"lift":"squat"}', "v1", "openai", "m")
    assert base == cache_key('{"lift": "squat"}', "v1", "openai", "m"), "canonical JSON"
    assert base != cache_key('{"lift":"bench"}', "v1", "openai", "m")
    assert base != cache_key('{"lift":"squat"}', "v2", "openai", "m")
    assert base != cache_key('{"lift":"squat"}', "v1", "openai", "other")
    assert base != cache_key('{"lift":"squat"}', "v1", "anthropic", "m")
