"""The review tasks of one process: a limit on how many run, failures counted and never
raised, and shutdown's drain that waits for at most its bound and cancels the rest."""

from __future__ import annotations

import asyncio

from api.llm.review_tasks import ReviewTasks
from shared_types.inputs import JITInput
from shared_types.outputs import JITOutput
from shared_types.review import ReviewRecord


class NoReviewer:
    deadline_s = 0.05

    async def review(self, inp: JITInput, output: JITOutput) -> ReviewRecord:
        raise AssertionError("not called by these tests")


def test_the_limit_counts_what_it_does_not_start_and_failures_are_counted() -> None:
    async def scenario() -> ReviewTasks:
        tasks = ReviewTasks(NoReviewer(), max_in_flight=2)
        gate = asyncio.Event()
        done: list[int] = []

        async def waits() -> None:
            await gate.wait()
            done.append(1)

        async def fails() -> None:
            raise RuntimeError("the generation was deleted")

        assert tasks.start(waits) is True
        assert tasks.start(fails) is True
        assert tasks.start(waits) is False  # two already running
        for _ in range(3):  # the failing one runs, fails, and its done-callback runs
            await asyncio.sleep(0)
        assert tasks.in_flight == 1
        assert tasks.start(waits) is True
        gate.set()
        await tasks.drain()
        assert done == [1, 1]
        return tasks

    tasks = asyncio.run(scenario())
    assert (tasks.started, tasks.not_started, tasks.errors, tasks.in_flight) == (3, 1, 1, 0)


def test_drain_cancels_what_outlives_its_bound() -> None:
    async def scenario() -> tuple[ReviewTasks, list[str]]:
        tasks = ReviewTasks(NoReviewer(), max_in_flight=4)
        seen: list[str] = []

        async def never_ends() -> None:
            try:
                await asyncio.Event().wait()
            except asyncio.CancelledError:
                seen.append("cancelled")
                raise

        tasks.start(never_ends)
        await asyncio.sleep(0)
        await tasks.drain(timeout_s=0)
        return tasks, seen

    tasks, seen = asyncio.run(scenario())
    assert seen == ["cancelled"]
    assert (tasks.in_flight, tasks.errors) == (0, 0)  # a cancelled review is not an error


def test_drain_without_tasks_returns_at_once() -> None:
    tasks = ReviewTasks(NoReviewer(), max_in_flight=1)
    asyncio.run(tasks.drain())
    assert tasks.in_flight == 0
