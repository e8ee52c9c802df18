"""The suite and `jit-engine bench` read parakeet's fixtures from the repository, never from a
folder beside the checkout, so a fresh clone runs on its own."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import PARAKEET_DIR, PROJECT_ROOT

FIXTURE_FILES = (
    "inputs.json",
    "formula-outputs.json",
    "llm-outputs.json",
    "hybrid-outputs.json",
    "adjustments.json",
    "README.md",
)
# The sibling folder a developer's machine may have beside the checkout (a clone has none),
# reached as a parent-relative path, as "<sibling>/acceptance", or as Path("<sibling>") /
# "acceptance", in any quoting.
SIBLING = "shared"
OUTSIDE = re.compile(
    rf"\.\./{SIBLING}\b|{SIBLING}/acceptance|[\"']{SIBLING}[\"']\s*\)?\s*/\s*[\"']acceptance"
)
THIS_FILE = Path(__file__).resolve()
SOURCE_DIRS = (
    "api",
    "benchmarks",
    "shared_types",
    "training_engine",
    "migrations",
    "scripts",
    "tests",
)


def test_the_fixtures_live_in_the_repository() -> None:
    assert PARAKEET_DIR.is_relative_to(PROJECT_ROOT)
    assert all((PARAKEET_DIR / name).is_file() for name in FIXTURE_FILES)


def test_no_python_file_reads_fixtures_from_outside_the_repository() -> None:
    offenders = [
        f"{path.relative_to(PROJECT_ROOT)}:{number}"
        for folder in SOURCE_DIRS
        for path in sorted((PROJECT_ROOT / folder).rglob("*.py"))
        if path != THIS_FILE
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert offenders == []
