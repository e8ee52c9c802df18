"""The review pass's shell (issue 12): the model call that judges a served session, and the
tasks that run it after the response (docs/domain/review.md, ADR 0016).

`LlmReviewSource.review(inp, output)` builds the core's review prompt, asks the model through
the same instructor seam as the adjustment source (`api/llm/clients.py`: SDK retries off, at
most one validation reask, usage hooks) under its **own** deadline (`JIT_LLM__REVIEW__
DEADLINE_S`, an `asyncio.timeout` around the call and the same per-request timeout), grounds
the answer (`training_engine.review.ground_review`) and returns a `ReviewRecord`. It never
raises for a model failure: the record is `failed` with the classified reason
(`api/llm/errors.py`), the tokens counted so far and no score. It shares neither the breaker
nor the cache of the adjustment path, so a slow or failing reviewer cannot change what the
adjustment path does.

The tasks that run it after the response are `api/llm/review_tasks.ReviewTasks`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Protocol

from api.llm.clients import CallProgress, build_client
from api.llm.errors import Classified, classify
from api.llm.usage import estimate_cost_usd
from api.settings import LlmSettings, ModelPrice
from shared_types.inputs import JITInput
from shared_types.outputs import JITOutput
from shared_types.review import GroundedReview, ReviewRecord, ReviewStatus, SessionReview
from training_engine.review import build_review_prompt, ground_review

if TYPE_CHECKING:
    import httpx2
    import instructor

__all__ = [
    "InstructorReviewClient",
    "LlmReviewSource",
    "ReviewClient",
    "build_review_client",
]


class ReviewClient(Protocol):
    provider: str
    model: str

    async def complete(
        self, messages: list[dict[str, str]], progress: CallProgress
    ) -> SessionReview: ...


class InstructorReviewClient:
    """A `SessionReview` from the model, through an instructor client (one validation reask at
    most, lax validation as for the adjustment: the schema's bounds always hold)."""

    def __init__(
        self,
        client: instructor.AsyncInstructor,
        *,
        provider: str,
        model: str,
        max_reasks: int,
        max_output_tokens: int,
    ) -> None:
        self._client = client
        self.provider = provider
        self.model = model
        self._max_reasks = max_reasks
        self._max_output_tokens = max_output_tokens

    async def complete(
        self, messages: list[dict[str, str]], progress: CallProgress
    ) -> SessionReview:
        review: SessionReview = await self._client.create(
            model=self.model,
            response_model=SessionReview,
            messages=messages,  # type: ignore[arg-type]
            max_retries=self._max_reasks,
            max_tokens=self._max_output_tokens,
            strict=False,
            hooks=progress.hooks(),
        )
        return review


def build_review_client(
    settings: LlmSettings, http_client: httpx2.AsyncClient | None = None
) -> InstructorReviewClient:
    """The reviewer over the configured provider's SDK, with the review's deadline as the
    per-request timeout and the review's model (default: the adjustment's)."""
    sdk = build_client(
        settings.model_copy(update={"deadline_s": settings.review.deadline_s}), http_client
    )
    return InstructorReviewClient(
        sdk.instructor,  # the same SDK and instructor setup as the adjustment's client
        provider=settings.provider,
        model=settings.review.model or settings.model,
        max_reasks=settings.max_reasks,
        max_output_tokens=settings.max_output_tokens,
    )


class LlmReviewSource:
    def __init__(
        self,
        client: ReviewClient,
        *,
        deadline_s: float,
        prices: Mapping[str, ModelPrice] | None = None,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self._client = client
        self.deadline_s = deadline_s
        self._prices = prices or {}
        self._clock = clock

    async def review(self, inp: JITInput, output: JITOutput) -> ReviewRecord:
        """The grounded review of `output` (served for `inp`), or a failed record; never a
        made-up score."""
        prompt = build_review_prompt(inp, output)
        started = self._clock()
        progress = CallProgress()
        failure: Classified | None = None
        grounded: GroundedReview | None = None
        cut = False
        try:
            async with asyncio.timeout(self.deadline_s):
                answer = await self._client.complete(prompt.messages(), progress)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            failure = classify(exc)
            tokens = progress.tokens_after(exc)
            cut = isinstance(exc, TimeoutError)
        else:
            tokens = progress.tokens
            grounded = ground_review(inp, output, answer)
        model = self._client.model
        return ReviewRecord(
            status=ReviewStatus.OK if failure is None else ReviewStatus.FAILED,
            reason=None if failure is None else failure.reason,
            detail=None if failure is None else failure.detail,
            review=grounded,
            provider=self._client.provider,
            model=model,
            prompt_version=prompt.version,
            prompt_chars=prompt.chars,
            attempts=progress.attempts,
            latency_ms=round((self._clock() - started) * 1000, 3),
            deadline_s=self.deadline_s,
            input_tokens=tokens[0],
            output_tokens=tokens[1],
            usage_known=not cut,
            cost_usd=estimate_cost_usd(self._prices, model, *tokens),
        )
