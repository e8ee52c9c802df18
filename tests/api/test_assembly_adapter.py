"""The shell's Perceive adapter: the request maps onto the core's check-in, errors onto 422s."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime

import pytest

from api.assembly import assemble, daily_check_in, effective_formula_config
from api.errors import InvalidRequest
from api.schemas import CheckIn
from shared_types.enums import IntensityType, Lift, Sex
from training_engine.perceive import LifterProfile, LifterState, SessionPlan

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def _state(overrides: dict[str, object]) -> LifterState:
    return LifterState(
        profile=LifterProfile(sex=Sex.MALE),
        plan=SessionPlan("today", 1, 1, 1, Lift.SQUAT, IntensityType.HEAVY),
        stored_maxes={Lift.SQUAT: 140.0},
        formula_overrides=overrides,
        landmark_overrides={},
        warmup=None,
        rest_overrides=(),
        recent=(),
        last_completed_at=None,
        week_sets=(),
        week_sessions=(),
        disruptions=(),
        rehab_caps=(),
    )


def test_every_check_in_field_reaches_the_core() -> None:
    body = CheckIn.model_validate(
        {
            "soreness": {"quads": 6},
            "sleep_quality": 2,
            "energy_level": 5,
            "cycle_phase": "luteal",
            "wearables": {
                "hrv_pct_change": -20,
                "resting_hr_pct_change": 5,
                "sleep_duration_min": 400,
                "deep_sleep_pct": 18,
                "spo2_avg": 97,
                "non_training_load": 2,
                "readiness_score": 61,
            },
        }
    )
    checkin = daily_check_in(body)
    assert body.wearables is not None
    assert asdict(checkin.wearables) == body.wearables.model_dump()
    assert (checkin.soreness, checkin.sleep_quality, checkin.energy_level) == (
        body.soreness,
        2,
        5,
    )
    assert checkin.cycle_phase is body.cycle_phase
    inp = assemble(_state({}), body, NOW).input
    assert (inp.readiness_score, inp.non_training_load, inp.cycle_phase) == (61, 2, "luteal")


def test_a_bad_stored_override_is_a_422_under_overrides() -> None:
    with pytest.raises(InvalidRequest) as caught:
        assemble(_state({"block1": {"heavy": {"sets": 0}}}), CheckIn(), NOW)
    assert caught.value.message == "the formula overrides are invalid"
    assert [d.path for d in caught.value.details] == ["overrides.block1.heavy.sets"]


def test_a_bad_override_in_a_body_names_the_body_path() -> None:
    with pytest.raises(InvalidRequest) as caught:
        effective_formula_config(None, {"deload": {"sets": 0}}, path=("body", "overrides"))
    assert [d.path for d in caught.value.details] == ["body.overrides.deload.sets"]
