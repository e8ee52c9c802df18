"""The rounding module: half-up, plate-aware."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from training_engine.formulas.rounding import (
    effective_increment_kg,
    floor_to_increment,
    format_kg,
    plate_increment_kg,
    round_half_up,
    round_to_increment,
    round_up_to_increment,
)


@pytest.mark.parametrize(
    ("value", "expected"), [(40.5, 41), (2.5, 3), (2.4999, 2), (-2.5, -2), (44.8, 45), (0.5, 1)]
)
def test_halves_round_up_like_javascript(value: float, expected: int) -> None:
    assert round_half_up(value) == expected


def test_python_round_would_differ_on_the_reference_warmup_step() -> None:
    assert round_to_increment(112.5 * 0.9) == 102.5  # half-even would give 100


@pytest.mark.parametrize(
    ("weight", "increment", "expected"),
    [
        (112.0, 2.5, 112.5),
        (101.25, 2.5, 102.5),
        (52.0, 5.0, 50.0),
        (82.5, 5.0, 85.0),
        (26.3, 1.25, 26.25),
    ],
)
def test_round_to_increment(weight: float, increment: float, expected: float) -> None:
    assert round_to_increment(weight, increment) == expected


def test_ceilings_round_up_and_bounds_round_down() -> None:
    assert round_up_to_increment(82.5, 5) == 85
    assert floor_to_increment(142.4, 2.5) == 140


@pytest.mark.parametrize(
    ("disabled", "expected"),
    [((), 2.5), ((1.25,), 5.0), ((1.25, 2.5), 10.0), ((25, 20, 15, 10, 5, 2.5, 1.25), 2.5)],
)
def test_plate_increment_is_twice_the_smallest_enabled_plate(
    disabled: tuple[float, ...], expected: float
) -> None:
    assert plate_increment_kg(disabled) == expected


def test_effective_increment_is_the_coarser_step() -> None:
    assert effective_increment_kg(2.5, 5.0) == 5.0
    assert effective_increment_kg(2.5, 1.25) == 2.5
    assert effective_increment_kg(None, None) == 2.5


def test_weights_are_written_like_a_person_writes_them() -> None:
    assert [format_kg(w) for w in (45.0, 67.5, 26.25)] == ["45", "67.5", "26.25"]


@given(st.floats(0, 1000), st.sampled_from([1.25, 2.5, 5.0, 10.0]))
def test_rounded_weights_are_multiples_within_half_a_step(weight: float, step: float) -> None:
    rounded = round_to_increment(weight, step)
    assert rounded / step == int(rounded / step)
    assert abs(rounded - weight) <= step / 2 + 1e-9
