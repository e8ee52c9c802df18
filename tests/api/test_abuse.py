"""The abuse suite (issue 9): bad input on every route with a body or an id.

Routes are enumerated from the app's OpenAPI document, so a new route is tried without editing
this file. Each body route gets: bodies that are not JSON (truncated, not UTF-8, nested 50 000
deep), bodies of the wrong type, an empty object (missing fields), an unknown field, and, for
every field of its schema, each hostile value (wrong types, huge and negative numbers,
NaN/Infinity, a lone surrogate, NUL, a very long string, deep nesting), set on a valid body where
the suite knows one. Each path id gets hostile ids. Every answer must be below 500, carry no
traceback, and every error must have the one error shape; after a refusal (4xx) no row in any
table has appeared or disappeared.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import text

from api.persistence.tables import metadata
from api.settings import RateLimitSettings
from tests.api.client import ADMIN, Api, Lifter
from tests.factories import make_input

pytestmark = pytest.mark.slow

DEEP = 50_000
HOSTILE_VALUES: list[tuple[str, str]] = [  # (label, JSON text)
    ("null", "null"),
    ("true", "true"),
    ("string", '"x"'),
    ("object", '{"a": 1}'),
    ("list", "[1, 2]"),
    ("negative", "-1"),
    ("huge", "1e308"),
    ("huge-int", "1" + "0" * 400),
    ("tiny", "1e-300"),
    ("NaN", "NaN"),
    ("Infinity", "Infinity"),
    ("-Infinity", "-Infinity"),
    ("surrogate", '"\\ud800"'),
    ("nul", '"a\\u0000b"'),
    ("long-string", json.dumps("x" * 100_000)),
    ("nested", "[" * 500 + "]" * 500),
    ("nested-objects", '{"a": ' * 500 + "1" + "}" * 500),
]
RAW_BODIES: list[tuple[str, bytes]] = [
    ("truncated", b'{"a": '),
    ("not-utf8", b'{"a": "\xff\xfe"}'),
    ("deep", b"[" * DEEP + b"]" * DEEP),
    ("deep-objects", b'{"a":' * DEEP + b"1" + b"}" * DEEP),
    ("list", b"[]"),
    ("number", b"1"),
    ("string", b'"x"'),
    ("null", b"null"),
    ("empty-object", b"{}"),
    ("unknown-field", b'{"not_a_field": 1}'),
    ("surrogate-key", b'{"\\ud800": 1}'),
]
HOSTILE_IDS = [
    "x" * 3000,
    "%00",
    "%ED%A0%80",  # a surrogate's UTF-8 bytes
    "%FF",
    "..%2F..%2Fetc",
    "-1",
    "NaN",
    "1e308",
    "00000000-0000-0000-0000-000000000000",
]


def _valid_bodies() -> dict[str, dict[str, Any]]:
    return {
        "/v1/lifters": {"name": "Abuse"},
        "/v1/me": {"name": "Abuse"},
        "/v1/me/maxes/{lift}": {"one_rm_kg": 140},
        "/v1/me/programs": {"total_weeks": 4},
        "/v1/me/disruptions": {"disruption_type": "injury", "severity": "minor"},
        "/v1/me/rehab-caps": {"lift": "squat", "cap_kg": 60},
        "/v1/me/sessions/{session_id}/sets": {"set_number": 1, "weight_kg": 100, "reps": 5},
        "/v1/me/sessions/{session_id}/generate": {"soreness": {"quads": 3}},
        "/v1/generate": make_input().model_dump(mode="json"),
    }


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    for option in schema.get("anyOf", []):
        if option.get("type") != "null":
            return _resolve(spec, option)
    ref = schema.get("$ref")
    if ref is None:
        return schema
    resolved: dict[str, Any] = spec["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    return resolved


def _routes(api: Api) -> list[tuple[str, str, dict[str, Any] | None, list[str]]]:
    spec = api.app.openapi()
    found = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            schema = content.get("application/json", {}).get("schema")
            body = _resolve(spec, schema) if schema is not None else None
            ids = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
            if body is not None or ids:
                found.append((method.upper(), path, body, ids))
    return found


class Abuser:
    """Sends requests, checks each answer, and re-provisions the lifter after any success
    (a hostile body that happened to be valid may have changed or rotated what it owns)."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.who = self._lifter()
        self.tables = sorted(metadata.tables)
        self.sent = 0

    def _lifter(self) -> Lifter:
        who = self.api.lifter()
        self.api.set_max(who, "squat", 140)
        self.api.program(who)
        return who

    def counts(self) -> tuple[int, ...]:
        query = "SELECT " + ", ".join(f"(SELECT count(*) FROM {t})" for t in self.tables)
        with self.api.state.db.read() as unit:
            return tuple(unit.connection().execute(text(query)).one())

    def send(self, method: str, path: str, content: bytes | None) -> None:
        auth = ADMIN if path.startswith(("/v1/lifters", "/v1/admin")) else self.who.auth
        headers = {**auth, "Content-Type": "application/json", "Idempotency-Key": "abuse"}
        before = self.counts()
        response = self.api.client.request(method, path, content=content, headers=headers)
        self.sent += 1
        where = f"{method} {path} {content[:80]!r}" if content is not None else f"{method} {path}"
        _check(response, where)
        if response.status_code < 400:
            self.who = self._lifter()
        else:
            assert self.counts() == before, f"{where}: rows changed on a {response.status_code}"


def _check(response: Any, where: str) -> None:  # an httpx (or httpx2) response
    assert response.status_code < 500, f"{where}: {response.status_code} {response.text[:300]}"
    assert "Traceback" not in response.text, where
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error"}, f"{where}: {body}"
        assert set(body["error"]) == {"code", "message", "details"}, f"{where}: {body}"
        assert isinstance(body["error"]["details"], list)
        assert len(response.content) < 16_000, f"{where}: an error of {len(response.content)} B"


def _fill(path: str, ids: list[str], value: str) -> str:
    for name in ids:
        path = path.replace("{" + name + "}", value)
    return path


def _plausible(name: str) -> str:
    return "squat" if name == "lift" else "00000000-0000-4000-8000-000000000000"


def test_hostile_input_on_every_route(make_api: Any) -> None:
    api = make_api(rate_limit=RateLimitSettings(generations_per_minute=0))
    abuser = Abuser(api)
    valid = _valid_bodies()
    routes = _routes(api)
    assert any(path == "/v1/generate" for _, path, _, _ in routes)
    for method, template, schema, ids in routes:
        for bad_id in HOSTILE_IDS:
            content = b"{}" if schema is not None else None
            abuser.send(method, _fill(template, ids, bad_id), content)
        if schema is None:
            continue
        path = template
        for name in ids:
            path = path.replace("{" + name + "}", _plausible(name))
        for _label, raw in RAW_BODIES:
            abuser.send(method, path, raw)
        base = valid.get(template, {})
        fields = sorted(set(schema.get("properties", {})) | set(base))
        for field in fields:
            for _label, value in HOSTILE_VALUES:
                rest = json.dumps({k: v for k, v in base.items() if k != field})
                body = rest[:-1] + (", " if len(rest) > 2 else "") + f'"{field}": {value}' + "}"
                abuser.send(method, path, body.encode())
            missing = {k: v for k, v in base.items() if k != field}
            abuser.send(method, path, json.dumps(missing).encode())
        extra = json.dumps({**base, "unknown_field": 1}).encode()
        abuser.send(method, path, extra)
    assert abuser.sent > 1000
