"""Invariants every served main lift satisfies, shared by the property tests."""

from __future__ import annotations

import math

from shared_types.enums import IntensityType
from shared_types.inputs import JITInput
from shared_types.outputs import JITOutput
from training_engine.formulas.base_sets import formula_base, main_increment_kg
from training_engine.limits import bar_weight_kg, rehab_ceiling_kg, weight_ceiling_kg


def is_multiple(value: float, step: float) -> bool:
    ratio = value / step
    return math.isclose(ratio, round(ratio), abs_tol=1e-9)


def assert_main_lift_invariants(inp: JITInput, out: JITOutput) -> None:
    sets = out.main_lift_sets
    increment = main_increment_kg(inp)
    bar = bar_weight_kg(inp)
    base = formula_base(inp)
    ceiling = weight_ceiling_kg(inp, base.weight_kg, increment)
    rehab = rehab_ceiling_kg(inp, increment)

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
        assert s.weight_kg <= max(ceiling, bar)
        if rehab is not None:
            assert s.weight_kg <= max(rehab, bar)
        assert s.reps >= 1
        assert s.rpe_target is None or 5.0 <= s.rpe_target <= 10.0
    for w in out.warmup_sets:
        assert w.weight_kg >= bar
        assert not sets or w.weight_kg <= max(sets[0].weight_kg, bar)
    assert len(sets) <= max(base.count + 3, 3)
    if inp.intensity_type is IntensityType.DELOAD and sets:
        assert sets[0].weight_kg <= max(base.weight_kg, bar)
