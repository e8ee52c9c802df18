"""The review pass after a model-served generation (issue 12, ADR 0016).

`schedule_review` is called once a fresh generation is stored and its response built (never
for a replay). When reviews are on and the model's session was served (`jit_strategy` llm:
the llm strategy, or hybrid / auto when the model's adjustment was served), it starts a
background task and returns at once: the response never waits for it. The task asks the
reviewer (its own deadline), then writes the review's own row in its own write unit. It never
changes the generation, the session or anything served.
"""

from __future__ import annotations

from api.persistence.repositories.reviews import ReviewOwner, store_review
from api.state import AppState
from shared_types.enums import StrategyUsed
from shared_types.inputs import JITInput
from shared_types.outputs import JITOutput
from shared_types.review import ReviewRecord

__all__ = ["schedule_review"]


def schedule_review(state: AppState, owner: ReviewOwner, inp: JITInput, output: JITOutput) -> bool:
    """Start the review of `output` in the background; whether one was started."""
    tasks = state.reviews
    if tasks is None or output.jit_strategy is not StrategyUsed.LLM:
        return False
    reviewer = tasks.source

    async def review_and_store() -> None:
        record = await reviewer.review(inp, output)
        await state.db.run(_store, state, owner, record)

    return tasks.start(review_and_store)


def _store(state: AppState, owner: ReviewOwner, record: ReviewRecord) -> None:
    with state.db.write() as unit:
        store_review(unit, owner, record, state.clock())
