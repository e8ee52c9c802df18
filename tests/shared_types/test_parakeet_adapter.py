"""The parakeet adapter reads and writes parakeet's JSON shape exactly."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from shared_types.inputs import JITInput
from shared_types.outputs import AuxAnchor
from shared_types.parakeet import (
    adjustment_from_parakeet,
    adjustment_to_parakeet,
    input_from_parakeet,
    input_to_parakeet,
    output_from_parakeet,
    output_to_parakeet,
    parakeet_key,
    parakeet_path,
)
from tests.conftest import load_parakeet
from tests.factories import make_input
from training_engine.session import formula_session


@pytest.mark.parametrize("raw", load_parakeet("inputs.json"), ids=lambda r: r["sessionId"])
def test_inputs_round_trip_to_identical_json(raw: dict[str, Any]) -> None:
    assert input_to_parakeet(input_from_parakeet(raw)) == raw


@pytest.mark.parametrize("name", ["formula-outputs.json", "llm-outputs.json"])
def test_outputs_round_trip_to_identical_json(name: str) -> None:
    for raw in load_parakeet(name):
        assert output_to_parakeet(output_from_parakeet(raw)) == raw


def test_adjustments_round_trip_and_the_out_of_bounds_one_is_rejected() -> None:
    rejected = 0
    for raw in load_parakeet("adjustments.json"):
        try:
            adjustment = adjustment_from_parakeet(raw)
        except ValidationError:
            rejected += 1
            continue
        assert adjustment_to_parakeet(adjustment) == raw
    assert rejected == 3  # one template in eight violates the bounds, cycled over 37 inputs


def test_keys_follow_parakeets_mixed_casing() -> None:
    assert parakeet_key(JITInput, "one_rm_kg") == "oneRmKg"
    assert parakeet_key(JITInput, "now") == "nowIso"
    assert parakeet_key(AuxAnchor, "from_llm_override") == "fromLLMOverride"
    written = output_to_parakeet(formula_session(make_input()))
    assert set(written["mainLiftSets"][0]) == {"set_number", "weight_kg", "reps", "rpe_target"}
    assert set(written["warmupSets"][0]) == {
        "setNumber",
        "weightKg",
        "displayWeight",
        "reps",
        "isWarmup",
    }
    assert "mainLift" in written["restRecommendations"]


def test_optional_keys_are_absent_not_null_but_generated_at_is_written() -> None:
    written = output_to_parakeet(formula_session(make_input()))
    assert "volumeReductions" not in written
    assert "cappedByRehab" not in written
    assert "trace" not in written
    assert written["generatedAt"] is None
    assert "reps_range" not in written["mainLiftSets"][0]


def test_times_are_written_as_javascript_iso_strings() -> None:
    moment = datetime(2026, 3, 2, 9, 0, 5, 123456, tzinfo=UTC)
    written = output_to_parakeet(formula_session(make_input(now=moment)))
    assert written["generatedAt"] == "2026-03-02T09:00:05.123Z"


def test_integral_floats_are_written_as_integers() -> None:
    written = output_to_parakeet(formula_session(make_input()))
    assert written["mainLiftSets"][0]["weight_kg"] == 112.5
    assert isinstance(written["volumeModifier"], int)


def test_error_paths_are_translated_to_parakeet_keys() -> None:
    raw = dict(load_parakeet("inputs.json")[0])
    raw["sorenessRatings"] = {"quads": 11}
    raw["formulaConfig"] = {**raw["formulaConfig"], "rounding_increment_kg": -1}
    with pytest.raises(ValidationError) as caught:
        input_from_parakeet(raw)
    paths = {parakeet_path(JITInput, e["loc"]) for e in caught.value.errors()}
    assert ("sorenessRatings", "quads") in paths
    assert ("formulaConfig", "rounding_increment_kg") in paths


def test_unknown_parakeet_keys_are_rejected_under_their_own_name() -> None:
    raw = {**load_parakeet("inputs.json")[0], "mysteryField": 1}
    with pytest.raises(ValidationError) as caught:
        input_from_parakeet(raw)
    assert [e["loc"] for e in caught.value.errors()] == [("mysteryField",)]


def test_unknown_keys_inside_nested_objects_are_rejected_under_their_own_name() -> None:
    raw = dict(load_parakeet("inputs.json")[0])
    raw["formulaConfig"] = {**raw["formulaConfig"], "mystery_field": 1}
    raw["recentLogs"] = [{"mysteryKey": 2}]
    with pytest.raises(ValidationError) as caught:
        input_from_parakeet(raw)
    paths = {parakeet_path(JITInput, e["loc"]) for e in caught.value.errors()}
    assert ("formulaConfig", "mystery_field") in paths
    assert ("recentLogs", 0, "mysteryKey") in paths
