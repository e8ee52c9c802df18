"""The shell's one error tree, and its single mapping to HTTP.

    ApiError                    status  code
    ├── InvalidRequest           422     invalid_request   (each problem with its field path)
    ├── (a body that is not JSON) 400    malformed_json    (truncated, not UTF-8, nested too deep)
    ├── Unauthorized             401     unauthorized      (no token, or a token we do not know)
    ├── Forbidden                403     forbidden         (a valid token without the right)
    ├── NotFound                 404     not_found         (missing, or another lifter's)
    ├── Conflict                 409     conflict          (the state forbids it, or a key reuse)
    ├── (a body over the limit)  413     payload_too_large (api/limits.py; JIT_MAX_BODY_BYTES)
    ├── RateLimited              429     rate_limited      (with Retry-After; api/ratelimit.py)
    ├── GenerationFailed         500     generation_failed (the strategy raised; nothing stored)
    └── Unavailable              503     unavailable       (the database cannot be reached)

Every error response has one JSON shape, and never a stack trace:

    {"error": {"code": "...", "message": "...", "details": [{"path": "...", "message": "..."}]}}

`install_error_handlers` maps these, FastAPI's request validation, routing errors and any
unexpected exception (500 `internal_error`, logged server-side) onto that shape.

Messages are in our words: pydantic's "Value error, " prefix is dropped, a bad mapping key is
reported at the key's path ("is not an allowed key: ...", never a `[key]` fragment), and every
path and message is valid Unicode text, so an error response can always be encoded.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, field_validator
from starlette.exceptions import HTTPException as StarletteHTTPException

__all__ = [
    "MALFORMED_JSON",
    "ApiError",
    "Conflict",
    "ErrorBody",
    "ErrorDetail",
    "ErrorResponse",
    "Forbidden",
    "GenerationFailed",
    "InvalidRequest",
    "NotFound",
    "RateLimited",
    "Unauthorized",
    "Unavailable",
    "install_error_handlers",
    "printable",
    "problem_path",
]

log = logging.getLogger("jit_engine.api")


MALFORMED_JSON = "malformed_json"
_PREFIXES = ("Value error, ", "Assertion failed, ")
_OUR_WORDS = {  # by pydantic error type
    "missing": "is required",
    "extra_forbidden": "is not a known field",
    "float_type": "must be a number",
}
_OUR_MESSAGES = {  # by pydantic message, for problems that arrive without their type
    "Field required": "is required",
    "Extra inputs are not permitted": "is not a known field",
}


def printable(text: str) -> str:
    """`text` with anything UTF-8 cannot encode (lone surrogates) written as `\\udXXX`."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def our_words(message: str) -> str:
    for prefix in _PREFIXES:
        if message.startswith(prefix):
            message = message[len(prefix) :]
    return printable(_OUR_MESSAGES.get(message, message))


class ErrorDetail(BaseModel):
    path: str
    message: str

    @field_validator("path")
    @classmethod
    def _printable_path(cls, value: str) -> str:
        return printable(value)

    @field_validator("message")
    @classmethod
    def _in_our_words(cls, value: str) -> str:
        return our_words(value)


class ErrorBody(BaseModel):
    code: str
    message: str
    details: list[ErrorDetail] = []


class ErrorResponse(BaseModel):
    error: ErrorBody


class ApiError(Exception):
    status = 500
    code = "internal_error"

    def __init__(self, message: str, details: Sequence[ErrorDetail] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.details = list(details)


class InvalidRequest(ApiError):
    status = 422
    code = "invalid_request"


class Unauthorized(ApiError):
    status = 401
    code = "unauthorized"


class Forbidden(ApiError):
    status = 403
    code = "forbidden"


class NotFound(ApiError):
    status = 404
    code = "not_found"


class Conflict(ApiError):
    status = 409
    code = "conflict"


class RateLimited(ApiError):
    status = 429
    code = "rate_limited"

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class GenerationFailed(ApiError):
    status = 500
    code = "generation_failed"


class Unavailable(ApiError):
    status = 503
    code = "unavailable"


def problem_path(location: Sequence[Any]) -> str:
    """`("body", "soreness", "quads")` -> `body.soreness.quads`; list indexes as `[i]`.

    pydantic's `[key]` marker (the mapping key itself is wrong) is dropped: the path already
    ends at that key."""
    path = ""
    for part in location:
        if part == "[key]":
            continue
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += ("." if path else "") + str(part)
    return path or "(root)"


def _body(code: str, message: str, details: Sequence[ErrorDetail] = ()) -> dict[str, Any]:
    return ErrorResponse(
        error=ErrorBody(code=code, message=message, details=list(details))
    ).model_dump(mode="json")


def _respond(
    status: int,
    code: str,
    message: str,
    details: Sequence[ErrorDetail] = (),
    extra: dict[str, str] | None = None,
) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else dict(extra or {})
    return JSONResponse(_body(code, message, details), status_code=status, headers=headers)


def _message(err: Any) -> str:
    message = _OUR_WORDS.get(str(err.get("type")), str(err.get("msg", "invalid")))
    if "[key]" in tuple(err.get("loc", ())):
        message = "is not an allowed key: " + message[:1].lower() + message[1:]
    return message


def validation_details(errors: Sequence[Any]) -> list[ErrorDetail]:
    return [
        ErrorDetail(path=problem_path(err.get("loc", ())), message=_message(err)) for err in errors
    ]


def _malformed(details: Sequence[ErrorDetail] = ()) -> JSONResponse:
    return _respond(
        400,
        MALFORMED_JSON,
        "the body is not valid JSON (truncated, not UTF-8, or nested too deeply)",
        details,
    )


# FastAPI raises this (a 400) when the body cannot be decoded at all: invalid UTF-8, or nesting
# deeper than the JSON decoder's recursion limit.
_UNPARSEABLE = "There was an error parsing the body"


_HTTP_CODES = {
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
}
MAX_DETAILS = 20  # problems reported per error; the rest are counted in one last detail


def _capped(details: list[ErrorDetail]) -> list[ErrorDetail]:
    if len(details) <= MAX_DETAILS:
        return details
    more = len(details) - MAX_DETAILS
    return [*details[:MAX_DETAILS], ErrorDetail(path="(more)", message=f"and {more} more problems")]


def install_error_handlers(app: FastAPI) -> None:
    async def on_api_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ApiError)
        if exc.status >= 500:
            log.error("%s: %s", exc.code, exc.message, exc_info=exc.__cause__ or exc)
        extra = {"Retry-After": str(exc.retry_after_s)} if isinstance(exc, RateLimited) else None
        return _respond(exc.status, exc.code, exc.message, exc.details, extra)

    async def on_validation(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = exc.errors()
        broken = [e for e in errors if e.get("type") == "json_invalid"]
        if broken:
            ctx = broken[0].get("ctx") or {}
            position = broken[0].get("loc", ("body", 0))[-1]
            where = f"{ctx.get('error', 'invalid JSON')} at character {position}"
            return _malformed([ErrorDetail(path="body", message=where)])
        details = _capped(validation_details(errors))
        return _respond(422, "invalid_request", "the request is invalid", details)

    async def on_http(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 400 and exc.detail == _UNPARSEABLE:
            return _malformed()
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        message = exc.detail if isinstance(exc.detail, str) else "request failed"
        return _respond(exc.status_code, code, message)

    async def on_unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=exc)
        return _respond(500, "internal_error", "an internal error occurred")

    app.add_exception_handler(ApiError, on_api_error)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_unexpected)
