"""Shared route pieces: id path parameters, pagination bounds, documented error responses, the
optional Idempotency-Key of the creating POSTs and their answer."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Header, Path, Response

from api.errors import ErrorResponse
from api.services.idempotency import Answer

__all__ = ["ERRORS", "Id", "Limit", "Offset", "OptionalIdempotencyKey", "answer"]

Id = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")]
Limit = Annotated[int, "1..200"]
Offset = Annotated[int, "0.."]

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
            422,
            "Invalid request, with field paths (code invalid_request); a string that is "
            "not valid Unicode text (a lone surrogate) or holds NUL is one",
        ),
    )
}

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
    headers = (
        {} if result.replayed is None else {"Idempotent-Replayed": str(result.replayed).lower()}
    )
    return Response(
        content=result.body,
        status_code=result.status_code,
        media_type="application/json",
        headers=headers,
    )
