"""The OpenAPI document a client generator is happy with (issue 9): short unique operation ids,
enums for closed sets, the `Idempotent-Replayed` header, every error status with the one error
schema; Swagger UI and ReDoc that work offline; CORS off unless configured."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings

ERROR_STATUSES = {"400", "401", "403", "404", "409", "413", "422", "429", "500"}
ERROR_REF = "#/components/schemas/ErrorResponse"


def _schema() -> dict[str, Any]:
    return create_app(Settings(database_url="sqlite://"), migrate=False).openapi()


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, operations in _schema()["paths"].items()
        for method, operation in operations.items()
    ]


def test_operation_ids_are_short_camel_case_and_unique() -> None:
    ids = [operation["operationId"] for _, _, operation in _operations()]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for operation_id in ids:
        assert re.fullmatch(r"[a-z][a-zA-Z0-9]{2,39}", operation_id), operation_id
    by_route = {(method, path): op["operationId"] for method, path, op in _operations()}
    assert by_route["POST", "/v1/me/sessions/{session_id}/generate"] == "generateSession"
    assert by_route["GET", "/v1/me/sessions"] == "listSessions"
    assert by_route["POST", "/v1/generate"] == "generateStateless"
    assert by_route["POST", "/v1/lifters"] == "createLifter"


def test_every_api_route_documents_every_error_status_with_the_error_schema() -> None:
    for method, path, operation in _operations():
        responses = operation["responses"]
        expected = ERROR_STATUSES if path.startswith("/v1/") else {"500"}
        assert expected <= set(responses), (method, path, sorted(responses))
        for status in expected:
            content = responses[status]["content"]["application/json"]["schema"]
            assert content == {"$ref": ERROR_REF}, (method, path, status)
        if path.startswith("/v1/"):
            assert "Retry-After" in responses["429"]["headers"]
    error = _schema()["components"]["schemas"]["ErrorResponse"]
    assert error["required"] == ["error"]


def test_replayable_routes_document_the_idempotent_replayed_header() -> None:
    replayable = []
    for method, path, operation in _operations():
        headers = {
            p["name"].lower() for p in operation.get("parameters", ()) if p["in"] == "header"
        }
        if "idempotency-key" not in headers:
            continue
        replayable.append((method, path))
        ok = [s for s in operation["responses"] if s.startswith("2")]
        assert ok, (method, path)
        for status in ok:
            header = operation["responses"][status]["headers"]["Idempotent-Replayed"]
            assert header["schema"]["enum"] == ["true", "false"]
    assert ("POST", "/v1/me/sessions/{session_id}/generate") in replayable
    assert ("POST", "/v1/me/programs") in replayable
    assert ("POST", "/v1/lifters") in replayable


def _enum(schema: dict[str, Any], model: str, field: str) -> list[str]:
    """The enum values of `model.field` (through a $ref and an optional null)."""
    components = schema["components"]["schemas"]
    prop = components[model]["properties"][field]
    for option in [prop, *prop.get("anyOf", ())]:
        candidate = components[option["$ref"].rsplit("/", 1)[1]] if "$ref" in option else option
        if "enum" in candidate:
            return list(candidate["enum"])
    raise AssertionError(f"{model}.{field} is not an enum: {prop}")


@pytest.mark.parametrize(
    ("model", "field", "values"),
    [
        ("SessionOut", "status", {"planned", "generated", "in_progress", "completed", "skipped"}),
        ("SessionOut", "jit_strategy", {"formula", "llm", "hybrid", "formula_fallback"}),
        ("SessionOut", "fallback_reason", {"timeout", "disabled", "breaker_open"}),
        ("GenerationOut", "jit_strategy", {"formula", "formula_fallback"}),
        ("GenerationOut", "fallback_reason", {"disabled"}),
        ("GenerationOut", "one_rm_source", {"stored", "working", "profile_estimate"}),
        ("ProgramOut", "mode", {"scheduled", "unending"}),
        ("ProgramOut", "status", {"active", "archived"}),
        ("SetLogOut", "kind", {"primary", "auxiliary"}),
        ("DisruptionOut", "status", {"active", "monitoring", "resolved"}),
        ("LlmCallOut", "strategy", {"llm", "hybrid", "auto"}),
        ("LlmCallOut", "fallback_reason", {"disabled"}),
        ("ComparisonSummary", "strategy_used", {"llm", "formula", "formula_fallback"}),
        ("MuscleVolume", "status", {"below_mev", "in_range", "exceeded_mrv"}),
        ("CheckIn", "strategy", {"auto", "formula", "llm", "hybrid"}),
    ],
)
def test_closed_sets_are_enums(model: str, field: str, values: set[str]) -> None:
    assert values <= set(_enum(_schema(), model, field))


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in {"src", "href"} and value:
                self.urls.append(value)


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_docs_work_offline(page: str) -> None:
    client = TestClient(create_app(Settings(database_url="sqlite://"), migrate=False))
    response = client.get(page)
    assert response.status_code == 200
    parser = _Assets()
    parser.feed(response.text)
    # the page's scripts, styles and icon, and the URLs its inline script loads
    urls = parser.urls + re.findall(r"""url:\s*['"]([^'"]+)['"]""", response.text)
    urls += re.findall(r"""spec-url=['"]([^'"]+)['"]""", response.text)
    assert any(u.endswith(".js") for u in urls), urls
    for url in urls:
        parts = urlsplit(url)
        assert not parts.scheme, f"{page} loads {url} from elsewhere"
        assert not parts.netloc, f"{page} loads {url} from elsewhere"
        assert url.startswith("/"), url
        assert client.get(url).status_code == 200, url
    assert "cdn" not in response.text.lower()
    assert "fonts.googleapis" not in response.text


def test_cors_is_off_by_default() -> None:
    assert Settings(database_url="sqlite://").cors_origins == ()
    client = TestClient(create_app(Settings(database_url="sqlite://"), migrate=False))
    origin = {"Origin": "https://app.example"}
    assert "access-control-allow-origin" not in client.get("/healthz", headers=origin).headers
    preflight = client.options("/v1/me", headers={**origin, "Access-Control-Request-Method": "GET"})
    assert "access-control-allow-origin" not in preflight.headers


def test_cors_allows_exactly_the_configured_origins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIT_CORS_ORIGINS", "https://app.example, https://admin.example")
    settings = Settings(database_url="sqlite://")
    assert settings.cors_origins == ("https://app.example", "https://admin.example")
    monkeypatch.setenv("JIT_CORS_ORIGINS", '["https://app.example"]')
    assert Settings(database_url="sqlite://").cors_origins == ("https://app.example",)

    client = TestClient(create_app(settings, migrate=False))
    allowed = client.options(
        "/v1/me/sessions",
        headers={
            "Origin": "https://app.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://app.example"
    simple = client.get("/healthz", headers={"Origin": "https://admin.example"})
    assert simple.headers["access-control-allow-origin"] == "https://admin.example"
    assert "Idempotent-Replayed" in simple.headers["access-control-expose-headers"]
    other = client.get("/healthz", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers
