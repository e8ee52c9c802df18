"""The review tasks of one process (ADR 0016): started after a model-served response is built,
never awaited by it; awaited on the app's shutdown.

At most `max_in_flight` run at once (more are not started, only counted: a burst of
generations must not become a burst of model calls nobody waits for); a task's failure is
logged and counted, never raised. Shutdown waits for the running ones for at most the review
deadline and a second to store, then cancels what is left (nothing is stored for those).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from shared_types.inputs import JITInput
from shared_types.outputs import JITOutput
from shared_types.review import ReviewRecord

__all__ = ["ReviewTasks", "Reviewer"]

log = logging.getLogger(__name__)
STORE_SLACK_S = 1.0  # shutdown waits this long past the deadline for the row to be written


class Reviewer(Protocol):
    """Reviews a served session; `api.llm.review.LlmReviewSource` in production."""

    @property
    def deadline_s(self) -> float: ...

    async def review(self, inp: JITInput, output: JITOutput) -> ReviewRecord: ...


class ReviewTasks:
    """The review tasks of one process: started after a response, awaited on shutdown."""

    def __init__(self, source: Reviewer, *, max_in_flight: int) -> None:
        self.source = source
        self._max = max_in_flight
        self._tasks: set[asyncio.Task[Any]] = set()
        self.started = 0
        self.not_started = 0  # the limit was reached: no review, no row
        self.errors = 0  # a task that raised (e.g. the generation was deleted meanwhile)

    @property
    def in_flight(self) -> int:
        return len(self._tasks)

    def start(self, job: Callable[[], Awaitable[None]]) -> bool:
        """Run `job` in the background; False (and counted) when `max_in_flight` are running."""
        if len(self._tasks) >= self._max:
            self.not_started += 1
            log.warning("review not started: %d reviews already running", len(self._tasks))
            return False
        task = asyncio.get_running_loop().create_task(self._guarded(job))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        self.started += 1
        return True

    async def _guarded(self, job: Callable[[], Awaitable[None]]) -> None:
        try:
            await job()
        except Exception:
            self.errors += 1
            log.exception("a review task failed")

    async def drain(self, timeout_s: float | None = None) -> None:
        """Wait for the running reviews (each is bounded by its deadline), for at most
        `timeout_s` (default: the deadline and one second to store), then cancel the rest."""
        if not self._tasks:
            return
        limit = self.source.deadline_s + STORE_SLACK_S if timeout_s is None else timeout_s
        pending = set(self._tasks)
        _done, late = await asyncio.wait(pending, timeout=limit)
        for task in late:
            task.cancel()
        if late:
            await asyncio.wait(late)
