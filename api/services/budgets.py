"""Daily model budgets (issue 11): reserve before a model call, settle or release after it.

A call reserves its estimate on the lifter's UTC day and the global UTC day at once; it is
granted only if it fits under both (limits from `settings.budgets`; None is unlimited, but spend
is still counted). After the call the reservation is settled with what the call used, or
released if no call was made. The rows live in the database under row locks, so every worker
shares one budget and none is overspent (`api/persistence/repositories/budgets.py`).

How the generation path uses it (each function opens its own short write unit; from async code
run it with `await state.db.run(fn, ...)`, as the other units are):

    estimate = call_estimate(state.settings.llm, prompt_chars)
    reservation = reserve_call(state, lifter_id, estimate)
    if reservation is None: serve the fallback labelled `budget_exhausted`
    ... the model call ...
    settle_call(state, reservation, spent(record, reservation))   # a call was made
    release_call(state, reservation)                              # none was (e.g. a cache hit)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from pydantic import BaseModel

from api.persistence.repositories import budgets as repo
from api.persistence.repositories import lifters
from api.persistence.tables import BudgetDayRow
from api.settings import BudgetSettings, LlmSettings
from api.state import AppState
from shared_types.llm import LlmCallRecord
from shared_types.routing import Spend
from training_engine.routing.budget import estimate_call

__all__ = [
    "BudgetOut",
    "BudgetsOut",
    "Reservation",
    "budget_view",
    "call_estimate",
    "daily_limits",
    "release_call",
    "reserve_call",
    "settle_call",
    "spent",
    "utc_day",
]


@dataclass(frozen=True)
class Reservation:
    """A granted reservation: what to settle or release, and on which day's budgets (a call
    that runs past midnight is charged to the day it reserved on)."""

    lifter_id: str
    day: date
    spend: Spend


class BudgetOut(BaseModel):
    """One budget's day: limits (None: unlimited), what settled calls used, what calls in
    flight hold. Money in USD, exact decimals."""

    subject: str
    limit_tokens: int | None
    limit_cost_usd: Decimal | None
    used_tokens: int
    used_cost_usd: Decimal
    reserved_tokens: int
    reserved_cost_usd: Decimal


class BudgetsOut(BaseModel):
    """The global budget of a UTC day and, when asked for, one lifter's."""

    day: date
    global_budget: BudgetOut
    lifter_budget: BudgetOut | None = None


def utc_day(now: datetime) -> date:
    """The budget day of an aware time: its UTC date."""
    return now.astimezone(UTC).date()


def daily_limits(settings: BudgetSettings) -> repo.DailyLimits:
    return repo.DailyLimits(
        lifter=repo.Limit(settings.lifter_daily_tokens, settings.lifter_daily_cost_usd),
        everyone=repo.Limit(settings.global_daily_tokens, settings.global_daily_cost_usd),
    )


def call_estimate(llm: LlmSettings, prompt_chars: int) -> Spend:
    """The most one generation's model call may use: every attempt (the first and each allowed
    reask) at the core's upper bound (`estimate_call`), priced from `llm.prices`. A reask's
    input also carries the rejected answer; that excess, if any, is charged when settled."""
    price = llm.prices.get(llm.model)
    one = estimate_call(
        prompt_chars,
        llm.max_output_tokens,
        price.input_per_mtok if price else None,
        price.output_per_mtok if price else None,
    )
    attempts = 1 + llm.max_reasks
    return Spend(tokens=one.tokens * attempts, cost_usd=one.cost_usd * attempts)


def spent(record: LlmCallRecord, reservation: Reservation) -> Spend:
    """What a finished call used, from its record. When the usage is unknown (the deadline cut
    the call), the whole reservation is charged: it is the bound the call could not pass."""
    if not record.usage_known or record.input_tokens is None or record.output_tokens is None:
        return reservation.spend
    cost = Decimal(str(record.cost_usd)) if record.cost_usd is not None else Decimal(0)
    return Spend(tokens=record.input_tokens + record.output_tokens, cost_usd=cost)


def reserve_call(state: AppState, lifter_id: str, estimate: Spend) -> Reservation | None:
    """Reserve `estimate` on today's lifter and global budgets (one write unit), or None when
    either would pass a limit (nothing is held then)."""
    day = utc_day(state.clock())
    limits = daily_limits(state.settings.budgets)
    with state.db.write() as unit:
        granted = repo.reserve(unit, lifter_id, estimate, limits, day)
    return Reservation(lifter_id, day, estimate) if granted else None


def settle_call(state: AppState, reservation: Reservation, actual: Spend) -> None:
    """Replace the reservation by what the call used (overruns are charged in full)."""
    with state.db.write() as unit:
        repo.settle(unit, reservation.lifter_id, reservation.day, reservation.spend, actual)


def release_call(state: AppState, reservation: Reservation) -> None:
    """Give the reservation back: no model call was made."""
    with state.db.write() as unit:
        repo.release(unit, reservation.lifter_id, reservation.day, reservation.spend)


def budget_view(state: AppState, lifter_id: str | None, day: date | None) -> BudgetsOut:
    """The admin's view of a day's budgets (today, UTC, by default); 404 for an unknown lifter."""
    day = day or utc_day(state.clock())
    limits = daily_limits(state.settings.budgets)
    with state.db.read() as unit:
        if lifter_id is not None:
            lifters.lifter(unit, lifter_id)
        rows = repo.day_rows(unit, day, lifter_id)
    lifter_budget = None
    if lifter_id is not None:
        subject = repo.lifter_subject(lifter_id)
        lifter_budget = _budget_out(subject, rows.get(subject), limits.lifter)
    return BudgetsOut(
        day=day,
        global_budget=_budget_out(repo.GLOBAL, rows.get(repo.GLOBAL), limits.everyone),
        lifter_budget=lifter_budget,
    )


def _budget_out(subject: str, row: BudgetDayRow | None, limit: repo.Limit) -> BudgetOut:
    """A row as the view; no row means nothing was reserved that day."""
    return BudgetOut(
        subject=subject,
        limit_tokens=limit.tokens,
        limit_cost_usd=limit.cost_usd,
        used_tokens=row.used_tokens if row else 0,
        used_cost_usd=row.used_cost if row else Decimal(0),
        reserved_tokens=row.reserved_tokens if row else 0,
        reserved_cost_usd=row.reserved_cost if row else Decimal(0),
    )
