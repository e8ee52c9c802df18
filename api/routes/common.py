"""Shared route pieces: id path parameters, pagination bounds, documented error responses."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path

from api.errors import ErrorResponse

__all__ = ["ERRORS", "Id", "Limit", "Offset"]

Id = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")]
Limit = Annotated[int, "1..200"]
Offset = Annotated[int, "0.."]

ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse, "description": text}
    for status, text in (
        (401, "No token, or an unknown one"),
        (403, "The token lacks the right"),
        (404, "Not found (or another lifter's)"),
        (409, "The resource's state forbids it"),
        (422, "Invalid request, with field paths"),
    )
}
