"""Exercises (issue 9): the catalog with filters, and a lifter's own exercises, which the engine
then uses (served as an accessory on their lift's sessions, their muscles counted). SQLite and
PostgreSQL (the `api` fixture)."""

from __future__ import annotations

from typing import Any

from api.persistence.tables import CustomExerciseRow, SessionRow
from shared_types.enums import MuscleGroup
from shared_types.inputs import JITInput
from tests.api.client import Api, Lifter
from training_engine.defaults.exercise_catalog import CATALOG

SISSY = {
    "name": "Sissy Squat Machine",
    "muscles": [
        {"muscle": "quads", "contribution": 1.0},
        {"muscle": "glutes", "contribution": 0.5},
    ],
    "lift": "squat",
    "equipment": "machine",
    "exercise_type": "weighted",
}


def _catalog(api: Api, who: Lifter, **params: Any) -> dict[str, Any]:
    response = api.get(who, "/v1/exercises", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_the_catalog_lists_every_exercise_and_filters(api: Api) -> None:
    who = api.lifter()
    everything = _catalog(api, who)
    assert everything["total"] == len(CATALOG)
    assert [e["name"] for e in everything["items"]] == [e.name for e in CATALOG]
    squat = _catalog(api, who, lift="squat")
    assert squat["total"] > 0
    assert all(e["lift"] == "squat" for e in squat["items"])
    biceps = _catalog(api, who, muscle="biceps")
    assert biceps["total"] > 0
    assert all(any(m["muscle"] == "biceps" for m in e["muscles"]) for e in biceps["items"])
    cable = _catalog(api, who, equipment="cable", limit=200)
    assert cable["total"] > 0
    assert all(e["equipment"] == "cable" for e in cable["items"])
    both = _catalog(api, who, lift="deadlift", muscle="hamstrings")
    assert all(
        e["lift"] == "deadlift" and any(m["muscle"] == "hamstrings" for m in e["muscles"])
        for e in both["items"]
    )
    page = _catalog(api, who, limit=10, offset=10)
    assert [e["name"] for e in page["items"]] == [e.name for e in CATALOG[10:20]]
    assert page["next_offset"] == 20
    assert api.client.get("/v1/exercises").status_code == 401
    assert api.get(who, "/v1/exercises", params={"muscle": "ears"}).status_code == 422


def test_custom_exercises_are_created_listed_and_deleted(api: Api) -> None:
    who, other = api.lifter(), api.lifter()
    created = api.post(who, "/v1/me/exercises", SISSY)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["name"] == "Sissy Squat Machine"
    assert body["muscles"] == SISSY["muscles"]
    assert (body["lift"], body["equipment"], body["accessory"]) == ("squat", "machine", True)
    listed = api.get(who, "/v1/me/exercises").json()
    assert [e["id"] for e in listed["items"]] == [body["id"]]
    assert listed["total"] == 1
    assert api.get(other, "/v1/me/exercises").json()["total"] == 0

    again = api.post(who, "/v1/me/exercises", SISSY)
    assert again.status_code == 409
    assert api.post(other, "/v1/me/exercises", SISSY).status_code == 201  # per lifter

    catalog_name = api.post(who, "/v1/me/exercises", {**SISSY, "name": CATALOG[0].name})
    assert catalog_name.status_code == 422
    assert catalog_name.json()["error"]["details"][0]["path"] == "body.name"
    for bad in (
        {**SISSY, "muscles": []},
        {**SISSY, "muscles": [{"muscle": "quads", "contribution": 0}]},
        {**SISSY, "muscles": [{"muscle": "quads", "contribution": 1.5}]},
        {**SISSY, "muscles": [{"muscle": "quads"}, {"muscle": "quads"}]},
        {**SISSY, "lift": "curl"},
        {**SISSY, "exercise_type": "yoga"},
        {**SISSY, "extra": 1},
        {**SISSY, "name": ""},
    ):
        assert api.post(who, "/v1/me/exercises", bad).status_code == 422, bad
    assert len(api.rows(CustomExerciseRow, lifter_id=who.id)) == 1

    exercise_id = body["id"]
    assert (
        api.client.delete(f"/v1/me/exercises/{exercise_id}", headers=other.auth).status_code == 404
    )
    assert api.client.delete(f"/v1/me/exercises/{exercise_id}", headers=who.auth).status_code == 204
    assert api.client.delete(f"/v1/me/exercises/{exercise_id}", headers=who.auth).status_code == 404
    assert api.get(who, "/v1/me/exercises").json()["total"] == 0


def _snapshot(api: Api, sid: str) -> JITInput:
    [row] = api.rows(SessionRow, id=sid)
    return JITInput.model_validate(row.jit_input_snapshot)


def test_a_custom_exercise_is_prescribed_and_its_muscles_counted(api: Api) -> None:
    who = api.lifter(biological_sex="male")
    for lift, kg in (("squat", 140), ("bench", 100), ("deadlift", 180)):
        api.set_max(who, lift, kg)
    api.program(who, total_weeks=4, training_days_per_week=3)
    assert api.post(who, "/v1/me/exercises", SISSY).status_code == 201
    core = {"name": "Ab Wheel Deluxe", "muscles": [{"muscle": "core"}], "accessory": False}
    assert api.post(who, "/v1/me/exercises", core).status_code == 201
    squat, bench = api.sessions(who)[:2]
    assert (squat["primary_lift"], bench["primary_lift"]) == ("squat", "bench")

    served = api.generate(who, squat["id"])
    assert served.status_code == 200, served.text
    rows = {a["exercise"]: a for a in served.json()["prescription"]["auxiliary_work"]}
    assert "Sissy Squat Machine" in rows
    assert rows["Sissy Squat Machine"]["sets"]
    assert "Ab Wheel Deluxe" not in rows  # not an accessory: only counted when logged
    snapshot = _snapshot(api, squat["id"])
    assert snapshot.active_auxiliaries[-1] == "Sissy Squat Machine"
    assert snapshot.custom_muscle_map == {
        "Sissy Squat Machine": ("quads", "glutes"),
        "Ab Wheel Deluxe": ("core",),
    }
    assert snapshot.custom_exercise_type_map == {
        "Sissy Squat Machine": "weighted",
        "Ab Wheel Deluxe": "weighted",
    }

    for number in (1, 2, 3):
        logged = api.log_set(
            who,
            squat["id"],
            kind="auxiliary",
            exercise="Sissy Squat Machine",
            set_number=number,
            weight_kg=40,
            reps=10,
            rpe=8,
        )
        assert logged.status_code in (200, 201), logged.text
    volume = api.get(who, "/v1/me/volume").json()
    sets = {m["muscle"]: m["sets"] for m in volume["muscles"]}
    # An exercise the engine did not know would credit nothing; three sets at RPE 8 credit
    # each listed muscle (the effective-set weighting of RPE applies, as for any exercise).
    assert sets["quads"] > 2
    assert sets["glutes"] == sets["quads"]

    # Another session of the week counts the custom sets, and a bench day does not serve it.
    assert api.generate(who, bench["id"], key="bench").status_code == 200
    bench_input = _snapshot(api, bench["id"])
    assert "Sissy Squat Machine" not in bench_input.active_auxiliaries
    assert bench_input.weekly_volume_to_date[MuscleGroup.QUADS] == sets["quads"]
