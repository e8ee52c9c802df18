"""Routing rules and manual route triggers (issue 11), for the admin.

Every change of a rule is the scope's next version, with who and why (the admin token is shared,
so the body names the person); a deletion and a rollback are versions too, so the history is
complete. A manual trigger forces the route for a lifter (or one lift) until it is ended, and
stays as history afterwards. The effective rule is the core's `effective_rule` over what the
generation path reads (`routing_inputs`), so the admin sees what a generation would get.
"""

from __future__ import annotations

import uuid
from typing import Any

from api.errors import Conflict, NotFound
from api.persistence.db import Unit
from api.persistence.repositories import routing_rules as repo
from api.persistence.repositories.lifters import lifter
from api.persistence.repositories.routing_rules import GLOBAL, RuleScope
from api.persistence.tables import RoutingRuleRow, RoutingTriggerRow
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
from api.state import AppState
from shared_types.enums import Lift
from training_engine.routing.rules import effective_rule

__all__ = [
    "GLOBAL",
    "RuleScope",
    "active_triggers",
    "change_rule",
    "current_rule",
    "delete_rule",
    "effective",
    "end_trigger",
    "lift_scope",
    "lifter_scope",
    "roll_back_rule",
    "rule_versions",
    "start_trigger",
]


def lifter_scope(lifter_id: str) -> RuleScope:
    return RuleScope("lifter", lifter_id)


def lift_scope(lifter_id: str, lift: Lift) -> RuleScope:
    return RuleScope("lift", lifter_id, lift.value)


def _version_out(row: RoutingRuleRow) -> RuleVersionOut:
    return RuleVersionOut.model_validate(row, from_attributes=True)


def _trigger_out(row: RoutingTriggerRow) -> TriggerOut:
    return TriggerOut.model_validate(row, from_attributes=True)


def _known_scope(unit: Unit, scope: RuleScope) -> None:
    """404 when the scope names a lifter that does not exist."""
    if scope.lifter_id is not None:
        lifter(unit, scope.lifter_id)


def _current(unit: Unit, scope: RuleScope) -> RoutingRuleRow:
    """The scope's current version, or 404 when it has none or its newest is a deletion."""
    _known_scope(unit, scope)
    row = repo.current_version(unit, scope)
    if row is None or row.deleted:
        raise NotFound(f"no {scope.kind} rule is set")
    return row


def _append(
    state: AppState, unit: Unit, scope: RuleScope, rule: dict[str, Any] | None, note: ChangeNote
) -> RuleVersionOut:
    """Stores `rule` (a `RouteRule` document; None deletes) as the scope's next version."""
    row = repo.append_version(
        unit,
        scope,
        rule=rule,
        changed_by=note.changed_by,
        reason=note.reason,
        now=state.clock(),
    )
    return _version_out(row)


def change_rule(state: AppState, scope: RuleScope, body: RuleChange) -> RuleVersionOut:
    """Sets the scope's rule: its next version."""
    with state.db.write() as unit:
        _known_scope(unit, scope)
        document = body.rule.model_dump(mode="json", exclude_none=True)
        return _append(state, unit, scope, document, body)


def current_rule(state: AppState, scope: RuleScope) -> RuleVersionOut:
    with state.db.read() as unit:
        return _version_out(_current(unit, scope))


def delete_rule(state: AppState, scope: RuleScope, body: ChangeNote) -> RuleVersionOut:
    """Deletes the scope's rule (404 when none is set): a version that says so."""
    with state.db.write() as unit:
        _current(unit, scope)
        return _append(state, unit, scope, None, body)


def rule_versions(state: AppState, scope: RuleScope, limit: int, offset: int) -> RuleVersionPage:
    with state.db.read() as unit:
        _known_scope(unit, scope)
        total, rows = repo.version_page(unit, scope, limit, offset)
        items = [_version_out(r) for r in rows]
    return RuleVersionPage(items=items, total=total, limit=limit, offset=offset)


def roll_back_rule(state: AppState, scope: RuleScope, body: RuleRollback) -> RuleVersionOut:
    """A new version equal to the earlier `body.version` (404 when the scope has no such)."""
    with state.db.write() as unit:
        _known_scope(unit, scope)
        earlier = repo.rule_version(unit, scope, body.version)
        if earlier is None:
            raise NotFound(f"the {scope.kind} rule has no version {body.version}")
        return _append(state, unit, scope, earlier.rule, body)


def effective(state: AppState, lifter_id: str, lift: Lift | None) -> EffectiveRuleOut:
    """The rule a generation for this lifter and lift gets, each value with its level, and the
    manual strategy that overrides it, if any."""
    with state.db.read() as unit:
        lifter(unit, lifter_id)
        inputs = repo.routing_inputs(unit, lifter_id, None if lift is None else lift.value)
    rule = effective_rule(inputs.global_rule, inputs.lifter_rule, inputs.lift_rule)
    return EffectiveRuleOut(
        lifter_id=lifter_id, lift=lift, rule=rule, manual_strategy=inputs.manual
    )


def start_trigger(state: AppState, body: TriggerIn) -> TriggerOut:
    """Forces `body.strategy` for the lifter (or one lift) until ended; 409 when that lifter
    and lift already have an active trigger."""
    lift = None if body.lift is None else body.lift.value
    with state.db.write() as unit:
        lifter(unit, body.lifter_id)
        row = RoutingTriggerRow(
            id=str(uuid.uuid4()),
            scope_key=repo.trigger_key(body.lifter_id, lift),
            lifter_id=body.lifter_id,
            lift=lift,
            strategy=body.strategy,
            changed_by=body.changed_by,
            reason=body.reason,
            created_at=state.clock(),
        )
        if not repo.add_trigger(unit, row):
            raise Conflict("this lifter and lift already have an active trigger; end it first")
        return _trigger_out(row)


def end_trigger(state: AppState, trigger_id: str, body: ChangeNote) -> TriggerOut:
    """Ends an active trigger (404 unknown, 409 already ended); it stays as history."""
    with state.db.write() as unit:
        row = repo.trigger(unit, trigger_id, lock=True)
        if row is None:
            raise NotFound("trigger not found")
        if row.ended_at is not None:
            raise Conflict("the trigger has already ended")
        row.ended_at = state.clock()
        row.ended_by = body.changed_by
        row.end_reason = body.reason
        unit.add(row)
        return _trigger_out(row)


def active_triggers(state: AppState, lifter_id: str | None, limit: int, offset: int) -> TriggerPage:
    with state.db.read() as unit:
        total, rows = repo.active_trigger_page(unit, lifter_id, limit, offset)
        items = [_trigger_out(r) for r in rows]
    return TriggerPage(items=items, total=total, limit=limit, offset=offset)
