"""Budget arithmetic: reserve before a model call, settle after it (issue 11, "Budgets").

A `BudgetState` is one budget (a lifter's day or the global day) in tokens and estimated USD.
A call reserves its estimate first; the reservation is granted only if what settled calls used,
plus what calls in flight hold, plus this estimate stays within both limits. After the call the
reservation is settled (replaced by what the call actually used) or released (the call was not
made). The shell stores the state in the database and applies these functions in a transaction,
so several workers share one budget.

While every call uses at most what it reserved, used + reserved never passes a limit. The
reservation is made an upper bound on purpose: the output estimate is the call's
`max_output_tokens` (the provider cannot return more) and the input estimate counts
`CHARS_PER_TOKEN` characters per token, fewer than tokenisers take for compact JSON. If a call
still uses more, the overrun is charged in full (spend is a fact), and no reservation is
granted until the budget resets.
"""

from __future__ import annotations

import math
from decimal import Decimal

from shared_types.routing import BudgetState, Spend

__all__ = ["CHARS_PER_TOKEN", "estimate_call", "release", "reserve", "settle"]

CHARS_PER_TOKEN = 3
_PER_MTOK = Decimal(1_000_000)


def estimate_call(
    prompt_chars: int,
    max_output_tokens: int,
    input_per_mtok: float | None,
    output_per_mtok: float | None,
) -> Spend:
    """The most a call may use: its prompt's tokens (rounded up) plus every output token it may
    produce, priced from the price table (`api/llm/usage.py`, USD per million tokens, passed
    in). A model without a price costs 0 here: only the token limit guards it."""
    input_tokens = math.ceil(prompt_chars / CHARS_PER_TOKEN)
    cost = (
        input_tokens * _usd(input_per_mtok) + max_output_tokens * _usd(output_per_mtok)
    ) / _PER_MTOK
    return Spend(tokens=input_tokens + max_output_tokens, cost_usd=cost)


def _usd(price: float | None) -> Decimal:
    """A price as the Decimal it was written as (0.15, not the float's binary expansion)."""
    return Decimal(str(price)) if price is not None else Decimal(0)


def reserve(state: BudgetState, estimate: Spend) -> tuple[bool, BudgetState]:
    """Hold `estimate` if it fits under both limits; otherwise refuse and change nothing."""
    fits = (
        state.used_tokens + state.reserved_tokens + estimate.tokens <= state.limit_tokens
        and state.used_cost + state.reserved_cost + estimate.cost_usd <= state.limit_cost
    )
    if not fits:
        return False, state
    return True, _with(
        state,
        reserved_tokens=state.reserved_tokens + estimate.tokens,
        reserved_cost=state.reserved_cost + estimate.cost_usd,
    )


def release(state: BudgetState, reserved: Spend) -> BudgetState:
    """Give a reservation back: the call was not made."""
    return _with(
        state,
        reserved_tokens=max(state.reserved_tokens - reserved.tokens, 0),
        reserved_cost=max(state.reserved_cost - reserved.cost_usd, Decimal(0)),
    )


def settle(state: BudgetState, reserved: Spend, actual: Spend) -> BudgetState:
    """Replace a reservation by what the call used."""
    released = release(state, reserved)
    return _with(
        released,
        used_tokens=released.used_tokens + actual.tokens,
        used_cost=released.used_cost + actual.cost_usd,
    )


def _with(state: BudgetState, **changes: int | Decimal) -> BudgetState:
    """A copy with `changes` (computed here from validated values, so still non-negative)."""
    return state.model_copy(update=changes)
