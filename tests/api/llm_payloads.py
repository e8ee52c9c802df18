"""Provider responses built from the SDKs' own types, and real SDK clients over a mock transport."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx2
import urllib3  # noqa: F401  - imported at collection: its IPv6 probe opens a socket at import
from anthropic.types import Message
from openai.types.chat import ChatCompletion
from pydantic import SecretStr

from api.llm.breaker import CircuitBreaker
from api.llm.cache import MemoryAdjustmentCache
from api.llm.clients import build_client
from api.llm.source import LlmAdjustmentSource
from api.settings import LlmSettings

ADJUSTMENT: dict[str, Any] = {
    "intensity_modifier": 0.95,
    "set_modifier": -1,
    "skip_main_lift": False,
    "aux_overrides": [],
    "rationale": ["Poor sleep: one set fewer at 95%"],
    "confidence": "medium",
    "rest_adjustments": None,
}


def openai_completion(
    arguments: dict[str, Any] | None,
    usage: tuple[int, int] = (100, 20),
    *,
    tool: str = "JITAdjustment",
) -> dict[str, Any]:
    """An OpenAI chat completion answering with one tool call of `tool` (none: no choices)."""
    choices = (
        []
        if arguments is None
        else [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "id": "call_1",
                            "type": "function",
                            "function": {
                                "name": tool,
                                "arguments": json.dumps(arguments),
                            },
                        }
                    ],
                },
            }
        ]
    )
    completion = ChatCompletion.model_validate(
        {
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "created": 1,
            "model": "gpt-4o-mini",
            "choices": choices,
            "usage": {
                "prompt_tokens": usage[0],
                "completion_tokens": usage[1],
                "total_tokens": sum(usage),
            },
        }
    )
    return completion.model_dump(mode="json")


def anthropic_message(arguments: dict[str, Any], usage: tuple[int, int] = (30, 12)) -> Any:
    message = Message.model_validate(
        {
            "id": "msg_1",
            "type": "message",
            "role": "assistant",
            "model": "claude-haiku-4-5",
            "content": [
                {"type": "tool_use", "id": "toolu_1", "name": "JITAdjustment", "input": arguments}
            ],
            "stop_reason": "tool_use",
            "stop_sequence": None,
            "usage": {"input_tokens": usage[0], "output_tokens": usage[1]},
        }
    )
    return message.model_dump(mode="json")


def openai_error(status: int, message: str = "error") -> httpx2.Response:
    return httpx2.Response(status, json={"error": {"message": message, "type": "error"}})


Handler = Callable[[httpx2.Request, int], httpx2.Response]


@dataclass
class Provider:
    """A mock provider: answers with `handler(request, call_number)`, keeps every request."""

    handler: Handler
    requests: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(json.loads(request.content))
        return self.handler(request, len(self.requests))

    def http(self) -> httpx2.AsyncClient:
        return httpx2.AsyncClient(transport=httpx2.MockTransport(self))


class FakeClock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def settings(provider: str = "openai", **extra: Any) -> LlmSettings:
    fields: dict[str, Any] = {
        "provider": provider,
        "model": "gpt-4o-mini" if provider != "anthropic" else "claude-haiku-4-5",
        "api_key": SecretStr("test-key"),
        "deadline_s": 2.0,
        **extra,
    }
    return LlmSettings.model_validate(fields)


def source_for(
    provider: Provider,
    config: LlmSettings,
    *,
    breaker: CircuitBreaker | None = None,
    cache: MemoryAdjustmentCache | None = None,
) -> LlmAdjustmentSource:
    return LlmAdjustmentSource(
        build_client(config, provider.http()),
        deadline_s=config.deadline_s,
        cache=cache or MemoryAdjustmentCache(16, 3600),
        breaker=breaker or CircuitBreaker(3, 30),
        prices=config.prices,
    )
