"""The one rounding module: every weight the engine prescribes is rounded here.

Rounding is half-up (toward +infinity on a tie), as the reference does it with JavaScript's
`Math.round`; Python's `round()` rounds half to even and would change prescriptions (a 112.5 kg
working weight's 90% warm-up step is 102.5 kg half-up but 100 kg half-even).

Plate awareness: the smallest loadable step is twice the smallest plate a lifter has (a plate goes
on each side). The default plate set makes that 2.5 kg.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

__all__ = [
    "DEFAULT_INCREMENT_KG",
    "PLATES_KG",
    "effective_increment_kg",
    "floor_to_increment",
    "format_kg",
    "plate_increment_kg",
    "plate_step_kg",
    "round_half_up",
    "round_to_increment",
    "round_up_to_increment",
]

DEFAULT_INCREMENT_KG = 2.5
PLATES_KG: tuple[float, ...] = (25.0, 20.0, 15.0, 10.0, 5.0, 2.5, 1.25)


def round_half_up(value: float) -> int:
    """Nearest integer; an exact half goes up (JavaScript `Math.round`)."""
    whole = math.floor(value)
    return whole + 1 if value - whole >= 0.5 else whole


def round_to_increment(weight_kg: float, increment_kg: float = DEFAULT_INCREMENT_KG) -> float:
    """Nearest multiple of the increment, half-up."""
    steps = weight_kg / increment_kg  # `round_half_up`, inlined (called several times a session)
    whole = math.floor(steps)
    return float((whole + 1 if steps - whole >= 0.5 else whole) * increment_kg)


def round_up_to_increment(weight_kg: float, increment_kg: float) -> float:
    """Smallest multiple of the increment at or above the weight (rehab ceilings round up)."""
    return float(math.ceil(weight_kg / increment_kg) * increment_kg)


def floor_to_increment(weight_kg: float, increment_kg: float) -> float:
    """Largest multiple of the increment at or below the weight (upper bounds round down)."""
    return float(math.floor(weight_kg / increment_kg) * increment_kg)


def plate_step_kg(plates_kg: Iterable[float]) -> float:
    """Twice the smallest of the plates (one goes on each side); at least one plate is needed."""
    return 2 * min(plates_kg)


def plate_increment_kg(disabled_plates_kg: Iterable[float] = ()) -> float:
    """Twice the smallest plate still enabled; with every plate disabled, the default step."""
    disabled = set(disabled_plates_kg)
    enabled = [plate for plate in PLATES_KG if plate not in disabled]
    return plate_step_kg(enabled) if enabled else DEFAULT_INCREMENT_KG


def effective_increment_kg(config_increment_kg: float | None, plate_step_kg: float | None) -> float:
    """The step for main-lift weights: the coarser of the config's rounding and the plates'."""
    configured = config_increment_kg if config_increment_kg is not None else DEFAULT_INCREMENT_KG
    plates = plate_step_kg if plate_step_kg is not None else configured
    return max(configured, plates)


def format_kg(weight_kg: float) -> str:
    """A weight as a person writes it: 45, 67.5, 26.25 (no trailing .0)."""
    if float(weight_kg).is_integer():
        return str(int(weight_kg))
    return repr(float(weight_kg))
