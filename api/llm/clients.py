"""Instructor clients over the official SDKs, for the three providers (one factory).

* `openai`: `AsyncOpenAI` + `Mode.TOOLS` (forced tool choice; the schema's bounds are sent as
  `minimum` / `maximum`).
* `anthropic`: `AsyncAnthropic` + `Mode.TOOLS` (not the deprecated `ANTHROPIC_TOOLS`).
* `openai_compatible` (Ollama, vLLM, llama.cpp): `AsyncOpenAI` at `base_url`, `Mode.JSON_SCHEMA`
  by default (server-side guided decoding), or the mode set in `JIT_LLM__MODE`.

The SDKs' own retries are off (`max_retries=0`): the only retry is instructor's single
validation reask (`max_reasks`, 0 or 1). The per-request timeout (`httpx2.Timeout`, per phase:
connect, read, write, pool) is the deadline; the outer wall-clock deadline is the source's
(`api/llm/source.py`). Validation is lax (`strict=False`) because local models write `1.0` for
an integer, but the schema's bounds are always enforced by pydantic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import anthropic
import httpx2
import instructor
import openai
from instructor import Mode
from instructor.core import InstructorRetryException
from instructor.core.hooks import Hooks

from api.settings import LlmSettings
from shared_types.adjustment import JITAdjustment

__all__ = ["CallProgress", "InstructorClient", "StructuredClient", "build_client"]

CONNECT_TIMEOUT_S = 1.0
_MODES = {"tools": Mode.TOOLS, "json": Mode.JSON, "json_schema": Mode.JSON_SCHEMA}


@dataclass
class CallProgress:
    """What instructor reported while a call ran: kept even when the deadline cuts the call."""

    attempts: int = 0
    input_tokens: int | None = None
    output_tokens: int | None = None
    usage_events: int = 0
    errors: list[str] = field(default_factory=list)

    def on_kwargs(self, *args: Any, **kwargs: Any) -> None:
        self.attempts += 1

    def on_usage(self, usage: Any, **kwargs: Any) -> None:
        # instructor reports the running total over the attempts so far
        self.usage_events += 1
        self.input_tokens, self.output_tokens = token_counts(usage)

    @property
    def tokens(self) -> tuple[int | None, int | None]:
        """(input, output) tokens reported so far."""
        return self.input_tokens, self.output_tokens

    def tokens_after(self, exc: BaseException) -> tuple[int | None, int | None]:
        """The tokens of a call that raised `exc`: instructor's total over every attempt when it
        gave up after retries, else what the hooks reported before the failure."""
        if isinstance(exc, InstructorRetryException) and exc.total_usage is not None:
            return token_counts(exc.total_usage)
        return self.tokens

    def hooks(self) -> Hooks:
        hooks = Hooks()
        hooks.on("completion:kwargs", self.on_kwargs)
        hooks.on("completion:usage", self.on_usage)
        return hooks


def token_counts(usage: Any) -> tuple[int | None, int | None]:
    """(input, output) tokens from an OpenAI or Anthropic usage object.

    Anthropic's `input_tokens` excludes cache reads and writes; they are added so both providers
    count every prompt token (OpenAI's `prompt_tokens` already includes cached ones)."""
    if usage is None:
        return None, None
    if hasattr(usage, "prompt_tokens"):
        return getattr(usage, "prompt_tokens", None), getattr(usage, "completion_tokens", None)
    prompt = getattr(usage, "input_tokens", None)
    if prompt is not None:
        for extra in ("cache_read_input_tokens", "cache_creation_input_tokens"):
            prompt += getattr(usage, extra, None) or 0
    return prompt, getattr(usage, "output_tokens", None)


class StructuredClient(Protocol):
    provider: str
    model: str

    async def complete(
        self, messages: list[dict[str, str]], progress: CallProgress, model: str | None = None
    ) -> JITAdjustment: ...


class InstructorClient:
    def __init__(
        self,
        client: instructor.AsyncInstructor,
        *,
        provider: str,
        model: str,
        max_reasks: int,
        max_output_tokens: int,
        token_budget: int | None,
    ) -> None:
        self._client = client
        self.provider = provider
        self.model = model
        self._max_reasks = max_reasks
        self._max_output_tokens = max_output_tokens
        self._token_budget = token_budget

    @property
    def instructor(self) -> instructor.AsyncInstructor:
        """The instructor client over the provider's SDK (the review pass shares its setup)."""
        return self._client

    async def complete(
        self, messages: list[dict[str, str]], progress: CallProgress, model: str | None = None
    ) -> JITAdjustment:
        """One structured answer from `model` (None: the configured model)."""
        extra: dict[str, Any] = {}
        if self._token_budget is not None:
            extra["token_budget"] = self._token_budget
        adjustment: JITAdjustment = await self._client.create(
            model=model or self.model,
            response_model=JITAdjustment,
            messages=messages,  # type: ignore[arg-type]
            max_retries=self._max_reasks,
            max_tokens=self._max_output_tokens,
            strict=False,
            hooks=progress.hooks(),
            **extra,
        )
        return adjustment


def build_client(
    settings: LlmSettings, http_client: httpx2.AsyncClient | None = None
) -> InstructorClient:
    """The instructor client for the configured provider (`http_client` for tests)."""
    key = settings.api_key.get_secret_value() if settings.api_key is not None else None
    timeout = httpx2.Timeout(
        settings.deadline_s, connect=min(CONNECT_TIMEOUT_S, settings.deadline_s)
    )
    if settings.provider == "anthropic":
        sdk_anthropic = anthropic.AsyncAnthropic(
            api_key=key,
            base_url=settings.base_url,
            max_retries=0,
            timeout=timeout,
            http_client=http_client,
        )
        client = instructor.from_anthropic(sdk_anthropic, mode=_MODES[settings.mode or "tools"])
    elif settings.provider in ("openai", "openai_compatible"):
        compatible = settings.provider == "openai_compatible"
        sdk_openai = openai.AsyncOpenAI(
            api_key=key or ("not-needed" if compatible else None),
            base_url=settings.base_url,
            max_retries=0,
            timeout=timeout,
            http_client=http_client,
        )
        default_mode = "json_schema" if compatible else "tools"
        client = instructor.from_openai(sdk_openai, mode=_MODES[settings.mode or default_mode])
    else:
        raise ValueError(f"no model client for provider {settings.provider!r}")
    return InstructorClient(
        client,
        provider=settings.provider,
        model=settings.model,
        max_reasks=settings.max_reasks,
        max_output_tokens=settings.max_output_tokens,
        token_budget=settings.token_budget,
    )
