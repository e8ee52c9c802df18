"""The request body limit: ASGI middleware that refuses a body larger than `max_bytes` (413).

Two checks, neither of which reads a large body into memory:

* a `Content-Length` above the limit is answered at once, before the app runs or a byte of
  the body is read (the connection is then closed: the body is never drained);
* a body without a length (chunked) or with a false one is counted as it arrives; the chunk
  that passes the limit raises `BodyTooLarge` (a starlette `HTTPException`, so FastAPI passes it
  through its body parsing and `install_error_handlers` answers it as `payload_too_large`).

At most `max_bytes` plus one chunk is ever buffered. `max_bytes = 0` turns the limit off.
"""

from __future__ import annotations

import asyncio
import json

import anyio
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared_types.enums import StrategyName
from shared_types.inputs import JITInput
from shared_types.llm import GenerationResult
from training_engine.strategies import StrategyRegistry, serve

__all__ = ["PAYLOAD_TOO_LARGE", "BodyLimit", "BodyTooLarge", "serve_off_the_loop"]

PAYLOAD_TOO_LARGE = "payload_too_large"


def _message(max_bytes: int) -> str:
    return f"the request body is larger than the limit of {max_bytes} bytes"


class BodyTooLarge(HTTPException):
    def __init__(self, max_bytes: int) -> None:
        super().__init__(status_code=413, detail=_message(max_bytes))


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.max_bytes <= 0:
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await _refuse(send, self.max_bytes)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        await self.app(scope, counted, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _refuse(send: Send, max_bytes: int) -> None:
    body = json.dumps(
        {"error": {"code": PAYLOAD_TOO_LARGE, "message": _message(max_bytes), "details": []}}
    ).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode("ascii")),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def serve_off_the_loop(
    registry: StrategyRegistry, name: str, inp: JITInput
) -> GenerationResult:
    """`serve`, with the formula's CPU work in a worker thread (its own event loop there), so a
    large input never holds the server's loop while other clients wait (/healthz included).

    Other strategies stay on the loop: they await the model through clients bound to it, and
    their formula pass is the same few milliseconds at most (inputs are size-bounded)."""
    if name != StrategyName.FORMULA.value:
        return await serve(registry, name, inp)
    return await anyio.to_thread.run_sync(asyncio.run, serve(registry, name, inp))
