"""Guards on the project's shape: curated public APIs and a clock-free core."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT

PUBLIC_PACKAGES = (
    "shared_types",
    "training_engine",
    "training_engine.perceive",
    "training_engine.planning",
    "training_engine.strategies",
)


@pytest.mark.parametrize("name", PUBLIC_PACKAGES)
def test_public_api_is_curated_and_importable(name: str) -> None:
    module = importlib.import_module(name)
    exported = module.__all__
    assert exported == sorted(exported)
    for symbol in exported:
        assert hasattr(module, symbol), f"{name}.{symbol} is listed in __all__ but missing"


def _core_sources() -> list[Path]:
    return [
        path
        for package in ("shared_types", "training_engine")
        for path in (PROJECT_ROOT / package).rglob("*.py")
    ]


def test_the_core_never_reads_the_clock_or_the_environment() -> None:
    forbidden = re.compile(r"\b(datetime\.now|datetime\.utcnow|date\.today|time\.time|environ)\b")
    offenders = [
        str(path.relative_to(PROJECT_ROOT))
        for path in _core_sources()
        if forbidden.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_python_round_is_not_used_outside_the_rounding_module() -> None:
    offenders = [
        str(path.relative_to(PROJECT_ROOT))
        for path in _core_sources()
        if path.name != "rounding.py"
        and re.search(r"(?<![\w.])round\(", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
