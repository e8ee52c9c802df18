"""The shell's one error tree, and its single mapping to HTTP.

    ApiError                    status  code
    ├── InvalidRequest           422     invalid_request   (each problem with its field path)
    ├── Unauthorized             401     unauthorized      (no token, or a token we do not know)
    ├── Forbidden                403     forbidden         (a valid token without the right)
    ├── NotFound                 404     not_found         (missing, or another lifter's)
    ├── Conflict                 409     conflict          (the state forbids it, or a key reuse)
    ├── GenerationFailed         500     generation_failed (the strategy raised; nothing stored)
    └── Unavailable              503     unavailable       (the database cannot be reached)

Every error response has one JSON shape, and never a stack trace:

    {"error": {"code": "...", "message": "...", "details": [{"path": "...", "message": "..."}]}}

`install_error_handlers` maps these, FastAPI's request validation, routing errors and any
unexpected exception (500 `internal_error`, logged server-side) onto that shape.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

__all__ = [
    "ApiError",
    "Conflict",
    "ErrorBody",
    "ErrorDetail",
    "ErrorResponse",
    "Forbidden",
    "GenerationFailed",
    "InvalidRequest",
    "NotFound",
    "Unauthorized",
    "Unavailable",
    "install_error_handlers",
    "problem_path",
]

log = logging.getLogger("jit_engine.api")


class ErrorDetail(BaseModel):
    path: str
    message: str


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


class GenerationFailed(ApiError):
    status = 500
    code = "generation_failed"


class Unavailable(ApiError):
    status = 503
    code = "unavailable"


def problem_path(location: Sequence[Any]) -> str:
    """`("body", "soreness", "quads")` -> `body.soreness.quads`; list indexes as `[i]`."""
    path = ""
    for part in location:
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
    status: int, code: str, message: str, details: Sequence[ErrorDetail] = ()
) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(_body(code, message, details), status_code=status, headers=headers)


def validation_details(errors: Sequence[Any]) -> list[ErrorDetail]:
    return [
        ErrorDetail(path=problem_path(err.get("loc", ())), message=str(err.get("msg", "invalid")))
        for err in errors
    ]


_HTTP_CODES = {401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}


def install_error_handlers(app: FastAPI) -> None:
    async def on_api_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ApiError)
        if exc.status >= 500:
            log.error("%s: %s", exc.code, exc.message, exc_info=exc.__cause__ or exc)
        return _respond(exc.status, exc.code, exc.message, exc.details)

    async def on_validation(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        details = validation_details(exc.errors())
        return _respond(422, "invalid_request", "the request is invalid", details)

    async def on_http(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
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
