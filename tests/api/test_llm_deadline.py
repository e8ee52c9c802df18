"""One total deadline, honoured against a real loopback server that never answers."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from api.llm.runtime import build_runtime
from benchmarks.llm import hanging_server as serve_nothing
from shared_types.enums import FallbackReason, StrategyUsed
from tests.api.llm_payloads import settings
from tests.factories import make_input
from training_engine.strategies import LlmStrategy

DEADLINE_S = 0.3


@pytest.fixture
def hanging_server() -> Iterator[str]:
    """Accepts connections on 127.0.0.1, reads the request, never answers."""
    with serve_nothing() as base_url:
        yield base_url


@pytest.mark.slow
@pytest.mark.enable_socket
@pytest.mark.allow_hosts(["127.0.0.1"])
def test_the_fallback_arrives_within_the_deadline_against_a_hanging_server(
    hanging_server: str,
) -> None:
    config = settings(
        "openai_compatible", base_url=hanging_server, deadline_s=DEADLINE_S, api_key=None
    )
    strategy = LlmStrategy(build_runtime(config).source)
    result = asyncio.run(strategy.run(make_input()))
    # The deadline, not the server, ended the call (how close to it is measured, not asserted:
    # scripts/measure_llm.py, docs/measurements/llm.md).
    assert result.output.jit_strategy is StrategyUsed.FORMULA_FALLBACK
    assert result.output.fallback_reason is FallbackReason.TIMEOUT
    assert result.call is not None
    assert result.call.usage_known is False
    assert result.call.attempts == 1
