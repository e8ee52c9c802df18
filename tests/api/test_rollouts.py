"""Phased rollouts with SLO monitoring (issue 11), on SQLite and PostgreSQL: the admin API, the
arm `auto` serves (the core's `arm`, stable per lifter), the rollout id and arm on the
generation row, the monitor's immediate rollback on a breach and its automatic advance, and
that a failing monitor never fails a generation."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import httpx2
import pytest

from api.persistence.repositories import rollouts as rollout_repo
from api.persistence.tables import GenerationRow
from shared_types.enums import FallbackReason
from shared_types.routing import Phase
from tests.api.client import ADMIN, Api, Lifter
from tests.api.conftest import MONDAY
from tests.api.test_llm_generation import FakeSource, _ready, _registry
from training_engine.routing.rollout import arm

BASE = "/v1/admin/rollouts"
NOTE = {"changed_by": "ops@example.com", "reason": "test"}
POOR_NIGHT = {"strategy": "auto", "sleep_quality": 1, "energy_level": 2}
CALM = {"strategy": "auto"}  # the gate is confident: no model call
ENOUGH_LIFTERS = 60  # at 25 %, P(fewer than 2 candidates among 60) < 1e-6


def _send(api: Api, method: str, path: str, body: Any = None, **params: Any) -> httpx2.Response:
    return api.client.request(method, path, json=body, params=params or None, headers=ADMIN)


def _ok(response: httpx2.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def _start(api: Api, **fields: Any) -> dict[str, Any]:
    body = {**NOTE, "candidate": "llm", "min_samples": 200, "min_elapsed_s": 0, **fields}
    return _ok(_send(api, "POST", BASE, body), 201)


def _move(api: Api, rollout: dict[str, Any], action: str) -> dict[str, Any]:
    return _ok(_send(api, "POST", f"{BASE}/{rollout['id']}/{action}", NOTE))


def _events(api: Api, rollout: dict[str, Any]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = _ok(_send(api, "GET", f"{BASE}/{rollout['id']}/events"))["items"]
    return items


def _generation(api: Api, who: Lifter, sid: str, body: dict[str, Any], key: str) -> GenerationRow:
    response = api.generate(who, sid, key=key, body=body)
    assert response.status_code == 200, response.text
    row: GenerationRow = api.rows(GenerationRow, id=response.json()["generation_id"])[0]
    return row


@pytest.fixture
def make(make_api: Any) -> Iterator[Callable[..., Api]]:
    """`make_api`, with every rollout still active stopped afterwards: the database is shared by
    the run, and a global rollout left behind would steer later tests' generations."""
    built: list[Api] = []

    def build(**kwargs: Any) -> Api:
        api: Api = make_api(**kwargs)
        built.append(api)
        return api

    yield build
    if built:
        for rollout in _ok(_send(built[0], "GET", BASE, active=True, limit=200))["items"]:
            _move(built[0], rollout, "stop")


def test_start_pause_resume_advance_roll_back_and_stop_through_the_api(
    make: Callable[..., Api],
) -> None:
    api = make(registry=_registry(FakeSource()))
    who, sid = _ready(api)
    rollout = _start(api, lifter_id=who.id, candidate="hybrid")
    assert (rollout["scope"], rollout["phase"], rollout["paused"]) == ("lifter", "shadow", False)
    again = _send(
        api,
        "POST",
        BASE,
        {**NOTE, "candidate": "llm", "lifter_id": who.id, "min_samples": 5, "min_elapsed_s": 0},
    )
    assert again.status_code == 409  # one active rollout per scope
    shadow = _generation(api, who, sid, POOR_NIGHT, "in-shadow")
    assert (shadow.rollout_id, shadow.rollout_arm) == (rollout["id"], "shadow")
    assert "rollout shadow phase" in (shadow.route or "")

    assert _move(api, rollout, "advance")["phase"] == "canary"
    paused = _move(api, rollout, "pause")
    assert (paused["phase"], paused["paused"]) == ("canary", True)
    assert _send(api, "POST", f"{BASE}/{rollout['id']}/advance", NOTE).status_code == 409
    control = _generation(api, who, sid, POOR_NIGHT, "paused")
    assert control.rollout_arm == "control"  # paused: everyone is served as the control
    assert "rollout control arm: the formula serves" in (control.route or "")
    assert _move(api, rollout, "resume")["paused"] is False
    assert _move(api, rollout, "rollback")["phase"] == "shadow"
    assert _move(api, rollout, "stop")["phase"] == "off"
    assert _send(api, "POST", f"{BASE}/{rollout['id']}/rollback", NOTE).status_code == 409
    after = _generation(api, who, sid, POOR_NIGHT, "stopped")
    assert (after.rollout_id, after.rollout_arm) == (None, None)

    moves = [(e["from_phase"], e["to_phase"], e["changed_by"]) for e in _events(api, rollout)]
    assert moves == [
        ("shadow", "off", "ops@example.com"),
        ("canary", "shadow", "ops@example.com"),
        ("canary", "canary", "ops@example.com"),  # resumed
        ("canary", "canary", "ops@example.com"),  # paused
        ("shadow", "canary", "ops@example.com"),
        ("off", "shadow", "ops@example.com"),
    ]
    assert _events(api, rollout)[-1]["why"] == "started in shadow: test"
    assert _send(api, "GET", f"{BASE}/no-such").status_code == 404
    assert _send(api, "GET", f"{BASE}/no-such/events").status_code == 404
    listed = _ok(_send(api, "GET", BASE, limit=200))["items"]
    assert rollout["id"] in {r["id"] for r in listed}
    active = _ok(_send(api, "GET", BASE, active=True, limit=200))["items"]
    assert rollout["id"] not in {r["id"] for r in active}


def test_a_new_rollout_may_start_once_the_scope_is_free_and_a_lift_needs_a_lifter(
    make: Callable[..., Api],
) -> None:
    api = make(registry=_registry(FakeSource()))
    who, _ = _ready(api)
    first = _start(api, lifter_id=who.id, lift="squat")
    assert (first["scope"], first["lift"]) == ("lift", "squat")
    _move(api, first, "rollback")  # shadow -> off: the scope is free again
    assert _start(api, lifter_id=who.id, lift="squat")["phase"] == "shadow"
    lone = _send(
        api,
        "POST",
        BASE,
        {**NOTE, "candidate": "llm", "lift": "squat", "min_samples": 5, "min_elapsed_s": 0},
    )
    assert lone.status_code == 422
    unknown = {
        **NOTE,
        "candidate": "llm",
        "lifter_id": "nobody",
        "min_samples": 5,
        "min_elapsed_s": 0,
    }
    assert _send(api, "POST", BASE, unknown).status_code == 404


def test_the_arm_is_the_cores_and_stays_with_the_lifter(make: Callable[..., Api]) -> None:
    api = make(registry=_registry(FakeSource()))
    rollout = _start(api)  # global; 200 samples: no verdict moves it in this test
    _move(api, rollout, "advance")
    _move(api, rollout, "advance")  # guarded: 25 % candidates
    arms = set()
    for n in range(8):
        who, sid = _ready(api)
        expected = arm(who.id, rollout["id"], Phase.GUARDED)
        for key in ("first", "again"):
            row = _generation(api, who, sid, POOR_NIGHT, f"{n}-{key}")
            assert (row.rollout_id, row.rollout_arm) == (rollout["id"], expected)
            served = "llm" if expected == "candidate" else "formula"
            assert row.jit_strategy == served
            assert f"rollout {expected} arm" in (row.route or "")
        arms.add(expected)
    status = _ok(_send(api, "GET", f"{BASE}/{rollout['id']}"))
    window = status["window"]
    assert window["candidate"]["n"] + window["control"]["n"] == 16
    assert window["verdict"]["enough_samples"] is False


def _until_moved(
    api: Api, rollout: dict[str, Any], body: dict[str, Any], tick: Callable[[], None]
) -> dict[str, Any]:
    """New lifters generate (after `tick`) until the monitor moves the rollout; its event."""
    for n in range(ENOUGH_LIFTERS):
        tick()
        who, sid = _ready(api)
        _generation(api, who, sid, body, f"lifter-{n}")
        newest = _events(api, rollout)[0]
        if newest["changed_by"] == "slo-monitor":
            return newest
    raise AssertionError("the monitor never moved the rollout")


def test_a_synthetic_slo_breach_rolls_back_at_once_with_an_audit_event(
    make: Callable[..., Api],
) -> None:
    # The candidate's model always fails: every candidate generation falls back.
    api = make(registry=_registry(FakeSource(reason=FallbackReason.PROVIDER_ERROR)))
    rollout = _start(api, min_samples=2)
    _move(api, rollout, "advance")
    _move(api, rollout, "advance")
    event = _until_moved(api, rollout, POOR_NIGHT, lambda: None)
    assert (event["from_phase"], event["to_phase"]) == ("guarded", "canary")
    assert event["why"].startswith("SLO breach (")
    check = event["check"]
    assert check["verdict"]["breached"] is True
    assert "fallback rate 100.0% above 2.0%" in check["verdict"]["breaches"]
    assert check["candidate"]["n"] == 2
    assert check["control"]["n"] >= 2
    assert check["control"]["fallback_rate"] == 0.0
    status = _ok(_send(api, "GET", f"{BASE}/{rollout['id']}"))
    assert status["phase"] == "canary"
    assert status["last_check"] == check


def test_within_the_slos_it_advances_after_enough_samples_and_time(
    make: Callable[..., Api],
) -> None:
    api = make(registry=_registry(FakeSource()))
    rollout = _start(api, min_samples=2, min_elapsed_s=3600, auto_advance=True)
    _move(api, rollout, "advance")
    _move(api, rollout, "advance")
    minutes = iter(range(10_000))

    def tick() -> None:  # 10 minutes per lifter: an hour passes after six
        api.clock.set(MONDAY + timedelta(minutes=10 * next(minutes)))

    event = _until_moved(api, rollout, CALM, tick)
    assert (event["from_phase"], event["to_phase"]) == ("guarded", "general")
    assert event["why"].startswith("within SLOs after")
    assert event["check"]["verdict"] == {"breached": False, "breaches": [], "enough_samples": True}
    assert api.clock() - MONDAY >= timedelta(hours=1)


def test_a_failing_slo_check_never_fails_the_generation(
    make: Callable[..., Api], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    api = make(registry=_registry(FakeSource()))
    who, sid = _ready(api)
    rollout = _start(api, lifter_id=who.id, min_samples=1)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the window cannot be read")

    monkeypatch.setattr(rollout_repo, "window", broken)
    row = _generation(api, who, sid, POOR_NIGHT, "still-served")
    assert (row.rollout_id, row.rollout_arm) == (rollout["id"], "shadow")
    assert f"the SLO check of rollout {rollout['id']} failed" in caplog.text


def test_the_most_specific_rollout_applies_and_its_candidate_serves(
    make: Callable[..., Api],
) -> None:
    api = make(registry=_registry(FakeSource()))
    who, sid = _ready(api)
    everyone = _start(api)  # global, in shadow
    own = _start(api, lifter_id=who.id, candidate="hybrid")
    for _ in range(3):
        _move(api, own, "advance")  # general: every lifter of the scope is a candidate
    row = _generation(api, who, sid, POOR_NIGHT, "own")
    assert (row.rollout_id, row.rollout_arm) == (own["id"], "candidate")
    assert (row.route or "").startswith("hybrid: rule: hybrid (from lifter)")
    assert (row.route or "").endswith("rollout candidate arm: hybrid serves")
    other, other_sid = _ready(api)
    row = _generation(api, other, other_sid, POOR_NIGHT, "other")
    assert (row.rollout_id, row.rollout_arm) == (everyone["id"], "shadow")
