"""Scenario tests: warm-up ramps and which protocol applies (domain-reference §3.14, §9.6
warm-up bullets, §9.7 warm-up values and effective-protocol rules).

A working weight W is produced through the session: block 1 heavy is 80% of the 1RM, so a 1RM of
W / 0.8 gives W exactly.
"""

from __future__ import annotations

from typing import Any

import pytest

from shared_types.outputs import JITOutput
from tests.factories import make_disruption, make_female_input, make_input
from training_engine.session import formula_session


def warmups(out: JITOutput) -> list[tuple[float, int]]:
    return [(w.weight_kg, w.reps) for w in out.warmup_sets]


def session_working_at(weight_kg: float, make: Any = make_input, **overrides: Any) -> JITOutput:
    """A block-1 heavy session whose working weight is `weight_kg`."""
    out: JITOutput = formula_session(make(one_rm_kg=weight_kg / 0.8, **overrides))
    assert {s.weight_kg for s in out.main_lift_sets} == {weight_kg}
    return out


def preset(name: str) -> dict[str, str]:
    return {"type": "preset", "name": name}


# --- ramp values ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("working", "protocol", "explicit", "expected"),
    [
        pytest.param(
            112.5,
            preset("standard"),
            None,
            [(45.0, 5), (67.5, 3), (85.0, 2), (102.5, 1)],
            id="standard-112.5-half-up",
        ),
        pytest.param(
            60.0,
            preset("standard"),
            None,
            [(25.0, 5), (35.0, 3), (45.0, 2), (55.0, 1)],
            id="standard-60",
        ),
        pytest.param(
            30.0,
            preset("standard"),
            True,
            [(20.0, 5), (22.5, 2), (27.5, 1)],
            id="standard-30-duplicate-bar-dropped",
        ),
        pytest.param(80.0, preset("minimal"), None, [(40.0, 5), (60.0, 2)], id="minimal-80"),
        pytest.param(
            100.0,
            preset("empty_bar"),
            None,
            [(20.0, 10), (50.0, 5), (70.0, 3), (85.0, 1)],
            id="empty-bar-100",
        ),
        pytest.param(
            100.0,
            {"type": "custom", "steps": [{"pct": 0.5, "reps": 8}, {"pct": 0.75, "reps": 3}]},
            None,
            [(50.0, 8), (75.0, 3)],
            id="custom-100",
        ),
        pytest.param(
            100.0,
            preset("standard_female"),
            None,
            [(40.0, 5), (55.0, 4), (70.0, 3), (85.0, 2), (92.5, 1)],
            id="standard-female-100",
        ),
        pytest.param(
            100.0,
            preset("extended"),
            None,
            [(30.0, 10), (50.0, 5), (65.0, 3), (80.0, 2), (90.0, 1), (95.0, 1)],
            id="extended-100",
        ),
    ],
)
def test_warmup_ramp_values(
    working: float, protocol: Any, explicit: bool | None, expected: list[tuple[float, int]]
) -> None:
    out = session_working_at(working, warmup_config=protocol, warmup_config_explicit=explicit)

    assert warmups(out) == expected
    assert [w.set_number for w in out.warmup_sets] == list(range(1, len(expected) + 1))
    assert all(w.is_warmup for w in out.warmup_sets)


def test_warmup_steps_round_to_the_lifters_plates() -> None:
    """With 5 kg steps the main lift is 110 kg (112 -> 110); the ramp uses 5 kg steps too."""
    out = formula_session(make_input(weight_increment_kg=5.0))

    assert {s.weight_kg for s in out.main_lift_sets} == {110.0}
    assert warmups(out) == [(45.0, 5), (65.0, 3), (85.0, 2), (100.0, 1)]


def test_the_empty_bar_is_displayed_as_the_bar() -> None:
    out = session_working_at(100.0, warmup_config=preset("empty_bar"))

    assert [w.display_weight for w in out.warmup_sets] == [
        "20 kg (bar)",
        "50 kg",
        "70 kg",
        "85 kg",
    ]


def test_a_lighter_bar_sets_the_warmup_floor() -> None:
    out = session_working_at(
        30.0, warmup_config=preset("standard"), warmup_config_explicit=True, bar_weight_kg=15.0
    )

    assert warmups(out)[0] == (15.0, 5)
    assert out.warmup_sets[0].display_weight == "15 kg (bar)"


# --- effective protocol ---------------------------------------------------------------------


def test_skipped_main_lift_has_no_warmup() -> None:
    out = formula_session(make_input(active_disruptions=(make_disruption("major"),)))

    assert out.skipped_main_lift is True
    assert out.warmup_sets == ()


def test_recovery_session_gets_the_minimal_warmup() -> None:
    out = formula_session(make_input(soreness_ratings={"quads": 10}))

    assert warmups(out) == [(22.5, 5), (35.0, 2)]


def test_an_explicit_protocol_wins_over_the_recovery_override() -> None:
    out = formula_session(
        make_input(
            soreness_ratings={"quads": 10},
            warmup_config=preset("extended"),
            warmup_config_explicit=True,
        )
    )

    assert len(out.warmup_sets) > 2


def test_an_explicit_empty_bar_protocol_is_kept_for_a_light_working_weight() -> None:
    out = formula_session(
        make_input(one_rm_kg=40.0, warmup_config=preset("empty_bar"), warmup_config_explicit=True)
    )

    assert len(out.warmup_sets) >= 2
    assert out.warmup_sets[0].weight_kg == 20.0
    assert out.warmup_sets[0].reps == 10


def test_a_light_working_weight_gets_the_minimal_warmup_unless_chosen() -> None:
    """1RM 40 works at 32.5 kg (< 40 kg): an implicit extended ramp becomes minimal."""
    out = formula_session(make_input(one_rm_kg=40.0, warmup_config=preset("extended")))

    assert warmups(out) == [(20.0, 5), (25.0, 2)]


def test_exactly_forty_kilos_keeps_the_configured_warmup() -> None:
    out = session_working_at(40.0)

    assert warmups(out) == [(20.0, 5), (25.0, 3), (30.0, 2), (35.0, 1)]


def test_high_but_not_severe_soreness_keeps_the_configured_warmup() -> None:
    out = formula_session(make_female_input(soreness_ratings={"quads": 8}))

    assert {s.weight_kg for s in out.main_lift_sets} == {110.0}
    assert warmups(out) == [(45.0, 5), (65.0, 3), (82.5, 2), (100.0, 1)]


@pytest.mark.parametrize(
    ("make", "reps"),
    [
        pytest.param(make_input, [5, 3, 2, 1], id="male-standard"),
        pytest.param(make_female_input, [5, 4, 3, 2, 1], id="female-standard-female"),
    ],
)
def test_missing_warmup_config_uses_the_sex_default(make: Any, reps: list[int]) -> None:
    out = formula_session(make(warmup_config=None))

    assert [w.reps for w in out.warmup_sets] == reps
