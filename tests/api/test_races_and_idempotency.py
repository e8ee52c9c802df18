"""Races on one lifter's rows, and Idempotency-Key on the POSTs that create something (issue 9).

The concurrency tests send 10 requests at once through the TestClient's threads; on PostgreSQL
(TEST_DATABASE_URL) they race for real, on SQLite the writer queue serialises them.
"""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from api.persistence.tables import (
    ApiTokenRow,
    DisruptionRow,
    IdempotencyKeyRow,
    LifterRow,
    ProgramRow,
    RehabCapRow,
    VolumeLandmarkRow,
    WarmupConfigRow,
)
from api.state import TokenCache
from tests.api.client import ADMIN, Api, Lifter


def _at_once(n: int, call: Any) -> list[httpx.Response]:
    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(call, range(n)))


# ---- races ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_ten_concurrent_programs_leave_exactly_one_active(api: Api) -> None:
    who = api.lifter()
    responses = _at_once(10, lambda _: api.post(who, "/v1/me/programs", {"total_weeks": 2}))
    assert [r.status_code for r in responses] == [201] * 10
    programs = api.rows(ProgramRow, lifter_id=who.id)
    assert len(programs) == 10
    assert [p.status for p in programs].count("active") == 1
    listed = api.get(who, "/v1/me/programs").json()["items"]
    assert [p["status"] for p in listed].count("active") == 1


@pytest.mark.slow
def test_ten_concurrent_landmark_and_warmup_puts_never_fail(api: Api) -> None:
    who = api.lifter()

    def landmarks(i: int) -> httpx.Response:
        body = {
            "overrides": {"quads": {"mev": 6 + i, "mrv": 20 + i}, "chest": {"mev": 5, "mrv": 18}}
        }
        return api.put(who, "/v1/me/config/volume-landmarks", body)

    def warmups(i: int) -> httpx.Response:
        protocol = {"type": "preset", "name": "minimal" if i % 2 else "standard"}
        return api.put(who, "/v1/me/config/warmups", {"warmups": {"squat": protocol}})

    for call, table in ((landmarks, VolumeLandmarkRow), (warmups, WarmupConfigRow)):
        responses = _at_once(10, call)
        assert [r.status_code for r in responses] == [200] * 10, [r.text for r in responses]
        rows = api.rows(table, lifter_id=who.id)
        assert len(rows) == (2 if table is VolumeLandmarkRow else 1)
    # last writer wins: what is stored is one whole request's body
    quads = {r.muscle: r for r in api.rows(VolumeLandmarkRow, lifter_id=who.id)}["quads"]
    assert quads.mrv_sets - quads.mev_sets == 14


@pytest.mark.slow
def test_ten_concurrent_token_rotations_leave_exactly_one_valid(api: Api) -> None:
    who = api.lifter()
    assert api.get(who, "/v1/me").status_code == 200  # the old token is cached now
    responses = _at_once(
        10, lambda _: api.client.post(f"/v1/lifters/{who.id}/token", headers=ADMIN)
    )
    assert [r.status_code for r in responses] == [200] * 10
    live = [t for t in api.rows(ApiTokenRow, lifter_id=who.id) if t.revoked_at is None]
    assert len(live) == 1
    tokens = [r.json()["token"] for r in responses] + [who.token]
    accepted = [t for t in tokens if api.get(Lifter(who.id, t), "/v1/me").status_code == 200]
    assert len(accepted) == 1


def test_a_lookup_that_raced_a_rotation_is_not_cached() -> None:
    """A request that read the old token before the rotation committed cannot cache it after."""
    cache: TokenCache[str] = TokenCache()
    cache.forget(["old"])
    cache.put("old", "lifter")
    assert cache.get("old") is None
    cache.put("new", "lifter")
    assert cache.get("new") == "lifter"


# ---- a superseded generation key ------------------------------------------------------------


def test_an_old_key_after_a_regeneration_is_a_409_superseded(api: Api) -> None:
    who = api.lifter()
    api.set_max(who, "squat", 140)
    api.program(who, total_weeks=1)
    sid = api.sessions(who)[0]["id"]
    first = api.generate(who, sid, key="first")
    assert first.status_code == 200
    assert api.generate(who, sid, key="first").headers["Idempotent-Replayed"] == "true"
    second = api.generate(who, sid, key="second", body={"soreness": {"quads": 7}})
    assert second.status_code == 200
    old = api.generate(who, sid, key="first")
    assert old.status_code == 409
    assert old.json()["error"]["code"] == "superseded"
    assert second.json()["generation_id"] in old.json()["error"]["message"]
    # the current key still replays; a different body under the old key is still a conflict
    again = api.generate(who, sid, key="second", body={"soreness": {"quads": 7}})
    assert again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.content == second.content
    other = api.generate(who, sid, key="first", body={"sleep_quality": 1})
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "conflict"


# ---- Idempotency-Key on creating POSTs ------------------------------------------------------


def _keyed(who: Lifter | None, key: str) -> dict[str, str]:
    return {**(who.auth if who else ADMIN), "Idempotency-Key": key}


CREATES: list[tuple[str, dict[str, Any], dict[str, Any], Any]] = [
    ("/v1/me/programs", {"total_weeks": 2}, {"total_weeks": 3}, ProgramRow),
    (
        "/v1/me/disruptions",
        {"disruption_type": "illness", "severity": "minor"},
        {"disruption_type": "illness", "severity": "major"},
        DisruptionRow,
    ),
    (
        "/v1/me/rehab-caps",
        {"lift": "squat", "cap_kg": 60},
        {"lift": "squat", "cap_kg": 70},
        RehabCapRow,
    ),
]


@pytest.mark.parametrize(("path", "body", "other", "table"), CREATES)
def test_a_repeated_key_replays_the_first_response(
    api: Api, path: str, body: dict[str, Any], other: dict[str, Any], table: Any
) -> None:
    who = api.lifter()
    first = api.client.post(path, json=body, headers=_keyed(who, "k1"))
    assert first.status_code == 201, first.text
    assert first.headers["Idempotent-Replayed"] == "false"
    again = api.client.post(path, json=body, headers=_keyed(who, "k1"))
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.content == first.content
    assert len(api.rows(table, lifter_id=who.id)) == 1
    changed = api.client.post(path, json=other, headers=_keyed(who, "k1"))
    assert changed.status_code == 409
    assert changed.json()["error"]["code"] == "conflict"
    assert len(api.rows(table, lifter_id=who.id)) == 1
    # keys are per lifter: another lifter's same key creates its own
    someone = api.lifter()
    assert api.client.post(path, json=body, headers=_keyed(someone, "k1")).status_code == 201
    # without a key nothing changes: every request creates (a rehab cap is then a 409)
    plain = api.post(who, path, body)
    assert plain.status_code == (409 if table is RehabCapRow else 201)
    assert "Idempotent-Replayed" not in plain.headers


def test_a_failed_request_stores_no_key(api: Api) -> None:
    who = api.lifter()
    bad = {
        "disruption_type": "illness",
        "severity": "minor",
        "affected_date_start": "2026-03-05",
        "affected_date_end": "2026-03-01",
    }
    assert (
        api.client.post("/v1/me/disruptions", json=bad, headers=_keyed(who, "k")).status_code == 422
    )
    good = {"disruption_type": "illness", "severity": "minor"}
    assert (
        api.client.post("/v1/me/disruptions", json=good, headers=_keyed(who, "k")).status_code
        == 201
    )
    assert len(api.rows(IdempotencyKeyRow, lifter_id=who.id)) == 1


def test_a_repeated_key_answers_the_same_lifter_with_a_new_token(api: Api) -> None:
    """Only a token's hash is stored, so the replay issues a new token (the first revoked)."""
    key = f"new-lifter-{uuid.uuid4()}"
    body = {"name": "Keyed"}
    first = api.client.post("/v1/lifters", json=body, headers=_keyed(None, key))
    assert first.status_code == 201
    again = api.client.post("/v1/lifters", json=body, headers=_keyed(None, key))
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["lifter"] == first.json()["lifter"]
    lifter_id = first.json()["lifter"]["id"]
    assert len(api.rows(LifterRow, id=lifter_id)) == 1
    old, new = first.json()["token"], again.json()["token"]
    assert api.get(Lifter(lifter_id, old), "/v1/me").status_code == 401
    assert api.get(Lifter(lifter_id, new), "/v1/me").status_code == 200
    assert all(first.json()["token"] not in r.response_json for r in api.rows(IdempotencyKeyRow))
    other = api.client.post("/v1/lifters", json={"name": "Other"}, headers=_keyed(None, key))
    assert other.status_code == 409


def test_a_retried_program_does_not_archive_the_one_it_made(api: Api) -> None:
    who = api.lifter()
    first = api.client.post("/v1/me/programs", json={"total_weeks": 2}, headers=_keyed(who, "p"))
    retry = api.client.post("/v1/me/programs", json={"total_weeks": 2}, headers=_keyed(who, "p"))
    assert retry.json() == first.json()
    [program] = api.rows(ProgramRow, lifter_id=who.id)
    assert program.status == "active"


@pytest.mark.slow
def test_ten_concurrent_requests_with_one_key_create_one(api: Api) -> None:
    who = api.lifter()
    for path, body, _other, table in CREATES:
        responses = _at_once(
            10, lambda _, p=path, b=body: api.client.post(p, json=b, headers=_keyed(who, "same"))
        )
        assert [r.status_code for r in responses] == [201] * 10, [r.text for r in responses]
        assert len({r.content for r in responses}) == 1
        replayed = sorted(r.headers["Idempotent-Replayed"] for r in responses)
        assert replayed == ["false"] + ["true"] * 9
        assert len(api.rows(table, lifter_id=who.id)) == 1
    key = f"one-lifter-{uuid.uuid4()}"
    responses = _at_once(
        10,
        lambda _: api.client.post("/v1/lifters", json={"name": "Once"}, headers=_keyed(None, key)),
    )
    assert [r.status_code for r in responses] == [201] * 10
    [lifter_id] = {r.json()["lifter"]["id"] for r in responses}
    live = [t for t in api.rows(ApiTokenRow, lifter_id=lifter_id) if t.revoked_at is None]
    assert len(live) == 1
