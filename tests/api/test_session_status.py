"""The session lifecycle's one table of moves."""

from __future__ import annotations

import pytest

from api.errors import Conflict
from api.schemas import SessionStatus
from api.services.lifecycle import MOVES, Action, allowed, require

S = SessionStatus
# Written out from the lifecycle (docs: the session diagram), not derived from MOVES.
EXPECTED = {
    Action.GENERATE: ({S.PLANNED, S.GENERATED}, S.GENERATED),
    Action.LOG_SET: ({S.GENERATED, S.IN_PROGRESS}, S.IN_PROGRESS),
    Action.COMPLETE: ({S.GENERATED, S.IN_PROGRESS}, S.COMPLETED),
    Action.SKIP: ({S.PLANNED, S.GENERATED}, S.SKIPPED),
    Action.RETIRE: ({S.PLANNED, S.GENERATED}, S.SKIPPED),
}


def test_every_action_has_one_row() -> None:
    assert set(MOVES) == set(Action) == set(EXPECTED)


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("status", list(SessionStatus))
def test_an_action_moves_only_from_its_statuses(action: Action, status: SessionStatus) -> None:
    sources, target = EXPECTED[action]
    assert (status in allowed(action)) == (status in sources)
    if status in sources:
        assert require(status.value, action) is target
    else:
        with pytest.raises(Conflict):
            require(status.value, action)


def test_finished_sessions_never_move() -> None:
    for status in (S.COMPLETED, S.SKIPPED):
        assert not any(status in allowed(action) for action in Action)
