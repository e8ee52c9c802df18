"""Routing rules (versioned per scope) and manual route triggers (issue 11).

A scope is the global rule, a lifter's, or one lift of a lifter's; `RuleScope.key` names it in
the tables. Rules are append-only: each change, deletion or rollback is the scope's next
version, and the current rule is the newest version unless that one is a deletion.
`routing_inputs` is what the generation path reads: every level's current rule and the active
manual trigger, in one prebuilt statement (one round trip).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, NamedTuple

from sqlalchemy import ColumnElement, bindparam, func
from sqlalchemy import select as core_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from api.errors import Conflict
from api.persistence.db import Unit
from api.persistence.repositories.rows import insert_unique
from api.persistence.tables import RoutingRuleRow, RoutingTriggerRow, metadata
from shared_types.routing import RouteRule, RouteStrategy

__all__ = [
    "GLOBAL",
    "RoutingInputs",
    "RuleScope",
    "ScopeKind",
    "active_trigger_page",
    "add_trigger",
    "append_version",
    "current_version",
    "routing_inputs",
    "rule_version",
    "trigger",
    "trigger_key",
    "version_page",
]

ScopeKind = Literal["global", "lifter", "lift"]

# Writers that lose the race for a version number retry with the next one; each loss means
# another writer committed, so this bounds the retries of one change among that many
# concurrent changes of one scope before it answers 409 instead of waiting longer.
VERSION_ATTEMPTS = 32


def trigger_key(lifter_id: str, lift: str | None) -> str:
    """The scope key of a lifter's (or one of its lifts') rule or manual trigger."""
    return f"lifter:{lifter_id}" if lift is None else f"lift:{lifter_id}:{lift}"


@dataclass(frozen=True)
class RuleScope:
    """Which rule: the global one (no lifter), a lifter's (no lift), or one lift of a lifter's."""

    kind: ScopeKind
    lifter_id: str | None = None
    lift: str | None = None

    @property
    def key(self) -> str:
        if self.lifter_id is None:
            return "global"
        return trigger_key(self.lifter_id, self.lift)


GLOBAL = RuleScope("global")


class RoutingInputs(NamedTuple):
    """What the route decision reads from storage for one lifter and lift."""

    global_rule: RouteRule | None
    lifter_rule: RouteRule | None
    lift_rule: RouteRule | None
    manual: RouteStrategy | None  # the lift's active trigger, else the lifter's


def _of_scope(scope: RuleScope) -> SelectOfScalar[RoutingRuleRow]:
    return select(RoutingRuleRow).where(RoutingRuleRow.scope_key == scope.key)


def current_version(unit: Unit, scope: RuleScope) -> RoutingRuleRow | None:
    """The scope's newest version (a deletion too), or None when it never had one."""
    query = _of_scope(scope).order_by(col(RoutingRuleRow.version).desc()).limit(1)
    return unit.exec(query).first()


def rule_version(unit: Unit, scope: RuleScope, version: int) -> RoutingRuleRow | None:
    return unit.get(RoutingRuleRow, (scope.key, version))


def version_page(
    unit: Unit, scope: RuleScope, limit: int, offset: int
) -> tuple[int, list[RoutingRuleRow]]:
    """The scope's versions, newest first, and their count."""
    total = unit.exec(select(func.count()).where(RoutingRuleRow.scope_key == scope.key)).one()
    rows = unit.exec(
        _of_scope(scope).order_by(col(RoutingRuleRow.version).desc()).limit(limit).offset(offset)
    ).all()
    return total, list(rows)


def append_version(
    unit: Unit,
    scope: RuleScope,
    *,
    rule: dict[str, Any] | None,
    changed_by: str,
    reason: str,
    now: datetime,
) -> RoutingRuleRow:
    """Stores the scope's next version (`rule` None: a deletion). Two concurrent changes of one
    scope get consecutive versions: the primary key (scope_key, version) refuses the loser's
    insert, which re-reads the newest version (committed by then) inside a savepoint and tries
    the next number."""
    for _ in range(VERSION_ATTEMPTS):
        newest = current_version(unit, scope)
        row = RoutingRuleRow(
            scope_key=scope.key,
            version=1 if newest is None else newest.version + 1,
            scope=scope.kind,
            lifter_id=scope.lifter_id,
            lift=scope.lift,
            rule=rule,
            deleted=rule is None,
            changed_by=changed_by,
            reason=reason,
            created_at=now,
        )
        try:
            with unit.begin_nested():
                unit.add(row)
                unit.flush()
        except IntegrityError:
            continue
        return row
    raise Conflict("the rule is being changed by many requests at once; try again")


def add_trigger(unit: Unit, row: RoutingTriggerRow) -> bool:
    """Stores the trigger; False when its scope already has an active one (the partial unique
    index decides, so two concurrent requests cannot both win). After False the unit's
    transaction is spoiled (`rows.insert_unique`)."""
    return insert_unique(unit, row)


def trigger(unit: Unit, trigger_id: str, *, lock: bool = False) -> RoutingTriggerRow | None:
    query = select(RoutingTriggerRow).where(RoutingTriggerRow.id == trigger_id)
    if lock:
        query = query.with_for_update()
    return unit.exec(query).first()


def active_trigger_page(
    unit: Unit, lifter_id: str | None, limit: int, offset: int
) -> tuple[int, list[RoutingTriggerRow]]:
    """Active triggers (of one lifter, or all), newest first, and their count."""
    conditions: list[ColumnElement[bool]] = [col(RoutingTriggerRow.ended_at).is_(None)]
    if lifter_id is not None:
        conditions.append(col(RoutingTriggerRow.lifter_id) == lifter_id)
    total = unit.exec(select(func.count()).select_from(RoutingTriggerRow).where(*conditions)).one()
    rows = unit.exec(
        select(RoutingTriggerRow)
        .where(*conditions)
        .order_by(col(RoutingTriggerRow.created_at).desc(), col(RoutingTriggerRow.id))
        .limit(limit)
        .offset(offset)
    ).all()
    return total, list(rows)


_rules = metadata.tables["routing_rules"]
_triggers = metadata.tables["routing_triggers"]


def _current_rule(key: str) -> Any:
    """The newest version's rule document of the scope bound to `key` (NULL when deleted)."""
    return (
        core_select(_rules.c.rule)
        .where(_rules.c.scope_key == bindparam(key))
        .order_by(_rules.c.version.desc())
        .limit(1)
        .scalar_subquery()
    )


def _active_strategy(key: str) -> Any:
    return (
        core_select(_triggers.c.strategy)
        .where(_triggers.c.scope_key == bindparam(key), _triggers.c.ended_at.is_(None))
        .scalar_subquery()
    )


INPUTS = core_select(
    _current_rule("global_key").label("global_rule"),
    _current_rule("lifter_key").label("lifter_rule"),
    _current_rule("lift_key").label("lift_rule"),
    _active_strategy("lift_key").label("lift_manual"),
    _active_strategy("lifter_key").label("lifter_manual"),
)

NO_SCOPE = ""  # binds the lift's key when there is no lift: no scope has an empty key


def routing_inputs(unit: Unit, lifter_id: str, lift: str | None) -> RoutingInputs:
    """Every level's current rule for this lifter and lift and the manual strategy (the lift's
    active trigger wins over the lifter's), in one statement."""
    row = (
        unit.connection()
        .execute(
            INPUTS,
            {
                "global_key": GLOBAL.key,
                "lifter_key": trigger_key(lifter_id, None),
                "lift_key": NO_SCOPE if lift is None else trigger_key(lifter_id, lift),
            },
        )
        .one()
    )
    return RoutingInputs(
        global_rule=_rule(row.global_rule),
        lifter_rule=_rule(row.lifter_rule),
        lift_rule=_rule(row.lift_rule),
        manual=row.lift_manual or row.lifter_manual,
    )


def _rule(document: dict[str, Any] | None) -> RouteRule | None:
    return None if document is None else RouteRule.model_validate(document)
