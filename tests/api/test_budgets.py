"""Daily model budgets (issue 11): reserve, settle and release on the lifter's and the global day,
both or neither; never overspent by concurrent workers; the admin view. Every database kind.

The database is shared by the run, so each test budgets a day of its own (the global row of a
day is shared by every lifter)."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.clock import FixedClock
from api.persistence.repositories import budgets as repo
from api.persistence.tables import BudgetDayRow
from api.services import budgets
from api.services.budgets import Reservation
from api.settings import BudgetSettings, LlmSettings, ModelPrice
from shared_types.llm import LlmCallRecord
from shared_types.routing import Spend
from tests.api.client import ADMIN, Api

CALL = Spend(tokens=1_000, cost_usd=Decimal("0.0003"))


def _unused_day() -> date:
    """A day no other test budgets on (one of two million, at random)."""
    return date(2100, 1, 1) + timedelta(days=uuid.uuid4().int % 2_000_000)


def _fresh_day(clock: FixedClock) -> date:
    """Moves the clock to an unused day, a minute before its midnight (and returns the day)."""
    day = _unused_day()
    clock.set(datetime(day.year, day.month, day.day, 23, 59, tzinfo=UTC))
    return day


def _api(make_api: Any, **limits: Any) -> Api:
    api: Api = make_api(budgets=BudgetSettings(**limits))
    return api


def _row(api: Api, subject: str, day: date) -> BudgetDayRow | None:
    with api.state.db.read() as unit:
        return repo.day_rows(unit, day, None if subject == repo.GLOBAL else subject[7:]).get(
            subject
        )


def _amounts(row: BudgetDayRow | None) -> tuple[int, Decimal, int, Decimal]:
    assert row is not None
    return (row.used_tokens, row.used_cost, row.reserved_tokens, row.reserved_cost)


def test_a_reservation_holds_on_both_budgets_and_settles_to_what_was_used(
    make_api: Any, clock: FixedClock
) -> None:
    api = _api(make_api, lifter_daily_tokens=10_000)
    day, who = _fresh_day(clock), api.lifter()
    reservation = budgets.reserve_call(api.state, who.id, CALL)
    assert reservation == Reservation(who.id, day, CALL)
    held = (0, Decimal(0), 1_000, Decimal("0.0003"))
    assert _amounts(_row(api, repo.lifter_subject(who.id), day)) == held
    assert _amounts(_row(api, repo.GLOBAL, day)) == held
    clock.set(clock() + timedelta(minutes=5))  # past midnight: still charged to `day`
    budgets.settle_call(api.state, reservation, Spend(tokens=620, cost_usd=Decimal("0.00011")))
    used = (620, Decimal("0.00011"), 0, Decimal(0))
    assert _amounts(_row(api, repo.lifter_subject(who.id), day)) == used
    assert _amounts(_row(api, repo.GLOBAL, day)) == used


def test_a_released_reservation_gives_everything_back(make_api: Any, clock: FixedClock) -> None:
    api = _api(make_api)
    day, who = _fresh_day(clock), api.lifter()
    reservation = budgets.reserve_call(api.state, who.id, CALL)
    assert reservation is not None
    budgets.release_call(api.state, reservation)
    nothing = (0, Decimal(0), 0, Decimal(0))
    assert _amounts(_row(api, repo.lifter_subject(who.id), day)) == nothing
    assert _amounts(_row(api, repo.GLOBAL, day)) == nothing


def test_the_lifter_limit_refuses_and_holds_nothing_anywhere(
    make_api: Any, clock: FixedClock
) -> None:
    api = _api(make_api, lifter_daily_cost_usd=Decimal("0.0009"))
    day, who, other = _fresh_day(clock), api.lifter(), api.lifter()
    granted = [budgets.reserve_call(api.state, who.id, CALL) for _ in range(4)]
    assert [r is not None for r in granted] == [True, True, True, False]
    assert _amounts(_row(api, repo.GLOBAL, day))[2] == 3_000, "the refusal held global headroom"
    assert budgets.reserve_call(api.state, other.id, CALL) is not None  # its own day budget


def test_the_global_limit_refuses_every_lifter_and_holds_nothing_on_theirs(
    make_api: Any, clock: FixedClock
) -> None:
    api = _api(make_api, global_daily_tokens=2_500)
    day = _fresh_day(clock)
    lifters = [api.lifter() for _ in range(3)]
    granted = [budgets.reserve_call(api.state, who.id, CALL) for who in lifters]
    assert [r is not None for r in granted] == [True, True, False]
    assert _row(api, repo.lifter_subject(lifters[2].id), day) is not None
    assert _amounts(_row(api, repo.lifter_subject(lifters[2].id), day))[2] == 0
    budgets.release_call(api.state, granted[0] or pytest.fail("granted"))
    assert budgets.reserve_call(api.state, lifters[2].id, CALL) is not None


def test_concurrent_workers_never_overspend(make_api: Any, clock: FixedClock) -> None:
    """20 threads with their own connections race for 7 reservations' worth of tokens."""
    limit = 7_500
    api = _api(make_api, global_daily_tokens=limit)
    day = _fresh_day(clock)
    lifters = [api.lifter() for _ in range(4)]
    start = threading.Barrier(20)

    def one(i: int) -> bool:
        start.wait()
        return budgets.reserve_call(api.state, lifters[i % 4].id, CALL) is not None

    with ThreadPoolExecutor(20) as pool:
        granted = sum(pool.map(one, range(20)))
    assert granted == limit // CALL.tokens
    used, _, reserved, _ = _amounts(_row(api, repo.GLOBAL, day))
    assert used + reserved == granted * CALL.tokens <= limit
    per_lifter = [_row(api, repo.lifter_subject(w.id), day) for w in lifters]
    assert sum(_amounts(r)[2] for r in per_lifter) == reserved


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=st.lists(
        st.tuples(
            st.integers(min_value=1, max_value=900),
            st.integers(min_value=0, max_value=900),
            st.booleans(),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_used_and_reserved_never_pass_the_limit(
    api: Api, steps: list[tuple[int, int, bool]]
) -> None:
    """Any sequence of reservations, each settled (with at most what it reserved), released or
    left in flight, keeps used + reserved within both limits, the two budgets equal."""
    db, lifter_id = api.state.db, api.lifter().id
    limits = repo.DailyLimits(lifter=repo.Limit(tokens=2_000, cost_usd=Decimal("0.002")))
    day = _unused_day()
    for tokens, used, settle in steps:
        estimate = Spend(tokens=tokens, cost_usd=Decimal(tokens) / 1_000_000)
        actual = Spend(tokens=min(used, tokens), cost_usd=Decimal(min(used, tokens)) / 10**6)
        with db.write() as unit:
            granted = repo.reserve(unit, lifter_id, estimate, limits, day)
        with db.write() as unit:
            if granted and settle:
                repo.settle(unit, lifter_id, day, estimate, actual)
            elif granted and used % 3 == 0:
                repo.release(unit, lifter_id, day, estimate)
        with db.read() as unit:
            rows = repo.day_rows(unit, day, lifter_id)
        mine = _amounts(rows[repo.lifter_subject(lifter_id)])
        assert mine == _amounts(rows[repo.GLOBAL])
        assert mine[0] + mine[2] <= 2_000
        assert mine[1] + mine[3] <= Decimal("0.002")


def test_the_admin_sees_a_days_budgets(make_api: Any, clock: FixedClock) -> None:
    api = _api(make_api, lifter_daily_tokens=5_000, global_daily_cost_usd=Decimal("2.5"))
    day, who = _fresh_day(clock), api.lifter()
    assert budgets.reserve_call(api.state, who.id, CALL) is not None
    body = api.client.get("/v1/admin/budgets", params={"lifter_id": who.id}, headers=ADMIN).json()
    assert body["day"] == day.isoformat()
    assert body["global_budget"] == {
        "subject": "global",
        "limit_tokens": None,
        "limit_cost_usd": "2.5",
        "used_tokens": 0,
        "used_cost_usd": "0",
        "reserved_tokens": 1000,
        "reserved_cost_usd": "0.0003",
    }
    lifter = body["lifter_budget"]
    assert (lifter["subject"], lifter["limit_tokens"], lifter["reserved_tokens"]) == (
        f"lifter:{who.id}",
        5000,
        1000,
    )
    earlier = (day - timedelta(days=1)).isoformat()
    other = api.client.get("/v1/admin/budgets", params={"day": earlier}, headers=ADMIN).json()
    assert (other["global_budget"]["reserved_tokens"], other["lifter_budget"]) == (0, None)


def test_the_admin_view_of_an_unknown_lifter_is_404(api: Api) -> None:
    response = api.client.get("/v1/admin/budgets?lifter_id=no-such", headers=ADMIN)
    assert response.status_code == 404
    assert api.client.get("/v1/admin/budgets?day=not-a-day", headers=ADMIN).status_code == 422


def test_a_lifters_budget_rows_go_with_the_lifter(make_api: Any, clock: FixedClock) -> None:
    api = _api(make_api)
    day, who = _fresh_day(clock), api.lifter()
    assert budgets.reserve_call(api.state, who.id, CALL) is not None
    assert api.client.delete(f"/v1/lifters/{who.id}", headers=ADMIN).status_code == 204
    assert _row(api, repo.lifter_subject(who.id), day) is None
    assert _row(api, repo.GLOBAL, day) is not None


def test_the_estimate_covers_every_attempt_at_the_price_table() -> None:
    llm = LlmSettings(
        model="m",
        max_output_tokens=500,
        max_reasks=1,
        prices={"m": ModelPrice(input_per_mtok=0.15, output_per_mtok=0.6)},
    )
    estimate = budgets.call_estimate(llm, prompt_chars=3_000)
    assert estimate == Spend(
        tokens=2 * (1_000 + 500), cost_usd=2 * (Decimal("0.00015") + Decimal("0.0003"))
    )
    assert budgets.call_estimate(llm.model_copy(update={"model": "x"}), 3).cost_usd == 0


def _record(**fields: Any) -> LlmCallRecord:
    base: dict[str, Any] = {
        "provider": "openai",
        "model": "m",
        "prompt_version": "v",
        "prompt_chars": 10,
        "attempts": 1,
        "latency_ms": 1.0,
        "deadline_s": 5.0,
        "input_tokens": 100,
        "output_tokens": 20,
        "usage_known": True,
        "cost_usd": 0.000027,
        "cache_hit": False,
        "breaker_state": "closed",
        "cache_key": None,
        "fallback_reason": None,
        "adjustment": None,
    }
    return LlmCallRecord.model_validate({**base, **fields})


def test_what_a_call_spent_comes_from_its_record_or_is_the_whole_reservation() -> None:
    reservation = Reservation("l", date(2026, 1, 1), CALL)
    assert budgets.spent(_record(), reservation) == Spend(tokens=120, cost_usd=Decimal("0.000027"))
    cut = _record(usage_known=False, input_tokens=None, output_tokens=None, cost_usd=None)
    assert budgets.spent(cut, reservation) == CALL


def test_the_budget_day_is_the_utc_date() -> None:
    plus_two = datetime.fromisoformat("2026-03-02T01:30:00+02:00")
    assert budgets.utc_day(plus_two) == date(2026, 3, 1)
