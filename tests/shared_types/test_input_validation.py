"""`JITInput` refuses values the engine cannot trust, and says where."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from shared_types.adjustment import JITAdjustment
from tests.factories import make_input


def _locations(**overrides: Any) -> set[tuple[int | str, ...]]:
    with pytest.raises(ValidationError) as caught:
        make_input(**overrides)
    return {tuple(e["loc"]) for e in caught.value.errors()}


@pytest.mark.parametrize(
    ("overrides", "location"),
    [
        ({"soreness_ratings": {"quads": 11}}, ("soreness_ratings", "quads")),
        ({"soreness_ratings": {"quads": 0}}, ("soreness_ratings", "quads")),
        ({"soreness_ratings": {"neck": 3}}, ("soreness_ratings", "neck", "[key]")),
        ({"sleep_quality": 0}, ("sleep_quality",)),
        ({"energy_level": 6}, ("energy_level",)),
        ({"one_rm_kg": 0}, ("one_rm_kg",)),
        ({"one_rm_kg": -100}, ("one_rm_kg",)),
        ({"primary_lift": "overhead_press"}, ("primary_lift",)),
        ({"intensity_type": "max"}, ("intensity_type",)),
        ({"week_number": 0}, ("week_number",)),
        ({"block_number": 0}, ("block_number",)),
        ({"weekly_volume_to_date": {"chest": -1}}, ("weekly_volume_to_date", "chest")),
        ({"unexpected": True}, ("unexpected",)),
        ({"capacity_history": (5,)}, ("capacity_history", 0)),
        ({"cycle_phase": "spring"}, ("cycle_phase",)),
        ({"mrv_mev_config": {"quads": {"mev": 8, "mrv": 20}}}, ("mrv_mev_config", "hamstrings")),
        (
            {"warmup_config": {"type": "custom", "steps": []}},
            ("warmup_config", "custom", "steps"),
        ),
    ],
)
def test_invalid_field_is_reported_at_its_path(
    overrides: dict[str, Any], location: tuple[int | str, ...]
) -> None:
    assert location in _locations(**overrides)


def test_mev_above_mrv_is_rejected() -> None:
    config = make_input().mrv_mev_config.model_dump()
    config["quads"] = {"mev": 25, "mrv": 20}
    assert ("mrv_mev_config", "quads") in _locations(mrv_mev_config=config)


def test_formula_override_outside_the_allowed_range_is_rejected() -> None:
    config = make_input().formula_config.model_dump()
    config["block1"]["heavy"]["pct"] = 1.2
    config["block1"]["heavy"]["rpe_target"] = 8.25
    locations = _locations(formula_config=config)
    assert ("formula_config", "block1", "heavy", "pct") in locations
    assert ("formula_config", "block1", "heavy", "rpe_target") in locations


def test_naive_clock_is_rejected() -> None:
    assert ("now",) in _locations(now="2026-03-02T09:00:00")


def test_models_are_frozen() -> None:
    inp = make_input()
    with pytest.raises(ValidationError):
        inp.one_rm_kg = 200  # type: ignore[misc]


@pytest.mark.parametrize(
    "bad",
    [
        {"intensity_modifier": 0.1},
        {"intensity_modifier": float("nan")},
        {"set_modifier": 3},
        {"set_modifier": -4},
        {"rationale": ["x"] * 6},
        {"rationale": ["x" * 201]},
    ],
)
def test_adjustment_bounds_are_the_first_guard(bad: dict[str, Any]) -> None:
    fields: dict[str, Any] = {
        "intensity_modifier": 1.0,
        "set_modifier": 0,
        "skip_main_lift": False,
        "aux_overrides": [],
        "rationale": [],
        "confidence": "high",
        "rest_adjustments": None,
        **bad,
    }
    with pytest.raises(ValidationError):
        JITAdjustment.model_validate(fields)
