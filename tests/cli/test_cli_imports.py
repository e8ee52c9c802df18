"""`jit-engine --help` and the formula start without the heavy shell: no provider SDK, web
framework, database layer or plotting library is imported (start time; measured in docs, never
asserted)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import PROJECT_ROOT

HEAVY = (
    "openai",
    "anthropic",
    "instructor",
    "fastapi",
    "sqlalchemy",
    "sqlmodel",
    "alembic",
    "matplotlib",
)
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
        ("simulate", "--help"),
        ("report", "--help"),
        ("generate", "--strategy", "formula", "--input", "examples/squat-heavy.json"),
    ],
    ids=["help", "generate-help", "simulate-help", "report-help", "generate-formula"],
)
def test_the_command_imports_no_heavy_package(argv: tuple[str, ...]) -> None:
    assert imported_packages(*argv) & set(HEAVY) == set()


def test_the_probe_sees_the_packages_a_command_needs() -> None:
    assert "shared_types" in imported_packages(
        "generate", "--strategy", "formula", "--input", "examples/squat-heavy.json"
    )


APP_PROBE = """
import json, sys
from api.app import create_app
from api.settings import Settings
create_app(Settings(database_url="sqlite://"))
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_the_service_without_a_provider_imports_no_provider_sdk() -> None:
    result = subprocess.run(
        [sys.executable, "-c", APP_PROBE],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        check=True,
        env={"PATH": "/usr/bin:/bin", "JIT_LLM__PROVIDER": "none"},
    )
    imported = set(json.loads(result.stdout.splitlines()[-1]))
    assert "fastapi" in imported  # the probe did build the app
    assert imported & {"openai", "anthropic", "instructor"} == set()
