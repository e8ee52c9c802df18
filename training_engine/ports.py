"""Ports: how the outside world enters the core (small `typing.Protocol`s).

`AdjustmentSource` is the LLM strategy's only way to a model. Given a request (the input and
the prompt built for it), it returns a bounded `JITAdjustment`, or raises
`AdjustmentUnavailable` carrying a `FallbackReason` from the closed set. The shell implements it
with instructor over the providers' SDKs, with the deadline, cache and breaker around the call
(`api/llm/`); `FixedAdjustmentSource` below serves a stored adjustment (the CLI's
`--adjustment`, replaying a stored session, tests).

`ProviderHealth` tells `auto` whether a model may be asked now. `CallBudget` reserves a model
call's spend before `auto` makes it and settles it after (the shell keeps the budgets);
`Routing` is what the shell knows about one generation that `auto` decides with.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from pydantic import ValidationError

from shared_types.adjustment import JITAdjustment
from shared_types.enums import FallbackReason
from shared_types.inputs import JITInput
from shared_types.llm import LlmCallRecord
from shared_types.routing import RoutingFacts
from training_engine.prompt import Prompt

__all__ = [
    "AdjustmentRequest",
    "AdjustmentSource",
    "AdjustmentUnavailable",
    "AlwaysAccepting",
    "CallBudget",
    "FixedAdjustmentSource",
    "ProviderHealth",
    "Routing",
    "SourcedAdjustment",
]


@dataclass(frozen=True)
class AdjustmentRequest:
    inp: JITInput
    prompt: Prompt
    model: str | None = None  # a rollout's candidate model; None: the source's configured one


@dataclass(frozen=True)
class SourcedAdjustment:
    adjustment: JITAdjustment
    record: LlmCallRecord | None = None


class AdjustmentUnavailable(Exception):
    """No usable adjustment; `reason` says why (the output's `fallback_reason`)."""

    def __init__(
        self, reason: FallbackReason, detail: str = "", record: LlmCallRecord | None = None
    ) -> None:
        super().__init__(f"{reason.value}: {detail}" if detail else reason.value)
        self.reason = reason
        self.detail = detail
        self.record = record


@runtime_checkable
class AdjustmentSource(Protocol):
    async def adjustment(self, request: AdjustmentRequest) -> SourcedAdjustment: ...


@runtime_checkable
class ProviderHealth(Protocol):
    def accepting(self) -> bool:
        """A provider is configured and its breaker lets a call through now."""
        ...


class FixedAdjustmentSource:
    """Serves one stored adjustment, validated like a model's answer: a stored value outside
    the schema's bounds is an `invalid_response`, exactly as if the model had returned it."""

    def __init__(
        self,
        raw: object,
        parse: Callable[[object], JITAdjustment] = JITAdjustment.model_validate,
    ) -> None:
        self._raw = raw
        self._parse = parse

    async def adjustment(self, request: AdjustmentRequest) -> SourcedAdjustment:
        if isinstance(self._raw, JITAdjustment):
            return SourcedAdjustment(self._raw)
        try:
            return SourcedAdjustment(self._parse(self._raw))
        except ValidationError as exc:
            raise AdjustmentUnavailable(
                FallbackReason.INVALID_RESPONSE, f"{exc.error_count()} schema error(s)"
            ) from None


class AlwaysAccepting:
    """Health for a source that needs no provider (a fixed adjustment)."""

    def accepting(self) -> bool:
        return True


class CallBudget(Protocol):
    """A generation's model budget: `reserve` before the call (False: exhausted, nothing held);
    `settle` after it with the call's record (None or a cache hit: nothing was spent, the
    reservation is released). `settle` is called exactly once after a granted `reserve`."""

    async def reserve(self) -> bool: ...

    async def settle(self, call: LlmCallRecord | None) -> None: ...


@dataclass(frozen=True)
class Routing:
    """What the shell knows about one generation that a routing strategy decides with."""

    facts: RoutingFacts
    budget: CallBudget | None = None  # None: no budget applies
    shadow_budget: CallBudget | None = None  # a rollout's shadow call's (None: no budget)
