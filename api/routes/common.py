"""Shared route pieces: id path parameters, pagination bounds, documented error responses, the
optional Idempotency-Key of the creating POSTs and their answer."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Header, Path, Query, Response

from api.errors import ErrorResponse
from api.services.idempotency import Answer

__all__ = [
    "ERRORS",
    "REPLAYED_HEADER",
    "SERVER_ERRORS",
    "Id",
    "Limit",
    "Offset",
    "OptionalIdempotencyKey",
    "answer",
    "document_replays",
]

Id = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")]
# Every list route pages with these (and answers `api.schemas.Page`).
Limit = Annotated[int, Query(ge=1, le=200, description="Items per page (1-200).")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="Items to skip.")]

ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse, "description": text}
    for status, text in (
        (
            400,
            "The body is not JSON (code malformed_json): truncated, not UTF-8, or nested too "
            "deeply",
        ),
        (401, "No token, or an unknown one"),
        (403, "The token lacks the right"),
        (404, "Not found (or another lifter's)"),
        (409, "The resource's state forbids it"),
        (
            413,
            "The body is larger than the server's limit; refused before it is read in full",
        ),
        (
            422,
            "Invalid request, with field paths (code invalid_request); a string that is "
            "not valid Unicode text (a lone surrogate) or holds NUL is one",
        ),
        (429, "Too many requests: wait the `Retry-After` seconds"),
        (
            500,
            "An unexpected failure (code internal_error; never a traceback), or a strategy "
            "that failed (code generation_failed); nothing was stored",
        ),
    )
}
ERRORS[429]["headers"] = {
    "Retry-After": {"description": "Seconds to wait before retrying", "schema": {"type": "integer"}}
}
# routes without auth or input: /healthz, /readyz
SERVER_ERRORS: dict[int | str, dict[str, Any]] = {500: ERRORS[500]}

REPLAYED_HEADER = "Idempotent-Replayed"
_REPLAYED_DOC = {
    "description": "Sent when the request carried an Idempotency-Key: `true` when this response "
    "is a replay of the key's first one (nothing was done again), `false` when it is that "
    "first one",
    "schema": {"type": "string", "enum": ["true", "false"]},
}


def document_replays(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the `Idempotent-Replayed` response header to the 2xx responses of every operation that
    takes an `Idempotency-Key` header (so a route added later is documented too)."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            parameters = operation.get("parameters", ())
            if not any(
                p.get("in") == "header" and p.get("name", "").lower() == "idempotency-key"
                for p in parameters
            ):
                continue
            for status, response in operation.get("responses", {}).items():
                if str(status).startswith("2"):
                    response.setdefault("headers", {})[REPLAYED_HEADER] = _REPLAYED_DOC
    return schema


OptionalIdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        pattern=r"^[\x21-\x7e]+$",
        description=(
            "Optional. The same key and body replay the first response "
            "(`Idempotent-Replayed: true`); the same key with another body is 409."
        ),
    ),
]


def answer(result: Answer) -> Response:
    """The response of a creating POST; `Idempotent-Replayed` when a key was sent."""
    headers = {} if result.replayed is None else {REPLAYED_HEADER: str(result.replayed).lower()}
    return Response(
        content=result.body,
        status_code=result.status_code,
        media_type="application/json",
        headers=headers,
    )
