"""Invariants every served main lift satisfies, shared by the property tests.

The bounds are computed here from the domain facts in docs/domain/, never by the engine's own
helpers, so a wrong helper cannot hide behind itself. Weights are compared with a small tolerance
(float order differs from the engine's).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from shared_types.config import RepSessionConfig
from shared_types.enums import IntensityType, Lift, MuscleGroup
from shared_types.inputs import JITInput
from shared_types.outputs import JITOutput

M = MuscleGroup
TOLERANCE_KG = 1e-6

# docs/domain/main-lift-pipeline.md ("Bar"): the bar when the input names none
DEFAULT_BAR_KG = 20.0
# docs/domain/volume-landmarks.md: each primary muscle's contribution per working set (DR §3.9)
PRIMARY_CONTRIBUTIONS: dict[Lift, dict[MuscleGroup, float]] = {
    Lift.SQUAT: {M.QUADS: 1.0, M.GLUTES: 0.55, M.LOWER_BACK: 0.5},
    Lift.BENCH: {M.CHEST: 1.0, M.TRICEPS: 0.4, M.SHOULDERS: 0.4},
    Lift.DEADLIFT: {M.HAMSTRINGS: 1.0, M.GLUTES: 0.75, M.LOWER_BACK: 1.0, M.UPPER_BACK: 0.7},
}
# docs/domain/llm-adjustment-and-constraints.md: recovery session 3 x 5 @ RPE 5 from soreness 9;
# the weight floor is 40 % of the base
SEVERE_SORENESS = 9
RECOVERY_SETS = 3
RECOVERY_RPE = 5.0
FLOOR_PCT_OF_BASE = 0.4


def is_multiple(value: float, step: float) -> bool:
    ratio = value / step
    return math.isclose(ratio, round(ratio), abs_tol=1e-9)


def increment_kg(inp: JITInput) -> float:
    """The coarser of the program's rounding and the lifter's plate step."""
    configured = inp.formula_config.rounding_increment_kg
    plates = inp.weight_increment_kg
    return max(configured, plates if plates is not None else configured)


def bar_kg(inp: JITInput) -> float:
    return inp.bar_weight_kg if inp.bar_weight_kg is not None else DEFAULT_BAR_KG


def nearest_multiple(weight_kg: float, step: float) -> float:
    """Nearest multiple of `step`, an exact half going up."""
    return math.floor(weight_kg / step + 0.5) * step


@dataclass(frozen=True)
class Base:
    """The table prescription (docs/domain/formula-tables.md)."""

    weight_kg: float
    count: int


def table_base(inp: JITInput) -> Base:
    config = inp.formula_config
    if inp.intensity_type is IntensityType.DELOAD:
        day_pct, count = config.deload.pct, config.deload.sets
    else:
        block = config.block((inp.block_number - 1) % 3 + 1)
        day = getattr(block, inp.intensity_type.value)
        day_pct = day.pct
        if isinstance(day, RepSessionConfig):
            count = math.floor((day.sets_min + day.sets_max) / 2 + 0.5)
        else:
            count = day.sets
    return Base(nearest_multiple(day_pct * inp.one_rm_kg, increment_kg(inp)), count)


def one_rm_ceiling_kg(inp: JITInput, base: Base) -> float:
    """ADR 0006: never above the 1RM rounded down, unless the configured base already is."""
    step = increment_kg(inp)
    return max(base.weight_kg, math.floor(inp.one_rm_kg / step + 1e-9) * step)


def rehab_ceiling(inp: JITInput) -> float | None:
    """A rehab cap on today's lift, rounded up to a loadable weight."""
    cap = inp.active_rehab_cap
    if cap is None or cap.lift is not inp.primary_lift:
        return None
    step = increment_kg(inp)
    return math.ceil(cap.cap_kg / step - 1e-9) * step


def mrv_set_room(inp: JITInput) -> int:
    """Main sets the weekly MRV still allows: floor(remaining / contribution), tightest muscle."""
    rooms = []
    for muscle, contribution in PRIMARY_CONTRIBUTIONS[inp.primary_lift].items():
        remaining = inp.mrv_mev_config[muscle].mrv - inp.weekly_sets(muscle)
        rooms.append(math.floor(remaining / contribution) if remaining > 0 else 0)
    return min(rooms)


def assert_main_lift_invariants(inp: JITInput, out: JITOutput) -> None:
    sets = out.main_lift_sets
    increment = increment_kg(inp)
    bar = bar_kg(inp)
    base = table_base(inp)
    ceiling = one_rm_ceiling_kg(inp, base)
    rehab = rehab_ceiling(inp)

    if out.skipped_main_lift:
        assert sets == ()
        assert out.warmup_sets == ()
    else:
        assert len(sets) >= 1
    assert [s.set_number for s in sets] == list(range(1, len(sets) + 1))
    assert len(out.rest_recommendations.main_lift) == len(sets)
    assert len({s.weight_kg for s in sets}) <= 1, "straight sets share one weight"
    for s in sets:
        assert s.weight_kg >= 0
        assert math.isfinite(s.weight_kg)
        assert is_multiple(s.weight_kg, increment) or s.weight_kg == bar
        assert s.weight_kg <= max(ceiling, bar) + TOLERANCE_KG
        if rehab is not None:
            assert s.weight_kg <= max(rehab, bar) + TOLERANCE_KG
        assert s.reps >= 1
        assert s.rpe_target is None or 5.0 <= s.rpe_target <= 10.0
    for w in out.warmup_sets:
        assert w.weight_kg >= bar
        assert not sets or w.weight_kg <= max(sets[0].weight_kg, bar)
    assert len(sets) <= max(base.count + 3, 3)
    if inp.intensity_type is IntensityType.DELOAD and sets:
        assert sets[0].weight_kg <= max(base.weight_kg, bar) + TOLERANCE_KG
