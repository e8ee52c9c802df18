"""The adjustment source when no provider is configured: every request falls back.

Kept apart from `source.py` so that a service without a provider never imports instructor or
the provider SDKs (about 5 s of start-up)."""

from __future__ import annotations

from shared_types.enums import FallbackReason
from shared_types.llm import LlmCallRecord
from training_engine.ports import AdjustmentRequest, AdjustmentUnavailable, SourcedAdjustment

__all__ = ["DisabledSource"]


class DisabledSource:
    """No provider configured (`JIT_LLM__PROVIDER=none`): every request falls back."""

    async def adjustment(self, request: AdjustmentRequest) -> SourcedAdjustment:
        record = LlmCallRecord(
            provider="none",
            model="",
            prompt_version=request.prompt.version,
            prompt_chars=request.prompt.chars,
            attempts=0,
            latency_ms=0.0,
            deadline_s=0.0,
            input_tokens=None,
            output_tokens=None,
            usage_known=True,
            cost_usd=None,
            cache_hit=False,
            cache_key=None,
            breaker_state="closed",
            fallback_reason=FallbackReason.DISABLED,
            detail="no provider configured",
            adjustment=None,
        )
        raise AdjustmentUnavailable(FallbackReason.DISABLED, "no provider configured", record)
