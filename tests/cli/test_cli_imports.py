"""`jit-engine --help` and the formula start without the heavy shell: no provider SDK, web
framework or database layer is imported (start time; measured in docs, never asserted)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import PROJECT_ROOT

HEAVY = ("openai", "anthropic", "instructor", "fastapi", "sqlalchemy", "sqlmodel", "alembic")
PROBE = """
import contextlib, io, json, sys
from api.cli import main
with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):
    main(sys.argv[1:], stdout=io.StringIO())
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def imported_packages(*argv: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *argv],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        check=True,
    )
    return set(json.loads(result.stdout.splitlines()[-1]))


@pytest.mark.parametrize(
    "argv",
    [
        ("--help",),
        ("generate", "--help"),
        ("generate", "--strategy", "formula", "--input", "examples/squat-heavy.json"),
    ],
    ids=["help", "generate-help", "generate-formula"],
)
def test_the_command_imports_no_heavy_package(argv: tuple[str, ...]) -> None:
    assert imported_packages(*argv) & set(HEAVY) == set()


def test_the_probe_sees_the_packages_a_command_needs() -> None:
    assert "shared_types" in imported_packages(
        "generate", "--strategy", "formula", "--input", "examples/squat-heavy.json"
    )
