"""An app-wide dependency: every string in a JSON body, keys included, is text we can keep.

A JSON escape such as `\\ud800` decodes to a lone surrogate, which no response, database row or
log line can encode; `\\u0000` (NUL) is text PostgreSQL cannot store, in a column or in JSONB. A
body holding either is a 422 (`invalid_request`) naming each bad string's path, before any
route reads it, whatever the route's body model is (ours or `JITInput`).
"""

from __future__ import annotations

from typing import Any

import anyio
from fastapi import Request
from fastapi.exceptions import RequestValidationError

from api.errors import printable

__all__ = ["MAX_TEXT_ERRORS", "bad_text", "valid_text_body"]

MAX_TEXT_ERRORS = 20
NOT_UNICODE = "must be valid Unicode text"
HAS_NUL = "must not contain NUL characters"

Location = tuple[str | int, ...]


def _problem(text: str) -> str | None:
    if "\x00" in text:
        return HAS_NUL
    if text.isascii():
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return NOT_UNICODE
    return None


def _key(text: str) -> str:
    return printable(text).replace("\x00", "\\u0000")


def bad_text(body: Any) -> list[tuple[Location, str]]:
    """Each string (value or key) that is not text we can keep: its location under `body` and
    why; at most `MAX_TEXT_ERRORS`. Iterative, so any nesting depth is safe."""
    found: list[tuple[Location, str]] = []
    stack: list[tuple[Location, Any]] = [(("body",), body)]
    while stack and len(found) < MAX_TEXT_ERRORS:
        loc, item = stack.pop()
        if isinstance(item, str):
            problem = _problem(item)
            if problem is not None:
                found.append((loc, problem))
        elif isinstance(item, dict):
            for key, value in item.items():
                problem = _problem(key)
                if problem is None:
                    stack.append(((*loc, key), value))
                else:
                    found.append(((*loc, _key(key)), problem))
        elif isinstance(item, list):
            stack.extend(((*loc, i), value) for i, value in enumerate(item))
    return sorted(found, key=str)


OFF_THE_LOOP_BYTES = 32 * 1024  # a larger body is walked in a worker thread (api/limits.py)


async def valid_text_body(request: Request) -> None:
    raw = await request.body()
    if not raw:
        return
    try:
        body = await request.json()  # parsed by FastAPI already: the request caches it
    except (ValueError, RecursionError):
        return  # not JSON: FastAPI reports it (malformed_json), or the route reads no body
    if len(raw) > OFF_THE_LOOP_BYTES:  # tens of ms at the body limit: not on the event loop
        bad = await anyio.to_thread.run_sync(bad_text, body)
    else:
        bad = bad_text(body)
    if bad:
        raise RequestValidationError(
            [{"type": "invalid_text", "loc": loc, "msg": message} for loc, message in bad]
        )
