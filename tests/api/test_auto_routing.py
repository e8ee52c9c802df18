"""`auto` on the session path (issue 11), on SQLite and PostgreSQL: the confidence gate, the
admin's rules and manual triggers, the daily budget, and the route stored with the generation and
shown in its response."""

from __future__ import annotations

from typing import Any

import pytest

from api.persistence.tables import GenerationRow, LlmCallRow
from tests.api.client import ADMIN, Api, Lifter
from tests.api.test_llm_generation import FakeSource, _ready, _registry

NOTE = {"changed_by": "ops@example.com", "reason": "test"}
POOR_NIGHT = {"strategy": "auto", "sleep_quality": 1, "energy_level": 2}


@pytest.fixture(autouse=True)
def no_global_rule(make_api: Any) -> None:
    """The database is shared by the run: a global rule another test left would steer these."""
    api: Api = make_api()
    if api.client.get("/v1/admin/routing/rules/global", headers=ADMIN).status_code == 200:
        _admin(api, "DELETE", "/rules/global", NOTE)


def _generate(api: Api, who: Lifter, sid: str, body: dict[str, Any], key: str) -> Any:
    response = api.generate(who, sid, key=key, body=body)
    assert response.status_code == 200, response.text
    return response.json()


def _admin(api: Api, method: str, path: str, body: dict[str, Any]) -> Any:
    response = api.client.request(method, f"/v1/admin/routing{path}", json=body, headers=ADMIN)
    assert response.status_code in (200, 201), response.text
    return response.json()


def test_a_confident_day_is_served_by_the_formula_without_a_model_call(make_api: Any) -> None:
    source = FakeSource()
    api: Api = make_api(registry=_registry(source))
    who, sid = _ready(api)
    body = _generate(api, who, sid, {"strategy": "auto"}, "calm")
    assert body["jit_strategy"] == "formula"
    assert body["route"].startswith("formula: rule: llm (from default)")
    assert "formula is confident" in body["route"]
    assert source.calls == 0
    generation = api.rows(GenerationRow, id=body["generation_id"])[0]
    assert generation.route == body["route"]


def test_a_poor_night_asks_the_model_and_spends_the_budget(make_api: Any) -> None:
    source = FakeSource()
    api: Api = make_api(registry=_registry(source))
    who, sid = _ready(api)
    body = _generate(api, who, sid, POOR_NIGHT, "poor")
    assert body["jit_strategy"] == "llm"
    assert body["route"].startswith("llm: rule: llm (from default)")
    assert "budget reserved" in body["route"]
    assert source.calls == 1
    budgets = api.client.get(f"/v1/admin/budgets?lifter_id={who.id}", headers=ADMIN).json()
    spent = budgets["lifter_budget"]
    assert (spent["used_tokens"], spent["reserved_tokens"]) == (150, 0)  # settled: 120 + 30


def test_a_global_rule_and_a_lift_rule_decide_with_their_provenance(make_api: Any) -> None:
    source = FakeSource()
    api: Api = make_api(registry=_registry(source))
    who, sid = _ready(api)
    _admin(api, "PUT", "/rules/global", {**NOTE, "rule": {"strategy": "formula"}})
    try:
        body = _generate(api, who, sid, POOR_NIGHT, "global-formula")
        assert body["jit_strategy"] == "formula"
        assert "rule serves the formula (from global)" in body["route"]
        lift_rule = {**NOTE, "rule": {"strategy": "llm"}}
        _admin(api, "PUT", f"/rules/lifters/{who.id}/lifts/squat", lift_rule)
        body = _generate(api, who, sid, POOR_NIGHT, "lift-llm")
        assert body["jit_strategy"] == "llm"
        assert body["route"].startswith("llm: rule: llm (from lift)")
        assert source.calls == 1
    finally:  # the global rule is shared by every test of this database
        _admin(api, "DELETE", "/rules/global", NOTE)


def test_a_manual_trigger_forces_the_route_until_it_is_lifted(make_api: Any) -> None:
    source = FakeSource()
    api: Api = make_api(registry=_registry(source))
    who, sid = _ready(api)
    trigger = _admin(api, "POST", "/triggers", {**NOTE, "lifter_id": who.id, "strategy": "formula"})
    body = _generate(api, who, sid, POOR_NIGHT, "forced")
    assert (body["jit_strategy"], body["route"]) == ("formula", "formula: manual trigger: formula")
    _admin(api, "DELETE", f"/triggers/{trigger['id']}", NOTE)
    body = _generate(api, who, sid, POOR_NIGHT, "lifted")
    assert body["jit_strategy"] == "llm"


def test_an_exhausted_budget_falls_back_labelled_and_calls_no_model(make_api: Any) -> None:
    source = FakeSource()
    api: Api = make_api(registry=_registry(source), budgets={"lifter_daily_tokens": 10})
    who, sid = _ready(api)
    body = _generate(api, who, sid, POOR_NIGHT, "broke")
    assert (body["jit_strategy"], body["fallback_reason"]) == (
        "formula_fallback",
        "budget_exhausted",
    )
    assert body["route"].endswith("budget exhausted")
    assert source.calls == 0
    assert api.rows(LlmCallRow, session_id=sid) == []


def test_other_strategies_have_no_route(make_api: Any) -> None:
    api: Api = make_api(registry=_registry(FakeSource()))
    who, sid = _ready(api)
    body = _generate(api, who, sid, {"strategy": "llm", "sleep_quality": 2}, "llm")
    assert body["route"] is None
