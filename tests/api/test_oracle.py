"""The optimisation oracle in the shell (issue 12), on SQLite and PostgreSQL: the metrics built
from the stored rows, a run that distils a consistent context into a validated rule and none
from an inconsistent one, the admin routes (auth, 404/409, pages), the CLI, the schedule (one
run per interval across workers), and an active rule served with no model call until it is
rolled back (its phases and SLO guard: test_oracle_phases.py).

The database is shared by the run, so each test seeds its calls in its own period (a year of
its own) and its own ids, and reads only that period."""

from __future__ import annotations

import io
import itertools
import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from api.cli import main
from api.persistence.tables import (
    CheckInRow,
    ComparisonLogRow,
    DistilledRuleRow,
    GenerationRow,
    LifterRow,
    LlmCallRow,
    OracleRunRow,
    SessionOutcomeRow,
    SessionRow,
)
from api.services.oracle import read_metrics, scheduled_run
from shared_types.feedback import SessionOutcome
from shared_types.inputs import JITInput
from shared_types.oracle import OracleThresholds
from tests.api.client import ADMIN, Api, Lifter
from tests.api.test_auto_routing import NOTE, POOR_NIGHT, _admin, _generate
from tests.api.test_llm_generation import FakeSource, _ready, _registry
from tests.factories import make_input, make_outcome
from training_engine.routing.bandit import context_of
from training_engine.routing.oracle import is_holdout
from training_engine.routing.rollout import bucket

MIN_CALLS = 8
ORACLE = {"thresholds": {"min_calls": MIN_CALLS}}
RULES = "/v1/admin/oracle/rules"
RUNS = "/v1/admin/oracle/runs"
WHO = {"changed_by": "ops@example.com", "reason": "the oracle's cases pass"}


@pytest.fixture(autouse=True)
def no_global_rule(make_api: Any) -> None:
    """A global rule another test left would steer the routing and the oracle's flag."""
    api: Api = make_api()
    if api.client.get("/v1/admin/routing/rules/global", headers=ADMIN).status_code == 200:
        _admin(api, "DELETE", "/rules/global", NOTE)


def _year(year: int) -> tuple[datetime, datetime]:
    start = datetime(year, 1, 1, tzinfo=UTC)
    return start, start.replace(year=year + 1)


def _lifter(api: Api, lifter_id: str, at: datetime) -> None:
    with api.state.db.write() as unit:
        unit.add(LifterRow(id=lifter_id, name="Seeded", created_at=at, updated_at=at))


def outcome_row(
    sid: str, lifter_id: str, outcome: SessionOutcome, at: datetime
) -> SessionOutcomeRow:
    """The stored outcome of a seeded finished session."""
    return SessionOutcomeRow(
        session_id=sid,
        lifter_id=lifter_id,
        lift=outcome.lift.value,
        intensity_type=outcome.intensity_type.value,
        status=outcome.status,
        learnable=outcome.learnable,
        mean_rpe_error=outcome.mean_rpe_error,
        outcome=outcome.model_dump(mode="json"),
        recorded_at=at,
    )


def _call(
    api: Api,
    sid: str,
    *,
    lifter_id: str,
    inp: JITInput,
    at: datetime,
    intensity: float | None = 0.95,
    sets: int = -1,
    fallback: str | None = None,
    divergence: float | None = None,
    outcome: SessionOutcome | None = None,
    held: bool = True,
) -> None:
    """One logged model call of a generation its session holds (`held`), with what lies beside
    it: the session's input, the comparison's divergence, the outcome."""
    generation_id = f"g-{sid}"
    adjustment = (
        None
        if intensity is None
        else {
            "intensity_modifier": intensity,
            "set_modifier": sets,
            "skip_main_lift": False,
            "aux_overrides": [],
            "rationale": ["seeded"],
            "confidence": "high",
            "rest_adjustments": None,
        }
    )
    with api.state.db.write() as unit:
        unit.add(
            SessionRow(
                id=sid,
                lifter_id=lifter_id,
                week_number=1,
                day_number=1,
                block_number=1,
                planned_date=at.date(),
                primary_lift=inp.primary_lift.value,
                intensity_type=inp.intensity_type.value,
                status="completed" if outcome is not None else "generated",
                jit_strategy="formula_fallback" if fallback else "llm",
                jit_input_snapshot=inp.model_dump(mode="json"),
                generation_id=generation_id if held else "a-later-generation",
                created_at=at,
                updated_at=at,
            )
        )
        unit.flush()
        unit.add(
            CheckInRow(
                id=f"c-{sid}", lifter_id=lifter_id, session_id=sid, soreness={}, recorded_at=at
            )
        )
        unit.flush()
        unit.add(
            GenerationRow(
                id=generation_id,
                lifter_id=lifter_id,
                session_id=sid,
                check_in_id=f"c-{sid}",
                idempotency_key=sid,
                request_hash="0" * 64,
                jit_strategy="llm",
                response_json="{}",
                created_at=at,
            )
        )
        unit.flush()
        unit.add(
            LlmCallRow(
                generation_id=generation_id,
                lifter_id=lifter_id,
                session_id=sid,
                strategy="llm",
                provider="fake",
                model="fake-model-1",
                prompt_version="v1",
                prompt_chars=2400,
                attempts=1,
                latency_ms=100.0,
                deadline_s=5.0,
                input_tokens=None if fallback else 100,
                output_tokens=None if fallback else 20,
                usage_known=fallback is None,
                cost_usd=None if fallback else 0.001,
                cache_hit=False,
                breaker_state="closed",
                fallback_reason=fallback,
                adjustment=None if fallback else adjustment,
                created_at=at,
            )
        )
        if divergence is not None:
            unit.add(
                ComparisonLogRow(
                    generation_id=generation_id,
                    lifter_id=lifter_id,
                    session_id=sid,
                    strategy="hybrid",
                    strategy_used="llm",
                    shadow=False,
                    should_surface_to_user=False,
                    jit_input={},
                    formula_output={},
                    divergence={"weight_pct": divergence},
                    created_at=at,
                )
            )
        if outcome is not None:
            unit.add(outcome_row(sid, lifter_id, outcome, at))


def _run(api: Api, year: int) -> dict[str, Any]:
    since, until = _year(year)
    response = api.client.post(
        RUNS, json={"since": since.isoformat(), "until": until.isoformat()}, headers=ADMIN
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def _seed_context(
    api: Api, prefix: str, inp: JITInput, year: int, n: int, *, vary: bool = False
) -> None:
    """`n` served calls of one context over `n` days; `vary`: the model's intensity swings."""
    lifter_id = f"{prefix}-lifter"
    start, _ = _year(year)
    _lifter(api, lifter_id, start)
    for i in range(n):
        intensity = (0.90 if i % 2 else 1.0) if vary else 0.95
        _call(
            api,
            f"{prefix}-{i:03d}",
            lifter_id=lifter_id,
            inp=inp,
            at=start + timedelta(days=i),
            intensity=intensity,
        )


def test_metrics_are_built_from_the_stored_rows(make_api: Any) -> None:
    api: Api = make_api(oracle=ORACLE)
    start, end = _year(2031)
    _lifter(api, "metrics-lifter", start)
    inp = make_input(sleep_quality=2)
    outcome = make_outcome(0.5, session_id="metrics-served")
    common: dict[str, Any] = {"lifter_id": "metrics-lifter", "inp": inp}
    _call(api, "metrics-served", at=start, divergence=0.03, outcome=outcome, **common)
    _call(api, "metrics-fell", at=start + timedelta(days=2), fallback="timeout", **common)
    _call(api, "metrics-off", at=start, fallback="disabled", **common)  # no model was asked
    _call(api, "metrics-superseded", at=start, held=False, **common)  # not the served one
    with api.state.db.read() as unit:
        metrics = read_metrics(unit, start, end, api.state.settings.routing.bandit.rewards)
    assert [m.session_id for m in metrics] == ["metrics-served", "metrics-fell"]
    served, fell = metrics
    assert served.context == fell.context == context_of(inp).key
    assert served.context.split("|")[:4] == ["squat", "heavy", "fresh", "poor"]
    assert (served.latency_ms, served.input_tokens, served.output_tokens) == (100.0, 100, 20)
    assert served.cost_usd == pytest.approx(0.001)
    assert served.divergence == pytest.approx(0.03)
    assert served.adjustment is not None
    assert served.adjustment.intensity_modifier == 0.95
    # The bandit's reward: -|0.5| RPE, no failure, no constraint warning, 120 tokens at 0.02/1k.
    assert served.outcome_reward == pytest.approx(-0.5 - 120 / 1000 * 0.02)
    assert served.formula_reward is None
    assert not served.fell_back
    assert served.day == start.date()
    assert fell.fell_back
    assert fell.adjustment is None
    assert fell.outcome_reward is None
    assert fell.input_tokens is None
    assert fell.divergence is None


def test_a_consistent_context_gets_a_validated_rule_and_an_inconsistent_one_none(
    make_api: Any,
) -> None:
    api: Api = make_api(oracle=ORACLE)
    steady = make_input(primary_lift="bench", intensity_type="heavy")
    swings = make_input(primary_lift="deadlift", intensity_type="heavy")
    _seed_context(api, "consistent", steady, 2032, 16)
    _seed_context(api, "swings", swings, 2032, 16, vary=True)
    body = _run(api, 2032)
    assert body["trigger"] == "manual"
    assert body["calls"] == 32
    kinds = {r["context"]: r["kind"] for r in body["recommendations"]}
    assert kinds == {context_of(steady).key: "distil", context_of(swings).key: "keep_model"}
    (made,) = body["distillations"]
    assert made["context"] == context_of(steady).key
    assert made["status"] == "validated"
    assert made["validation"]["passed"] is True
    rule = api.client.get(f"{RULES}/{made['rule_id']}", headers=ADMIN).json()
    assert rule["status"] == "validated"
    assert rule["rule"]["intensity_multiplier"] == pytest.approx(0.95)
    assert rule["rule"]["set_delta"] == -1
    held = [c["session_id"] for c in rule["rule"]["cases"]]
    fitted = rule["rule"]["fitted_sessions"]
    thresholds = OracleThresholds(min_calls=MIN_CALLS)
    assert held
    assert all(is_holdout(s, thresholds) for s in held)
    assert not set(held) & set(fitted)
    assert len(held) + len(fitted) == 16
    assert rule["run_id"] == body["id"]
    assert [e["to_status"] for e in rule["events"]] == ["validated"]
    assert rule["events"][0]["changed_by"] == "oracle"
    stored = api.rows(DistilledRuleRow, context_key=context_of(swings).key)
    assert stored == []
    again = api.client.get(f"{RUNS}/{body['id']}", headers=ADMIN).json()
    assert again == body


def test_a_rule_that_misses_its_cases_fails_and_cannot_be_activated(make_api: Any) -> None:
    api: Api = make_api(oracle=ORACLE)
    inp = make_input(primary_lift="deadlift", intensity_type="explosive")
    start, _ = _year(2033)
    _lifter(api, "missed-lifter", start)
    thresholds = OracleThresholds(min_calls=MIN_CALLS)
    sids = [f"missed-{i:03d}" for i in range(24)]
    odd = next(sid for sid in sids if is_holdout(sid, thresholds))
    for sid in sids:  # one held-out session got another answer than the rule is fitted on
        intensity = 0.90 if sid == odd else 0.95
        _call(api, sid, lifter_id="missed-lifter", inp=inp, at=start, intensity=intensity)
    body = _run(api, 2033)
    (made,) = body["distillations"]
    assert made["status"] == "failed"
    assert made["validation"]["passed"] is False
    assert "intensity x0.950 vs the model's x0.900" in made["validation"]["failed"][0]["why"]
    refused = api.client.post(f"{RULES}/{made['rule_id']}/activate", json=WHO, headers=ADMIN)
    assert refused.status_code == 409
    assert "only a validated rule can be activated; this one is failed" in refused.text
    assert "cases reproduced" in refused.text


def test_admin_routes_need_the_token_answer_404_and_409_and_page(make_api: Any) -> None:
    api: Api = make_api(oracle=ORACLE)
    assert api.client.get(RUNS).status_code == 401
    assert api.client.post(RUNS, json={}).status_code == 401
    assert api.client.get(RULES).status_code == 401
    for path in (f"{RUNS}/nope", f"{RULES}/nope"):
        assert api.client.get(path, headers=ADMIN).status_code == 404
    for action in ("activate", "rollback"):
        missing = api.client.post(f"{RULES}/nope/{action}", json=WHO, headers=ADMIN)
        assert missing.status_code == 404
    for year in (2034, 2035, 2036):
        _run(api, year)
    first = api.client.get(RUNS, params={"limit": 2}, headers=ADMIN).json()
    assert len(first["items"]) == 2
    assert first["total"] >= 3
    assert first["next_offset"] == 2
    rest = api.client.get(RUNS, params={"limit": 2, "offset": 2}, headers=ADMIN).json()
    assert not {r["id"] for r in first["items"]} & {r["id"] for r in rest["items"]}
    empty = api.client.post(
        RUNS,
        json={"since": "2036-01-02T00:00:00Z", "until": "2036-01-01T00:00:00Z"},
        headers=ADMIN,
    )
    assert empty.status_code == 422


def test_the_cli_prints_the_run_as_a_table_or_json(
    make_api: Any, database_urls: dict[str, str], db_kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    api: Api = make_api(oracle=ORACLE)
    inp = make_input(primary_lift="bench", intensity_type="rep")
    _seed_context(api, "cli", inp, 2037, 16)
    monkeypatch.setenv("JIT_ORACLE__THRESHOLDS", json.dumps({"min_calls": MIN_CALLS}))
    url = database_urls[db_kind]
    common = ["oracle", "--database-url", url, "--since", "2037-01-01", "--until", "2038-01-01"]
    out, err = io.StringIO(), io.StringIO()
    assert main(common, stdout=out, stderr=err) == 0, err.getvalue()
    table = out.getvalue()
    key = context_of(inp).key
    assert "(cli): 16 model-served generations in 1 contexts" in table
    assert f"[distil, recommend only] distil {key} into a formula rule: 100% of 16" in table
    assert f"  {key} v1 validated (rule " in table
    out = io.StringIO()
    assert main([*common, "--format", "json"], stdout=out, stderr=err) == 0
    document = json.loads(out.getvalue())
    assert document["trigger"] == "cli"
    assert document["distillations"][0]["version"] == "v2"  # the table's run made v1
    out, err = io.StringIO(), io.StringIO()
    assert main([*common, "--days", "3"], stdout=out, stderr=err) == 2
    assert "give --since or --days, not both" in err.getvalue()
    assert out.getvalue() == ""
    err = io.StringIO()
    assert main(["oracle", "--database-url", "sqlite:////nowhere/x.db"], stderr=err) == 2
    assert "no database at" in err.getvalue()


def test_a_scheduled_run_only_recommends_and_runs_once_per_interval(make_api: Any) -> None:
    api: Api = make_api(oracle={**ORACLE, "interval_s": 3600.0})
    other: Api = make_api(oracle={**ORACLE, "interval_s": 3600.0})  # a second worker
    inp = make_input(primary_lift="squat", intensity_type="explosive")
    _seed_context(api, "sched", inp, 2025, 16)
    api.clock.set(datetime(2025, 1, 20, 12, tzinfo=UTC))  # the seeded calls are in its 30 days
    row = scheduled_run(api.state)
    assert row is not None
    assert row.trigger == "schedule"
    assert scheduled_run(other.state) is None  # the same interval: the other worker skips
    assert scheduled_run(api.state) is None
    (made,) = [d for d in row.distillations if d["context"] == context_of(inp).key]
    assert made["rule_id"] is None
    assert "recommended only" in made["reason"]
    assert api.rows(DistilledRuleRow, context_key=context_of(inp).key) == []
    api.clock.set(datetime(2025, 1, 20, 13, tzinfo=UTC))  # the next interval runs again
    assert scheduled_run(other.state) is not None


def _schedule_rows(api: Api, at: datetime) -> list[OracleRunRow]:
    return api.rows(OracleRunRow, trigger="schedule", created_at=at)


def test_the_app_runs_the_schedule_from_its_lifespan_once_across_two_workers(
    make_api: Any,
) -> None:
    at = datetime(2027, 6, 1, 8, tzinfo=UTC)
    interval = {**ORACLE, "interval_s": 0.02}
    first: Api = make_api(oracle=interval)
    first.clock.set(at)  # one clock: both workers are in one interval throughout
    make_api(oracle=interval)
    deadline = time.monotonic() + 30
    while not _schedule_rows(first, at) and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.2)  # ten more intervals for both loops: they find the slot taken
    assert len(_schedule_rows(first, at)) == 1


_USES = itertools.count()


@pytest.fixture
def rule_in_context(
    make_api: Any,
) -> Iterator[tuple[Api, FakeSource, dict[str, Any], Lifter, str]]:
    """A validated rule distilled from seeded calls in the context a fresh lifter's first
    session generates in (read from a first, model-served generation)."""
    source = FakeSource()
    api: Api = make_api(registry=_registry(source), oracle=ORACLE)
    who, sid = _ready(api)
    assert _generate(api, who, sid, POOR_NIGHT, "probe")["jit_strategy"] == "llm"
    (session,) = api.rows(SessionRow, id=sid)
    assert session.jit_input_snapshot is not None
    inp = JITInput.model_validate(session.jit_input_snapshot)
    use = next(_USES)  # each use seeds its own ids and year
    _seed_context(api, f"serve{use}-{api.state.db.dialect}", inp, 2040 + use, 16)
    body = _run(api, 2040 + use)
    (made,) = [d for d in body["distillations"] if d["context"] == context_of(inp).key]
    assert made["status"] == "validated"
    yield api, source, made, who, sid
    # never leave a rule serving the shared database's other tests
    for row in api.rows(DistilledRuleRow, status="active"):
        api.client.post(f"{RULES}/{row.id}/rollback", json=WHO, headers=ADMIN)


def test_an_active_rule_serves_with_no_model_call_until_rolled_back(
    rule_in_context: tuple[Api, FakeSource, dict[str, Any], Lifter, str],
) -> None:
    api, source, made, who, sid = rule_in_context
    calls_before = len(api.rows(LlmCallRow, session_id=sid))
    source.calls = 0
    source.answer = source.answer.model_copy(update={"intensity_modifier": 1.1})
    activated = api.client.post(
        f"{RULES}/{made['rule_id']}/activate", json={**WHO, "share": 1.0}, headers=ADMIN
    )
    assert activated.status_code == 200, activated.text
    assert activated.json()["status"] == "active"
    assert [e["to_status"] for e in activated.json()["events"]] == ["validated", "active"]
    again = api.client.post(f"{RULES}/{made['rule_id']}/activate", json=WHO, headers=ADMIN)
    assert again.status_code == 409

    served = _generate(api, who, sid, POOR_NIGHT, "with-rule")
    assert source.calls == 0  # the rule served: no model call
    assert len(api.rows(LlmCallRow, session_id=sid)) == calls_before  # and no call record
    assert served["jit_strategy"] == "distilled_rule"  # not the model: the rule
    assert served["fallback_reason"] is None
    assert f"distilled_rule {made['version']} in " in served["route"]
    assert any(f"distilled rule {made['version']}" in r for r in served["reasons"])
    assert served["prescription"]["intensity_modifier"] == pytest.approx(0.95)
    (generation,) = api.rows(GenerationRow, id=served["generation_id"])
    assert generation.route is not None
    assert "distilled_rule" in generation.route

    back = api.client.post(f"{RULES}/{made['rule_id']}/rollback", json=WHO, headers=ADMIN)
    assert back.status_code == 200, back.text
    assert back.json()["status"] == "rolled_back"
    assert [e["to_status"] for e in back.json()["events"]] == [
        "validated",
        "active",
        "rolled_back",
    ]
    twice = api.client.post(f"{RULES}/{made['rule_id']}/rollback", json=WHO, headers=ADMIN)
    assert twice.status_code == 409
    restored = _generate(api, who, sid, POOR_NIGHT, "after-rollback")
    assert source.calls == 1  # the model serves the context again
    assert "distilled_rule" not in restored["route"]
    assert restored["prescription"]["intensity_modifier"] == pytest.approx(1.1)


def test_a_canary_serves_the_lifter_only_when_its_bucket_is_below_the_share(
    rule_in_context: tuple[Api, FakeSource, dict[str, Any], Lifter, str],
) -> None:
    api, source, made, who, sid = rule_in_context
    activated = api.client.post(f"{RULES}/{made['rule_id']}/activate", json=WHO, headers=ADMIN)
    assert activated.status_code == 200, activated.text
    assert (activated.json()["phase"], activated.json()["share"]) == ("canary", 0.05)
    inside = bucket(who.id, made["rule_id"]) < 0.05
    source.calls = 0
    served = _generate(api, who, sid, POOR_NIGHT, "canary")
    assert source.calls == (0 if inside else 1)
    assert ("distilled_rule" in served["route"]) is inside
