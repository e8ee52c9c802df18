"""The session lifecycle: which action moves a session from which status to which.

    planned --generate--> generated --first set--> in_progress --complete--> completed
       |                      |
       +------skip------------+--> skipped        (a session with logged sets is completed)

`MOVES` is the only table of it: services ask `require` before they act, and a status the
action does not start from is a 409.
"""

from __future__ import annotations

from enum import StrEnum

from api.errors import Conflict
from api.schemas import SessionStatus

__all__ = ["MOVES", "Action", "allowed", "require"]

S = SessionStatus


class Action(StrEnum):
    GENERATE = "generate"
    LOG_SET = "log_set"
    COMPLETE = "complete"
    SKIP = "skip"
    RETIRE = "retire"  # a new program replaces the one the session belongs to


# action -> (the statuses it starts from, the status it leads to)
MOVES: dict[Action, tuple[frozenset[SessionStatus], SessionStatus]] = {
    Action.GENERATE: (frozenset({S.PLANNED, S.GENERATED}), S.GENERATED),
    Action.LOG_SET: (frozenset({S.GENERATED, S.IN_PROGRESS}), S.IN_PROGRESS),
    Action.COMPLETE: (frozenset({S.GENERATED, S.IN_PROGRESS}), S.COMPLETED),
    Action.SKIP: (frozenset({S.PLANNED, S.GENERATED}), S.SKIPPED),
    Action.RETIRE: (frozenset({S.PLANNED, S.GENERATED}), S.SKIPPED),
}


_REFUSALS = {
    Action.GENERATE: "the session is {status}; it cannot be regenerated",
    Action.LOG_SET: "sets cannot be logged on a {status} session",
    Action.COMPLETE: "a {status} session cannot be completed",
    Action.SKIP: "a {status} session cannot be skipped",
    Action.RETIRE: "a {status} session cannot be retired",
}


def allowed(action: Action) -> frozenset[SessionStatus]:
    """The statuses `action` may start from."""
    return MOVES[action][0]


def require(status: str, action: Action) -> SessionStatus:
    """The status `action` leads to from `status`, or 409."""
    sources, target = MOVES[action]
    current = SessionStatus(status)
    if current not in sources:
        raise Conflict(_REFUSALS[action].format(status=current.replace("_", " ")))
    return target
