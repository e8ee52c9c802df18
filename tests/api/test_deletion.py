"""Deletion (ADR 0011): the whole account, by the lifter or the admin, leaves no row behind in
any table; single wrong entries (a set, a max, a disruption, a rehab cap, a program) go with
what hangs off them, and what is computed from them follows."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import String, func, or_, select

from api.llm.runtime import registry_for_source
from api.persistence.tables import (
    DisruptionRow,
    IdempotencyKeyRow,
    LifterSettingsRow,
    MaxRow,
    ProgramRow,
    SessionRow,
    SetLogRow,
    metadata,
)
from tests.api.client import ADMIN, Api, Lifter
from tests.api.test_llm_generation import LIGHTER, FakeSource
from training_engine.ports import AlwaysAccepting

# Every table a lifter with a full history has rows in (the newer tables join when they can).
FILLED = {
    "api_tokens",
    "check_ins",
    "comparison_logs",
    "disruptions",
    "generations",
    "idempotency_keys",
    "lifter_maxes",
    "lifter_settings",
    "lifters",
    "llm_calls",
    "muscle_volume_configs",
    "programs",
    "rehab_caps",
    "rest_configs",
    "set_logs",
    "training_sessions",
    "warmup_configs",
}


def _llm_api(make_api: Any) -> Api:
    api: Api = make_api(registry=registry_for_source(FakeSource(LIGHTER), AlwaysAccepting()))
    return api


def _lifter_with_everything(api: Api, name: str) -> Lifter:
    created = api.client.post(
        "/v1/lifters", json={"name": name}, headers={**ADMIN, "Idempotency-Key": str(uuid.uuid4())}
    )
    assert created.status_code == 201, created.text
    who = Lifter(created.json()["lifter"]["id"], created.json()["token"])
    assert api.post(who, "/v1/me/tokens", {"device": "phone"}).status_code == 201
    for lift, kg in (("squat", 140), ("bench", 100), ("deadlift", 180), ("squat", 145)):
        api.set_max(who, lift, kg)
    for path, body in (
        ("/v1/me/config/volume-landmarks", {"overrides": {"quads": {"mev": 9, "mrv": 18}}}),
        ("/v1/me/config/warmups", {"warmups": {"squat": {"type": "preset", "name": "minimal"}}}),
        ("/v1/me/config/rest", {"overrides": [{"lift": "squat", "rest_seconds": 200}]}),
    ):
        assert api.put(who, path, body).status_code == 200, path
    keyed = {**who.auth, "Idempotency-Key": "p-key"}
    assert api.client.post("/v1/me/programs", json={"total_weeks": 4}, headers=keyed).is_success
    api.post(who, "/v1/me/disruptions", {"disruption_type": "illness", "severity": "minor"})
    api.post(who, "/v1/me/rehab-caps", {"lift": "bench", "cap_kg": 60})
    first, second = api.sessions(who)[:2]
    for session, strategy in ((first, "hybrid"), (second, "llm")):
        body = {"strategy": strategy, "soreness": {"quads": 3}}
        assert api.generate(who, session["id"], key=strategy, body=body).status_code == 200
        logged = api.log_set(who, session["id"], set_number=1, weight_kg=100, reps=5)
        assert logged.is_success, logged.text
    assert api.post(who, f"/v1/me/sessions/{first['id']}/complete", {}).status_code == 200
    return who


def _is_text(column: Any) -> bool:
    """A text column (SQLModel's `AutoString` is a decorated `String`)."""
    return isinstance(getattr(column.type, "impl", column.type), String)


def _ids_of(api: Api, lifter_id: str) -> set[str]:
    """The lifter's id and the string ids of every row that names it."""
    ids = {lifter_id}
    with api.state.db.read() as unit:
        for table in metadata.tables.values():
            if "lifter_id" in table.c and "id" in table.c and _is_text(table.c.id):
                found = unit.connection().execute(
                    select(table.c.id).where(table.c.lifter_id == lifter_id)
                )
                ids |= {row[0] for row in found}
    return ids


def _referencing(api: Api, ids: set[str]) -> dict[str, int]:
    """Rows per table with any text column holding one of `ids` (a reference of any kind)."""
    counts: dict[str, int] = {}
    with api.state.db.read() as unit:
        for name, table in metadata.tables.items():
            columns = [c for c in table.c if _is_text(c)]
            if not columns:
                continue
            query = select(func.count()).select_from(table)
            query = query.where(or_(*(c.in_(sorted(ids)) for c in columns)))
            counts[name] = unit.connection().execute(query).scalar_one()
    return counts


def _delete_leaves_nothing(api: Api, delete: Any) -> None:
    who = _lifter_with_everything(api, "Gone")
    kept = _lifter_with_everything(api, "Kept")
    ids, kept_ids = _ids_of(api, who.id), _ids_of(api, kept.id)
    before = _referencing(api, ids)
    assert {t for t, n in before.items() if n} >= FILLED
    kept_before = _referencing(api, kept_ids)
    assert api.get(who, "/v1/me").status_code == 200  # the token is cached now
    response = delete(who)
    assert response.status_code == 204, response.text
    assert _referencing(api, ids) == dict.fromkeys(before, 0)
    assert _referencing(api, kept_ids) == kept_before
    refused = api.get(who, "/v1/me")  # at once, although the lookup was cached
    assert refused.status_code == 401
    assert api.client.get(f"/v1/lifters/{who.id}", headers=ADMIN).status_code == 404
    assert api.get(kept, "/v1/me").status_code == 200


def test_a_lifter_deletes_its_account_and_nothing_is_left(make_api: Any) -> None:
    api = _llm_api(make_api)
    _delete_leaves_nothing(api, lambda who: api.client.delete("/v1/me", headers=who.auth))


def test_the_admin_deletes_a_lifter_and_nothing_is_left(make_api: Any) -> None:
    api = _llm_api(make_api)
    _delete_leaves_nothing(
        api, lambda who: api.client.delete(f"/v1/lifters/{who.id}", headers=ADMIN)
    )
    assert api.client.delete("/v1/lifters/no-such-lifter", headers=ADMIN).status_code == 404


def test_deleting_a_program_takes_its_sessions_and_their_logs(make_api: Any) -> None:
    api = _llm_api(make_api)
    who = _lifter_with_everything(api, "P")
    program_id = api.sessions(who)[0]["program_id"]
    session_ids = {s["id"] for s in api.sessions(who)}
    disruption = api.rows(DisruptionRow, lifter_id=who.id)[0]
    assert api.rows(IdempotencyKeyRow, scope=who.id, route="programs")
    version = api.rows(LifterSettingsRow, lifter_id=who.id)[0].config_version
    response = api.client.delete(f"/v1/me/programs/{program_id}", headers=who.auth)
    assert response.status_code == 204, response.text
    assert api.sessions(who) == []
    assert api.rows(ProgramRow, lifter_id=who.id) == []
    gone = _referencing(api, session_ids | {program_id})
    assert gone == dict.fromkeys(gone, 0)
    assert api.rows(DisruptionRow, id=disruption.id)[0].program_id is None  # kept, unlinked
    assert api.rows(IdempotencyKeyRow, scope=who.id, route="programs") == []
    assert api.rows(LifterSettingsRow, lifter_id=who.id)[0].config_version > version
    again = api.client.delete(f"/v1/me/programs/{program_id}", headers=who.auth)
    assert again.status_code == 404
    # a retried key creates the program again rather than replaying a deleted one
    keyed = {**who.auth, "Idempotency-Key": "p-key"}
    created = api.client.post("/v1/me/programs", json={"total_weeks": 4}, headers=keyed)
    assert created.status_code == 201
    assert created.json()["id"] != program_id


def test_deleting_a_wrong_set_and_the_volume_follows(api: Api) -> None:
    who = api.lifter()
    api.set_max(who, "squat", 140)
    api.program(who)
    sid = api.sessions(who)[0]["id"]
    assert api.generate(who, sid).status_code == 200
    logged = [api.log_set(who, sid, set_number=n, weight_kg=100, reps=5).json() for n in (1, 2)]
    before = api.get(who, "/v1/me/volume").json()
    url = f"/v1/me/sessions/{sid}/sets/{logged[1]['id']}"
    assert api.client.delete(url, headers=who.auth).status_code == 204
    assert [r.id for r in api.rows(SetLogRow, session_id=sid)] == [logged[0]["id"]]
    assert api.get(who, "/v1/me/volume").json() != before
    assert api.client.delete(url, headers=who.auth).status_code == 404
    other = api.lifter()
    first = f"/v1/me/sessions/{sid}/sets/{logged[0]['id']}"
    assert api.client.delete(first, headers=other.auth).status_code == 404
    assert len(api.rows(SetLogRow, session_id=sid)) == 1


def test_deleting_a_wrong_max_makes_the_one_before_current(api: Api) -> None:
    who = api.lifter()
    api.set_max(who, "squat", 140)
    api.set_max(who, "squat", 1400 / 7 + 300)  # a typo
    assert api.client.delete("/v1/me/maxes/squat", headers=who.auth).status_code == 204
    maxes = api.get(who, "/v1/me/maxes").json()
    assert maxes["current"]["squat"]["one_rm_kg"] == 140
    assert [m["one_rm_kg"] for m in maxes["history"]] == [140]
    assert api.client.delete("/v1/me/maxes/squat", headers=who.auth).status_code == 204
    assert api.client.delete("/v1/me/maxes/squat", headers=who.auth).status_code == 404
    assert api.get(who, "/v1/me/maxes").json()["current"] == {}
    assert api.rows(MaxRow, lifter_id=who.id) == []


def test_deleting_a_disruption_or_a_rehab_cap(api: Api) -> None:
    who = api.lifter()
    disruption = api.post(
        who, "/v1/me/disruptions", {"disruption_type": "illness", "severity": "minor"}
    ).json()["id"]
    cap = api.post(who, "/v1/me/rehab-caps", {"lift": "bench", "cap_kg": 60}).json()["id"]
    other = api.lifter()
    for path in (f"/v1/me/disruptions/{disruption}", f"/v1/me/rehab-caps/{cap}"):
        assert api.client.delete(path, headers=other.auth).status_code == 404
        assert api.client.delete(path, headers=who.auth).status_code == 204
        assert api.client.delete(path, headers=who.auth).status_code == 404
    assert api.rows(DisruptionRow, lifter_id=who.id) == []
    assert api.rows(SessionRow, lifter_id=who.id) == []
    # a cap can be started again for the lift once the wrong one is gone
    assert api.post(who, "/v1/me/rehab-caps", {"lift": "bench", "cap_kg": 70}).status_code == 201
