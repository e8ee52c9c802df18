"""Start a simulation with one distilled rule active (issue 12: a rule that cuts model calls).

`jit-engine simulate --rule-db PATH --activate-rule ID` copies the rule `ID` (a `validated` row
of `distilled_rules` in the SQLite database at PATH, e.g. a kept `worker-0.db` that
`jit-engine oracle` ran on) with the oracle run that made it and its events into the run's
freshly migrated template database, then activates it for every lifter (share 1.0) through the
service's own `api.services.oracle.activate`, as an admin's `POST .../activate` would. Every
worker database is a copy of that template, so the rule serves its context in `auto` from the
first session on, after the rule conditions and the gate (docs/domain/oracle.md).

The rows are copied with the ORM (no SQL text); the two databases are migrated by the same code,
so a row of one is a row of the other.
"""

from __future__ import annotations

from pathlib import Path

from sqlmodel import col, select

from api.clock import FixedClock
from api.oracle_schemas import RuleActivation
from api.persistence.db import Database
from api.persistence.tables import DistilledRuleEventRow, DistilledRuleRow, OracleRunRow
from api.services import oracle
from api.settings import Settings
from api.state import AppState
from training_engine.strategies import default_registry

__all__ = ["ACTIVATED_BY", "install_rule"]

ACTIVATED_BY = "simulator"


def install_rule(template: Path, source: Path, rule_id: str, now: FixedClock) -> None:
    """Copy rule `rule_id` from `source` into `template` and activate it with share 1.0.
    `ValueError` when `source` has no such rule; the service's `Conflict` when it is not
    validated."""
    origin = Database(f"sqlite:///{source}")
    try:
        with origin.read() as unit:
            rule = unit.get(DistilledRuleRow, rule_id)
            if rule is None:
                raise ValueError(f"{source} has no distilled rule {rule_id}")
            run = unit.get(OracleRunRow, rule.run_id)
            events = unit.exec(
                select(DistilledRuleEventRow)
                .where(DistilledRuleEventRow.rule_id == rule_id)
                .order_by(col(DistilledRuleEventRow.id))
            ).all()
            rows = [r.model_dump() for r in (run, rule) if r is not None]
            kinds = [type(r) for r in (run, rule) if r is not None]
            copied_events = [e.model_dump(exclude={"id"}) for e in events]
    finally:
        origin.dispose()
    settings = Settings(database_url=f"sqlite:///{template}")
    target = Database(settings.database_url)
    try:
        with target.write() as unit:
            for kind, values in zip(kinds, rows, strict=True):  # the run before its rule
                unit.add(kind.model_validate(values))
                unit.flush()
            for values in copied_events:
                unit.add(DistilledRuleEventRow.model_validate(values))
        state = AppState(settings=settings, db=target, clock=now, registry=default_registry())
        oracle.activate(
            state,
            rule_id,
            RuleActivation(
                changed_by=ACTIVATED_BY,
                reason="simulate --activate-rule: the rule serves its context for every lifter",
                share=1.0,
            ),
        )
    finally:
        target.dispose()
