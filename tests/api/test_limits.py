"""Limits (issue 9): the request body limit, the error cap, size bounds on `JITInput`, the
rate limit on generation (SQLite and PostgreSQL), and `/healthz` answering while a maximal
stateless generation runs on a real server."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.errors import install_error_handlers
from api.persistence.tables import GenerationRow, RateLimitRow
from api.ratelimit import subject
from api.routes import engine
from api.routes.text import valid_text_body
from api.settings import RateLimitSettings
from shared_types.inputs import JITInput
from tests.api.client import ADMIN, ADMIN_TOKEN, Api
from tests.factories import make_input

KIB = 1024


def _error(response: Any, status: int, code: str) -> dict[str, Any]:  # httpx or httpx2
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["error"]["code"] == code
    assert "Traceback" not in response.text
    return body


def test_a_10_mb_body_is_refused_by_its_length_before_it_is_read(api: Api) -> None:
    who = api.lifter()
    response = api.client.post(
        "/v1/generate",
        content=b"{" + b" " * (10 * KIB * KIB) + b"}",
        headers={**who.auth, "Content-Type": "application/json"},
    )
    body = _error(response, 413, "payload_too_large")
    assert "262144 bytes" in body["error"]["message"]
    assert len(response.content) < 300


def test_a_chunked_body_is_counted_as_it_arrives(api: Api) -> None:
    """2.6 MB of unknown keys without a Content-Length: refused once the count passes."""
    who = api.lifter()
    payload = json.dumps({f"unknown_key_{i}": i for i in range(130_000)}).encode()
    assert len(payload) > 2_600_000
    chunks = (payload[i : i + 64 * KIB] for i in range(0, len(payload), 64 * KIB))
    response = api.client.post(
        "/v1/me/programs",
        content=chunks,
        headers={**who.auth, "Content-Type": "application/json"},
    )
    _error(response, 413, "payload_too_large")
    assert len(response.content) < 300


def test_the_limit_is_a_setting_and_0_turns_it_off(make_api: Any) -> None:
    small = make_api(max_body_bytes=100)
    who = small.lifter()
    _error(
        small.post(who, "/v1/me/programs", {"total_weeks": 4, "name": "x" * 200}),
        413,
        "payload_too_large",
    )
    assert small.post(who, "/v1/me/programs", {"total_weeks": 4}).status_code == 201


def test_many_problems_are_capped_at_20_and_the_rest_counted(api: Api) -> None:
    who = api.lifter()
    body = {"total_weeks": 4, **{f"unknown_{i}": i for i in range(5000)}}
    response = api.post(who, "/v1/me/programs", body)
    details = _error(response, 422, "invalid_request")["error"]["details"]
    assert len(details) == 21
    assert details[-1]["message"].startswith("and ")
    assert details[-1]["message"].endswith(" more problems")
    assert len(response.content) < 4 * KIB


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("auxiliary_pool", [f"exercise {i}" for i in range(201)]),
        ("recent_aux_exercises", [f"exercise {i}" for i in range(201)]),
        ("custom_muscle_map", {f"exercise {i}": ["quads"] for i in range(201)}),
        ("custom_exercise_type_map", {f"exercise {i}": "weighted" for i in range(201)}),
        ("capacity_history", [2] * 51),
        ("upcoming_lifts", ["squat"] * 51),
        ("active_auxiliaries", ["a"] * 6),
        ("session_id", "s" * 121),
    ],
)
def test_jit_input_sizes_are_bounded(api: Api, field: str, value: Any) -> None:
    who = api.lifter()
    body = {**make_input().model_dump(mode="json"), field: value}
    response = api.post(who, "/v1/generate", body)
    details = _error(response, 422, "invalid_request")["error"]["details"]
    assert any(d["path"].startswith(f"body.{field}") for d in details), details


def _generate(api: Api, who: Any, session_id: str, key: str) -> httpx.Response:
    return api.generate(who, session_id, key=key)


def test_generation_is_rate_limited_per_lifter_with_retry_after(make_api: Any) -> None:
    api = make_api(rate_limit=RateLimitSettings(generations_per_minute=3))
    who = api.lifter()
    api.set_max(who, "squat", 140)
    api.program(who)
    session_id = api.sessions(who)[0]["id"]
    for i in range(3):
        assert _generate(api, who, session_id, f"k{i}").status_code == 200
    generations = len(api.rows(GenerationRow, lifter_id=who.id))
    refused = _generate(api, who, session_id, "k3")
    body = _error(refused, 429, "rate_limited")
    retry_after = int(refused.headers["Retry-After"])
    assert 1 <= retry_after <= 60
    assert "3 generations" in body["error"]["message"]
    assert len(api.rows(GenerationRow, lifter_id=who.id)) == generations  # nothing stored
    stateless = api.post(who, "/v1/generate", make_input().model_dump(mode="json"))
    _error(stateless, 429, "rate_limited")  # the stateless route counts for the lifter too
    other = api.lifter()  # another lifter has their own window
    assert api.post(other, "/v1/generate", make_input().model_dump(mode="json")).status_code == 200
    mine = subject("lifter", who.id)
    api.clock.set(api.clock() + timedelta(seconds=retry_after))
    assert _generate(api, who, session_id, "k4").status_code == 200  # a new window
    windows = {row.window_start for row in api.rows(RateLimitRow) if row.subject == mine}
    assert len(windows) == 1  # a subject's older windows are forgotten as it writes


def test_the_admin_token_is_limited_per_token(make_api: Any) -> None:
    api = make_api(rate_limit=RateLimitSettings(generations_per_minute=2))
    # The admin token is every test's: a minute no other test of the run reaches.
    api.clock.set(api.clock() + timedelta(days=3653, seconds=7))
    body = make_input().model_dump(mode="json")
    for _ in range(2):
        assert api.client.post("/v1/generate", json=body, headers=ADMIN).status_code == 200
    _error(api.client.post("/v1/generate", json=body, headers=ADMIN), 429, "rate_limited")


def test_0_turns_the_rate_limit_off(make_api: Any) -> None:
    api = make_api(rate_limit=RateLimitSettings(generations_per_minute=0))
    who = api.lifter()
    body = make_input().model_dump(mode="json")
    counters = len(api.rows(RateLimitRow))  # the database is shared by the run's tests
    for _ in range(5):
        assert api.post(who, "/v1/generate", body).status_code == 200
    assert len(api.rows(RateLimitRow)) == counters


# --- the stateless body: validated off the event loop, answered as FastAPI would -----------


def test_the_stateless_body_is_validated_in_a_worker_thread(
    make_api: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = make_api(rate_limit=RateLimitSettings(generations_per_minute=0))
    loops: list[bool] = []
    validate = engine.validated_input

    def observed(data: Any) -> JITInput:
        loops.append(_event_loop_runs_here())
        return validate(data)

    monkeypatch.setattr(engine, "validated_input", observed)
    good = make_input().model_dump(mode="json")
    assert api.client.post("/v1/generate", json=good, headers=ADMIN).status_code == 200
    bad = api.client.post("/v1/generate", json={**good, "week_number": "x"}, headers=ADMIN)
    assert _error(bad, 422, "invalid_request")["error"]["details"][0]["path"] == "body.week_number"
    assert loops == [False, False]


def test_the_openapi_document_still_names_jit_input_as_the_stateless_body(api: Api) -> None:
    """The route reads its body itself, so the document names it by hand: the reference must
    resolve to `JITInput`'s request schema (fields with defaults not required)."""
    spec = api.client.get("/openapi.json").json()
    body = spec["paths"]["/v1/generate"]["post"]["requestBody"]
    assert body["required"] is True
    assert body["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/JITInput"
    }
    required = {name for name, field in JITInput.model_fields.items() if field.is_required()}
    assert set(spec["components"]["schemas"]["JITInput"]["required"]) == required


def _event_loop_runs_here() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _fastapi_body_app() -> FastAPI:
    """The reference: `JITInput` declared as a FastAPI body parameter (validated on the loop),
    with the app's text check and error handlers."""
    app = FastAPI(dependencies=[Depends(valid_text_body)])
    install_error_handlers(app)

    @app.post("/v1/generate")
    def generate(body: JITInput) -> dict[str, bool]:
        return {"valid": True}

    return app


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
_FIELDS = sorted(JITInput.model_fields)


@st.composite
def _bodies(draw: st.DrawFn) -> bytes:
    """A valid input with some fields changed, dropped or added, then maybe cut short, or a
    body that is not an input at all."""
    good = make_input().model_dump(mode="json")
    changed = draw(st.dictionaries(st.sampled_from([*_FIELDS, "unknown"]), _JSON, max_size=3))
    dropped = draw(st.sets(st.sampled_from(_FIELDS), max_size=2))
    fields = {k: v for k, v in {**good, **changed}.items() if k not in dropped}
    text = json.dumps(fields).encode()
    cut = draw(st.none() | st.integers(0, len(text)))
    other = st.binary(max_size=40) | _JSON.map(lambda v: json.dumps(v).encode())
    return draw(st.just(text if cut is None else text[:cut]) | other)


_CONTENT_TYPES = [None, "application/json", "application/vnd.api+json", "text/plain"]


_HOSTILE = [
    b"",
    b"[" * 100_000 + b"]" * 100_000,  # nested past the decoder's recursion limit
    b'{"session_id": "\xff"}',  # not UTF-8
    b'{"session_id": "\\ud800"}',  # a lone surrogate
    b'{"session_id": "a\\u0000b"}',  # NUL
    b"\xef\xbb\xbf{}",  # a byte order mark
    b"{} x",  # trailing data
]


@pytest.fixture
def unlimited(make_api: Any) -> Api:
    """The app without a rate limit: a property test sends it many generations."""
    api: Api = make_api(rate_limit=RateLimitSettings(generations_per_minute=0))
    return api


@pytest.fixture
def reference() -> Iterator[TestClient]:
    with TestClient(_fastapi_body_app()) as client:
        yield client


@given(body=_bodies(), content_type=st.sampled_from(_CONTENT_TYPES))
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_stateless_body_answers_exactly_as_a_fastapi_body_parameter(
    unlimited: Api, reference: TestClient, body: bytes, content_type: str | None
) -> None:
    _assert_answered_alike(unlimited, reference, body, content_type)


@pytest.mark.parametrize("body", _HOSTILE)
def test_hostile_stateless_bodies_answer_exactly_as_a_fastapi_body_parameter(
    unlimited: Api, reference: TestClient, body: bytes
) -> None:
    _assert_answered_alike(unlimited, reference, body, "application/json")


def _assert_answered_alike(
    api: Api, reference: TestClient, body: bytes, content_type: str | None
) -> None:
    """Same status and, for every problem, the same error body (codes, paths, messages)."""
    headers = {} if content_type is None else {"Content-Type": content_type}
    expected = reference.post("/v1/generate", content=body, headers=headers)
    actual = api.client.post("/v1/generate", content=body, headers={**ADMIN, **headers})
    assert actual.status_code == expected.status_code, (actual.text, expected.text)
    if expected.status_code != 200:
        assert actual.json() == expected.json()


# --- responsiveness: a real server on loopback -------------------------------------------------


def maximal_input(limit: int = 250 * KIB) -> dict[str, Any]:
    """The largest valid input under the body limit: every bounded collection full, then
    accessory history until the body would pass `limit`."""
    body = make_input().model_dump(mode="json")
    names = [f"custom exercise {i:03d} " + "x" * 100 for i in range(200)]
    body["auxiliary_pool"] = names
    body["recent_aux_exercises"] = names
    body["custom_muscle_map"] = {n: ["quads", "glutes", "hamstrings"] for n in names}
    body["custom_exercise_type_map"] = dict.fromkeys(names, "weighted")
    sets = [{"weight_kg": 40.0, "reps": 10, "rpe": 8} for _ in range(10)]
    history: dict[str, Any] = {}
    for name in names:
        history[name] = [{"session_id": "s", "completed_at": "2026-01-01T00:00:00Z", "sets": sets}]
        if len(json.dumps({**body, "aux_history": history})) > limit:
            del history[name]
            break
    body["aux_history"] = history
    return body


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    env = {
        **os.environ,
        "JIT_ADMIN_TOKEN": ADMIN_TOKEN,
        "JIT_DATABASE_URL": f"sqlite:///{tmp_path / 'limits.db'}",
        "JIT_RATE_LIMIT__GENERATIONS_PER_MINUTE": "0",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port), "--quiet"],
        cwd=tmp_path,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                httpx.get(f"{base}/readyz", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            pytest.fail("the server did not start")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=15)


@pytest.mark.slow
@pytest.mark.allow_hosts(["127.0.0.1"])
def test_healthz_answers_while_maximal_stateless_generations_run(server: str) -> None:
    body = json.dumps(maximal_input()).encode()
    assert 200 * KIB < len(body) <= 256 * KIB
    stop = threading.Event()
    statuses: list[int] = []

    def hammer() -> None:
        with httpx.Client(base_url=server, timeout=60) as client:
            while not stop.is_set():
                response = client.post(
                    "/v1/generate",
                    content=body,
                    headers={
                        "Authorization": f"Bearer {ADMIN_TOKEN}",
                        "Content-Type": "application/json",
                    },
                )
                statuses.append(response.status_code)

    workers = [threading.Thread(target=hammer) for _ in range(2)]
    for worker in workers:
        worker.start()
    try:
        with httpx.Client(base_url=server, timeout=10) as client:
            # Ask until the flood has really run (two generations answered), and at least 20
            # times; the bound only stops a broken server from hanging the test.
            answers: list[int] = []
            give_up = time.monotonic() + 120
            while (len(answers) < 20 or len(statuses) < 2) and time.monotonic() < give_up:
                answers.append(client.get("/healthz").status_code)
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=60)
    assert len(answers) >= 20
    assert set(answers) == {200}
    assert len(statuses) >= 2
    assert set(statuses) == {200}


def test_the_rate_limit_counts_past_2038(make_api: Any) -> None:
    # Window starts are Unix seconds: past 2038-01-19 they need 64 bits (revision 0020); on
    # PostgreSQL a 32-bit column refused every generation with an internal error.
    api = make_api(rate_limit=RateLimitSettings(generations_per_minute=1))
    api.clock.set(datetime(2101, 3, 1, 12, 0, 7, tzinfo=UTC))
    who = api.lifter()
    body = make_input().model_dump(mode="json")
    assert api.post(who, "/v1/generate", body).status_code == 200
    _error(api.post(who, "/v1/generate", body), 429, "rate_limited")
    mine = subject("lifter", who.id)
    (row,) = [r for r in api.rows(RateLimitRow) if r.subject == mine]
    assert row.window_start == int(datetime(2101, 3, 1, 12, 0, tzinfo=UTC).timestamp())
