"""Auth on every lifter route, isolation between lifters, and the one error shape."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from tests.api.client import ADMIN, Api, Lifter


def _routes(tag: str | None = None) -> list[tuple[str, str]]:
    """Every operation (with `tag`), read from the OpenAPI document."""
    schema = create_app(Settings(database_url="sqlite://"), migrate=False).openapi()
    return sorted(
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if tag is None or tag in operation.get("tags", ())
    )


LIFTER_ROUTES = [(method, path) for method, path in _routes() if path.startswith("/v1/me")]
assert len(LIFTER_ROUTES) >= 30, LIFTER_ROUTES
ADMIN_ROUTES = [
    ("POST", "/v1/lifters"),
    ("GET", "/v1/lifters"),
    ("GET", "/v1/lifters/{id}"),
    ("POST", "/v1/lifters/{id}/token"),
    ("DELETE", "/v1/lifters/{id}"),
    ("GET", "/v1/admin/llm-calls"),
    ("GET", "/v1/admin/comparisons"),
    ("GET", "/v1/admin/budgets"),
    ("GET", "/v1/lifters/{id}/calibrations"),
    ("POST", "/v1/lifters/{id}/calibrations/recommendations/{recommendation_id}/{decision}"),
    ("PUT", "/v1/admin/routing/rules/global"),
    ("GET", "/v1/admin/routing/rules/global"),
    ("DELETE", "/v1/admin/routing/rules/global"),
    ("GET", "/v1/admin/routing/rules/global/versions"),
    ("POST", "/v1/admin/routing/rules/global/rollback"),
    ("PUT", "/v1/admin/routing/rules/lifters/{id}"),
    ("GET", "/v1/admin/routing/rules/lifters/{id}"),
    ("DELETE", "/v1/admin/routing/rules/lifters/{id}"),
    ("GET", "/v1/admin/routing/rules/lifters/{id}/versions"),
    ("POST", "/v1/admin/routing/rules/lifters/{id}/rollback"),
    ("PUT", "/v1/admin/routing/rules/lifters/{id}/lifts/{lift}"),
    ("GET", "/v1/admin/routing/rules/lifters/{id}/lifts/{lift}"),
    ("DELETE", "/v1/admin/routing/rules/lifters/{id}/lifts/{lift}"),
    ("GET", "/v1/admin/routing/rules/lifters/{id}/lifts/{lift}/versions"),
    ("POST", "/v1/admin/routing/rules/lifters/{id}/lifts/{lift}/rollback"),
    ("GET", "/v1/admin/routing/rules/lifters/{id}/effective"),
    ("POST", "/v1/admin/routing/triggers"),
    ("GET", "/v1/admin/routing/triggers"),
    ("DELETE", "/v1/admin/routing/triggers/{trigger_id}"),
    ("POST", "/v1/admin/rollouts"),
    ("GET", "/v1/admin/rollouts"),
    ("GET", "/v1/admin/rollouts/{rollout_id}"),
    ("POST", "/v1/admin/rollouts/{rollout_id}/advance"),
    ("POST", "/v1/admin/rollouts/{rollout_id}/pause"),
    ("POST", "/v1/admin/rollouts/{rollout_id}/resume"),
    ("POST", "/v1/admin/rollouts/{rollout_id}/rollback"),
    ("POST", "/v1/admin/rollouts/{rollout_id}/stop"),
    ("GET", "/v1/admin/rollouts/{rollout_id}/events"),
    ("POST", "/v1/admin/oracle/runs"),
    ("GET", "/v1/admin/oracle/runs"),
    ("GET", "/v1/admin/oracle/runs/{run_id}"),
    ("GET", "/v1/admin/oracle/rules"),
    ("GET", "/v1/admin/oracle/rules/{rule_id}"),
    ("POST", "/v1/admin/oracle/rules/{rule_id}/activate"),
    ("POST", "/v1/admin/oracle/rules/{rule_id}/advance"),
    ("POST", "/v1/admin/oracle/rules/{rule_id}/pause"),
    ("POST", "/v1/admin/oracle/rules/{rule_id}/resume"),
    ("POST", "/v1/admin/oracle/rules/{rule_id}/rollback"),
]
WRONG = {"Authorization": "Bearer jit_not-a-real-token"}


def test_every_admin_route_is_checked() -> None:
    normalised = [(m, p.replace("{lifter_id}", "{id}")) for m, p in _routes("admin")]
    assert sorted(normalised) == sorted(ADMIN_ROUTES)


def _owner_with_everything(api: Api) -> tuple[Lifter, dict[str, str]]:
    owner = api.lifter()
    api.set_max(owner, "squat", 140)
    api.program(owner)
    sid = api.sessions(owner)[0]["id"]
    disruption = api.post(
        owner, "/v1/me/disruptions", {"disruption_type": "illness", "severity": "minor"}
    ).json()["id"]
    cap = api.post(owner, "/v1/me/rehab-caps", {"lift": "bench", "cap_kg": 60}).json()["id"]
    ids = {"session_id": sid, "disruption_id": disruption, "cap_id": cap, "lift": "squat"}
    ids |= {"set_id": "no-such-set", "token_id": "no-such-token", "decision": "accept"}
    ids |= {"recommendation_id": "no-such", "suggestion_id": "no-such", "advice_id": "no-such"}
    exercise = {"name": "Own Curl", "muscles": [{"muscle": "biceps"}]}
    ids["exercise_id"] = api.post(owner, "/v1/me/exercises", exercise).json()["id"]
    ids.setdefault("program_id", api.sessions(owner)[0]["program_id"])
    return owner, ids


def _call(api: Api, method: str, path: str, headers: dict[str, str], ids: dict[str, str]) -> Any:
    url = re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], path)
    extra = {"Idempotency-Key": "auth-test"} if path.endswith("/generate") else {}
    if method in ("GET",):
        return api.client.request(method, url, headers={**headers, **extra})
    body = {"set_number": 1, "weight_kg": 50, "reps": 5} if path.endswith("/sets") else {}
    return api.client.request(method, url, json=body, headers={**headers, **extra})


@pytest.mark.parametrize(("method", "path"), LIFTER_ROUTES)
def test_every_lifter_route_needs_the_lifters_own_token(api: Api, method: str, path: str) -> None:
    owner, ids = _owner_with_everything(api)
    other = api.lifter()
    missing = _call(api, method, path, {}, ids)
    wrong = _call(api, method, path, WRONG, ids)
    admin = _call(api, method, path, ADMIN, ids)
    for response, status in ((missing, 401), (wrong, 401), (admin, 403)):
        assert response.status_code == status, (path, response.text)
        assert set(response.json()) == {"error"}
    foreign = _call(api, method, path, other.auth, ids)
    if "{" in path and "{lift}" not in path:
        assert foreign.status_code == 404, (path, foreign.text)
        assert foreign.json()["error"]["code"] == "not_found"
    else:  # the other lifter only ever sees its own data
        assert foreign.status_code < 500
        for value in (owner.id, *ids.values()):
            if value != "squat":
                assert value not in foreign.text


@pytest.mark.parametrize(("method", "path"), ADMIN_ROUTES)
def test_admin_routes_refuse_lifters(api: Api, method: str, path: str) -> None:
    lifter = api.lifter()
    url = path.replace("{id}", lifter.id).replace("{decision}", "accept")
    # An id the lifter does not have: the admin passes auth and is told it is not found.
    admitted = (404,) if "{recommendation_id}" in url else (200, 201, 204)
    # Past auth: no rule is set yet or no such rollout (404), no who and why in the body (422).
    if "/routing/" in url or "/rollouts" in url or "/oracle/" in url:
        admitted = (200, 201, 404, 422)
    url = url.replace("{recommendation_id}", "no-such")
    url = url.replace("{lift}", "squat").replace("{trigger_id}", "no-such")
    url = url.replace("{rollout_id}", "no-such").replace("{run_id}", "no-such")
    url = url.replace("{rule_id}", "no-such")
    body = {"name": "x"} if method == "POST" else None
    assert api.client.request(method, url, json=body).status_code == 401
    assert api.client.request(method, url, json=body, headers=WRONG).status_code == 401
    assert api.client.request(method, url, json=body, headers=lifter.auth).status_code == 403
    assert api.client.request(method, url, json=body, headers=ADMIN).status_code in admitted


def test_the_token_is_shown_once_and_can_be_rotated(api: Api) -> None:
    lifter = api.lifter(name="Bo")
    profile = api.client.get(f"/v1/lifters/{lifter.id}", headers=ADMIN).json()
    assert lifter.token not in str(profile)
    assert api.get(lifter, "/v1/me").status_code == 200  # the lookup is now cached
    rotated = api.client.post(f"/v1/lifters/{lifter.id}/token", headers=ADMIN).json()["token"]
    assert api.get(lifter, "/v1/me").status_code == 401
    assert (
        api.client.get("/v1/me", headers={"Authorization": f"Bearer {rotated}"}).json()["name"]
        == "Bo"
    )


def test_admin_is_off_without_an_admin_token(make_api: Any) -> None:
    api: Api = make_api(admin_token=None)
    response = api.client.post("/v1/lifters", json={"name": "x"}, headers=ADMIN)
    assert response.status_code == 401


def test_validation_errors_name_every_field_path(api: Api) -> None:
    who = api.lifter()
    api.program(who)
    sid = api.sessions(who)[0]["id"]
    response = api.generate(
        who, sid, body={"soreness": {"quads": 11, "toes": 2}, "sleep_quality": 0}
    )
    assert response.status_code == 422
    paths = sorted(d["path"] for d in response.json()["error"]["details"])
    assert paths == ["body.sleep_quality", "body.soreness.quads", "body.soreness.toes"]
    missing_key = api.post(who, f"/v1/me/sessions/{sid}/generate", {})
    assert missing_key.status_code == 422
    assert missing_key.json()["error"]["details"][0]["path"] == "header.Idempotency-Key"
    bad_override = api.put(
        who, "/v1/me/config/formula", {"overrides": {"block1": {"heavy": {"sets": 99}}}}
    )
    assert [d["path"] for d in bad_override.json()["error"]["details"]] == [
        "body.overrides.block1.heavy.sets"
    ]


def test_unknown_routes_and_methods_use_the_error_shape(api: Api) -> None:
    assert api.client.get("/nope").json()["error"]["code"] == "not_found"
    assert api.client.delete("/healthz").json()["error"]["code"] == "method_not_allowed"
    broken_json = api.client.post(
        "/v1/lifters", content=b"{", headers={**ADMIN, "Content-Type": "application/json"}
    )
    assert broken_json.status_code == 400
    assert broken_json.json()["error"]["code"] == "malformed_json"


def test_health_and_readiness(api: Api) -> None:
    assert api.client.get("/healthz").json() == {"status": "ok"}
    assert api.client.get("/readyz").json() == {"status": "ready"}


def test_readiness_reports_an_unreachable_database(tmp_path: Any) -> None:
    url = f"sqlite:///{tmp_path / 'missing' / 'nowhere.db'}"
    with TestClient(create_app(Settings(database_url=url), migrate=False)) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "unavailable"
    assert client.get("/healthz").status_code == 200


def test_a_disruption_cannot_end_before_it_starts(api: Api) -> None:
    who = api.lifter()
    made = api.post(
        who,
        "/v1/me/disruptions",
        {"disruption_type": "travel", "severity": "minor", "affected_date_end": "2026-03-01"},
    )
    assert made.status_code == 422
    assert made.json()["error"]["details"][0]["path"] == "body.affected_date_end"
    ok = api.post(who, "/v1/me/disruptions", {"disruption_type": "travel", "severity": "minor"})
    patched = api.patch(
        who, f"/v1/me/disruptions/{ok.json()['id']}", {"affected_date_end": "2026-02-01"}
    )
    assert patched.status_code == 422
    resolved = api.post(who, f"/v1/me/disruptions/{ok.json()['id']}/resolve")
    assert resolved.json()["status"] == "resolved"
    late = api.patch(who, f"/v1/me/disruptions/{ok.json()['id']}", {"severity": "major"})
    assert late.status_code == 409
