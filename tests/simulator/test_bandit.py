"""The bandit on the simulator (issue 12): simulated token counts, the logged decisions in
sessions.jsonl, the default output unchanged, and the analysis checked by hand."""

from __future__ import annotations

import asyncio
import io
import json
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from api.cli import main
from api.persistence.db import Database
from api.persistence.repositories import bandit as bandit_repo
from simulator.bandit_report import (
    ArmTruth,
    Decision,
    arm_truth,
    bandit_decisions,
    greedy_arms,
    greedy_check,
    late_abs_error,
    model_served,
    offline_estimates,
    regret_curve,
)
from simulator.coach import SIMULATED_OUTPUT_TOKENS, SimulatedCoach, simulated_tokens
from simulator.report import summarise, write_outputs
from simulator.run import RunConfig, run_simulation
from tests.factories import make_input
from training_engine.ports import AdjustmentRequest
from training_engine.prompt import build_prompt
from training_engine.session import formula_run

BANDIT = RunConfig(
    lifters=2, weeks=2, seed=5, strategy="auto", bandit=True, gate=False, record_rewards=True
)


def _records(folder: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (folder / "sessions.jsonl").read_text().splitlines()]


def _write(config: RunConfig, out: Path) -> bytes:
    results, seconds = run_simulation(config)
    write_outputs(out, results, summarise(config, results, seconds))
    return (out / "sessions.jsonl").read_bytes()


@pytest.fixture(scope="module")
def bandit_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bandit")
    _write(replace(BANDIT, keep_db=str(out)), out)
    return out


def test_a_bandit_run_is_reproducible(bandit_run: Path, tmp_path: Path) -> None:
    """The bandit's draws are seeded by session ids; the simulator seeds those too."""
    service_ids = uuid.uuid4
    again = _write(BANDIT, tmp_path)
    assert again == (bandit_run / "sessions.jsonl").read_bytes()
    chosen = [r["bandit"]["chosen"] for r in _records(tmp_path) if r.get("bandit")]
    assert {"formula", "llm"} <= set(chosen), "a run too small to show the draws"
    assert uuid.uuid4 is service_ids, "the seeded ids outlived the run"


def test_the_coach_reports_simulated_tokens() -> None:
    assert simulated_tokens(4000) == (1000, SIMULATED_OUTPUT_TOKENS)
    assert simulated_tokens(4001) == (1001, 60)  # rounded up
    inp = make_input(sleep_quality=2)
    request = AdjustmentRequest(inp, build_prompt(formula_run(inp)))
    record = asyncio.run(SimulatedCoach().adjustment(request)).record
    assert record is not None
    assert record.usage_known
    assert record.input_tokens == -(-request.prompt.chars // 4)
    assert record.output_tokens == 60
    assert record.provider == "simulated"


def test_a_bandit_run_logs_each_decision_with_its_propensity_and_reward(bandit_run: Path) -> None:
    done = [r for r in _records(bandit_run) if r["status"] == "completed"]
    assert done
    for record in done:
        decision = record["bandit"]
        assert decision["chosen"] in ("formula", "llm")
        assert decision["chosen"] == record["strategy"]  # what served is what was chosen
        assert 0.0 < decision["propensity"] <= 1.0
        assert decision["context_key"] == record["arm_reward"]["context_key"]
        # weeks 1-2 hold no deload: every completed session is rewarded, and the reward the
        # service stored is the one the simulator computes from the stored outcome
        assert decision["reward"] is not None
        assert decision["reward"] == pytest.approx(record["arm_reward"]["reward"])
        assert (record["arm_reward"]["tokens"] > 0) == (decision["chosen"] == "llm")
    assert {r["bandit"]["chosen"] for r in done} == {"formula", "llm"}


def test_replayed_posteriors_match_the_kept_database(bandit_run: Path) -> None:
    decisions = bandit_decisions(_records(bandit_run))
    _greedy, replayed = greedy_arms(decisions)
    database = Database(f"sqlite:///{bandit_run / 'worker-0.db'}")
    try:
        with database.read() as unit:
            stored = bandit_repo.posteriors_of(unit, "bandit-1")
            rows = bandit_repo.rewarded_decisions(unit, policy_version=None, since=None, until=None)
    finally:
        database.dispose()
    assert len(rows) == sum(1 for d in decisions if d.reward is not None)
    assert stored.keys() == replayed.keys()
    for context, beliefs in stored.items():
        for arm, posterior in beliefs.items():
            assert replayed[context][arm].mean == pytest.approx(posterior.mean)
            assert replayed[context][arm].n == posterior.n


def test_offline_estimates_read_the_kept_database(bandit_run: Path) -> None:
    records = _records(bandit_run)
    decisions = bandit_decisions(records)
    truth = {"formula": arm_truth(records), "llm": arm_truth(records)}
    rows = offline_estimates(
        bandit_run / "worker-0.db", decisions, truth, n_boot=20, max_unsupported=1.0
    )
    assert [r["candidate"] for r in rows] == ["formula", "model", "greedy"]
    assert all(r["n"] == len(decisions) for r in rows)


def test_off_by_default_the_records_are_as_before(tmp_path: Path) -> None:
    plain = _write(RunConfig(lifters=2, weeks=2, seed=5, strategy="auto"), tmp_path / "plain")
    assert b'"bandit"' not in plain
    assert b'"arm_reward"' not in plain
    scored = _write(
        RunConfig(lifters=2, weeks=2, seed=5, strategy="auto", record_rewards=True),
        tmp_path / "scored",
    )
    stripped = [json.loads(line) for line in scored.splitlines()]
    assert any("arm_reward" in r for r in stripped)
    for record in stripped:
        record.pop("arm_reward", None)
    lines = (json.dumps(r, sort_keys=True, separators=(",", ":")) for r in stripped)
    assert "".join(line + "\n" for line in lines).encode() == plain  # only the field is added


def test_the_cli_keeps_the_database_and_checks_its_flags(tmp_path: Path) -> None:
    out = tmp_path / "cli"
    argv = ["simulate", "--lifters", "1", "--weeks", "1", "--strategy", "auto", "--out", str(out)]
    ok = main([*argv, "--bandit", "on", "--gate", "off", "--keep-db"], stdout=io.StringIO())
    assert ok == 0
    assert (out / "worker-0.db").exists()
    assert all("bandit" in r for r in _records(out) if r["status"] == "completed")
    err = io.StringIO()
    assert main([*argv, "--bandit", "maybe"], stdout=io.StringIO(), stderr=err) == 2
    assert "invalid choice: 'maybe'" in err.getvalue()


# --- the analysis on a fixture checked by hand ------------------------------------------------

TRUTH = {
    "formula": {"A": ArmTruth(2, -0.8), "B": ArmTruth(1, -0.2)},
    "llm": {"A": ArmTruth(1, -0.5), "B": ArmTruth(1, -0.4)},
}
DECISIONS = [
    Decision("A", "formula", 0.5, -0.9),  # gap 0.3; expected 0.5 * 0.3 = 0.15
    Decision("B", "llm", 0.4, -0.5),  # gap 0.2; expected 0.4 * 0.2 = 0.08
    Decision("C", "llm", 0.5, -1.0),  # no truth for C: not counted
    Decision("A", "llm", 0.8, -0.3),  # gap 0; expected 0.2 * 0.3 = 0.06
    Decision("B", "formula", 0.9, -1.8),  # gap 0; expected 0.1 * 0.2 = 0.02
]


def test_regret_is_cumulated_over_the_decisions_with_truth() -> None:
    curve = regret_curve(DECISIONS, TRUTH, min_truth=1)
    assert (curve.decisions, curve.counted, curve.at) == (5, 4, (1, 2, 3, 4))
    assert curve.realised == pytest.approx((0.3, 0.5, 0.5, 0.5))
    assert curve.expected == pytest.approx((0.15, 0.23, 0.29, 0.31))
    assert curve.per_decision(curve.realised) == pytest.approx((0.3, 0.2, 0.0, 0.0))
    # A's formula truth rests on 2 sessions, the others on 1: with min_truth 2 nothing counts
    assert regret_curve(DECISIONS, TRUTH, min_truth=2).counted == 0


def test_the_greedy_arm_is_judged_against_the_better_arm() -> None:
    # A: formula -1 -> -0.95 (step 0.1 / 2), llm -1 -> -0.65 (0.7 / 2): llm, the better arm.
    # B: llm -1 -> -0.75; formula -1 -> -1.4 (-0.8 / 2): llm, but the formula is better.
    check = greedy_check(DECISIONS, TRUTH, min_decisions=2, min_truth=1)
    assert (check.judged, check.correct, check.correct_share) == (2, 1, 0.5)
    rows = {r["context"]: r for r in check.rows}
    assert rows["A"]["posterior_llm"] == pytest.approx(-0.65)
    assert rows["B"]["posterior_formula"] == pytest.approx(-1.4)
    assert [rows["A"]["greedy"], rows["B"]["greedy"]] == ["llm", "llm"]
    assert greedy_check(DECISIONS, TRUTH, min_decisions=3, min_truth=1).judged == 0


def test_contexts_whose_arms_are_close_in_truth_can_be_left_unjudged() -> None:
    # true gaps: A 0.3 (llm better), B 0.2 (formula better)
    apart = greedy_check(DECISIONS, TRUTH, min_decisions=2, min_truth=1, min_gap=0.25)
    assert (apart.judged, apart.correct) == (1, 1)
    assert [r["context"] for r in apart.rows] == ["A"]
    both = greedy_check(DECISIONS, TRUTH, min_decisions=2, min_truth=1, min_gap=0.2)
    assert both.judged == 2


def test_contexts_whose_truth_cannot_tell_the_arms_apart_can_be_left_unjudged() -> None:
    # A: gap 0.3, se sqrt(0.18 / 2 + 0.01 / 1) = 0.316 (z 0.95); B: gap 0.2, se 0.1 (z 2.0)
    noisy = {
        "formula": {"A": ArmTruth(2, -0.8, 0.18), "B": ArmTruth(1, -0.2, 0.0)},
        "llm": {"A": ArmTruth(1, -0.5, 0.01), "B": ArmTruth(1, -0.4, 0.01)},
    }
    separated = greedy_check(DECISIONS, noisy, min_decisions=2, min_truth=1, min_z=1.96)
    assert [r["context"] for r in separated.rows] == ["B"]
    assert (separated.judged, separated.correct) == (1, 0)
    assert separated.rows[0]["truth_gap_se"] == pytest.approx(0.1)
    assert greedy_check(DECISIONS, noisy, min_decisions=2, min_truth=1, min_z=0.9).judged == 2


def test_truth_calls_and_late_error_from_records() -> None:
    def record(week: int, strategy: str, errors: list[float], reward: float | None) -> Any:
        return {
            "status": "completed",
            "week": week,
            "strategy": strategy,
            "main_sets": [{"rpe_error": e} for e in errors],
            "arm_reward": {"context_key": "A", "tokens": 0, "reward": reward},
        }

    records = [
        record(8, "llm", [3.0], -1.0),
        record(9, "llm", [-1.0, 0.5], -0.5),
        record(12, "formula", [2.0], None),
        {"status": "skipped", "week": 10},
    ]
    assert arm_truth(records) == {"A": ArmTruth(2, -0.75, 0.125)}  # var of (-1, -0.5)
    assert model_served(records) == 2
    assert late_abs_error(records) == pytest.approx((1.0 + 0.5 + 2.0) / 3)
