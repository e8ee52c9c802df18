"""Whole runs through the real services: zero invariant violations, and seeded reproducibility."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from api.cli import main
from simulator.lifter import Gains
from simulator.lifter_run import day_truth
from simulator.report import summarise, write_outputs
from simulator.run import RunConfig, run_simulation
from tests.factories import make_input
from training_engine.session import formula_session


def _run(tmp_path: Path, name: str, **overrides: Any) -> tuple[bytes, dict[str, Any]]:
    config = replace(RunConfig(lifters=2, weeks=2, seed=5), **overrides)
    results, seconds = run_simulation(config)
    summary = summarise(config, results, seconds)
    write_outputs(tmp_path / name, results, summary)
    return (tmp_path / name / "sessions.jsonl").read_bytes(), summary


def test_two_lifters_for_two_weeks_complete_without_violations(tmp_path: Path) -> None:
    sessions, summary = _run(tmp_path, "run")
    lines = [json.loads(line) for line in sessions.splitlines()]
    assert len(lines) == 12  # 2 lifters x 2 weeks x 3 days
    assert summary["violations_total"] == 0
    completed = [s for s in lines if s["status"] == "completed"]
    assert completed
    assert all(s["main_sets"] or s["skipped_main_lift"] for s in completed)
    assert {s["strategy"] for s in completed} == {"formula"}


def test_the_same_seed_writes_the_same_bytes(tmp_path: Path) -> None:
    first, _ = _run(tmp_path, "a")
    again, _ = _run(tmp_path, "b")
    other, _ = _run(tmp_path, "c", seed=6)
    assert first == again
    assert first != other


def test_llm_runs_on_the_simulated_coach(tmp_path: Path) -> None:
    sessions, summary = _run(tmp_path, "llm", lifters=1, weeks=1, strategy="llm")
    strategies = {json.loads(line).get("strategy") for line in sessions.splitlines()}
    assert strategies <= {"llm", None}
    assert "llm" in strategies
    assert summary["violations_total"] == 0


def test_the_true_multiplier_raises_each_default_to_the_lifters_gain() -> None:
    inp = make_input(sleep_quality=1, energy_level=1)
    truth = day_truth(formula_session(inp), Gains(readiness=2.0), inp)
    assert truth.rows == [["readiness", 0.95, 0.95, pytest.approx(0.95**2)]]
    assert truth.true == pytest.approx(0.9025)
    assert truth.applied == 0.95
    assert day_truth(formula_session(inp), Gains(), inp).true == pytest.approx(0.95)


def test_the_applied_multiplier_follows_the_lifters_calibration() -> None:
    inp = make_input(sleep_quality=1, energy_level=1, modifier_calibrations={"readiness": -0.05})
    truth = day_truth(formula_session(inp), Gains(readiness=2.0), inp)
    assert truth.rows == [["readiness", 0.95, pytest.approx(0.9), pytest.approx(0.9025)]]


def test_the_cli_writes_the_files_and_prints_the_table(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    argv = ["simulate", "--lifters", "1", "--weeks", "1", "--out", str(tmp_path / "cli")]
    assert main(argv, stdout=out, stderr=err) == 0
    assert (tmp_path / "cli" / "sessions.jsonl").read_text(encoding="utf-8").count("\n") == 3
    summary = json.loads((tmp_path / "cli" / "summary.json").read_text(encoding="utf-8"))
    assert summary["config"]["learning"] is True
    assert out.getvalue().splitlines()[0].split()[:3] == ["week", "done", "skip"]
    assert "lifters 1/1 (100%)" in err.getvalue()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--strategy", "magic"], "invalid choice: 'magic'"),
        (["--learning", "maybe"], "invalid choice: 'maybe'"),
        (["--population", "aliens"], "invalid choice: 'aliens'"),
        (["--lifters", "0"], "--lifters must be 1-10000"),
        (["--weeks", "53"], "--weeks 1-52"),
        (["--workers", "0"], "--workers must be 1-32"),
        (["--seed", "x"], "invalid int value: 'x'"),
    ],
)
def test_invalid_flags_exit_2_with_a_message(tmp_path: Path, argv: list[str], message: str) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert main(["simulate", "--out", str(tmp_path), *argv], stdout=out, stderr=err) == 2
    assert message in err.getvalue()
    assert "Traceback" not in err.getvalue()
    assert out.getvalue() == ""


def test_the_out_folder_is_required(tmp_path: Path) -> None:
    err = io.StringIO()
    assert main(["simulate"], stdout=io.StringIO(), stderr=err) == 2
    assert "--out" in err.getvalue()


def test_the_anchored_chart_reads_the_formulas_target_on_a_neutral_first_day(
    tmp_path: Path,
) -> None:
    sessions, _ = _run(tmp_path, "anchored", weeks=1, rpe_table="anchored")
    first_days = [
        json.loads(line)
        for line in sessions.splitlines()
        if json.loads(line)["day"] == 0 and json.loads(line).get("modifiers") == []
    ]
    assert first_days  # day 0: the true 1RM is the stored one
    for session in first_days:
        for done in session["main_sets"]:
            assert done["true_rpe"] == pytest.approx(done["target_rpe"])


@pytest.mark.slow
def test_worker_processes_write_the_same_bytes_as_one_process(tmp_path: Path) -> None:
    alone, _ = _run(tmp_path, "one", lifters=3, weeks=1)
    shared, _ = _run(tmp_path, "two", lifters=3, weeks=1, workers=2)
    assert alone == shared
