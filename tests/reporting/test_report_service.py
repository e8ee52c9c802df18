"""`build_report` over a database seeded through the real API (tests/reporting/seed.py), on
SQLite and PostgreSQL: exact counts, filters, a rollout's SLO state, what waits for a person,
an empty database, and the JSON round trip."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx2
import pytest

from api.clock import FixedClock
from api.llm.cache import DatabaseAdjustmentTier
from api.llm.runtime import build_runtime
from api.persistence.db import Database
from api.persistence.tables import (
    CalibrationRecommendationRow,
    GenerationRow,
    LlmCallRow,
    LoadSuggestionRow,
)
from api.services.report import (
    CACHE_TIER_NOTE,
    NO_GENERATIONS,
    RECORDED_STAGES,
    STAGE_NOTE,
    STAGES_MISSING_NOTE,
    LatencyStage,
    Report,
    ReportQuery,
    build_report,
    reduction_pct,
)
from tests.api.client import ADMIN, Api
from tests.api.llm_payloads import ADJUSTMENT, Provider, openai_completion, settings
from tests.reporting.seed import MONDAY, POOR_DAY, Seeded, app_over, seed_history

PERIOD = {"since": MONDAY - timedelta(days=1), "until": MONDAY + timedelta(days=30)}


def _report(url: str, **filters: Any) -> Report:
    database = Database(url)
    try:
        return build_report(database, ReportQuery(**{**PERIOD, **filters}), MONDAY)
    finally:
        database.dispose()


@pytest.fixture
def seeded(database_url: str) -> Seeded:
    with app_over(database_url, FixedClock(MONDAY)) as api:
        return seed_history(api)


def test_the_report_counts_exactly_what_was_seeded(database_url: str, seeded: Seeded) -> None:
    report = _report(database_url)
    assert not report.empty
    assert NO_GENERATIONS not in report.notes
    generations = report.generations
    assert generations.total == 5
    # hybrid served the model's session: stored as llm; auto's gate served the formula
    assert generations.by_strategy == {"formula": 2, "llm": 3}
    assert generations.by_route == {"formula": 1, "none": 4}
    assert generations.by_fallback_reason == {"none": 5}
    spend = report.spend
    assert (spend.model_calls, spend.baseline_calls, spend.shadow_calls) == (3, 5, 0)
    assert spend.calls_reduction_pct == -40.0
    assert spend.headline == ("model calls 3 vs 5 if every generation had asked the model: -40.0 %")
    assert spend.tokens == 3 * 150
    assert spend.baseline_tokens == 5 * 150
    assert spend.cost_usd == pytest.approx(0.0003)
    assert spend.baseline_cost_usd == pytest.approx(0.0005)
    assert spend.cost_reduction_pct == -40.0
    assert (report.cache.lookups, report.cache.hits, report.cache.hit_rate) == (3, 0, 0.0)
    assert report.cache.hits_by_tier == {"memory": 0, "database": 0, "unknown": 0}
    savings = report.savings
    assert (savings.gate, savings.thresholds, savings.budget, savings.distilled_rule) == (
        1,
        0,
        0,
        0,
    )
    assert savings.tokens_avoided_est == 150
    *stages, model, cache_hit, review = report.latency
    assert [(s.stage, s.n) for s in stages] == [(name, 5) for name in RECORDED_STAGES]
    assert all(_ordered(s) for s in stages), stages
    assert (model.stage, model.n, model.p50_ms, model.p99_ms) == ("model call", 3, 12.5, 12.5)
    assert (cache_hit.n, cache_hit.p50_ms, review.n) == (0, None, 0)
    assert report.latency_not_recorded == ["auth", "write"]
    assert report.notes == [STAGE_NOTE]  # every hit has its tier, every generation its stages
    assert report.divergence.comparisons == report.divergence.with_model_session == 1
    quality = {row.strategy: row for row in report.quality}
    assert set(quality) == {"formula", "llm"}
    assert (quality["formula"].completed, quality["formula"].mean_abs_rpe_error) == (1, 1.0)
    llm = quality["llm"]
    assert (llm.outcomes, llm.completed, llm.skipped, llm.completion_rate) == (2, 1, 1, 0.5)
    assert (llm.mean_abs_rpe_error, llm.rpe_n) == (0.5, 1)
    first, second = report.weeks
    assert (first.week_start.isoformat(), first.generations, first.model_calls) == (
        "2026-03-02",
        3,
        2,
    )
    assert first.by_strategy == {"formula": 1, "llm": 2}
    assert first.mean_abs_rpe_error == 0.75
    assert first.mean_abs_rpe_error_by_strategy == {"formula": 1.0, "llm": 0.5}
    assert (second.week_start.isoformat(), second.generations, second.tokens) == (
        "2026-03-09",
        2,
        150,
    )
    assert second.mean_abs_rpe_error is None
    assert report.rollouts == []
    assert report.rules == []


def _ordered(stage: LatencyStage) -> bool:
    p50, p95, p99 = stage.p50_ms, stage.p95_ms, stage.p99_ms
    return p50 is not None and p95 is not None and p99 is not None and 0 <= p50 <= p95 <= p99


def _generate(api: Api, seeded: Seeded, key: str) -> str:
    body = {"strategy": "llm", **POOR_DAY}
    response = api.generate(seeded.lifter, seeded.session_ids[0], key=key, body=body)
    assert response.status_code == 200, response.text
    assert response.json()["jit_strategy"] == "llm"
    generation_id: str = response.json()["generation_id"]
    return generation_id


def _update(database: Database, table: type[Any], row_id: Any, **values: Any) -> None:
    with database.write() as unit:
        row = unit.get(table, row_id)
        assert row is not None
        for name, value in values.items():
            setattr(row, name, value)
        unit.add(row)


def test_cache_hits_per_tier_and_stage_percentiles(database_url: str) -> None:
    """Two workers (real runtimes: memory tier over the shared database tier) regenerate one
    session: the first asks the model, the second gets a database hit, then memory hits. One
    hit is made to look recorded before revision 0021 (no tier), one generation likewise (no
    stage timings); the others' stage timings are set to known values."""
    clock = FixedClock(MONDAY)
    reply = httpx2.Response(200, json=openai_completion(ADJUSTMENT))
    provider = Provider(lambda request, n: reply)
    database = Database(database_url)
    try:

        def worker() -> Any:
            tier = DatabaseAdjustmentTier(database, 600.0, clock)
            runtime = build_runtime(settings(), http_client=provider.http(), database_tier=tier)
            return app_over(database_url, clock, runtime.registry())

        with worker() as first, worker() as second:
            who = first.lifter()
            first.set_max(who, "squat", 140)
            first.program(who)
            seeded = Seeded(who, [first.sessions(who)[0]["id"]], ["squat"])
            ids = [_generate(first, seeded, "a")]
            ids += [_generate(second, seeded, key) for key in ("b", "c", "d")]
        assert len(provider.requests) == 1
        calls = {}
        for generation_id in ids:
            [call] = first.rows(LlmCallRow, generation_id=generation_id)
            calls[generation_id] = call
        assert [calls[g].cache_tier for g in ids] == [None, "database", "memory", "memory"]
        generations = [first.rows(GenerationRow, id=g)[0] for g in ids]
        assert all(
            g.stage_ms is not None and set(g.stage_ms) == set(RECORDED_STAGES) for g in generations
        )
        _update(database, LlmCallRow, calls[ids[3]].id, cache_tier=None)  # as before 0021
        _update(database, GenerationRow, ids[0], stage_ms=None)
        known = [(1.0, 10.0, 100.0, 0.5), (3.0, 30.0, 300.0, 1.5), (2.0, 20.0, 200.0, 1.0)]
        for generation_id, values in zip(ids[1:], known, strict=True):
            _update(
                database,
                GenerationRow,
                generation_id,
                stage_ms=dict(zip(RECORDED_STAGES, values, strict=True)),
            )
    finally:
        database.dispose()
    report = _report(database_url)
    cache = report.cache
    assert (cache.lookups, cache.hits, cache.hit_rate) == (4, 3, 0.75)
    assert cache.hits_by_tier == {"memory": 1, "database": 1, "unknown": 1}
    assert cache.hit_rate_by_tier == {"memory": 0.25, "database": 0.25, "unknown": 0.25}
    stages = {s.stage: (s.n, s.p50_ms, s.p95_ms, s.p99_ms) for s in report.latency}
    assert stages["read"] == (3, 2.0, 3.0, 3.0)
    assert stages["assemble"] == (3, 20.0, 30.0, 30.0)
    assert stages["engine"] == (3, 200.0, 300.0, 300.0)
    assert stages["serialise"] == (3, 1.0, 1.5, 1.5)
    assert stages["cache hit"][0] == 3
    assert stages["model call"][0] == 1
    assert report.notes == [
        "cost: not recorded (no model call with a price)",  # gpt-4o-mini has no price here
        CACHE_TIER_NOTE.format(n=1),
        STAGES_MISSING_NOTE.format(n=1),
        STAGE_NOTE,
    ]
    assert Report.model_validate_json(report.model_dump_json()) == report


def test_the_filters_narrow_the_report(database_url: str, seeded: Seeded) -> None:
    assert _report(database_url, lifter_id=seeded.lifter.id).generations.total == 5
    for lift in ("squat", "bench", "deadlift"):
        report = _report(database_url, lift=lift)
        assert report.generations.total == seeded.lifts.count(lift), lift
        assert report.empty is (lift not in seeded.lifts)
    assert _report(database_url, lifter_id=str(uuid.uuid4())).empty
    assert _report(database_url, rollout_id=str(uuid.uuid4())).empty
    week_two = _report(
        database_url, since=MONDAY + timedelta(days=7), until=MONDAY + timedelta(days=14)
    )
    assert week_two.generations.by_strategy == {"formula": 1, "llm": 1}
    assert week_two.quality == []  # the hybrid session was left generated, auto's not done


def test_an_empty_database_gives_a_valid_report_that_says_so(database_url: str) -> None:
    report = _report(database_url)
    assert report.empty
    assert report.notes[0] == NO_GENERATIONS
    assert report.generations.total == report.spend.model_calls == 0
    assert report.spend.calls_reduction_pct is None
    assert report.spend.tokens == 0
    assert report.spend.tokens_per_call is None
    assert report.cache.hit_rate is None
    assert report.weeks == []
    assert report.quality == []
    assert report.rollouts == []
    assert report.pending.oracle_run_id is None
    assert Report.model_validate_json(report.model_dump_json()) == report


def test_the_report_survives_a_json_round_trip(database_url: str, seeded: Seeded) -> None:
    report = _report(database_url)
    assert Report.model_validate_json(report.model_dump_json()) == report


def test_a_rollout_shows_its_phase_and_slo_check(database_url: str) -> None:
    with app_over(database_url, FixedClock(MONDAY)) as api:
        who = api.lifter()
        api.set_max(who, "squat", 140)
        api.program(who)
        started = api.client.post(
            "/v1/admin/rollouts",
            json={
                "changed_by": "ops@example.com",
                "reason": "test",
                "candidate": "llm",
                "lifter_id": who.id,
                "min_samples": 1,
                "min_elapsed_s": 0,
            },
            headers=ADMIN,
        )
        assert started.status_code == 201, started.text
        rollout_id = started.json()["id"]
        for sid in [s["id"] for s in api.sessions(who)][:2]:
            body = {"strategy": "auto", "sleep_quality": 1, "energy_level": 2}
            response = api.generate(who, sid, key=f"gen-{sid}", body=body)
            assert response.status_code == 200, response.text
            api.clock.set(api.clock() + timedelta(days=1))
    report = _report(database_url, rollout_id=rollout_id)
    (state,) = report.rollouts
    assert (state.id, state.candidate, state.phase) == (rollout_id, "llm", "shadow")
    assert state.generations_in_period == report.generations.total == 2
    assert state.scope_key == f"lifter:{who.id}"
    # the monitor checked after each generation; in shadow no arm has samples yet
    assert (state.checked, state.enough_samples, state.breached) == (True, False, False)
    assert [m.metric for m in state.metrics] == [
        "p99 latency (ms)",
        "fallback rate",
        "cost per generation (USD)",
        "mean |RPE error|",
    ]
    fallback = state.metrics[1]
    assert (fallback.control, fallback.limit) == (0.0, 0.02)  # control + 2 points
    assert state.metrics[0].limit is None  # a formula control, no absolute ceiling set
    assert _report(database_url).rollouts[0].id == rollout_id  # active: always shown


def test_what_waits_for_a_person_is_counted(database_url: str, seeded: Seeded) -> None:
    database = Database(database_url)
    try:
        with database.write() as unit:
            unit.add(
                CalibrationRecommendationRow(
                    id=str(uuid.uuid4()),
                    lifter_id=seeded.lifter.id,
                    source="readiness",
                    document={},
                    created_at=MONDAY,
                )
            )
            unit.add(
                LoadSuggestionRow(
                    id=str(uuid.uuid4()),
                    lifter_id=seeded.lifter.id,
                    lift="squat",
                    kind="decrease",
                    document={},
                    created_at=MONDAY,
                )
            )
    finally:
        database.dispose()
    pending = _report(database_url).pending
    assert pending.calibration_recommendations == 1
    assert pending.recommendations_by_source == {"readiness": 1}
    assert (pending.load_suggestions, pending.suggestions_by_lift) == (1, {"squat": 1})
    assert _report(database_url, lift="deadlift").pending.load_suggestions == 0
    assert (
        _report(database_url, lifter_id=str(uuid.uuid4())).pending.calibration_recommendations == 0
    )


def test_reduction_is_relative_to_the_baseline() -> None:
    assert reduction_pct(1698, 3385) == -49.8
    assert reduction_pct(5, 0) is None
    assert reduction_pct(None, 4) is None


def test_an_empty_period_is_refused(database_url: str) -> None:
    with pytest.raises(ValueError, match="the period is empty"):
        _report(database_url, since=MONDAY, until=MONDAY)
