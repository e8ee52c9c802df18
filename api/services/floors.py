"""The weight floor of the lifter's inputs: a max or a rehab cap is at least the bar.

A bar cannot be loaded lighter than itself, and a weight that rounds to 0 g would be stored as
0 kg, which the engine refuses. The bar is the lifter's (`PUT /v1/me/config/plates`), else the
default for their sex (20 kg; 15 kg female). docs/domain/input-validation.md.
"""

from __future__ import annotations

from api.errors import ErrorDetail, InvalidRequest
from api.persistence.db import Unit
from api.persistence.mappers import plates_out
from api.persistence.repositories import lifters

__all__ = ["at_least_the_bar"]


def at_least_the_bar(unit: Unit, lifter_id: str, kg: float, path: str, what: str) -> None:
    """`what` (e.g. "a 1RM of 15 kg") at `path` is a 422 when lighter than the lifter's bar."""
    bar_kg = plates_out(lifters.lifter(unit, lifter_id)).bar_weight_kg
    if kg < bar_kg:
        raise InvalidRequest(
            f"{what} is below the bar weight ({bar_kg:g} kg)",
            [ErrorDetail(path=path, message=f"must be at least the bar weight, {bar_kg:g} kg")],
        )
