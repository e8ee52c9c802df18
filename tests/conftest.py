"""Shared test configuration: where parakeet's fixtures live, and Hypothesis profiles."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings

from shared_types.base import check_trusted

PROJECT_ROOT = Path(__file__).resolve().parents[1]
PARAKEET_DIR = PROJECT_ROOT / "tests" / "fixtures" / "parakeet"

settings.register_profile(
    "default", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "ci", max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("ci" if os.environ.get("CI") else "default")

# Every model the engine builds without validation is validated too, and must come out the same.
check_trusted(True)


def load_parakeet(name: str) -> list[dict[str, Any]]:
    """A parakeet fixture file from the in-repo copy (tests/fixtures/parakeet/README.md)."""
    path = PARAKEET_DIR / name
    data: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return data
