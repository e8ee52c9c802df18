"""Estimated cost of a call from the price table in settings (`JIT_LLM__PRICES`)."""

from __future__ import annotations

from collections.abc import Mapping

from api.settings import ModelPrice

__all__ = ["estimate_cost_usd"]

_PER = 1_000_000


def estimate_cost_usd(
    prices: Mapping[str, ModelPrice],
    model: str,
    input_tokens: int | None,
    output_tokens: int | None,
) -> float | None:
    """USD for the tokens counted; None when the model is not priced or nothing was counted."""
    price = prices.get(model)
    if price is None or (input_tokens is None and output_tokens is None):
        return None
    return (
        (input_tokens or 0) * price.input_per_mtok + (output_tokens or 0) * price.output_per_mtok
    ) / _PER
