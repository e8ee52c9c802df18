"""`PipelineState.evolve`: a copy with some fields changed, like `dataclasses.replace`."""

from __future__ import annotations

import dataclasses

import pytest

from training_engine.pipeline.state import PipelineState


def test_evolve_is_replace() -> None:
    state = PipelineState(sets=(), planned_count=3, rationale=("a",))
    evolved = state.evolve(planned_count=2, skipped=True)
    assert evolved == dataclasses.replace(state, planned_count=2, skipped=True)
    assert (state.planned_count, state.skipped) == (3, False)


def test_evolve_rejects_a_field_the_state_does_not_have() -> None:
    with pytest.raises(TypeError, match="plannedcount"):
        PipelineState(sets=(), planned_count=3).evolve(plannedcount=2)


def test_an_evolved_state_stays_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        PipelineState(sets=(), planned_count=3).evolve(skipped=True).skipped = False  # type: ignore[misc]
