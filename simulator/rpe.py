"""How hard a set feels and whether it is finished: the RTS RPE chart (Tuchscherer).

The chart gives the share of the day's 1RM a lifter can lift for `n` reps to failure (RPE 10):
1 rep 100 %, 2 reps 95.5 %, ... 12 reps 68.0 %. Every half RPE below 10 is half a rep in reserve
(RIR), so a set's RPE is `10 - RIR` where `RIR = reps_to_failure(load / capacity) - reps`,
clamped to 5..10. Beyond 12 reps the chart is extended at its last slope (2.7 points a rep);
above 100 % a lifter gets no rep at 104.5 % (the slope of the first step, 4.5 points a rep).

`capacity` is the day's true 1RM (the hidden true 1RM times the day's true multipliers).
An `offset` shifts the lifter's whole chart by that many RPE points (the simulator's
`anchored` table: a chart that agrees with the formula's own targets on a neutral day).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

__all__ = [
    "RPE_MAX",
    "RPE_MIN",
    "RTS_PCT_AT_FAILURE",
    "SetResult",
    "noiseless_rpe",
    "perform_set",
    "raw_rpe",
    "reps_to_failure",
    "to_half",
]

# Share of the 1RM lifted for n reps to failure, n = 1..12 (the chart's RPE 10 column).
RTS_PCT_AT_FAILURE: tuple[float, ...] = (
    1.000,
    0.955,
    0.922,
    0.892,
    0.863,
    0.837,
    0.811,
    0.786,
    0.762,
    0.739,
    0.707,
    0.680,
)
_TAIL_SLOPE = 0.027  # per rep beyond 12
_OVER_SLOPE = 0.045  # per rep above 100 %
RPE_MIN = 5.0
RPE_MAX = 10.0


def reps_to_failure(load_fraction: float) -> float:
    """Reps the lifter could do at `load_fraction` of the day's 1RM (continuous, >= 0)."""
    table = RTS_PCT_AT_FAILURE
    if load_fraction >= table[0]:
        return max(0.0, 1.0 - (load_fraction - table[0]) / _OVER_SLOPE)
    if load_fraction <= table[-1]:
        return len(table) + (table[-1] - load_fraction) / _TAIL_SLOPE
    for n in range(1, len(table)):
        high, low = table[n - 1], table[n]
        if load_fraction >= low:
            return n + (high - load_fraction) / (high - low)
    raise AssertionError("unreachable: the table covers every fraction")  # pragma: no cover


def raw_rpe(weight_kg: float, reps: int, capacity_kg: float) -> float:
    """10 - reps in reserve, unclamped (below 5 for light sets, above 10 for failed ones)."""
    return RPE_MAX - (reps_to_failure(weight_kg / capacity_kg) - reps)


def noiseless_rpe(weight_kg: float, reps: int, capacity_kg: float, offset: float = 0.0) -> float:
    """RPE = 10 - reps in reserve (+ the chart's offset), clamped to 5..10."""
    return min(RPE_MAX, max(RPE_MIN, raw_rpe(weight_kg, reps, capacity_kg) + offset))


def to_half(value: float) -> float:
    """Rounded half up to the nearest 0.5 (how lifters report RPE)."""
    return math.floor(value * 2 + 0.5) / 2


@dataclass(frozen=True)
class SetResult:
    reps_done: int
    rpe: float  # as reported: noisy, 0.5 steps, 5..10
    failed: bool
    true_rpe: float  # noiseless, unrounded


def perform_set(
    weight_kg: float,
    reps: int,
    capacity_kg: float,
    rng: random.Random,
    noise_sd: float,
    *,
    offset: float = 0.0,
) -> SetResult:
    """The lifter attempts `reps` at `weight_kg`: a set beyond the reps to failure is failed
    with the whole reps they got (RPE 10); otherwise the RPE is reported with Gaussian noise."""
    possible = reps_to_failure(weight_kg / capacity_kg)
    if reps > possible + 1e-9:
        return SetResult(math.floor(possible), RPE_MAX, True, RPE_MAX)
    true_rpe = noiseless_rpe(weight_kg, reps, capacity_kg, offset)
    noisy = min(RPE_MAX, max(RPE_MIN, true_rpe + rng.gauss(0.0, noise_sd)))
    return SetResult(reps, to_half(noisy), False, true_rpe)
