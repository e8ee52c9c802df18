"""instructor with the real `openai` / `anthropic` async clients over `httpx2.MockTransport`.

Payloads are built from the SDKs' own types; requests are asserted as sent. No network.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx2
import pytest

from api.llm.breaker import CircuitBreaker
from api.llm.cache import MemoryAdjustmentCache
from shared_types.enums import FallbackReason, StrategyUsed
from shared_types.llm import GenerationResult
from tests.api.llm_payloads import (
    ADJUSTMENT,
    Provider,
    anthropic_message,
    openai_completion,
    openai_error,
    settings,
    source_for,
)
from tests.factories import make_input
from training_engine.strategies import LlmStrategy

OUT_OF_BOUNDS = {**ADJUSTMENT, "intensity_modifier": 1.5}


def generate(source: Any, **overrides: Any) -> GenerationResult:
    return asyncio.run(LlmStrategy(source).run(make_input(**overrides)))


def ok(handler_answer: dict[str, Any]) -> Provider:
    return Provider(lambda request, n: httpx2.Response(200, json=handler_answer))


def test_openai_success_applies_the_adjustment_and_sends_the_bounds_in_the_schema() -> None:
    provider = ok(openai_completion(ADJUSTMENT))
    result = generate(source_for(provider, settings(prices={"gpt-4o-mini": _price()})))
    assert result.output.jit_strategy is StrategyUsed.LLM
    assert [s.weight_kg for s in result.output.main_lift_sets] == [107.5]
    (request,) = provider.requests
    assert request["tool_choice"] == {"type": "function", "function": {"name": "JITAdjustment"}}
    schema = request["tools"][0]["function"]["parameters"]
    assert schema["properties"]["intensity_modifier"]["minimum"] == 0.4
    assert schema["properties"]["intensity_modifier"]["maximum"] == 1.2
    assert schema["properties"]["set_modifier"]["minimum"] == -3
    assert schema["properties"]["set_modifier"]["maximum"] == 2
    assert request["messages"][0]["role"] == "system"
    call = result.call
    assert call is not None
    assert (call.provider, call.model, call.attempts) == ("openai", "gpt-4o-mini", 1)
    assert (call.input_tokens, call.output_tokens, call.usage_known) == (100, 20, True)
    assert call.cost_usd == pytest.approx((100 * 0.15 + 20 * 0.6) / 1e6)
    assert call.prompt_version == "jit-adjust-1"
    assert call.fallback_reason is None
    assert call.adjustment is not None
    assert call.adjustment.intensity_modifier == 0.95


def _price() -> dict[str, float]:
    return {"input_per_mtok": 0.15, "output_per_mtok": 0.6}


def test_out_of_bounds_twice_is_an_invalid_response_after_one_reask() -> None:
    provider = ok(openai_completion(OUT_OF_BOUNDS, usage=(120, 30)))
    result = generate(source_for(provider, settings()))
    assert result.output.jit_strategy is StrategyUsed.FORMULA_FALLBACK
    assert result.output.fallback_reason is FallbackReason.INVALID_RESPONSE
    assert len(provider.requests) == 2
    reask = provider.requests[1]["messages"][-1]
    assert reask["role"] == "tool"
    assert "less than or equal to 1.2" in reask["content"]
    assert result.call is not None
    assert result.call.attempts == 2
    assert (result.call.input_tokens, result.call.output_tokens) == (240, 60)


def test_no_reask_when_reasks_are_off() -> None:
    provider = ok(openai_completion(OUT_OF_BOUNDS))
    result = generate(source_for(provider, settings(max_reasks=0)))
    assert result.output.fallback_reason is FallbackReason.INVALID_RESPONSE
    assert len(provider.requests) == 1


def test_usage_is_summed_over_a_successful_reask() -> None:
    def handler(request: httpx2.Request, n: int) -> httpx2.Response:
        if n == 1:
            return httpx2.Response(200, json=openai_completion(OUT_OF_BOUNDS, usage=(120, 30)))
        return httpx2.Response(200, json=openai_completion(ADJUSTMENT, usage=(180, 20)))

    result = generate(source_for(Provider(handler), settings()))
    assert result.output.jit_strategy is StrategyUsed.LLM
    assert result.call is not None
    assert (result.call.attempts, result.call.input_tokens, result.call.output_tokens) == (
        2,
        300,
        50,
    )


def test_429_is_rate_limited_after_exactly_one_http_call() -> None:
    provider = Provider(lambda request, n: openai_error(429, "slow down"))
    result = generate(source_for(provider, settings()))
    assert result.output.fallback_reason is FallbackReason.RATE_LIMITED
    assert result.output.jit_strategy is StrategyUsed.FORMULA_FALLBACK
    assert len(provider.requests) == 1


def test_500_is_a_provider_error_after_one_call() -> None:
    provider = Provider(lambda request, n: openai_error(500, "boom"))
    result = generate(source_for(provider, settings()))
    assert result.output.fallback_reason is FallbackReason.PROVIDER_ERROR
    assert len(provider.requests) == 1
    assert result.call is not None
    assert result.call.detail == "InternalServerError (HTTP 500)"


def test_401_is_a_provider_error_that_does_not_trip_the_breaker() -> None:
    breaker = CircuitBreaker(1, 30)
    provider = Provider(lambda request, n: openai_error(401, "bad key"))
    result = generate(source_for(provider, settings(), breaker=breaker))
    assert result.output.fallback_reason is FallbackReason.PROVIDER_ERROR
    assert breaker.state == "closed"


def test_malformed_json_is_an_invalid_response() -> None:
    provider = Provider(lambda request, n: httpx2.Response(200, content=b"{not json"))
    result = generate(source_for(provider, settings()))
    assert result.output.fallback_reason is FallbackReason.INVALID_RESPONSE


def test_empty_choices_is_an_invalid_response() -> None:
    provider = ok(openai_completion(None))
    result = generate(source_for(provider, settings()))
    assert result.output.fallback_reason is FallbackReason.INVALID_RESPONSE
    assert result.call is not None
    assert (result.call.input_tokens, result.call.output_tokens) == (100, 20)


def test_a_refused_connection_is_a_connection_failure() -> None:
    def refuse(request: httpx2.Request, n: int) -> httpx2.Response:
        raise httpx2.ConnectError("connection refused")

    result = generate(source_for(Provider(refuse), settings()))
    assert result.output.fallback_reason is FallbackReason.CONNECTION


def test_the_per_request_timeout_is_a_timeout() -> None:
    def slow(request: httpx2.Request, n: int) -> httpx2.Response:
        raise httpx2.ReadTimeout("read timed out")

    result = generate(source_for(Provider(slow), settings()))
    assert result.output.fallback_reason is FallbackReason.TIMEOUT


def test_a_token_budget_exhausted_by_the_first_attempt_stops_the_reask() -> None:
    provider = ok(openai_completion(OUT_OF_BOUNDS, usage=(400, 200)))
    result = generate(source_for(provider, settings(token_budget=300)))
    assert result.output.fallback_reason is FallbackReason.BUDGET_EXHAUSTED
    assert len(provider.requests) == 1


def test_openai_compatible_servers_use_the_base_url_and_json_schema() -> None:
    seen: list[str] = []

    def handler(request: httpx2.Request, n: int) -> httpx2.Response:
        seen.append(str(request.url))
        body = openai_completion(None)
        body["choices"] = [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": _json(ADJUSTMENT)},
            }
        ]
        return httpx2.Response(200, json=body)

    provider = Provider(handler)
    config = settings("openai_compatible", base_url="http://127.0.0.1:11434/v1", api_key=None)
    result = generate(source_for(provider, config))
    assert result.output.jit_strategy is StrategyUsed.LLM
    assert seen == ["http://127.0.0.1:11434/v1/chat/completions"]
    assert provider.requests[0]["response_format"]["type"] == "json_schema"


def _json(document: dict[str, Any]) -> str:
    return json.dumps(document)


def test_anthropic_success_with_usage() -> None:
    provider = ok(anthropic_message(ADJUSTMENT))
    result = generate(source_for(provider, settings("anthropic")))
    assert result.output.jit_strategy is StrategyUsed.LLM
    (request,) = provider.requests
    assert request["tool_choice"]["name"] == "JITAdjustment"
    assert request["tools"][0]["input_schema"]["properties"]["set_modifier"]["maximum"] == 2
    assert result.call is not None
    assert (result.call.input_tokens, result.call.output_tokens) == (30, 12)


def test_anthropic_429_is_rate_limited_after_one_call() -> None:
    provider = Provider(
        lambda request, n: httpx2.Response(
            429, json={"type": "error", "error": {"type": "rate_limit_error", "message": "slow"}}
        )
    )
    result = generate(source_for(provider, settings("anthropic")))
    assert result.output.fallback_reason is FallbackReason.RATE_LIMITED
    assert len(provider.requests) == 1


def test_anthropic_out_of_bounds_is_an_invalid_response_with_usage_summed() -> None:
    provider = ok(anthropic_message(OUT_OF_BOUNDS))
    result = generate(source_for(provider, settings("anthropic")))
    assert result.output.fallback_reason is FallbackReason.INVALID_RESPONSE
    assert len(provider.requests) == 2
    assert result.call is not None
    assert (result.call.input_tokens, result.call.output_tokens) == (60, 24)


def test_a_cache_hit_makes_no_http_call() -> None:
    provider = ok(openai_completion(ADJUSTMENT))
    source = source_for(provider, settings(), cache=MemoryAdjustmentCache(16, 3600))
    first = generate(source)
    second = generate(source)
    assert len(provider.requests) == 1
    assert second.output == first.output
    assert second.call is not None
    assert second.call.cache_hit
    assert (second.call.attempts, second.call.input_tokens) == (0, 0)
    assert first.call is not None
    assert second.call.cache_key == first.call.cache_key


def test_a_different_input_misses_the_cache() -> None:
    provider = ok(openai_completion(ADJUSTMENT))
    source = source_for(provider, settings())
    generate(source)
    generate(source, sleep_quality=1)
    assert len(provider.requests) == 2


def test_an_open_breaker_falls_back_at_once_without_calling() -> None:
    provider = Provider(lambda request, n: openai_error(503, "overloaded"))
    source = source_for(provider, settings(), breaker=CircuitBreaker(2, 30))
    reasons = [generate(source).output.fallback_reason for _ in range(3)]
    assert reasons == [
        FallbackReason.PROVIDER_ERROR,
        FallbackReason.PROVIDER_ERROR,
        FallbackReason.BREAKER_OPEN,
    ]
    assert len(provider.requests) == 2
