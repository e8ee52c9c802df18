"""`render_table` and `run_report` (the body of `jit-engine report`) over the seeded history."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from rich.console import Console

from api.clock import FixedClock
from api.persistence.db import Database
from api.reporting.command import run_report
from api.reporting.render import render_table
from api.services.report import NO_GENERATIONS, Report, ReportQuery, build_report
from tests.reporting.seed import MONDAY, app_over, seed_history

SINCE, UNTIL = MONDAY - timedelta(days=1), MONDAY + timedelta(days=30)
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def seeded_url(database_url: str) -> str:
    with app_over(database_url, FixedClock(MONDAY)) as api:
        seed_history(api)
    return database_url


def _run(url: str, **overrides: object) -> tuple[int, str]:
    out = io.StringIO()
    arguments: dict[str, object] = {
        "database_url": url,
        "since": SINCE,
        "until": UNTIL,
        "days": None,
        "lifter": None,
        "lift": None,
        "rollout": None,
        "fmt": "table",
        "plots_dir": None,
        "stdout": out,
        "color": False,
        **overrides,
    }
    code = run_report(**arguments)  # type: ignore[arg-type]
    return code, out.getvalue()


def test_the_table_shows_the_headline_numbers(seeded_url: str) -> None:
    code, text = _run(seeded_url)
    assert code == 0
    assert "model calls 3 vs 5 if every generation had asked the model: -40.0 %" in text
    assert "Generations by strategy (5)" in text
    assert "Outcome quality by strategy" in text
    assert "served by the confidence gate" in text
    assert "cache hits, memory tier" in text
    cells = [[c.strip() for c in line.split("│")[1:-1]] for line in text.splitlines()]
    stages = {row[0]: row[1] for row in cells if len(row) == 5}  # the latency table's rows
    for stage in ("read", "assemble", "engine", "serialise"):  # stored with each generation
        assert stages.get(stage) == "5", (stage, text)
    assert "not recorded" in text  # the auth and write stages: /metrics only
    assert "\x1b[" not in text  # no colour when asked for none


def test_render_table_colours_only_a_terminal(seeded_url: str) -> None:
    database = Database(seeded_url)
    try:
        report = build_report(database, ReportQuery(since=SINCE, until=UNTIL), MONDAY)
    finally:
        database.dispose()
    plain, coloured = io.StringIO(), io.StringIO()
    render_table(report, Console(file=plain, width=120))  # a StringIO is not a terminal
    render_table(report, Console(file=coloured, width=120, force_terminal=True))
    assert "\x1b[" not in plain.getvalue()
    assert "\x1b[" in coloured.getvalue()
    assert "-40.0 %" in plain.getvalue()


def test_json_is_the_report(seeded_url: str) -> None:
    code, text = _run(seeded_url, fmt="json")
    assert code == 0
    report = Report.model_validate_json(text)
    assert report.generations.total == 5
    assert json.loads(text)["spend"]["model_calls"] == 3


def test_an_empty_database_says_so(database_url: str) -> None:
    code, text = _run(database_url)
    assert code == 0
    assert NO_GENERATIONS in text


def test_plots_are_written_and_listed(seeded_url: str, tmp_path: Path) -> None:
    code, text = _run(seeded_url, plots_dir=tmp_path / "charts")
    assert code == 0
    listed = [
        line.removeprefix("chart: ") for line in text.splitlines() if line.startswith("chart: ")
    ]
    assert len(listed) == 3
    for path in listed:
        assert Path(path).read_bytes().startswith(PNG)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"fmt": "yaml"}, "--format must be one of table, json"),
        ({"days": 0}, "--days must be"),
        ({"days": 7}, "give --since or --days, not both"),
        ({"since": UNTIL, "until": SINCE}, "must be before --until"),
        ({"lift": "curl"}, "bad filter: lift"),
    ],
)
def test_bad_arguments_are_value_errors(
    seeded_url: str, overrides: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        _run(seeded_url, **overrides)


def test_a_missing_sqlite_file_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'missing.db'}"
    with pytest.raises(ValueError, match="no database at"):
        _run(url)
    assert not (tmp_path / "missing.db").exists()


def test_an_unmigrated_database_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "empty.db").write_bytes(b"")
    with pytest.raises(ValueError, match="cannot read the report from the database"):
        _run(f"sqlite:///{tmp_path / 'empty.db'}")
