"""The headless charts: every function writes PNG files with a title, on the seeded report, on
an empty one, and on a tiny real simulation (2 lifters x 2 weeks) with a second run to compare;
the simulator writes the per-muscle weekly volume the volume chart reads."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from api.clock import FixedClock
from api.persistence.db import Database
from api.reporting.plots import write_report_plots, write_simulation_plots
from api.services.report import ReportQuery, build_report
from simulator.report import summarise, write_outputs
from simulator.run import RunConfig, run_simulation
from tests.reporting.seed import MONDAY, app_over, seed_history

PNG = b"\x89PNG\r\n\x1a\n"


def _title(path: Path) -> str | None:
    """The PNG's `Title` text chunk (matplotlib writes metadata as tEXt)."""
    data = path.read_bytes()
    assert data.startswith(PNG), path
    at = len(PNG)
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind = data[at + 4 : at + 8]
        body = data[at + 8 : at + 8 + length]
        if kind == b"tEXt" and body.startswith(b"Title\x00"):
            return body.removeprefix(b"Title\x00").decode("latin-1")
        at += 12 + length
    return None


def _check(paths: list[Path], names: list[str]) -> dict[str, str]:
    assert [p.name for p in paths] == names
    titles = {}
    for path in paths:
        assert path.stat().st_size > 1000, path
        title = _title(path)
        assert title, path
        titles[path.name] = title
    return titles


REPORT_CHARTS = ["strategy_mix_and_cost.png", "rpe_error_by_strategy.png", "rollout_slos.png"]


def test_the_report_charts_of_a_seeded_and_an_empty_report(
    database_url: str, tmp_path: Path
) -> None:
    with app_over(database_url, FixedClock(MONDAY)) as api:
        seed_history(api)
    database = Database(database_url)
    try:
        period = ReportQuery(since=MONDAY, until=MONDAY + timedelta(days=30))
        seeded = build_report(database, period, MONDAY)
        empty = build_report(
            database,
            ReportQuery(since=MONDAY.replace(year=2020), until=MONDAY.replace(year=2021)),
            MONDAY,
        )
    finally:
        database.dispose()
    titles = _check(write_report_plots(seeded, tmp_path / "seeded"), REPORT_CHARTS)
    assert titles["strategy_mix_and_cost.png"] == "Strategy mix and model cost per week"
    assert titles["rpe_error_by_strategy.png"] == "Mean |RPE error| per week by strategy"
    assert titles["rollout_slos.png"].startswith("Rollout arms' SLO metrics")
    empty_titles = _check(write_report_plots(empty, tmp_path / "empty"), REPORT_CHARTS)
    assert empty_titles["rollout_slos.png"] == "Rollout arms' SLO metrics"
    unpriced = seeded.model_copy(
        update={"spend": seeded.spend.model_copy(update={"cost_usd": None})}
    )
    unpriced_titles = _check(write_report_plots(unpriced, tmp_path / "unpriced"), REPORT_CHARTS)
    assert unpriced_titles["strategy_mix_and_cost.png"] == (
        "Strategy mix per week (model cost: not recorded)"
    )


SIMULATION_CHARTS = [
    "volume_vs_landmarks.png",
    "main_lift_load_and_1rm.png",
    "rpe_error.png",
    "strategy_mix.png",
]


def _simulate(config: RunConfig, out: Path) -> Path:
    results, seconds = run_simulation(config)
    write_outputs(out, results, summarise(config, results, seconds))
    return out


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("simulations")
    learning = _simulate(RunConfig(lifters=2, weeks=2, seed=5), base / "learning")
    without = _simulate(RunConfig(lifters=2, weeks=2, seed=5, learning=False), base / "without")
    return learning, without


def test_the_simulator_writes_each_muscles_weekly_volume(runs: tuple[Path, Path]) -> None:
    learning, _without = runs
    rows = [json.loads(line) for line in (learning / "weeks.jsonl").read_text().splitlines()]
    assert sorted({(r["lifter"], r["week"]) for r in rows}) == [(0, 1), (0, 2), (1, 1), (1, 2)]
    for row in rows:
        assert row["volume"], row
        for sets, mev, mrv in row["volume"].values():
            assert sets >= 0
            assert 0 <= mev <= mrv


def test_the_simulation_charts_with_a_run_to_compare(runs: tuple[Path, Path]) -> None:
    learning, without = runs
    titles = _check(write_simulation_plots(learning, [without]), SIMULATION_CHARTS)
    assert titles["volume_vs_landmarks.png"].startswith("Weekly volume per muscle")
    assert titles["rpe_error.png"] == "Mean |RPE error| per week"
    assert (learning / "rpe_error.png").exists()
    assert titles["strategy_mix.png"] == (
        "Strategy mix per week (model tokens: run with --record-rewards on)"
    )


def test_the_strategy_mix_shows_the_model_tokens_a_run_recorded(tmp_path: Path) -> None:
    config = RunConfig(lifters=1, weeks=1, seed=5, strategy="llm", record_rewards=True)
    titles = _check(write_simulation_plots(_simulate(config, tmp_path)), SIMULATION_CHARTS)
    assert titles["strategy_mix.png"] == "Strategy mix and simulated model tokens per week"


def test_a_folder_without_a_summary_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"no summary\.json"):
        write_simulation_plots(tmp_path)


def test_the_report_command_does_not_load_matplotlib() -> None:
    """Importing the command (what the CLI does for --help) leaves matplotlib unloaded."""
    code = "import sys, api.reporting.command; print('matplotlib' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
