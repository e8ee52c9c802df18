"""Daily model budgets in the database (revision 0010): the lifter's day and the global day.

Every change goes through the core's arithmetic (`training_engine.routing.budget`) on rows held
under a lock, and touches the lifter's and the global row together, in one transaction: both are
written or neither. The rows are created on first use (`INSERT ... ON CONFLICT DO NOTHING`,
the same on SQLite and PostgreSQL), then locked with `SELECT ... FOR UPDATE` in one order for
every writer (`global` sorts before `lifter:`), so concurrent workers never deadlock and never
both spend the same headroom. On SQLite the write unit itself is the lock (`BEGIN IMMEDIATE`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import text
from sqlmodel import col, select

from api.persistence.db import Unit
from api.persistence.tables import BudgetDayRow
from shared_types.routing import BudgetState, Spend
from training_engine.routing import budget

__all__ = [
    "GLOBAL",
    "DailyLimits",
    "Limit",
    "day_rows",
    "lifter_subject",
    "release",
    "reserve",
    "settle",
]

GLOBAL = "global"
# What "no limit" is for the core's arithmetic, which always compares with a limit.
_NO_TOKEN_LIMIT = 2**63 - 1
_NO_COST_LIMIT = Decimal("1e18")

_CREATE = text(
    "INSERT INTO budget_days (subject, day, lifter_id, used_tokens, reserved_tokens, used_cost,"
    " reserved_cost) VALUES (:subject, :day, :lifter_id, 0, 0, '0', '0')"
    " ON CONFLICT (subject, day) DO NOTHING"
)


@dataclass(frozen=True)
class Limit:
    """One budget's daily limits; None is unlimited (spend is still counted)."""

    tokens: int | None = None
    cost_usd: Decimal | None = None


@dataclass(frozen=True)
class DailyLimits:
    """The limits of each lifter's day and of the global day."""

    lifter: Limit = Limit()
    everyone: Limit = Limit()


def lifter_subject(lifter_id: str) -> str:
    return f"lifter:{lifter_id}"


def reserve(unit: Unit, lifter_id: str, estimate: Spend, limits: DailyLimits, day: date) -> bool:
    """Hold `estimate` on the lifter's and the global day if it fits under both; otherwise
    change nothing and return False."""
    rows = _locked_pair(unit, lifter_id, day)
    outcomes = [budget.reserve(_state(row, _limit_of(row, limits)), estimate) for row in rows]
    if not all(granted for granted, _ in outcomes):
        return False
    for row, (_, state) in zip(rows, outcomes, strict=True):
        _write(row, state)
    return True


def settle(unit: Unit, lifter_id: str, day: date, reserved: Spend, actual: Spend) -> None:
    """Replace a reservation made on `day` by what the call used, on both budgets."""
    _apply(unit, lifter_id, day, lambda state: budget.settle(state, reserved, actual))


def release(unit: Unit, lifter_id: str, day: date, reserved: Spend) -> None:
    """Give back a reservation made on `day` (the call was not made), on both budgets."""
    _apply(unit, lifter_id, day, lambda state: budget.release(state, reserved))


def day_rows(unit: Unit, day: date, lifter_id: str | None) -> dict[str, BudgetDayRow]:
    """The global row of `day` and, when asked, the lifter's, by subject (absent: nothing
    spent yet)."""
    subjects = [GLOBAL] if lifter_id is None else [GLOBAL, lifter_subject(lifter_id)]
    found = unit.exec(
        select(BudgetDayRow).where(col(BudgetDayRow.subject).in_(subjects), BudgetDayRow.day == day)
    )
    return {row.subject: row for row in found}


def _apply(
    unit: Unit, lifter_id: str, day: date, change: Callable[[BudgetState], BudgetState]
) -> None:
    """Change both budgets of `day` with `change` (limits play no part in it)."""
    for row in _locked_pair(unit, lifter_id, day):
        _write(row, change(_state(row, Limit())))


def _locked_pair(unit: Unit, lifter_id: str, day: date) -> Sequence[BudgetDayRow]:
    """The global and the lifter's row of `day`, created if missing, locked, in subject order."""
    connection = unit.connection()
    connection.execute(_CREATE, {"subject": GLOBAL, "day": day, "lifter_id": None})
    subject = lifter_subject(lifter_id)
    connection.execute(_CREATE, {"subject": subject, "day": day, "lifter_id": lifter_id})
    query = (
        select(BudgetDayRow)
        .where(col(BudgetDayRow.subject).in_([GLOBAL, subject]), BudgetDayRow.day == day)
        .order_by(col(BudgetDayRow.subject))
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return unit.exec(query).all()


def _limit_of(row: BudgetDayRow, limits: DailyLimits) -> Limit:
    return limits.everyone if row.subject == GLOBAL else limits.lifter


def _state(row: BudgetDayRow, limit: Limit) -> BudgetState:
    return BudgetState(
        limit_tokens=_NO_TOKEN_LIMIT if limit.tokens is None else limit.tokens,
        limit_cost=_NO_COST_LIMIT if limit.cost_usd is None else limit.cost_usd,
        used_tokens=row.used_tokens,
        used_cost=row.used_cost,
        reserved_tokens=row.reserved_tokens,
        reserved_cost=row.reserved_cost,
    )


def _write(row: BudgetDayRow, state: BudgetState) -> None:
    row.used_tokens = state.used_tokens
    row.used_cost = state.used_cost
    row.reserved_tokens = state.reserved_tokens
    row.reserved_cost = state.reserved_cost
