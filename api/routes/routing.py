"""Routing policy for the admin (issue 11): versioned rules at three levels, the effective rule
of a lifter and lift, and manual route triggers.

The three rule scopes (global, a lifter's, one lift of a lifter's) share one set of operations;
`_rule_routes` registers it once per scope, with a dependency that turns the path into the
scope. (No `from __future__ import annotations` here: the scope's `Annotated` alias is local to
`_rule_routes`, and FastAPI must see the real object, not a string it cannot resolve.)
"""

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from api.auth import RequireAdmin
from api.routes.common import ERRORS, Id, Limit, Offset
from api.schemas import (
    ChangeNote,
    EffectiveRuleOut,
    RuleChange,
    RuleRollback,
    RuleVersionOut,
    RuleVersionPage,
    TriggerIn,
    TriggerOut,
    TriggerPage,
)
from api.services import routing_rules
from api.services.routing_rules import GLOBAL, RuleScope, lift_scope, lifter_scope
from api.state import app_state
from shared_types.enums import Lift

router = APIRouter(
    prefix="/v1/admin/routing", tags=["admin"], dependencies=[RequireAdmin], responses=ERRORS
)

RULES = "/rules"
LIFTER_RULE = "/rules/lifters/{lifter_id}"


def _global_scope() -> RuleScope:
    return GLOBAL


def _lifter_scope(lifter_id: Id) -> RuleScope:
    return lifter_scope(lifter_id)


def _lift_scope(lifter_id: Id, lift: Lift) -> RuleScope:
    return lift_scope(lifter_id, lift)


def _rule_routes(path: str, scope_of: Callable[..., RuleScope], what: str) -> None:
    """PUT/GET/DELETE of one scope's rule, its versions, and rollback, under `path`."""
    Scope = Annotated[RuleScope, Depends(scope_of)]

    @router.put(path, response_model=RuleVersionOut, name=f"set_{what}_rule")
    def set_rule(request: Request, scope: Scope, body: RuleChange) -> RuleVersionOut:
        """Sets the rule: a new version, with who and why."""
        return routing_rules.change_rule(app_state(request), scope, body)

    @router.get(path, response_model=RuleVersionOut, name=f"get_{what}_rule")
    def get_rule(request: Request, scope: Scope) -> RuleVersionOut:
        """The current rule (404 when none is set or the newest version deleted it)."""
        return routing_rules.current_rule(app_state(request), scope)

    @router.delete(path, response_model=RuleVersionOut, name=f"delete_{what}_rule")
    def delete_rule(request: Request, scope: Scope, body: ChangeNote) -> RuleVersionOut:
        """Deletes the rule: a version that says so, with who and why (the history stays)."""
        return routing_rules.delete_rule(app_state(request), scope, body)

    @router.get(f"{path}/versions", response_model=RuleVersionPage, name=f"{what}_rule_versions")
    def rule_versions(
        request: Request, scope: Scope, limit: Limit = 50, offset: Offset = 0
    ) -> RuleVersionPage:
        """Every version of the rule, newest first."""
        return routing_rules.rule_versions(app_state(request), scope, limit, offset)

    @router.post(f"{path}/rollback", response_model=RuleVersionOut, name=f"roll_back_{what}_rule")
    def roll_back(request: Request, scope: Scope, body: RuleRollback) -> RuleVersionOut:
        """A new version equal to an earlier one."""
        return routing_rules.roll_back_rule(app_state(request), scope, body)


_rule_routes(f"{RULES}/global", _global_scope, "global")
_rule_routes(LIFTER_RULE, _lifter_scope, "lifter")
_rule_routes(LIFTER_RULE + "/lifts/{lift}", _lift_scope, "lift")


@router.get(f"{LIFTER_RULE}/effective", response_model=EffectiveRuleOut)
def effective_rule(
    request: Request,
    lifter_id: Id,
    lift: Annotated[Lift | None, Query(description="Omitted: the lifter's rule.")] = None,
) -> EffectiveRuleOut:
    """The rule a generation for this lifter and lift gets: each value and the level it came
    from, and the active manual trigger's strategy, which overrides it."""
    return routing_rules.effective(app_state(request), lifter_id, lift)


@router.post("/triggers", status_code=201, response_model=TriggerOut)
def start_trigger(request: Request, body: TriggerIn) -> TriggerOut:
    """Forces a route for a lifter (or one lift) until ended; 409 while one is active."""
    return routing_rules.start_trigger(app_state(request), body)


@router.get("/triggers", response_model=TriggerPage)
def active_triggers(
    request: Request,
    lifter_id: Annotated[
        str | None, Query(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")
    ] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> TriggerPage:
    """The active triggers (of one lifter, or all), newest first."""
    return routing_rules.active_triggers(app_state(request), lifter_id, limit, offset)


@router.delete("/triggers/{trigger_id}", response_model=TriggerOut)
def end_trigger(request: Request, trigger_id: Id, body: ChangeNote) -> TriggerOut:
    """Ends the trigger, with who and why; it stays as history (`ended_at`)."""
    return routing_rules.end_trigger(app_state(request), trigger_id, body)
