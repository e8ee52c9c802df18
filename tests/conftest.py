"""Shared test configuration: where parakeet's fixtures live, Hypothesis profiles and the
`slow` marker (skipped locally unless `--run-slow`; CI runs everything)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from shared_types.base import check_trusted

PROJECT_ROOT = Path(__file__).resolve().parents[1]
PARAKEET_DIR = PROJECT_ROOT / "tests" / "fixtures" / "parakeet"

IN_CI = bool(os.environ.get("CI"))

# Hypothesis: a quick pass locally, the full count in CI (`CI` set, as `.ci/run` does).
settings.register_profile(
    "default", max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "ci", max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("ci" if IN_CI else "default")

# Every model the engine builds without validation is validated too, and must come out the same.
check_trusted(True)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--run-slow", action="store_true", help="run the tests marked slow (CI always does)"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Locally, `slow` tests are skipped unless asked for; in CI everything runs."""
    if IN_CI or config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --run-slow (CI runs it)")
    for item in items:
        if item.get_closest_marker("slow") is not None:
            item.add_marker(skip)


def load_parakeet(name: str) -> list[dict[str, Any]]:
    """A parakeet fixture file from the in-repo copy (tests/fixtures/parakeet/README.md)."""
    path = PARAKEET_DIR / name
    data: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return data
