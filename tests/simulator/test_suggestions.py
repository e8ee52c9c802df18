"""The simulated lifter who accepts every pending load suggestion (`--accept-suggestions on`)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from simulator.report import summarise, write_outputs
from simulator.run import RunConfig, run_simulation

# seed 5: lifter 0 earns a squat increase in week 5 (two heavy squat sessions well below target).
# Calibration learning off: the learnt load corrections would change which sessions qualify.
CONFIG = RunConfig(lifters=3, weeks=6, seed=5, accept_suggestions=True, learning=False)


def _run(tmp_path: Path, name: str, config: RunConfig) -> tuple[bytes, list[dict[str, Any]]]:
    results, seconds = run_simulation(config)
    write_outputs(tmp_path / name, results, summarise(config, results, seconds))
    raw = (tmp_path / name / "sessions.jsonl").read_bytes()
    return raw, [json.loads(line) for line in raw.splitlines()]


def test_accepted_suggestions_record_a_new_max_the_engine_then_uses(tmp_path: Path) -> None:
    _, lines = _run(tmp_path, "on", CONFIG)
    completed = [s for s in lines if s["status"] == "completed"]
    assert all("accepted_suggestions" in s for s in completed)
    changes = [
        (s, a)
        for s in completed
        for a in s["accepted_suggestions"]
        if a["kind"] in ("increase", "decrease")
    ]
    assert changes
    session, accepted = changes[0]
    assert accepted["max_recorded_kg"] == accepted["suggested_max_kg"] != accepted["current_max_kg"]
    later = [
        s
        for s in completed
        if s["lifter"] == session["lifter"]
        and s["lift"] == accepted["lift"]
        and s["day"] > session["day"]
    ]
    assert later
    assert later[0]["engine_one_rm_kg"] == accepted["max_recorded_kg"]
    flags = [
        a for s in completed for a in s["accepted_suggestions"] if a["kind"] == "low_completion"
    ]
    assert all(a["max_recorded_kg"] is None for a in flags)


def test_off_by_default_and_the_record_is_unchanged(tmp_path: Path) -> None:
    _, lines = _run(tmp_path, "off", replace(CONFIG, lifters=1, weeks=2, accept_suggestions=False))
    assert RunConfig(lifters=1, weeks=1).accept_suggestions is False
    assert not any("accepted_suggestions" in s for s in lines)


@pytest.mark.slow
def test_the_same_seed_writes_the_same_bytes_in_two_workers(tmp_path: Path) -> None:
    one, _ = _run(tmp_path, "one", CONFIG)
    two, _ = _run(tmp_path, "two", replace(CONFIG, workers=2))
    assert one == two
