"""The shell's `AdjustmentSource`: cache, breaker, one hard deadline, records.

For every request, in this order, all inside one wall-clock deadline (`JIT_LLM__DEADLINE_S`
minus a small reserve for building the formula fallback):

1. the cache: a hit returns the stored adjustment and never calls the provider;
2. the breaker: while open, fail at once with `breaker_open`;
3. the model call through instructor (SDK retries off, at most one validation reask, a
   per-request timeout), cut by `asyncio.timeout` if it runs past the deadline.

Every outcome returns or raises with an `LlmCallRecord` (tokens, cost, attempts, latency, cache
hit and the tier that answered it, breaker state, the reason). Failures are classified
(`api/llm/errors.py`); transient ones count toward the breaker. When the deadline cuts a call,
the tokens of the attempts that had finished are kept and the usage is marked unknown.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping

from api.llm.breaker import CircuitBreaker
from api.llm.cache import AdjustmentCache, Tier, cache_key
from api.llm.clients import CallProgress, StructuredClient
from api.llm.errors import Classified, classify
from api.llm.usage import estimate_cost_usd
from api.settings import ModelPrice
from shared_types.adjustment import JITAdjustment
from shared_types.enums import FallbackReason
from shared_types.llm import LlmCallRecord
from training_engine.ports import AdjustmentRequest, AdjustmentUnavailable, SourcedAdjustment

__all__ = ["FALLBACK_RESERVE_S", "LlmAdjustmentSource"]

# Time kept back from the deadline to build and serve the formula fallback (about 1 ms).
FALLBACK_RESERVE_S = 0.02

logging.getLogger("instructor").addHandler(logging.NullHandler())
logging.getLogger("instructor").propagate = False


class LlmAdjustmentSource:
    def __init__(
        self,
        client: StructuredClient,
        *,
        deadline_s: float,
        cache: AdjustmentCache,
        breaker: CircuitBreaker,
        prices: Mapping[str, ModelPrice] | None = None,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self._client = client
        self._deadline = deadline_s
        self._cache = cache
        self._breaker = breaker
        self._prices = prices or {}
        self._clock = clock

    def _record(
        self,
        request: AdjustmentRequest,
        started: float,
        key: str | None,
        *,
        attempts: int = 0,
        tokens: tuple[int | None, int | None] = (None, None),
        usage_known: bool = True,
        cache_tier: Tier | None = None,
        failure: Classified | None = None,
        adjustment: JITAdjustment | None = None,
    ) -> LlmCallRecord:
        model = request.model or self._client.model
        return LlmCallRecord(
            provider=self._client.provider,
            model=model,
            prompt_version=request.prompt.version,
            prompt_chars=request.prompt.chars,
            attempts=attempts,
            latency_ms=round((self._clock() - started) * 1000, 3),
            deadline_s=self._deadline,
            input_tokens=tokens[0],
            output_tokens=tokens[1],
            usage_known=usage_known,
            cost_usd=estimate_cost_usd(self._prices, model, *tokens),
            cache_hit=cache_tier is not None,
            cache_key=key,
            cache_tier=cache_tier,
            breaker_state=self._breaker.state,
            fallback_reason=failure.reason if failure else None,
            detail=failure.detail if failure else None,
            adjustment=adjustment,
        )

    async def adjustment(self, request: AdjustmentRequest) -> SourcedAdjustment:
        started = self._clock()
        prompt = request.prompt
        model = request.model or self._client.model
        key = cache_key(prompt.user, prompt.version, self._client.provider, model)
        progress = CallProgress()
        acquired = False
        try:
            async with asyncio.timeout(max(0.0, self._deadline - FALLBACK_RESERVE_S)):
                cached = await self._cache.get_with_tier(key)
                if cached is not None:
                    hit, tier = cached
                    record = self._record(
                        request, started, key, tokens=(0, 0), cache_tier=tier, adjustment=hit
                    )
                    return SourcedAdjustment(hit, record)
                if not self._breaker.try_acquire():
                    failure = Classified(FallbackReason.BREAKER_OPEN, False, "breaker open")
                    raise AdjustmentUnavailable(
                        failure.reason,
                        failure.detail,
                        self._record(request, started, key, failure=failure),
                    )
                acquired = True
                adjustment = await self._client.complete(prompt.messages(), progress, model)
        except AdjustmentUnavailable:
            raise
        except asyncio.CancelledError:
            if acquired:
                self._breaker.release()
            raise
        except Exception as exc:
            failure = classify(exc)
            tokens = progress.tokens_after(exc)
            cut = isinstance(exc, TimeoutError)
            if acquired:
                self._breaker.record_failure(failure.transient)
            record = self._record(
                request,
                started,
                key,
                attempts=progress.attempts,
                tokens=tokens,
                usage_known=not cut,
                failure=failure,
            )
            raise AdjustmentUnavailable(failure.reason, failure.detail, record) from None
        self._breaker.record_success()
        await self._store(key, adjustment, started)
        record = self._record(
            request,
            started,
            key,
            attempts=progress.attempts,
            tokens=progress.tokens,
            adjustment=adjustment,
        )
        return SourcedAdjustment(adjustment, record)

    async def _store(self, key: str, adjustment: JITAdjustment, started: float) -> None:
        """Cache the answer within what is left of the deadline; a slow cache is skipped."""
        left = self._deadline - FALLBACK_RESERVE_S - (self._clock() - started)
        try:
            async with asyncio.timeout(max(0.0, left)):
                await self._cache.put(key, adjustment)
        except Exception:  # a cache that fails must not cost the lifter the model's answer
            return
