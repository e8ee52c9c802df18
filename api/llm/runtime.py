"""Wiring: settings -> client, cache, breaker, source, the strategy registry, and the reviewer.

Built by the entry points (CLI, app factory), never at import time. One runtime holds one
provider's breaker and cache for the life of the process.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from api.llm.breaker import CircuitBreaker
from api.llm.cache import (
    AdjustmentCache,
    DatabaseAdjustmentTier,
    MemoryAdjustmentCache,
    TieredAdjustmentCache,
)
from api.llm.disabled import DisabledSource
from api.settings import LlmSettings
from training_engine.ports import AdjustmentSource, ProviderHealth
from training_engine.routing.gate import GateConfig
from training_engine.strategies import (
    AutoStrategy,
    HybridStrategy,
    LlmStrategy,
    StrategyRegistry,
    default_registry,
)

if TYPE_CHECKING:
    import httpx2

    from api.llm.clients import StructuredClient
    from api.llm.review import ReviewClient
    from api.llm.review_tasks import Reviewer

__all__ = ["LlmRuntime", "ProviderHealthCheck", "build_runtime", "registry_for_source"]


@dataclass(frozen=True)
class ProviderHealthCheck:
    """`auto`'s view of the provider: configured, and the breaker lets a call through."""

    breaker: CircuitBreaker | None

    def accepting(self) -> bool:
        return self.breaker is not None and self.breaker.accepting()


@dataclass(frozen=True)
class LlmRuntime:
    settings: LlmSettings
    source: AdjustmentSource
    breaker: CircuitBreaker | None
    cache: AdjustmentCache
    # The review pass (`JIT_LLM__REVIEW__ENABLED`): None when off or without a provider.
    reviewer: Reviewer | None = None

    def health(self) -> ProviderHealthCheck:
        return ProviderHealthCheck(self.breaker)

    def registry(self, *, gate: GateConfig | None = None) -> StrategyRegistry:
        return registry_for_source(
            self.source, self.health(), shadow=self.settings.hybrid_shadow, gate=gate
        )


def registry_for_source(
    source: AdjustmentSource,
    health: ProviderHealth,
    *,
    shadow: bool = False,
    gate: GateConfig | None = None,
) -> StrategyRegistry:
    """formula, llm, hybrid and auto over one adjustment source (`gate`: auto's confidence
    gate; the default checks every condition)."""
    llm = LlmStrategy(source)
    auto = AutoStrategy(llm, health, gate=gate)
    return (
        default_registry()
        .register("llm", lambda: llm)
        .register("hybrid", lambda: HybridStrategy(llm, shadow=shadow))
        .register("auto", lambda: auto)
    )


def build_runtime(
    settings: LlmSettings,
    *,
    http_client: httpx2.AsyncClient | None = None,
    client: StructuredClient | None = None,
    cache: AdjustmentCache | None = None,
    database_tier: DatabaseAdjustmentTier | None = None,
    clock: Callable[[], float] = time.monotonic,
    review_client: ReviewClient | None = None,
) -> LlmRuntime:
    """Without a `cache`, the memory tier (`settings.cache_*`) in front of `database_tier`
    (shared by every worker; the app passes it, the CLI does not). With
    `settings.review.enabled`, a reviewer over `review_client` (default: the provider's SDK
    with the review's deadline and model); it shares neither breaker nor cache."""
    if cache is None:  # not `or`: an empty memory cache is falsy (it has a length)
        memory = MemoryAdjustmentCache(settings.cache_size, settings.cache_ttl_s, clock)
        cache = TieredAdjustmentCache(memory, database_tier)
    if settings.provider == "none" and client is None:
        return LlmRuntime(settings, DisabledSource(), None, cache)
    # The provider SDKs and instructor load only when a provider is configured.
    from api.llm.clients import build_client  # noqa: PLC0415
    from api.llm.source import LlmAdjustmentSource  # noqa: PLC0415

    breaker = CircuitBreaker(settings.breaker_failures, settings.breaker_cooldown_s, clock)
    source = LlmAdjustmentSource(
        client or build_client(settings, http_client),
        deadline_s=settings.deadline_s,
        cache=cache,
        breaker=breaker,
        prices=settings.prices,
    )
    reviewer = None
    if settings.review.enabled:
        from api.llm.review import LlmReviewSource, build_review_client  # noqa: PLC0415

        reviewer = LlmReviewSource(
            review_client or build_review_client(settings, http_client),
            deadline_s=settings.review.deadline_s,
            prices=settings.prices,
        )
    return LlmRuntime(settings, source, breaker, cache, reviewer)
