"""Properties of the accessory work over any valid input."""

from __future__ import annotations

import math

from hypothesis import given

from shared_types.enums import ExerciseType, IntensityType, Lift, MuscleGroup, Sex
from shared_types.inputs import JITInput
from tests.engine.invariants import is_multiple, nearest_multiple
from tests.strategies import any_input
from training_engine.accessories.top_up import MAX_TOP_UPS
from training_engine.defaults.exercise_catalog import CATALOG
from training_engine.session import formula_session

# docs/domain/accessories.md: at most five active accessories; the formula load is the catalog
# share of a 1RM (0.675 for an exercise the catalog lacks), dumbbells and kettlebells scaled by
# the square root around a reference 1RM (male, female).
MAX_ACTIVE_ACCESSORIES = 5
DEFAULT_WEIGHT_PCT = 0.675
SQRT_REFERENCE_1RM_KG = {
    Lift.SQUAT: (120.0, 70.0),
    Lift.BENCH: (80.0, 50.0),
    Lift.DEADLIFT: (140.0, 80.0),
}
CATALOG_BY_NAME = {entry.name: entry for entry in CATALOG}  # the catalog is data


def catalog_load_kg(inp: JITInput, name: str, one_rm_kg: float, lift: Lift) -> float:
    entry = CATALOG_BY_NAME.get(name)
    pct = entry.weight_pct if entry is not None else None
    if pct is None:
        pct = DEFAULT_WEIGHT_PCT
    if not name.startswith(("Dumbbell", "Kettlebell")):
        return one_rm_kg * pct
    male, female = SQRT_REFERENCE_1RM_KG[lift]
    reference = female if inp.biological_sex is Sex.FEMALE else male
    return pct * math.sqrt(reference * one_rm_kg)


def weekly_credit(inp: JITInput, name: str) -> tuple[tuple[MuscleGroup, float], ...]:
    entry = CATALOG_BY_NAME.get(name)
    if entry is not None:
        return entry.contributions or tuple((m, 1.0) for m in entry.primary_muscles)
    return tuple((m, 1.0) for m in (inp.custom_muscle_map or {}).get(name, ()))


@given(any_input())
def test_at_most_five_active_accessories(inp: JITInput) -> None:
    out = formula_session(inp)
    assert sum(1 for row in out.auxiliary_work if not row.skipped) <= MAX_ACTIVE_ACCESSORIES


@given(any_input())
def test_accessory_rows_are_well_formed(inp: JITInput) -> None:
    out = formula_session(inp)
    rows = out.auxiliary_work
    assert len(out.rest_recommendations.auxiliary) == len(rows)
    assert [row.exercise for row in rows[: len(inp.active_auxiliaries)]] == list(
        inp.active_auxiliaries
    )
    increment = inp.weight_increment_kg or 2.5
    for row in rows:
        if row.skipped:
            assert row.sets == ()
            assert row.skip_reason
            continue
        assert row.sets
        assert [s.set_number for s in row.sets] == list(range(1, len(row.sets) + 1))
        for s in row.sets:
            assert s.weight_kg >= 0
            assert is_multiple(s.weight_kg, increment)
            if row.exercise_type is not ExerciseType.WEIGHTED:
                assert s.weight_kg == 0
        if row.is_top_up:
            assert row.top_up_reason is not None
            assert row.top_up_reason.endswith("below MEV")
            assert 1 <= len(row.sets) <= 3


@given(any_input())
def test_no_accessory_is_heavier_than_its_catalog_load_or_the_lifters_own_history(
    inp: JITInput,
) -> None:
    out = formula_session(inp)
    increment = inp.weight_increment_kg or 2.5
    for row in out.auxiliary_work:
        if row.skipped or not row.sets:
            continue
        entry = CATALOG_BY_NAME.get(row.exercise)
        own_lift = entry.lift if entry is not None else None
        candidates = [catalog_load_kg(inp, row.exercise, inp.one_rm_kg, inp.primary_lift)]
        if row.is_top_up and own_lift is not None:
            one_rm = (inp.all_one_rm_kg or {}).get(own_lift, inp.one_rm_kg)
            candidates.append(catalog_load_kg(inp, row.exercise, one_rm, own_lift))
        if row.anchor is not None:
            candidates.append(row.anchor.anchor_base_kg)
        bound = nearest_multiple(max(candidates), increment)
        assert row.sets[0].weight_kg <= bound + 1e-6


@given(any_input())
def test_no_top_up_on_a_deload(inp: JITInput) -> None:
    out = formula_session(inp)
    if inp.intensity_type is IntensityType.DELOAD:
        assert not any(row.is_top_up for row in out.auxiliary_work)


@given(any_input())
def test_top_ups_never_push_a_muscle_past_its_mrv(inp: JITInput) -> None:
    out = formula_session(inp)
    booked: dict[MuscleGroup, int] = {}
    for row in out.auxiliary_work:
        if row.is_top_up:
            for muscle, contribution in weekly_credit(inp, row.exercise):
                if contribution >= 1.0:
                    booked[muscle] = booked.get(muscle, 0) + len(row.sets)
    for muscle, sets in booked.items():
        assert inp.weekly_sets(muscle) + sets <= inp.mrv_mev_config[muscle].mrv


@given(any_input())
def test_d18_top_ups_target_only_muscles_with_a_weekly_minimum(inp: JITInput) -> None:
    # D18: today's primary muscles may be targets too (parakeet excluded them); never one
    # whose MEV is 0, and never more than `MAX_TOP_UPS` rows.
    out = formula_session(inp)
    rows = [row for row in out.auxiliary_work if row.is_top_up]
    assert len(rows) <= MAX_TOP_UPS
    for row in rows:
        assert row.top_up_reason
        muscle = MuscleGroup(row.top_up_reason.removesuffix(" below MEV").replace(" ", "_"))
        assert inp.mrv_mev_config[muscle].mev > 0
