"""simulated-coach-2 (`--coach v2`): the formula's own modifiers on a neutral day, readiness and
soreness cuts read as d ** 2, a cautious cut instead of the good-day raise; the coach choice
reaches the registry; a run can start with a distilled rule active (simulator/rules.py); the
seeds' scoring."""

from __future__ import annotations

import asyncio
import io
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import select

from api.cli import main
from api.clock import FixedClock
from api.persistence.db import Database
from api.persistence.tables import DistilledRuleEventRow, DistilledRuleRow
from api.services.oracle import run_oracle
from api.settings import OracleSettings, Settings
from shared_types.oracle import OracleThresholds
from simulator.bandit_report import read_records
from simulator.coach import (
    SIMULATED_MODEL,
    SIMULATED_MODEL_V2,
    V2_CAUTION,
    V2_SIGNAL_GAIN,
    SimulatedCoach,
    simulated_adjustment_v2,
)
from simulator.lifter_run import START
from simulator.report import summarise, write_outputs
from simulator.rules import install_rule
from simulator.run import RunConfig, run_simulation
from simulator.seeds import score
from tests.factories import make_input
from training_engine.adjustment import adjusted_session
from training_engine.ports import AdjustmentRequest
from training_engine.prompt import build_prompt
from training_engine.session import formula_run


def _main_sets(inp_overrides: dict[str, Any]) -> tuple[list[Any], list[Any]]:
    """(formula, coach-2 served) main sets as (kg, reps) for one input."""
    inp = make_input(**inp_overrides)
    run = formula_run(inp)
    served = adjusted_session(run, simulated_adjustment_v2(inp))
    return (
        [(s.weight_kg, s.reps) for s in run.output.main_lift_sets],
        [(s.weight_kg, s.reps) for s in served.main_lift_sets],
    )


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from((None, 3)),
    st.sampled_from((None, 3, 4, 5)),
    st.integers(1, 6),
    st.sampled_from(("heavy", "explosive", "rep")),
    st.sampled_from(("squat", "bench", "deadlift")),
)
def test_on_a_neutral_day_the_coach_serves_the_formulas_session(
    sleep: int | None, energy: int | None, sore: int, intensity: str, lift: str
) -> None:
    # sleep 3 (or unknown) never moves readiness; soreness up to 6 cuts sets, never the load
    overrides = {
        "sleep_quality": sleep,
        "energy_level": energy,
        "soreness_ratings": {"quads": sore, "chest": sore, "hamstrings": sore},
        "intensity_type": intensity,
        "primary_lift": lift,
    }
    formula, coach = _main_sets(overrides)
    assert coach == formula


@pytest.mark.parametrize(
    ("overrides", "default"),
    [
        ({"sleep_quality": 2, "energy_level": 3}, 0.975),
        ({"sleep_quality": 3, "energy_level": 1}, 0.975),
        ({"sleep_quality": 1, "energy_level": 2}, 0.95),
    ],
)
def test_a_readiness_cut_is_read_as_its_square(overrides: dict[str, Any], default: float) -> None:
    inp = make_input(**overrides)
    answer = simulated_adjustment_v2(inp)
    formula = formula_run(inp)
    assert formula.state.intensity_multiplier == pytest.approx(default)
    assert answer.intensity_modifier == pytest.approx(default**V2_SIGNAL_GAIN)
    # the formula's set cut is kept
    assert answer.set_modifier == formula.state.planned_count - formula.ctx.base.count


def test_a_soreness_cut_is_read_more_strongly_and_lighter_than_the_formula() -> None:
    formula, coach = _main_sets({"soreness_ratings": {"quads": 8}})
    inp = make_input(soreness_ratings={"quads": 8})
    (cut,) = [m.multiplier for m in formula_run(inp).state.modifiers if m.source == "soreness"]
    assert simulated_adjustment_v2(inp).intensity_modifier == pytest.approx(cut**V2_SIGNAL_GAIN)
    assert len(coach) == len(formula)
    assert coach[0][0] < formula[0][0]


def test_a_good_day_raise_is_replaced_by_the_cautious_cut() -> None:
    formula, coach = _main_sets({"sleep_quality": 5, "energy_level": 4})
    assert simulated_adjustment_v2(
        make_input(sleep_quality=5, energy_level=4)
    ).intensity_modifier == pytest.approx(V2_CAUTION)
    assert formula[0][0] == 115.0  # 112.5 x 1.025, rounded
    assert coach[0][0] == 107.5  # 112.5 x 0.95, rounded


def test_the_coach_is_pure_and_names_its_model() -> None:
    inp = make_input(sleep_quality=2, energy_level=2)
    assert simulated_adjustment_v2(inp) == simulated_adjustment_v2(inp)
    run = formula_run(inp)
    request = AdjustmentRequest(inp, build_prompt(run))
    v2 = asyncio.run(SimulatedCoach("v2").adjustment(request)).record
    v1 = asyncio.run(SimulatedCoach().adjustment(request)).record
    assert v2 is not None
    assert v1 is not None
    assert (v2.provider, v2.model) == ("simulated", SIMULATED_MODEL_V2)
    assert v1.model == SIMULATED_MODEL


def test_a_recovery_day_gets_the_formulas_recovery_load_and_sets() -> None:
    inp = make_input(soreness_ratings={"quads": 10, "glutes": 10})
    run = formula_run(inp)
    assert run.state.recovery_mode
    served = adjusted_session(run, simulated_adjustment_v2(inp))
    assert [s.weight_kg for s in served.main_lift_sets] == [
        s.weight_kg for s in run.output.main_lift_sets
    ]


def test_a_skipped_main_lift_is_skipped_by_the_coach() -> None:
    inp = make_input(weekly_volume_to_date={"quads": 40, "glutes": 40, "hamstrings": 40})
    assert formula_run(inp).state.skipped
    assert simulated_adjustment_v2(inp).skip_main_lift


LLM_V2 = RunConfig(
    lifters=6, weeks=5, seed=3, strategy="llm", learning=False, record_rewards=True, coach="v2"
)


def _write(config: RunConfig, out: Path) -> list[dict[str, Any]]:
    results, seconds = run_simulation(config)
    write_outputs(out, results, summarise(config, results, seconds))
    return read_records(out)


@pytest.fixture(scope="module")
def kept_llm_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    out = tmp_path_factory.mktemp("llm-v2")
    return out, _write(replace(LLM_V2, keep_db=str(out)), out)


def test_the_coach_choice_reaches_the_served_sessions(
    kept_llm_run: tuple[Path, list[dict[str, Any]]], tmp_path: Path
) -> None:
    _, v2 = kept_llm_run
    v1 = _write(replace(LLM_V2, lifters=2, weeks=2, coach="v1"), tmp_path)
    by_key = {(r["lifter"], r["day"], r["lift"]): r for r in v2}
    same_days = [by_key[(r["lifter"], r["day"], r["lift"])] for r in v1]
    # one same simulated world: on some of those days the two coaches serve different loads
    assert any(a["main_sets"] != b["main_sets"] for a, b in zip(v1, same_days, strict=True)), (
        "coach v2 served exactly what coach v1 did"
    )


def _distilled(database: Path) -> list[DistilledRuleRow]:
    settings = Settings(
        database_url=f"sqlite:///{database}",
        oracle=OracleSettings(thresholds=OracleThresholds(min_calls=3)),
    )
    db = Database(settings.database_url)
    try:
        with db.write() as unit:
            run = run_oracle(
                unit,
                settings,
                trigger="manual",
                now=datetime(2026, 6, 1, tzinfo=UTC),
                since=START,
                until=datetime(2026, 6, 1, tzinfo=UTC),
            )
            assert run is not None
        with db.read() as unit:
            return list(unit.exec(select(DistilledRuleRow)).all())
    finally:
        db.dispose()


def test_a_run_can_start_with_a_distilled_rule_serving_its_context(
    kept_llm_run: tuple[Path, list[dict[str, Any]]], tmp_path: Path
) -> None:
    folder, records = kept_llm_run
    rules = [r for r in _distilled(folder / "worker-0.db") if r.status == "validated"]
    assert rules, "the oracle validated no rule on the coach's neutral days"
    rule = max(rules, key=lambda r: (r.document["fitted_on"], r.context_key))
    out = tmp_path / "auto"
    config = replace(
        LLM_V2,
        strategy="auto",
        gate=False,
        keep_db=str(out),
        active_rule=(str(folder / "worker-0.db"), rule.id),
    )
    served = _write(config, out)
    in_context = [
        r
        for r in served
        if r["status"] == "completed" and r["arm_reward"]["context_key"] == rule.context_key
    ]
    assert in_context
    assert {r["strategy"] for r in in_context} == {"distilled_rule"}
    elsewhere = {
        r["strategy"] for r in served if r not in in_context and r["status"] == "completed"
    }
    assert "llm" in elsewhere
    db = Database(f"sqlite:///{out / 'worker-0.db'}")
    try:
        with db.read() as unit:
            row = unit.get(DistilledRuleRow, rule.id)
            assert row is not None
            assert (row.status, row.share) == ("active", 1.0)
            events = unit.exec(
                select(DistilledRuleEventRow).where(DistilledRuleEventRow.rule_id == rule.id)
            ).all()
            assert [e.to_status for e in events][-1] == "active"
            assert events[-1].changed_by == "simulator"
    finally:
        db.dispose()
    assert records  # the llm run itself served sessions


def test_installing_a_missing_rule_says_so(
    kept_llm_run: tuple[Path, list[dict[str, Any]]], tmp_path: Path
) -> None:
    folder, _ = kept_llm_run
    template = tmp_path / "t.db"
    db = Database(f"sqlite:///{template}")
    db.migrate()
    db.dispose()
    with pytest.raises(ValueError, match="no distilled rule nope"):
        install_rule(template, folder / "worker-0.db", "nope", FixedClock(START))


def test_the_cli_wants_both_rule_flags(tmp_path: Path) -> None:
    err = io.StringIO()
    code = main(
        ["simulate", "--out", str(tmp_path / "o"), "--activate-rule", "x"],
        stdout=io.StringIO(),
        stderr=err,
    )
    assert code != 0
    assert "--rule-db and --activate-rule go together" in err.getvalue()
    code = main(
        [
            "simulate",
            "--out",
            str(tmp_path / "o"),
            "--rule-db",
            str(tmp_path / "missing.db"),
            "--activate-rule",
            "x",
        ],
        stdout=io.StringIO(),
        stderr=err,
    )
    assert code != 0
    assert "is not a file" in err.getvalue()


def _evaluation(truth: float, *estimates: tuple[str, float, float, float]) -> dict[str, Any]:
    return {
        "truth": truth,
        "refused": None,
        "estimates": [
            {"estimator": name, "value": v, "low": lo, "high": hi} for name, v, lo, hi in estimates
        ],
    }


def test_the_seeds_are_scored_per_estimator() -> None:
    rows = [
        _evaluation(
            -1.0, ("ips", -1.3, -1.5, -1.1), ("snips", -1.1, -1.2, -0.9), ("dr", -1.05, -1.2, -0.9)
        ),
        _evaluation(
            -2.0, ("ips", -2.1, -2.3, -1.9), ("snips", -2.4, -2.5, -2.3), ("dr", -2.0, -2.1, -1.9)
        ),
        {"truth": -1.0, "refused": "too few", "estimates": []},
    ]
    scored = score(rows)
    assert (scored["evaluations"], scored["refused"]) == (3, 1)
    assert scored["ips"]["covered"] == 1  # -1.0 is outside [-1.5, -1.1]
    assert scored["ips"]["mean_abs_error"] == pytest.approx((0.3 + 0.1) / 2)
    assert scored["snips"]["coverage"] == pytest.approx(0.5)
    assert scored["dr"]["coverage"] == pytest.approx(1.0)
    assert scored["dr_below_ips"] == 2
    assert scored["snips_below_ips"] == 1
