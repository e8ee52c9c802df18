"""What an app needs (issue 9): today's session, programs (detail, edit, sessions by program),
one page shape on every list, and the history and trend routes; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from api.schemas import Page, ProgramPatch
from tests.api.client import ADMIN, Api, Lifter
from training_engine.planning import epley_with_reserve_kg


def _dates(api: Api, who: Lifter, **params: Any) -> list[tuple[str, str]]:
    return [(s["planned_date"], s["status"]) for s in api.sessions(who, **params)]


# --- GET /v1/me/today ----------------------------------------------------------------------


def test_today_is_the_next_open_session_and_404_when_none(api: Api) -> None:
    who = api.lifter()
    none = api.get(who, "/v1/me/today")
    assert none.status_code == 404
    assert "no session to do on or after 2026-03-02" in none.json()["error"]["message"]

    api.set_max(who, "squat", 140)
    api.set_max(who, "bench", 100)
    api.program(who, total_weeks=1)  # Mon, Wed, Fri 2-6 March 2026
    first, second, third = api.sessions(who)
    today = api.get(who, "/v1/me/today").json()
    assert (today["id"], today["planned_date"], today["prescription"]) == (
        first["id"],
        "2026-03-02",
        None,
    )

    # A skipped session is done with; the next one, once generated, carries its prescription.
    assert api.post(who, f"/v1/me/sessions/{first['id']}/skip").status_code == 200
    assert api.generate(who, second["id"]).status_code == 200
    today = api.get(who, "/v1/me/today").json()
    assert (today["id"], today["status"]) == (second["id"], "generated")
    assert (today["primary_lift"], len(today["prescription"]["main_lift_sets"]) > 0) == (
        "bench",
        True,
    )

    # On Thursday, Wednesday's generated session is past: Friday's is next.
    api.clock.set(datetime(2026, 3, 5, 7, 0, tzinfo=UTC))
    assert api.get(who, "/v1/me/today").json()["id"] == third["id"]

    # After the last session's day there is nothing to do.
    api.clock.set(datetime(2026, 3, 7, 7, 0, tzinfo=UTC))
    assert api.get(who, "/v1/me/today").status_code == 404


def test_today_is_the_lifters_own(api: Api) -> None:
    owner, other = api.lifter(), api.lifter()
    api.program(owner, total_weeks=1)
    assert api.get(other, "/v1/me/today").status_code == 404


# --- programs: detail, edit, sessions by program --------------------------------------------


def test_sessions_filter_by_program_and_program_detail(api: Api) -> None:
    who, other = api.lifter(), api.lifter()
    old = api.program(who, total_weeks=1)
    new = api.program(who, total_weeks=2)
    by_old = api.sessions(who, program_id=old["id"])
    by_new = api.sessions(who, program_id=new["id"])
    assert (len(by_old), len(by_new)) == (3, 6)
    assert {s["program_id"] for s in by_old} == {old["id"]}
    assert {s["status"] for s in by_old} == {"skipped"}  # replaced
    foreign = api.get(other, "/v1/me/sessions", params={"program_id": new["id"]})
    assert foreign.status_code == 404

    detail = api.get(who, f"/v1/me/programs/{new['id']}").json()
    assert detail["id"] == new["id"]
    assert detail["status"] == "active"
    assert detail["end_date"] == "2026-03-13"
    assert detail["current_week"] == 1
    assert detail["sessions_by_status"]["planned"] == 6
    assert api.get(other, f"/v1/me/programs/{new['id']}").status_code == 404
    assert api.get(who, "/v1/me/programs/no-such-program").status_code == 404


def test_new_weekdays_move_only_sessions_still_planned_from_today(api: Api) -> None:
    who = api.lifter()
    api.set_max(who, "squat", 140)
    api.set_max(who, "bench", 100)
    program = api.program(who, total_weeks=2)  # Mon/Wed/Fri 2-13 March
    monday, wednesday, *_ = api.sessions(who)
    assert api.post(who, f"/v1/me/sessions/{monday['id']}/skip").status_code == 200
    assert api.generate(who, wednesday["id"]).status_code == 200
    api.clock.set(datetime(2026, 3, 3, 8, 0, tzinfo=UTC))  # Tuesday: Monday's is past

    moved = api.patch(who, f"/v1/me/programs/{program['id']}", {"weekdays": [2, 4, 6]})
    assert moved.status_code == 200, moved.text
    assert moved.json()["weekdays"] == [2, 4, 6]
    # Skipped Monday and generated Wednesday keep their dates; the four planned sessions move
    # to Tue/Thu/Sat after the kept Wednesday, in plan order.
    assert _dates(api, who) == [
        ("2026-03-02", "skipped"),
        ("2026-03-04", "generated"),
        ("2026-03-05", "planned"),
        ("2026-03-07", "planned"),
        ("2026-03-10", "planned"),
        ("2026-03-12", "planned"),
    ]
    weeks = [(s["week_number"], s["day_number"]) for s in api.sessions(who)]
    assert weeks == [(1, 1), (1, 2), (1, 3), (2, 1), (2, 2), (2, 3)]

    wrong = api.patch(who, f"/v1/me/programs/{program['id']}", {"weekdays": [1, 2]})
    assert wrong.status_code == 422
    assert wrong.json()["error"]["details"][0]["path"] == "body.weekdays"


def test_an_earlier_end_date_skips_the_planned_sessions_after_it(api: Api) -> None:
    who = api.lifter()
    program = api.program(who, total_weeks=2)
    url = f"/v1/me/programs/{program['id']}"
    later = api.patch(who, url, {"end_date": "2026-04-01"})
    assert later.status_code == 422  # a program ends earlier, not later
    ended = api.patch(who, url, {"end_date": "2026-03-08"})
    assert ended.status_code == 200, ended.text
    body = ended.json()
    assert (body["total_weeks"], body["end_date"]) == (1, "2026-03-13")
    assert body["sessions_by_status"]["skipped"] == 3
    skipped = api.sessions(who, status="skipped")
    assert {s["skip_reason"] for s in skipped} == {"program ended early"}
    assert [s["planned_date"] for s in api.sessions(who, status="planned")] == [
        "2026-03-02",
        "2026-03-04",
        "2026-03-06",
    ]
    past = api.patch(who, url, {"end_date": "2026-03-01"})
    assert past.status_code == 422


def test_archiving_a_program_retires_its_open_sessions(api: Api) -> None:
    who = api.lifter()
    program = api.program(who, total_weeks=1)
    url = f"/v1/me/programs/{program['id']}"
    archived = api.patch(who, url, {"status": "archived"})
    assert archived.status_code == 200
    assert archived.json()["status"] == "archived"
    assert {s["skip_reason"] for s in api.sessions(who)} == {"program archived"}
    assert api.get(who, "/v1/me/today").status_code == 404
    assert api.patch(who, url, {"status": "archived"}).status_code == 200  # again: no change
    assert api.patch(who, url, {"weekdays": [2, 4, 6]}).status_code == 422
    assert api.patch(who, url, {}).json()["status"] == "archived"  # an empty patch: no change
    for body in ({"weekdays": None}, {"status": "active"}, {"weekdays": [1, 1, 3]}):
        assert api.patch(who, url, body).status_code == 422, body


def test_the_patch_rule_is_in_the_route_description(api: Api) -> None:
    spec = api.client.get("/openapi.json").json()
    text = spec["paths"]["/v1/me/programs/{program_id}"]["patch"]["description"]
    assert "only sessions still `planned` change" in text
    assert ProgramPatch.model_fields["status"].description


# --- one page shape ------------------------------------------------------------------------


def _page(api: Api, who: Lifter, path: str, **params: Any) -> dict[str, Any]:
    response = api.get(who, path, params=params)
    assert response.status_code == 200, (path, response.text)
    body: dict[str, Any] = response.json()
    assert set(body) >= set(Page.model_fields), path
    return body


def test_every_list_route_pages_the_same_way(api: Api) -> None:
    who = api.lifter()
    for lift in ("squat", "bench", "deadlift"):
        api.program(who, total_weeks=1)
        api.post(who, "/v1/me/disruptions", {"disruption_type": "illness", "severity": "minor"})
        assert api.post(who, "/v1/me/rehab-caps", {"lift": lift, "cap_kg": 60}).status_code == 201
        api.set_max(who, lift, 140)
        assert api.post(who, "/v1/me/tokens", {"device": lift}).status_code == 201
    for path in (
        "/v1/me/tokens",
        "/v1/me/programs",
        "/v1/me/sessions",
        "/v1/me/disruptions",
        "/v1/me/rehab-caps",
        "/v1/me/maxes/history",
    ):
        first = _page(api, who, path, limit=2)
        assert (len(first["items"]), first["limit"], first["offset"]) == (2, 2, 0), path
        assert first["next_offset"] == 2, path
        rest = _page(api, who, path, limit=200, offset=first["next_offset"])
        assert len(rest["items"]) == first["total"] - 2, path
        assert rest["next_offset"] is None, path
        for bad in ({"limit": 0}, {"limit": 201}, {"offset": -1}):
            assert api.get(who, path, params=bad).status_code == 422, (path, bad)
    programs = _page(api, who, "/v1/me/programs")["items"]
    assert [p["status"] for p in programs] == ["active", "archived", "archived"]
    for path in ("/v1/lifters", "/v1/admin/llm-calls", "/v1/admin/comparisons"):
        body = api.client.get(path, params={"limit": 1}, headers=ADMIN).json()
        assert set(body) >= set(Page.model_fields), path


# --- history and trends --------------------------------------------------------------------


def test_lift_history_gives_the_estimated_one_rm_and_top_set_per_session(api: Api) -> None:
    who = api.lifter()
    api.set_max(who, "squat", 140)
    api.program(who, total_weeks=2)
    squats = [s for s in api.sessions(who) if s["primary_lift"] == "squat"]
    first, second = squats[0]["id"], squats[1]["id"]
    for sid in (first, second):
        assert api.generate(who, sid, key=f"key-{sid}").status_code == 200
    api.log_set(who, first, set_number=1, weight_kg=100, reps=5, rpe=8)
    api.log_set(who, first, set_number=2, weight_kg=110, reps=3, rpe=9)
    api.log_set(who, second, set_number=1, weight_kg=120, reps=2)  # no RPE: a rep max
    api.log_set(who, second, set_number=2, weight_kg=130, reps=1, rpe=10, pain_limited=True)
    history = api.get(who, "/v1/me/history/squat")
    assert history.status_code == 200, history.text
    body = history.json()
    assert (body["lift"], body["total"]) == ("squat", 2)
    one, two = body["items"]
    best = max(epley_with_reserve_kg(100, 5, 8) or 0, epley_with_reserve_kg(110, 3, 9) or 0)
    assert one["estimated_one_rm_kg"] == pytest.approx(best, abs=0.05)
    assert one["top_set"] == {"weight_kg": 110.0, "reps": 3, "rpe": 9.0}
    assert (one["sets"], one["planned_date"]) == (2, squats[0]["planned_date"])
    assert two["estimated_one_rm_kg"] == pytest.approx(128.0)  # 120 x (1 + 2/30); 130 hurt
    assert two["top_set"]["weight_kg"] == 130.0
    assert api.get(who, "/v1/me/history/bench").json()["items"] == []
    assert api.get(who, "/v1/me/history/curl").status_code == 422


def test_volume_weeks_covers_every_week_of_the_active_program(api: Api) -> None:
    who = api.lifter()
    assert api.get(who, "/v1/me/volume/weeks").status_code == 404
    api.program(who, total_weeks=3)
    sessions = api.sessions(who)
    week2 = next(s for s in sessions if s["week_number"] == 2 and s["primary_lift"] == "squat")
    api.set_max(who, "squat", 140)
    assert api.generate(who, week2["id"]).status_code == 200
    for n in (1, 2, 3):
        api.log_set(who, week2["id"], set_number=n, weight_kg=100, reps=5, rpe=8)
    body = api.get(who, "/v1/me/volume/weeks").json()
    assert [w["week"] for w in body["weeks"]] == [1, 2, 3]
    quads = {
        w["week"]: next(m for m in w["muscles"] if m["muscle"] == "quads") for w in body["weeks"]
    }
    assert quads[1]["sets"] == quads[3]["sets"] == 0
    assert quads[2]["sets"] > 0
    single = api.get(who, "/v1/me/volume", params={"week": 2}).json()
    assert single["muscles"] == body["weeks"][1]["muscles"]


def test_volume_weeks_counts_the_lifters_own_exercises_as_volume_does(api: Api) -> None:
    who = api.lifter()
    api.set_max(who, "squat", 140)
    api.program(who, total_weeks=2)
    mine = {"name": "Sissy Squat Machine", "muscles": [{"muscle": "quads"}], "accessory": False}
    assert api.post(who, "/v1/me/exercises", mine).status_code == 201
    squat = api.sessions(who)[0]
    assert api.generate(who, squat["id"]).status_code == 200
    for n in (1, 2):
        api.log_set(
            who, squat["id"], kind="auxiliary", exercise=mine["name"], set_number=n,
            weight_kg=40, reps=10, rpe=8,
        )  # fmt: skip
    weeks = api.get(who, "/v1/me/volume/weeks").json()["weeks"]
    week1 = api.get(who, "/v1/me/volume", params={"week": 1}).json()["muscles"]
    assert weeks[0]["muscles"] == week1
    assert next(m for m in week1 if m["muscle"] == "hamstrings")["sets"] == 0
