"""Issue 9's input defects, each pinned over the HTTP API (SQLite, and PostgreSQL when set).

Lone surrogates, numbers that are not numbers, weights below the bar, nulls and duplicates that
were silently accepted, a volume week outside the program, strategies that cannot run, and error
messages in pydantic's words. None of them may be a 500, and a refused request stores nothing.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import httpx
import pytest

from api.app import create_app
from api.persistence.tables import DisruptionRow, LifterRow, MaxRow, RehabCapRow, SetLogRow
from api.routes.text import MAX_TEXT_ERRORS, bad_text
from api.services.strategies import strategy_availability
from api.settings import Settings
from api.state import AppState
from tests.api.client import ADMIN, Api, Lifter
from tests.factories import make_input
from training_engine.strategies import StrategyRegistry

JSON = {"Content-Type": "application/json"}
SURROGATE = '"\\ud800"'  # the JSON escape of a lone surrogate, which no UTF-8 text can hold


def _raw(api: Api, method: str, path: str, body: str | bytes, auth: dict[str, str]) -> Any:
    content = body.encode() if isinstance(body, str) else body
    return api.client.request(method, path, content=content, headers={**auth, **JSON})


def _refused(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == code
    return error


def _paths(response: httpx.Response) -> list[str]:
    return [d["path"] for d in _refused(response, 422, "invalid_request")["details"]]


def _ready(api: Api, **fields: Any) -> tuple[Lifter, str]:
    who = api.lifter(**fields)
    api.set_max(who, "squat", 140)
    api.program(who)
    return who, api.sessions(who)[0]["id"]


# --- 1. lone surrogates ------------------------------------------------------------------------

TEXT_FIELDS = [
    ("PATCH", "/v1/me", '{"name": %s}', "body.name"),
    ("POST", "/v1/me/sessions/{sid}/skip", '{"reason": %s}', "body.reason"),
    (
        "POST",
        "/v1/me/sessions/{sid}/sets",
        '{"kind": "auxiliary", "exercise": %s, "set_number": 1, "weight_kg": 20, "reps": 8}',
        "body.exercise",
    ),
    (
        "POST",
        "/v1/me/disruptions",
        '{"disruption_type": "injury", "severity": "minor", "description": %s}',
        "body.description",
    ),
    (
        "POST",
        "/v1/me/disruptions",
        '{"disruption_type": "travel", "severity": "minor", "event_name": %s}',
        "body.event_name",
    ),
    ("POST", "/v1/me/rehab-caps", '{"lift": "squat", "cap_kg": 60, "note": %s}', "body.note"),
    ("PUT", "/v1/me/config/formula", '{"overrides": {%s: 1}}', "body.overrides.\\ud800"),
    (
        "PUT",
        "/v1/me/config/volume-landmarks",
        '{"overrides": {%s: {"mev": 1, "mrv": 2}}}',
        "body.overrides.\\ud800",
    ),
    ("POST", "/v1/generate", '{"session_id": %s}', "body.session_id"),
]


@pytest.mark.parametrize(("method", "path", "template", "where"), TEXT_FIELDS)
def test_a_lone_surrogate_in_a_text_field_is_a_422_at_its_path(
    api: Api, method: str, path: str, template: str, where: str
) -> None:
    who, sid = _ready(api, name="Ada")
    response = _raw(api, method, path.format(sid=sid), template % SURROGATE, who.auth)
    assert _paths(response) == [where]
    assert response.json()["error"]["details"][0]["message"] == "must be valid Unicode text"
    # nothing was stored
    assert api.get(who, "/v1/me").json()["name"] == "Ada"
    assert api.get(who, f"/v1/me/sessions/{sid}").json()["status"] == "planned"
    assert api.rows(SetLogRow, session_id=sid) == []
    assert api.rows(DisruptionRow, lifter_id=who.id) == []
    assert api.rows(RehabCapRow, lifter_id=who.id) == []
    assert api.get(who, "/v1/me/config/formula").json()["overrides"] == {}


def test_a_lone_surrogate_in_a_new_lifters_name_creates_no_lifter(api: Api) -> None:
    before = len(api.rows(LifterRow))
    response = _raw(api, "POST", "/v1/lifters", f'{{"name": {SURROGATE}}}', ADMIN)
    assert _paths(response) == ["body.name"]
    # the raw UTF-8 bytes of a surrogate (not a JSON escape) are refused the same way
    raw_bytes = _raw(api, "POST", "/v1/lifters", b'{"name": "\xed\xa0\x80"}', ADMIN)
    assert _paths(raw_bytes) == ["body.name"]
    assert len(api.rows(LifterRow)) == before


def test_every_bad_string_is_named_up_to_a_cap() -> None:
    body = {"a": ["ok", "\ud800", {"\udfff": 1, "b": "\ud801x", "k\x00": 2}], "c": "\x00"}
    unicode, nul = "must be valid Unicode text", "must not contain NUL characters"
    assert bad_text(body) == [
        (("body", "a", 1), unicode),
        (("body", "a", 2, "\\udfff"), unicode),
        (("body", "a", 2, "b"), unicode),
        (("body", "a", 2, "k\\u0000"), nul),
        (("body", "c"), nul),
    ]
    assert len(bad_text(["\ud800"] * 1000)) == MAX_TEXT_ERRORS
    deep: Any = "\ud800"
    for _ in range(5000):
        deep = [deep]
    assert bad_text(deep) == [(("body", *([0] * 5000)), unicode)]


@pytest.mark.parametrize("strategy", ["formula", "hybrid"])
def test_a_nul_in_a_stateless_input_is_a_422_not_a_500(api: Api, strategy: str) -> None:
    who = api.lifter()
    body = make_input().model_dump(mode="json")
    body["active_auxiliaries"] = ["Leg press\x00"]  # hybrid stores the input (PostgreSQL: 500)
    response = api.client.post(
        "/v1/generate", params={"strategy": strategy}, json=body, headers=who.auth
    )
    assert _paths(response) == ["body.active_auxiliaries[0]"]
    assert response.json()["error"]["details"][0]["message"] == "must not contain NUL characters"


# --- 2. maxes: numbers only, and at least the bar --------------------------------------------


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"one_rm_kg": 1e-300}, "body.one_rm_kg"),
        ({"one_rm_kg": 0.0001}, "body.one_rm_kg"),
        ({"one_rm_kg": True}, "body.one_rm_kg"),
        ({"one_rm_kg": "100"}, "body.one_rm_kg"),
        ({"one_rm_kg": 19.5}, "body.one_rm_kg"),
        ({"weight_kg": 15, "reps": 3}, "body.weight_kg"),  # Epley: 16.5 kg
        ({"weight_kg": True, "reps": 3}, "body.weight_kg"),
    ],
)
def test_a_max_that_is_not_a_number_or_below_the_bar_is_refused(
    api: Api, body: dict[str, Any], where: str
) -> None:
    who = api.lifter()
    response = api.put(who, "/v1/me/maxes/squat", body)
    assert _paths(response) == [where]
    assert api.rows(MaxRow, lifter_id=who.id) == []


def test_the_floor_is_the_lifters_bar(api: Api) -> None:
    female = api.lifter(biological_sex="female")
    assert api.put(female, "/v1/me/maxes/bench", {"one_rm_kg": 14.5}).status_code == 422
    assert api.put(female, "/v1/me/maxes/bench", {"one_rm_kg": 15}).status_code == 200
    light_bar = api.lifter(bar_weight_kg=10)
    assert api.put(light_bar, "/v1/me/maxes/bench", {"one_rm_kg": 12}).status_code == 200
    message = api.put(female, "/v1/me/maxes/squat", {"one_rm_kg": 1}).json()["error"]
    assert message["details"][0]["message"] == "must be at least the bar weight, 15 kg"
    assert api.put(female, "/v1/me/config/plates", {"bar_weight_kg": 1e-300}).status_code == 422
    assert api.put(female, "/v1/me/config/plates", {"bar_weight_kg": True}).status_code == 422


def test_a_max_at_the_bar_generates_without_a_server_error(api: Api) -> None:
    who = api.lifter()
    for lift in ("squat", "bench", "deadlift"):
        api.set_max(who, lift, 20)
    api.program(who, total_weeks=1)
    for session in api.sessions(who):
        response = api.generate(who, session["id"], key=f"key-{session['id']}")
        assert response.status_code == 200, response.text
        sets = response.json()["prescription"]["main_lift_sets"]
        assert all(s["weight_kg"] > 0 for s in sets)


def test_a_rehab_cap_below_the_bar_is_refused(api: Api) -> None:
    who = api.lifter()
    for cap in (1e-300, 0.001, 19.9):
        response = api.post(who, "/v1/me/rehab-caps", {"lift": "squat", "cap_kg": cap})
        assert _paths(response) == ["body.cap_kg"]
    assert api.rows(RehabCapRow, lifter_id=who.id) == []


# --- 3. nulls, dates of birth, duplicate lifts -------------------------------------------------


def test_a_null_name_is_refused_and_the_name_kept(api: Api) -> None:
    who = api.lifter(name="Ada")
    response = api.patch(who, "/v1/me", {"name": None})
    assert _paths(response) == ["body.name"]
    assert "cannot be null" in response.json()["error"]["details"][0]["message"]
    assert api.get(who, "/v1/me").json()["name"] == "Ada"
    # other optional fields still clear with null
    api.patch(who, "/v1/me", {"bodyweight_kg": 80})
    assert api.patch(who, "/v1/me", {"bodyweight_kg": None}).json()["bodyweight_kg"] is None


def test_a_date_of_birth_in_the_future_is_refused(api: Api) -> None:
    today = api.clock().date().isoformat()  # 2026-03-02
    created = api.client.post(
        "/v1/lifters", json={"name": "x", "date_of_birth": "2026-03-03"}, headers=ADMIN
    )
    assert _paths(created) == ["body.date_of_birth"]
    who = api.lifter()
    assert _paths(api.patch(who, "/v1/me", {"date_of_birth": "2090-01-01"})) == [
        "body.date_of_birth"
    ]
    assert api.get(who, "/v1/me").json()["date_of_birth"] is None
    assert api.patch(who, "/v1/me", {"date_of_birth": today}).status_code == 200


def test_duplicate_affected_lifts_are_refused(api: Api) -> None:
    who = api.lifter()
    body = {"disruption_type": "injury", "severity": "minor", "affected_lifts": ["squat", "squat"]}
    response = api.post(who, "/v1/me/disruptions", body)
    assert _paths(response) == ["body.affected_lifts"]
    assert response.json()["error"]["details"][0]["message"] == (
        "names a lift more than once: squat"
    )
    assert api.rows(DisruptionRow, lifter_id=who.id) == []
    made = api.post(who, "/v1/me/disruptions", {**body, "affected_lifts": ["squat", "bench"]})
    assert made.status_code == 201
    patched = api.patch(
        who, f"/v1/me/disruptions/{made.json()['id']}", {"affected_lifts": ["bench", "bench"]}
    )
    assert _paths(patched) == ["body.affected_lifts"]


# --- 4. a volume week outside the program ------------------------------------------------------


def test_a_volume_week_outside_the_program_is_a_404(api: Api) -> None:
    who = api.lifter()
    api.program(who, total_weeks=4)
    assert api.get(who, "/v1/me/volume", params={"week": 4}).status_code == 200
    error = _refused(api.get(who, "/v1/me/volume", params={"week": 999}), 404, "not_found")
    assert error["message"] == "week 999 is not in the active program (weeks 1-4)"
    _refused(api.get(who, "/v1/me/volume", params={"week": 5}), 404, "not_found")
    assert api.get(who, "/v1/me/volume").json()["week"] == 1


def test_an_unending_programs_weeks_are_those_planned(api: Api) -> None:
    who = api.lifter()
    api.program(who, mode="unending", total_weeks=None)
    last = max(s["week_number"] for s in api.sessions(who))
    assert api.get(who, "/v1/me/volume", params={"week": last}).status_code == 200
    _refused(api.get(who, "/v1/me/volume", params={"week": last + 1}), 404, "not_found")


# --- 5. which strategies can run ---------------------------------------------------------------


def test_settings_say_which_strategies_are_usable_without_a_provider(api: Api) -> None:
    who = api.lifter()
    settings = api.get(who, "/v1/me/settings").json()
    assert settings["available_strategies"] == ["auto", "formula"]
    usable = {s["name"]: s["usable"] for s in settings["strategies"]}
    assert usable == {"auto": True, "formula": True, "hybrid": False, "llm": False}
    llm = next(s for s in settings["strategies"] if s["name"] == "llm")
    assert "no model provider is configured" in llm["reason"]


def test_with_a_provider_every_strategy_is_usable(api: Api) -> None:
    state = cast(
        "AppState",
        SimpleNamespace(
            settings=SimpleNamespace(llm=SimpleNamespace(provider="openai")),
            registry=api.state.registry,
        ),
    )
    assert all(s.usable for s in strategy_availability(state))
    formula_only = cast(
        "AppState",
        SimpleNamespace(settings=api.state.settings, registry=StrategyRegistry()),
    )
    assert strategy_availability(formula_only) == []


# --- 6. error messages in our words; malformed JSON is one code --------------------------------


def test_messages_have_no_pydantic_prefixes_or_key_markers(api: Api) -> None:
    who, sid = _ready(api)
    both = api.put(who, "/v1/me/maxes/squat", {"one_rm_kg": 100, "weight_kg": 90})
    assert both.json()["error"]["details"][0]["message"] == (
        "give either one_rm_kg, or weight_kg with reps"
    )
    overrides = api.put(who, "/v1/me/config/formula", {"overrides": {"block9": {}}})
    assert overrides.json()["error"]["details"][0]["message"] == "is not a known field"
    unknown = api.generate(who, sid, body={"soreness": {"toes": 2}, "mood": 3})
    details = {d["path"]: d["message"] for d in unknown.json()["error"]["details"]}
    assert set(details) == {"body.soreness.toes", "body.mood"}
    assert details["body.soreness.toes"].startswith("is not an allowed key: input should be")
    assert details["body.mood"] == "is not a known field"
    assert "[key]" not in unknown.text
    assert "Value error" not in both.text


@pytest.mark.parametrize(
    "body",
    [
        b'{"one_rm_kg": 1',  # truncated
        b"[" * 10_000,  # deeply nested and truncated
        b"[" * 10_000 + b"]" * 10_000,  # deeply nested, well formed
        b'{"one_rm_kg": \xff}',  # not UTF-8
        b"{'one_rm_kg': 100}",
    ],
)
def test_malformed_json_of_any_depth_is_one_error_code(api: Api, body: bytes) -> None:
    who = api.lifter()
    response = _raw(api, "PUT", "/v1/me/maxes/squat", body, who.auth)
    error = _refused(response, 400, "malformed_json")
    assert error["message"].startswith("the body is not valid JSON")
    assert api.rows(MaxRow, lifter_id=who.id) == []


def test_the_openapi_documents_malformed_json() -> None:
    schema = create_app(Settings(database_url="sqlite://"), migrate=False).openapi()
    maxes = schema["paths"]["/v1/me/maxes/{lift}"]["put"]["responses"]
    assert "malformed_json" in maxes["400"]["description"]
    settings = schema["components"]["schemas"]["SettingsOut"]["properties"]
    assert "strategies" in settings
