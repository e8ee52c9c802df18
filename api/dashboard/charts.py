"""Bar charts as plain values for the templates to draw as HTML bars (no script, no image).

A `Bar` carries its label, the value as text, and its length as a share of the chart's
largest value; a `Band` is a muscle's weekly sets against its MEV and MRV on one scale.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Band", "Bar", "bands", "bars"]


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str
    percent: float  # 0-100: the bar's length against the chart's largest value


@dataclass(frozen=True)
class Band:
    """One muscle's week: sets done, MEV and MRV, each placed on a 0-100 scale."""

    label: str
    sets: float
    mev: float
    mrv: float
    status: str
    sets_percent: float
    mev_percent: float
    mrv_percent: float


def bars(values: Iterable[tuple[str, float]], fmt: str = "{:g}") -> list[Bar]:
    """One bar per (label, value); negative values are drawn by their size."""
    items = list(values)
    top = max((abs(v) for _, v in items), default=0.0)
    return [
        Bar(
            label=label,
            value=value,
            text=fmt.format(value),
            percent=round(100 * abs(value) / top, 1) if top > 0 else 0.0,
        )
        for label, value in items
    ]


def bands(rows: Iterable[tuple[str, float, float, float, str]]) -> list[Band]:
    """(muscle, sets, mev, mrv, status) rows on one scale: the largest of the sets and MRVs,
    with a margin so a bar at MRV is not the edge of the chart."""
    items = list(rows)
    top = max((max(sets, mrv) for _, sets, _, mrv, _ in items), default=0.0) * 1.1
    if top <= 0:
        top = 1.0
    return [
        Band(
            label=label,
            sets=sets,
            mev=mev,
            mrv=mrv,
            status=status,
            sets_percent=round(100 * sets / top, 1),
            mev_percent=round(100 * mev / top, 1),
            mrv_percent=round(100 * mrv / top, 1),
        )
        for label, sets, mev, mrv, status in items
    ]
