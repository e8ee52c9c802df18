"""Programs, generation, idempotency and the session lifecycle, over the HTTP API."""

from __future__ import annotations

from datetime import timedelta

import pytest

from api.persistence.tables import CheckInRow, GenerationRow, SessionRow, SetLogRow
from shared_types.inputs import JITInput
from shared_types.outputs import JITOutput
from tests.api.client import Api
from tests.factories import make_input
from training_engine.strategies import StrategyRegistry


def _ready(api: Api, **lifter: object) -> tuple[object, str]:
    who = api.lifter(**lifter)
    api.set_max(who, "squat", 140)
    api.program(who)
    return who, api.sessions(who)[0]["id"]


def test_a_scheduled_program_writes_the_cube_rotation(api: Api) -> None:
    who = api.lifter()
    program = api.program(who, total_weeks=4, training_days_per_week=3)
    sessions = api.sessions(who)
    assert program["sessions_created"] == 12 == len(sessions)
    week1 = [(s["primary_lift"], s["intensity_type"]) for s in sessions if s["week_number"] == 1]
    assert week1 == [("squat", "heavy"), ("bench", "rep"), ("deadlift", "explosive")]
    assert {s["intensity_type"] for s in sessions if s["week_number"] == 4} == {"deload"}
    assert [s["planned_date"] for s in sessions[:3]] == ["2026-03-02", "2026-03-04", "2026-03-06"]


def test_sessions_are_paginated_and_filtered(api: Api) -> None:
    who = api.lifter()
    api.program(who, total_weeks=4)
    page = api.get(who, "/v1/me/sessions", params={"limit": 5, "offset": 10}).json()
    assert (page["total"], len(page["items"]), page["offset"]) == (12, 2, 10)
    dated = api.get(who, "/v1/me/sessions", params={"from": "2026-03-09", "to": "2026-03-15"})
    assert [s["week_number"] for s in dated.json()["items"]] == [2, 2, 2]
    assert api.get(who, "/v1/me/sessions", params={"status": "completed"}).json()["total"] == 0


def test_generation_stores_strategy_snapshot_full_output_and_trace(api: Api) -> None:
    who, sid = _ready(api)
    response = api.generate(who, sid, body={"soreness": {"quads": 4}, "sleep_quality": 4})
    assert response.status_code == 200, response.text
    body = response.json()
    # The default setting is auto; no provider is configured, so auto serves the formula.
    assert (body["jit_strategy"], body["fallback_reason"]) == ("formula", None)
    assert body["generated_at"] == "2026-03-02T09:00:00Z"
    assert body["reasons"] == body["prescription"]["rationale"]
    [row] = api.rows(SessionRow, id=sid)
    assert row.status == "generated"
    assert row.jit_strategy == "formula"
    assert row.fallback_reason is None
    assert row.generation_id == body["generation_id"]
    snapshot = JITInput.model_validate(row.jit_input_snapshot)
    assert snapshot.now is not None
    assert snapshot.now.isoformat() == "2026-03-02T09:00:00+00:00"
    assert snapshot.soreness_ratings == {"quads": 4}
    stored = JITOutput.model_validate(row.jit_output)
    assert stored.auxiliary_work
    assert stored.warmup_sets
    assert stored.rest_recommendations.main_lift
    assert row.jit_output_trace is not None
    assert row.jit_output_trace["primary_lift"] == "squat"
    assert row.jit_output_trace["strategy"] == "formula"
    assert row.target_rpe == stored.main_lift_sets[0].rpe_target
    detail = api.get(who, f"/v1/me/sessions/{sid}").json()
    assert detail["prescription"]["main_lift_sets"] == body["prescription"]["main_lift_sets"]
    assert detail["trace"] == row.jit_output_trace
    # auto chose the formula: no model was asked, nothing compared.
    assert (detail["generation_id"], detail["llm_call"], detail["comparison"]) == (
        body["generation_id"],
        None,
        None,
    )


def test_the_strategy_override_and_setting_are_honoured(api: Api) -> None:
    who, sid = _ready(api)
    formula = api.generate(who, sid, key="a", body={"strategy": "formula"}).json()
    assert (formula["jit_strategy"], formula["fallback_reason"]) == ("formula", None)
    assert api.put(who, "/v1/me/settings", {"jit_strategy": "llm"}).status_code == 200
    # No provider configured (JIT_LLM__PROVIDER=none): the llm strategy falls back itself.
    llm = api.generate(who, sid, key="b").json()
    assert (llm["jit_strategy"], llm["fallback_reason"]) == ("formula_fallback", "disabled")
    hybrid = api.generate(who, sid, key="h", body={"strategy": "hybrid"}).json()
    assert (hybrid["jit_strategy"], hybrid["fallback_reason"]) == ("formula_fallback", "disabled")
    auto = api.generate(who, sid, key="auto", body={"strategy": "auto"}).json()
    assert (auto["jit_strategy"], auto["fallback_reason"]) == ("formula", None)
    assert api.put(who, "/v1/me/settings", {"jit_strategy": "formula"}).status_code == 200
    assert api.generate(who, sid, key="c").json()["jit_strategy"] == "formula"


def test_the_same_key_returns_the_same_result_without_regenerating(api: Api) -> None:
    who, sid = _ready(api)
    first = api.generate(who, sid, key="same", body={"sleep_quality": 2})
    api.clock.set(api.clock() + timedelta(minutes=5))
    again = api.generate(who, sid, key="same", body={"sleep_quality": 2})
    assert again.status_code == 200
    assert again.content == first.content
    assert (first.headers["Idempotent-Replayed"], again.headers["Idempotent-Replayed"]) == (
        "false",
        "true",
    )
    assert len(api.rows(GenerationRow, session_id=sid)) == 1
    assert len(api.rows(CheckInRow, session_id=sid)) == 1


def test_a_key_reused_for_another_request_is_a_conflict(api: Api) -> None:
    who, sid = _ready(api)
    assert api.generate(who, sid, key="k", body={"sleep_quality": 2}).status_code == 200
    reused = api.generate(who, sid, key="k", body={"sleep_quality": 5})
    assert reused.status_code == 409
    assert reused.json()["error"]["code"] == "conflict"


def test_a_new_key_regenerates_until_a_set_is_logged(api: Api) -> None:
    who, sid = _ready(api)
    first = api.generate(who, sid, key="1", body={"sleep_quality": 3}).json()
    second = api.generate(who, sid, key="2", body={"sleep_quality": 1}).json()
    assert second["generation_id"] != first["generation_id"]
    weight = second["prescription"]["main_lift_sets"][0]["weight_kg"]
    assert api.log_set(who, sid, set_number=1, weight_kg=weight, reps=5, rpe=8).status_code == 201
    blocked = api.generate(who, sid, key="3")
    assert blocked.status_code == 409
    # The current key still returns its stored result; the superseded one is 409 (ADR 0009).
    assert api.generate(who, sid, key="2", body={"sleep_quality": 1}).json() == second
    superseded = api.generate(who, sid, key="1", body={"sleep_quality": 3})
    assert (superseded.status_code, superseded.json()["error"]["code"]) == (409, "superseded")


def test_set_logs_are_idempotent_per_natural_key(api: Api) -> None:
    who, sid = _ready(api)
    assert api.log_set(who, sid, set_number=1, weight_kg=100, reps=5).status_code == 409
    api.generate(who, sid)
    created = api.log_set(who, sid, set_number=1, weight_kg=100, reps=5, rpe=8)
    repeat = api.log_set(who, sid, set_number=1, weight_kg=100, reps=5, rpe=8)
    assert (created.status_code, repeat.status_code) == (201, 200)
    assert created.json() == repeat.json()
    corrected = api.log_set(who, sid, set_number=1, weight_kg=102.5, reps=5, rpe=8.5)
    assert (corrected.status_code, corrected.json()["weight_kg"]) == (200, 102.5)
    aux = api.log_set(
        who, sid, kind="auxiliary", exercise="Pause Squat", set_number=1, weight_kg=80, reps=8
    )
    assert aux.status_code == 201
    rows = api.rows(SetLogRow, session_id=sid)
    assert sorted((r.kind, r.exercise, r.weight_grams) for r in rows) == [
        ("auxiliary", "Pause Squat", 80000),
        ("primary", "squat", 102500),
    ]
    [session] = api.rows(SessionRow, id=sid)
    assert session.status == "in_progress"


def test_complete_and_skip_follow_the_lifecycle(api: Api) -> None:
    who, sid = _ready(api)
    sessions = api.sessions(who)
    assert api.post(who, f"/v1/me/sessions/{sid}/complete", {}).status_code == 409  # planned
    api.generate(who, sid)
    api.log_set(who, sid, set_number=1, weight_kg=100, reps=5, rpe=8)
    assert api.post(who, f"/v1/me/sessions/{sid}/skip", {}).status_code == 409  # in progress
    done = api.post(who, f"/v1/me/sessions/{sid}/complete", {"session_rpe": 8})
    assert (done.status_code, done.json()["status"]) == (200, "completed")
    assert api.post(who, f"/v1/me/sessions/{sid}/complete", {"session_rpe": 8}).status_code == 200
    assert api.post(who, f"/v1/me/sessions/{sid}/complete", {"session_rpe": 9}).status_code == 409
    assert api.generate(who, sid, key="late").status_code == 409
    skipped = api.post(who, f"/v1/me/sessions/{sessions[1]['id']}/skip", {"reason": "travel"})
    assert (skipped.json()["status"], skipped.json()["skip_reason"]) == ("skipped", "travel")
    assert (
        api.log_set(who, sessions[1]["id"], set_number=1, weight_kg=60, reps=5).status_code == 409
    )


def test_an_unending_program_plans_the_next_session_when_one_finishes(api: Api) -> None:
    who = api.lifter()
    api.set_max(who, "squat", 140)
    api.program(who, mode="unending", total_weeks=None)
    [first] = api.sessions(who)
    assert (first["primary_lift"], first["intensity_type"]) == ("squat", "heavy")
    api.generate(who, first["id"])
    api.post(who, f"/v1/me/sessions/{first['id']}/complete", {"session_rpe": 7})
    second = api.sessions(who, status="planned")
    assert [(s["primary_lift"], s["intensity_type"], s["planned_date"]) for s in second] == [
        ("bench", "explosive", "2026-03-04")
    ]
    # Today's soreness picks the stimulus: sore chest -> a rep day.
    sore = api.generate(who, second[0]["id"], key="day-2", body={"soreness": {"chest": 8}}).json()
    assert sore["prescription"]["main_lift_sets"][0]["reps_range"] is not None
    assert api.get(who, f"/v1/me/sessions/{second[0]['id']}").json()["intensity_type"] == "rep"


def test_a_new_program_archives_the_old_one(api: Api) -> None:
    who = api.lifter()
    old = api.program(who)
    api.program(who, total_weeks=2)
    programs = api.get(who, "/v1/me/programs").json()["items"]
    assert [(p["id"] == old["id"], p["status"]) for p in programs] == [
        (False, "active"),
        (True, "archived"),
    ]
    replaced = api.sessions(who, status="skipped")
    assert len(replaced) == 12
    assert {s["skip_reason"] for s in replaced} == {"program replaced"}


class _Broken:
    name = "formula"

    async def generate(self, inp: JITInput) -> JITOutput:
        raise RuntimeError("boom: secret internals")


def test_a_failed_generation_writes_nothing_and_shows_no_trace(make_api: object) -> None:
    api: Api = make_api(registry=StrategyRegistry({"formula": _Broken}))  # type: ignore[operator]
    who, sid = _ready(api)
    response = api.generate(who, sid, body={"soreness": {"quads": 5}, "strategy": "formula"})
    assert response.status_code == 500
    assert response.json() == {
        "error": {
            "code": "generation_failed",
            "message": "the prescription could not be generated",
            "details": [],
        }
    }
    assert "boom" not in response.text
    assert "Traceback" not in response.text
    [row] = api.rows(SessionRow, id=sid)
    assert (row.status, row.jit_output, row.jit_input_snapshot) == ("planned", None, None)
    assert api.rows(CheckInRow, session_id=sid) == []
    assert api.rows(GenerationRow, session_id=sid) == []


@pytest.mark.parametrize(
    ("strategy", "label"),
    [("auto", ("formula", None)), ("hybrid", ("formula_fallback", "disabled"))],
)
def test_stateless_generation_stores_no_session(
    api: Api, strategy: str, label: tuple[str, str | None]
) -> None:
    who = api.lifter()
    before = len(api.rows(SessionRow, lifter_id=who.id))
    response = api.client.post(
        "/v1/generate",
        params={"strategy": strategy},
        json=make_input().model_dump(mode="json"),
        headers=who.auth,
    )
    assert response.status_code == 200, response.text
    out = response.json()
    assert (out["jit_strategy"], out["fallback_reason"]) == label
    assert out["generated_at"] == "2026-03-02T09:00:00Z"
    assert out["trace"] is not None
    assert out["trace"]["strategy"] == label[0]
    assert len(api.rows(SessionRow, lifter_id=who.id)) == before
