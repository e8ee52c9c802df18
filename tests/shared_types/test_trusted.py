"""Trusted construction: what the engine builds without validation is what validation builds.

The suite runs with `check_trusted(True)` (tests/conftest.py); the tests that need the fast path
itself switch the check off for their own duration.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import ValidationError

from shared_types.base import TrustedModelMismatch, check_trusted, trusted
from shared_types.outputs import AuxiliaryWork, JITOutput, PlannedSet
from shared_types.parakeet import input_from_parakeet
from tests.conftest import load_parakeet
from training_engine.session import formula_session


@pytest.fixture
def unchecked() -> Iterator[None]:
    check_trusted(False)
    try:
        yield
    finally:
        check_trusted(True)


def test_a_trusted_model_equals_the_validated_one_with_defaults_filled_in() -> None:
    fields = {"exercise": "Dips", "sets": (), "skipped": True, "exercise_type": "bodyweight"}
    validated = AuxiliaryWork.model_validate(fields)
    built = trusted(
        AuxiliaryWork,
        exercise="Dips",
        sets=(),
        skipped=True,
        exercise_type=validated.exercise_type,
    )
    assert built == validated
    assert repr(built) == repr(validated)
    assert built.model_dump_json() == validated.model_dump_json()
    assert built.model_fields_set == validated.model_fields_set


def test_a_trusted_model_is_frozen_and_copies_like_any_other(unchecked: None) -> None:
    built = trusted(PlannedSet, set_number=1, weight_kg=100.0, reps=5)
    with pytest.raises(ValidationError):
        built.reps = 6  # type: ignore[misc]
    copied = built.model_copy(update={"reps": 6})
    assert (copied.reps, built.reps) == (6, 5)
    assert copied.model_fields_set == {"set_number", "weight_kg", "reps"}


def test_copies_of_a_model_built_with_every_field_keep_the_others_fields_set() -> None:
    first = trusted(
        PlannedSet, set_number=1, weight_kg=100.0, reps=5, rpe_target=8.0, reps_range=None
    )
    second = trusted(
        PlannedSet, set_number=2, weight_kg=100.0, reps=5, rpe_target=8.0, reps_range=None
    )
    every = {"set_number", "weight_kg", "reps", "rpe_target", "reps_range"}
    assert first.model_fields_set == second.model_fields_set == every
    assert first.model_copy(update={"reps": 6}).reps == 6
    assert second.model_fields_set == every
    with pytest.raises(ValidationError):
        first.reps = 6  # type: ignore[misc]
    assert second.model_fields_set == every


def test_the_check_rejects_a_value_validation_would_convert() -> None:
    with pytest.raises(TrustedModelMismatch, match=r"weight_kg=100\.0"):
        trusted(PlannedSet, set_number=1, weight_kg=100, reps=5)


def test_the_check_rejects_every_field_given_out_of_declaration_order() -> None:
    with pytest.raises(TrustedModelMismatch):
        trusted(PlannedSet, weight_kg=1.0, set_number=1, reps=3, rpe_target=None, reps_range=None)


def test_the_check_rejects_what_validation_rejects() -> None:
    with pytest.raises(ValidationError):
        trusted(PlannedSet, set_number=1, weight_kg=1.0, reps=3, tempo="3-1-1")  # type: ignore[call-arg]


def test_without_the_check_nothing_is_validated(unchecked: None) -> None:
    built = trusted(PlannedSet, set_number=1, weight_kg=100, reps=5)
    assert type(built.weight_kg) is int  # the caller's promise, not checked


@pytest.mark.parametrize("raw", load_parakeet("inputs.json"), ids=lambda raw: raw["sessionId"])
def test_formula_output_built_unchecked_survives_validation_byte_for_byte(
    raw: dict[str, object], unchecked: None
) -> None:
    out = formula_session(input_from_parakeet(raw))
    text = out.model_dump_json()
    assert JITOutput.model_validate_json(text).model_dump_json() == text
    assert JITOutput.model_validate(out.model_dump()) == out
