"""Routing rules at three levels, their versions, the effective rule and manual triggers
(issue 11): the admin API, `routing_inputs` (what the generation path reads), races on one
scope, and deletion with the lifter."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import httpx2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.persistence.repositories.routing_rules import RoutingInputs, routing_inputs
from api.persistence.tables import RoutingRuleRow, RoutingTriggerRow
from shared_types.routing import RouteRule
from tests.api.client import ADMIN, Api, Lifter

BASE = "/v1/admin/routing"
GLOBAL = f"{BASE}/rules/global"
NOTE = {"changed_by": "ops@example.com", "reason": "test"}


def _lifter_rule(who: Lifter, lift: str | None = None) -> str:
    path = f"{BASE}/rules/lifters/{who.id}"
    return path if lift is None else f"{path}/lifts/{lift}"


def _send(api: Api, method: str, path: str, body: Any = None, **params: Any) -> httpx2.Response:
    return api.client.request(method, path, json=body, params=params or None, headers=ADMIN)


def _set(api: Api, path: str, rule: dict[str, Any], **note: str) -> dict[str, Any]:
    response = _send(api, "PUT", path, {"rule": rule, **NOTE, **note})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _effective(api: Api, who: Lifter, lift: str | None = None) -> dict[str, Any]:
    params = {} if lift is None else {"lift": lift}
    response = _send(api, "GET", f"{_lifter_rule(who)}/effective", **params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
def routing(api: Api) -> Iterator[Api]:
    """The API, with the global rule deleted afterwards: the database is shared by the run, and
    a global rule left behind would steer every later test's generations."""
    yield api
    if _send(api, "GET", GLOBAL).status_code == 200:
        assert _send(api, "DELETE", GLOBAL, NOTE).status_code == 200


# ---- versions ----------------------------------------------------------------------------


def test_every_change_is_a_new_version_with_who_and_why(routing: Api) -> None:
    who = routing.lifter()
    path = _lifter_rule(who)
    first = _set(routing, path, {"strategy": "hybrid", "min_latency_ms": 2500}, changed_by="ann")
    second = _set(routing, path, {"strategy": "formula"}, changed_by="bo", reason="too slow")
    assert (first["version"], second["version"]) == (1, 2)
    assert second["changed_by"] == "bo"
    assert second["reason"] == "too slow"
    assert second["scope"] == "lifter"
    assert second["lifter_id"] == who.id
    current = _send(routing, "GET", path).json()
    assert current["rule"] == {**RouteRule().model_dump(), "strategy": "formula"}

    deleted = _send(routing, "DELETE", path, NOTE).json()
    assert (deleted["version"], deleted["deleted"], deleted["rule"]) == (3, True, None)
    assert _send(routing, "GET", path).status_code == 404
    assert _send(routing, "DELETE", path, NOTE).status_code == 404  # nothing left to delete

    rolled = _send(routing, "POST", f"{path}/rollback", {"version": 1, **NOTE}).json()
    assert rolled["version"] == 4
    assert rolled["rule"] == first["rule"]
    assert _send(routing, "GET", path).json()["rule"] == first["rule"]
    back_to_deleted = _send(routing, "POST", f"{path}/rollback", {"version": 3, **NOTE}).json()
    assert back_to_deleted["deleted"] is True
    missing = _send(routing, "POST", f"{path}/rollback", {"version": 99, **NOTE})
    assert missing.status_code == 404

    page = _send(routing, "GET", f"{path}/versions", limit=2).json()
    assert [v["version"] for v in page["items"]] == [5, 4]
    assert (page["total"], page["next_offset"]) == (5, 2)
    last = _send(routing, "GET", f"{path}/versions", limit=2, offset=4).json()
    assert ([v["version"] for v in last["items"]], last["next_offset"]) == ([1], None)
    assert len(routing.rows(RoutingRuleRow, lifter_id=who.id)) == 5  # nothing was overwritten


def test_the_global_rule_is_versioned_like_the_others(routing: Api) -> None:
    before = _send(routing, "GET", f"{GLOBAL}/versions").json()["total"]
    set_ = _set(routing, GLOBAL, {"max_calls_per_day": 40})
    assert (set_["scope"], set_["lifter_id"], set_["lift"]) == ("global", None, None)
    assert set_["version"] == before + 1
    assert _send(routing, "GET", GLOBAL).json()["rule"]["max_calls_per_day"] == 40


def test_scopes_are_independent(routing: Api) -> None:
    who, other = routing.lifter(), routing.lifter()
    _set(routing, _lifter_rule(who, "squat"), {"strategy": "formula"})
    assert _set(routing, _lifter_rule(who, "bench"), {"strategy": "llm"})["version"] == 1
    assert _set(routing, _lifter_rule(other, "squat"), {"strategy": "llm"})["version"] == 1
    assert _send(routing, "GET", _lifter_rule(who)).status_code == 404
    lift = _send(routing, "GET", _lifter_rule(who, "squat")).json()
    assert (lift["scope"], lift["lift"], lift["rule"]["strategy"]) == ("lift", "squat", "formula")


# ---- the effective rule ------------------------------------------------------------------


def test_the_effective_rule_says_where_each_value_came_from(routing: Api) -> None:
    who = routing.lifter()
    _set(routing, GLOBAL, {"strategy": "hybrid", "max_calls_per_day": 10})
    _set(routing, _lifter_rule(who), {"never_on_deload": True, "max_calls_per_day": 3})
    _set(routing, _lifter_rule(who, "squat"), {"strategy": "formula"})

    squat = _effective(routing, who, "squat")
    assert squat["lift"] == "squat"
    assert squat["manual_strategy"] is None
    rule = squat["rule"]
    assert (rule["strategy"], rule["never_on_deload"], rule["max_calls_per_day"]) == (
        "formula",
        True,
        3,
    )
    assert rule["sources"] == {
        "strategy": "lift",
        "never_on_deload": "lifter",
        "never_in_recovery": "default",
        "min_latency_ms": "default",
        "max_cost_per_call": "default",
        "max_calls_per_day": "lifter",
        "prefer_llm_for_flexibility": "default",
    }
    bench = _effective(routing, who, "bench")["rule"]
    assert (bench["strategy"], bench["sources"]["strategy"]) == ("hybrid", "global")
    assert _effective(routing, who)["rule"]["sources"]["strategy"] == "global"

    _send(routing, "DELETE", _lifter_rule(who), NOTE)
    after = _effective(routing, who, "squat")["rule"]
    assert (after["max_calls_per_day"], after["sources"]["max_calls_per_day"]) == (10, "global")


# ---- routing_inputs: what the generation path reads --------------------------------------

SCOPES = ("global", "lifter", "squat", "bench")
Operation = tuple[str, dict[str, Any] | None]  # a scope and its new rule (None: delete)
operations = st.lists(
    st.tuples(
        st.sampled_from(SCOPES),
        st.one_of(
            st.none(),
            st.fixed_dictionaries(
                {},
                optional={
                    "strategy": st.sampled_from(["formula", "llm", "hybrid", "shadow"]),
                    "max_calls_per_day": st.integers(0, 1000),
                    "never_in_recovery": st.booleans(),
                },
            ),
        ),
    ),
    max_size=8,
)


def _inputs(api: Api, who: Lifter, lift: str | None) -> RoutingInputs:
    with api.state.db.read() as unit:
        return routing_inputs(unit, who.id, lift)


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=operations)
def test_routing_inputs_are_each_scopes_newest_version(
    routing: Api, history: list[Operation]
) -> None:
    who = routing.lifter()
    paths = {
        "global": GLOBAL,
        "lifter": _lifter_rule(who),
        "squat": _lifter_rule(who, "squat"),
        "bench": _lifter_rule(who, "bench"),
    }
    current: dict[str, RouteRule | None] = dict.fromkeys(SCOPES)
    current["global"] = _inputs(routing, who, None).global_rule  # earlier examples' global
    for scope, rule in history:
        if rule is not None:
            _set(routing, paths[scope], rule)
            current[scope] = RouteRule.model_validate(rule)
        elif current[scope] is not None:
            assert _send(routing, "DELETE", paths[scope], NOTE).status_code == 200
            current[scope] = None
    expected = RoutingInputs(current["global"], current["lifter"], current["squat"], None)
    assert _inputs(routing, who, "squat") == expected
    assert _inputs(routing, who, "deadlift") == expected._replace(lift_rule=None)
    assert _inputs(routing, who, None) == expected._replace(lift_rule=None)


# ---- manual triggers ---------------------------------------------------------------------


def _trigger(api: Api, who: Lifter, strategy: str, lift: str | None = None) -> httpx2.Response:
    body = {"lifter_id": who.id, "lift": lift, "strategy": strategy, **NOTE}
    return _send(api, "POST", f"{BASE}/triggers", body)


def test_a_manual_trigger_forces_the_route_until_it_is_ended(routing: Api) -> None:
    who, other = routing.lifter(), routing.lifter()
    _set(routing, _lifter_rule(who), {"strategy": "llm"})
    whole = _trigger(routing, who, "formula")
    assert whole.status_code == 201, whole.text
    assert _trigger(routing, who, "hybrid").status_code == 409  # one active per lifter and lift
    routing.clock.set(routing.clock() + timedelta(minutes=1))
    squat = _trigger(routing, who, "shadow", "squat").json()
    assert _trigger(routing, other, "formula").status_code == 201

    assert _effective(routing, who, "squat")["manual_strategy"] == "shadow"  # the lift's wins
    assert _effective(routing, who, "bench")["manual_strategy"] == "formula"
    assert _inputs(routing, who, "squat").manual == "shadow"
    listed = _send(routing, "GET", f"{BASE}/triggers", lifter_id=who.id).json()
    assert [t["id"] for t in listed["items"]] == [squat["id"], whole.json()["id"]]  # newest first
    assert listed["total"] == 2

    ended = _send(routing, "DELETE", f"{BASE}/triggers/{squat['id']}", NOTE)
    assert ended.status_code == 200, ended.text
    assert ended.json()["ended_at"] is not None
    assert ended.json()["ended_by"] == NOTE["changed_by"]
    assert _send(routing, "DELETE", f"{BASE}/triggers/{squat['id']}", NOTE).status_code == 409
    assert _send(routing, "DELETE", f"{BASE}/triggers/no-such", NOTE).status_code == 404
    assert _effective(routing, who, "squat")["manual_strategy"] == "formula"
    assert _send(routing, "GET", f"{BASE}/triggers", lifter_id=who.id).json()["total"] == 1
    assert _trigger(routing, who, "llm", "squat").status_code == 201  # free again
    assert len(routing.rows(RoutingTriggerRow, lifter_id=who.id)) == 3  # history kept


# ---- validation, unknown lifters, auth ---------------------------------------------------


def test_bad_bodies_are_422_with_field_paths(routing: Api) -> None:
    who = routing.lifter()
    bad_rule = {"rule": {"strategy": "auto", "min_latency_ms": -1, "colour": "red"}}
    response = _send(routing, "PUT", _lifter_rule(who), {**bad_rule, "changed_by": ""})
    assert response.status_code == 422
    paths = sorted(d["path"] for d in response.json()["error"]["details"])
    assert paths == [
        "body.changed_by",
        "body.reason",
        "body.rule.colour",
        "body.rule.min_latency_ms",
        "body.rule.strategy",
    ]
    rollback = _send(routing, "POST", f"{_lifter_rule(who)}/rollback", {"version": 0, **NOTE})
    assert [d["path"] for d in rollback.json()["error"]["details"]] == ["body.version"]
    trigger = _send(routing, "POST", f"{BASE}/triggers", {"lifter_id": who.id, "lift": "curl"})
    assert sorted(d["path"] for d in trigger.json()["error"]["details"]) == [
        "body.changed_by",
        "body.lift",
        "body.reason",
        "body.strategy",
    ]
    assert _send(routing, "DELETE", _lifter_rule(who)).status_code == 422  # who and why
    assert _send(routing, "GET", _lifter_rule(who, "curl")).status_code == 422


def test_unknown_lifters_are_404(routing: Api) -> None:
    ghost = Lifter("no-such-lifter", "")
    for method, path, body in (
        ("PUT", _lifter_rule(ghost), {"rule": {}, **NOTE}),
        ("PUT", _lifter_rule(ghost, "squat"), {"rule": {}, **NOTE}),
        ("GET", _lifter_rule(ghost), None),
        ("GET", f"{_lifter_rule(ghost)}/versions", None),
        ("GET", f"{_lifter_rule(ghost)}/effective", None),
        ("POST", f"{_lifter_rule(ghost)}/rollback", {"version": 1, **NOTE}),
        ("POST", f"{BASE}/triggers", {"lifter_id": ghost.id, "strategy": "llm", **NOTE}),
    ):
        response = _send(routing, method, path, body)
        assert response.status_code == 404, (path, response.text)
        assert response.json()["error"]["code"] == "not_found"


# ---- deletion ----------------------------------------------------------------------------


def test_deleting_a_lifter_removes_its_rules_and_triggers(routing: Api) -> None:
    gone, kept = routing.lifter(), routing.lifter()
    for who in (gone, kept):
        _set(routing, _lifter_rule(who), {"strategy": "formula"})
        _set(routing, _lifter_rule(who, "squat"), {"strategy": "llm"})
        assert _trigger(routing, who, "hybrid").status_code == 201
    global_before = _send(routing, "GET", f"{GLOBAL}/versions").json()["total"]
    assert _send(routing, "DELETE", f"/v1/lifters/{gone.id}").status_code == 204
    assert routing.rows(RoutingRuleRow, lifter_id=gone.id) == []
    assert routing.rows(RoutingTriggerRow, lifter_id=gone.id) == []
    assert len(routing.rows(RoutingRuleRow, lifter_id=kept.id)) == 2
    assert len(routing.rows(RoutingTriggerRow, lifter_id=kept.id)) == 1
    assert _send(routing, "GET", f"{GLOBAL}/versions").json()["total"] == global_before


# ---- races (real on PostgreSQL; SQLite's writer queue serialises them) ---------------------


def _at_once(n: int, call: Any) -> list[httpx2.Response]:
    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(call, range(n)))


@pytest.mark.slow
@pytest.mark.parametrize("scope", ["global", "lift"])
def test_concurrent_changes_of_one_scope_take_consecutive_versions(
    routing: Api, scope: str
) -> None:
    path = GLOBAL if scope == "global" else _lifter_rule(routing.lifter(), "deadlift")
    before = _send(routing, "GET", f"{path}/versions").json()["total"]
    responses = _at_once(
        10, lambda i: _send(routing, "PUT", path, {"rule": {"max_calls_per_day": i}, **NOTE})
    )
    assert [r.status_code for r in responses] == [200] * 10, [r.text for r in responses]
    versions = sorted(r.json()["version"] for r in responses)
    assert versions == list(range(before + 1, before + 11))
    newest = _send(routing, "GET", f"{path}/versions", limit=1).json()["items"][0]
    assert _send(routing, "GET", path).json() == newest


@pytest.mark.slow
def test_concurrent_triggers_of_one_lifter_and_lift_leave_one_active(routing: Api) -> None:
    who = routing.lifter()
    responses = _at_once(10, lambda _: _trigger(routing, who, "formula", "bench"))
    assert sorted(r.status_code for r in responses) == [201] + [409] * 9
    assert len(routing.rows(RoutingTriggerRow, lifter_id=who.id)) == 1
