"""Properties of the accessory work over any valid input."""

from __future__ import annotations

from hypothesis import given

from shared_types.enums import ExerciseType, IntensityType, MuscleGroup
from shared_types.inputs import JITInput
from tests.engine.invariants import is_multiple
from tests.strategies import any_input
from training_engine.accessories.build import MAX_ACTIVE_ACCESSORIES
from training_engine.accessories.exercises import ExerciseBook
from training_engine.formulas.rounding import round_to_increment
from training_engine.muscles import PRIMARY_MUSCLES
from training_engine.session import formula_session


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
    book = ExerciseBook.for_input(inp)
    increment = inp.weight_increment_kg or 2.5
    for row in out.auxiliary_work:
        if row.skipped or not row.sets:
            continue
        own_lift = book.lift(row.exercise)
        candidates = [book.formula_weight_kg(row.exercise, inp.one_rm_kg, inp.primary_lift)]
        if row.is_top_up and own_lift is not None:
            one_rm = (inp.all_one_rm_kg or {}).get(own_lift, inp.one_rm_kg)
            candidates.append(book.formula_weight_kg(row.exercise, one_rm, own_lift))
        if row.anchor is not None:
            candidates.append(row.anchor.anchor_base_kg)
        bound = round_to_increment(max(candidates), increment)
        assert row.sets[0].weight_kg <= bound


@given(any_input())
def test_no_top_up_on_a_deload(inp: JITInput) -> None:
    out = formula_session(inp)
    if inp.intensity_type is IntensityType.DELOAD:
        assert not any(row.is_top_up for row in out.auxiliary_work)


@given(any_input())
def test_top_ups_never_push_a_muscle_past_its_mrv(inp: JITInput) -> None:
    out = formula_session(inp)
    book = ExerciseBook.for_input(inp)
    booked: dict[MuscleGroup, int] = {}
    for row in out.auxiliary_work:
        if row.is_top_up:
            for muscle, contribution in book.muscles(row.exercise):
                if contribution >= 1.0:
                    booked[muscle] = booked.get(muscle, 0) + len(row.sets)
    for muscle, sets in booked.items():
        assert inp.weekly_sets(muscle) + sets <= inp.mrv_mev_config[muscle].mrv


@given(any_input())
def test_top_ups_never_train_todays_primary_muscles_as_their_target(inp: JITInput) -> None:
    out = formula_session(inp)
    primary = {m.value.replace("_", " ") for m in PRIMARY_MUSCLES[inp.primary_lift]}
    for row in out.auxiliary_work:
        if row.is_top_up and row.top_up_reason:
            assert row.top_up_reason.removesuffix(" below MEV") not in primary
