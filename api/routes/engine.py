"""Stateless generation: a full `JITInput` in, a prescription out; only the LLM records
(call record, hybrid comparison) are stored, without a session (ADR 0009).

The route declares no body parameter: FastAPI would validate a large input (up to the body
limit) on the event loop while every other client waits (issue 9). It validates the body in a
worker thread instead (`stateless_input`), with FastAPI's own rules and errors (400
`malformed_json`, 422 `invalid_request` with `body.<path>` paths, through `api.errors`), and the
OpenAPI document names `JITInput` as the body by hand (`_JIT_INPUT_BODY`).
"""

from __future__ import annotations

import email.message
import json
from collections.abc import Sequence
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect

from api.auth import AnyCaller
from api.errors import GenerationFailed
from api.limits import serve_off_the_loop
from api.ratelimit import limit_generation
from api.routes.common import ERRORS
from api.services.records import store_stateless
from api.state import app_state
from shared_types.enums import StrategyName
from shared_types.inputs import JITInput
from shared_types.outputs import JITOutput

__all__ = ["router", "stateless_input", "validated_input"]

router = APIRouter(prefix="/v1", tags=["engine"], responses=ERRORS)

# FastAPI's words for a body it cannot decode at all; `api.errors` answers them malformed_json.
_UNPARSEABLE = "There was an error parsing the body"
_JIT_INPUT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/JITInput"}}},
    }
}


@router.post("/generate", response_model=JITOutput, openapi_extra=_JIT_INPUT_BODY)
async def generate_stateless(
    request: Request,
    _caller: AnyCaller,
    strategy: Annotated[StrategyName, Query()] = StrategyName.FORMULA,
) -> JITOutput:
    """Any valid token. The body is a `JITInput`; without `now` in it, the server's clock is
    used."""
    body = await stateless_input(request)
    state = app_state(request)
    await limit_generation(state, request, _caller.lifter_id)
    inp = body if body.now is not None else body.model_copy(update={"now": state.clock()})
    try:
        result = await serve_off_the_loop(state.registry, strategy.value, inp)
    except Exception as exc:
        raise GenerationFailed("the prescription could not be generated") from exc
    await state.db.run(store_stateless, state, result, inp, _caller.lifter_id, strategy.value)
    return result.output


async def stateless_input(request: Request) -> JITInput:
    """The request body as a `JITInput`, validated in a worker thread.

    A body FastAPI could not decode answers as FastAPI would: a JSON syntax error is a 400
    with its position, anything else (not UTF-8, nested too deeply, the client gone) a bare
    400; both `malformed_json` (`api.errors`)."""
    try:
        data = await _decoded(request)
    except json.JSONDecodeError as exc:
        raise RequestValidationError(
            [
                {
                    "type": "json_invalid",
                    "loc": ("body", exc.pos),
                    "msg": "JSON decode error",
                    "input": {},
                    "ctx": {"error": exc.msg},
                }
            ]
        ) from exc
    except (ValueError, RecursionError, ClientDisconnect) as exc:
        raise HTTPException(status_code=400, detail=_UNPARSEABLE) from exc
    return await anyio.to_thread.run_sync(validated_input, data)


async def _decoded(request: Request) -> Any:
    """The decoded JSON body, or the raw bytes when the body is empty or not declared JSON.

    The app-wide text check (`api.routes.text.valid_text_body`) has already called
    `request.json()` and the request keeps its value: a body is never decoded twice."""
    raw = await request.body()
    if raw and _declares_json(request.headers.get("content-type")):
        return await request.json()
    return raw


def _declares_json(content_type: str | None) -> bool:
    """FastAPI's rule: only an `application/json` or `application/*+json` body is decoded;
    any other body (or one without a content type) is validated as bytes, and refused."""
    if not content_type:
        return False
    message = email.message.Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    return message.get_content_maintype() == "application" and (
        subtype == "json" or subtype.endswith("+json")
    )


def validated_input(data: Any) -> JITInput:
    """`data` (the decoded body, its bytes, or `b""` for none) as a `JITInput`, validated as
    FastAPI validates a body parameter; each problem at its `body.<path>` (a 422).

    As FastAPI does: no body is a missing one, and `from_attributes` is on (it words the problem
    of a body that is not an object: "a valid dictionary or object to extract fields from")."""
    if isinstance(data, bytes) and not data:
        raise _in_body([{"type": "missing", "loc": (), "msg": "Field required", "input": None}])
    try:
        return JITInput.model_validate(data, from_attributes=True)
    except ValidationError as exc:
        raise _in_body(exc.errors(include_url=False)) from exc


def _in_body(errors: Sequence[Any]) -> RequestValidationError:
    return RequestValidationError([{**err, "loc": ("body", *err["loc"])} for err in errors])
