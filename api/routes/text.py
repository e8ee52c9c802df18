"""An app-wide dependency: every string in a JSON body, keys included, is valid Unicode text.

A JSON escape such as `\\ud800` decodes to a lone surrogate, which no response, database row or
log line can encode. Such a body is a 422 (`invalid_request`) naming each bad string's path,
before any route reads it, whatever the route's body model is (ours or `JITInput`).
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError

from api.errors import printable

__all__ = ["MAX_TEXT_ERRORS", "bad_text", "valid_text_body"]

MAX_TEXT_ERRORS = 20
MESSAGE = "must be valid Unicode text"


def _encodable(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def bad_text(body: Any) -> list[tuple[str | int, ...]]:
    """The locations (under `body`) of strings, values or keys, that UTF-8 cannot encode; at
    most `MAX_TEXT_ERRORS`. Iterative, so any nesting depth is safe."""
    found: list[tuple[str | int, ...]] = []
    stack: list[tuple[tuple[str | int, ...], Any]] = [(("body",), body)]
    while stack and len(found) < MAX_TEXT_ERRORS:
        loc, item = stack.pop()
        if isinstance(item, str):
            if not _encodable(item):
                found.append(loc)
        elif isinstance(item, dict):
            for key, value in item.items():
                if _encodable(key):
                    stack.append(((*loc, key), value))
                else:
                    found.append((*loc, printable(key)))
        elif isinstance(item, list):
            stack.extend(((*loc, i), value) for i, value in enumerate(item))
    return sorted(found, key=str)


async def valid_text_body(request: Request) -> None:
    if not await request.body():
        return
    try:
        body = await request.json()  # parsed by FastAPI already: the request caches it
    except (ValueError, RecursionError):
        return  # not JSON: FastAPI reports it (malformed_json), or the route reads no body
    bad = bad_text(body)
    if bad:
        raise RequestValidationError(
            [{"type": "string_unicode", "loc": loc, "msg": MESSAGE} for loc in bad]
        )
