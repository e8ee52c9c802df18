"""Budget reservations (issue 11): a budget is never overspent, whatever the interleaving of
reserves, settles and releases, while each call uses at most what it reserved."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from shared_types.routing import BudgetState, Spend
from training_engine.routing.budget import CHARS_PER_TOKEN, estimate_call, release, reserve, settle

usd = st.decimals(min_value=0, max_value=Decimal("0.05"), places=9)
spends = st.builds(Spend, tokens=st.integers(0, 5000), cost_usd=usd)
# One step: reserve `spend`, or finish the in-flight call at `index` (mod how many there are),
# settling `share` of its reservation, or releasing it.
Op = tuple[str, Spend, int, Fraction]
ops = st.tuples(
    st.sampled_from(["reserve", "settle", "release"]),
    spends,
    st.integers(0, 20),
    st.fractions(0, 1),
)


def within(state: BudgetState) -> bool:
    return (
        state.used_tokens + state.reserved_tokens <= state.limit_tokens
        and state.used_cost + state.reserved_cost <= state.limit_cost
    )


def scaled(spend: Spend, share: Fraction) -> Spend:
    """`share` of each part, rounded down: a call that used at most what it reserved."""
    cost = spend.cost_usd * share.numerator / share.denominator
    return Spend(
        tokens=int(spend.tokens * share),
        cost_usd=cost.quantize(Decimal("1e-12"), rounding=ROUND_DOWN),
    )


def step(state: BudgetState, in_flight: list[Spend], op: Op) -> BudgetState:
    kind, spend, index, share = op
    if kind == "reserve":
        granted, after = reserve(state, spend)
        assert granted or after == state
        if granted:
            in_flight.append(spend)
        return after
    if not in_flight:
        return state
    held = in_flight.pop(index % len(in_flight))
    return settle(state, held, scaled(held, share)) if kind == "settle" else release(state, held)


@given(st.integers(0, 20_000), usd, st.lists(ops, max_size=60))
def test_any_interleaving_never_overspends(
    limit_tokens: int, limit_cost: Decimal, steps: list[Op]
) -> None:
    state = BudgetState(limit_tokens=limit_tokens, limit_cost=limit_cost)
    in_flight: list[Spend] = []
    for op in steps:
        state = step(state, in_flight, op)
        assert within(state)
    assert state.reserved_tokens == sum(s.tokens for s in in_flight)
    assert state.reserved_cost == sum((s.cost_usd for s in in_flight), Decimal(0))


def test_a_reservation_that_does_not_fit_is_refused() -> None:
    state = BudgetState(limit_tokens=1000, limit_cost=Decimal("0.01"), used_tokens=600)
    assert reserve(state, Spend(tokens=400, cost_usd=Decimal("0.01")))[0]
    assert reserve(state, Spend(tokens=401, cost_usd=Decimal(0))) == (False, state)
    assert not reserve(state, Spend(tokens=1, cost_usd=Decimal("0.010000001")))[0]


def test_settling_replaces_the_reservation_by_the_actual_use() -> None:
    state = BudgetState(limit_tokens=1000, limit_cost=Decimal(1))
    held = Spend(tokens=700, cost_usd=Decimal("0.3"))
    _, state = reserve(state, held)
    state = settle(state, held, Spend(tokens=650, cost_usd=Decimal("0.25")))
    assert (state.used_tokens, state.used_cost, state.reserved_tokens) == (650, Decimal("0.25"), 0)
    assert state.reserved_cost == 0


def test_an_overrun_is_charged_in_full_and_blocks_further_calls() -> None:
    state = BudgetState(limit_tokens=1000, limit_cost=Decimal(1))
    held = Spend(tokens=900, cost_usd=Decimal("0.1"))
    _, state = reserve(state, held)
    state = settle(state, held, Spend(tokens=1200, cost_usd=Decimal("0.1")))
    assert state.used_tokens == 1200
    assert reserve(state, Spend(tokens=0, cost_usd=Decimal(0))) == (False, state)


def test_an_estimate_is_the_prompt_plus_every_output_token_priced() -> None:
    estimate = estimate_call(3000, 512, input_per_mtok=0.15, output_per_mtok=0.6)
    assert estimate.tokens == 3000 // CHARS_PER_TOKEN + 512
    assert estimate.cost_usd == (Decimal(1000) * Decimal("0.15") + 512 * Decimal("0.6")) / 10**6
    assert estimate_call(1, 64, None, None) == Spend(tokens=65, cost_usd=Decimal(0))
