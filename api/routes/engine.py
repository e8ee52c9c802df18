"""Stateless generation: a full `JITInput` in, a prescription out; only the LLM records
(call record, hybrid comparison) are stored, without a session (ADR 0009)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

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

router = APIRouter(prefix="/v1", tags=["engine"], responses=ERRORS)


@router.post("/generate", response_model=JITOutput)
async def generate_stateless(
    request: Request,
    _caller: AnyCaller,
    body: JITInput,
    strategy: Annotated[StrategyName, Query()] = StrategyName.FORMULA,
) -> JITOutput:
    """Any valid token. Without `now` in the input, the server's clock is used."""
    state = app_state(request)
    await limit_generation(state, request, _caller.lifter_id)
    inp = body if body.now is not None else body.model_copy(update={"now": state.clock()})
    try:
        result = await serve_off_the_loop(state.registry, strategy.value, inp)
    except Exception as exc:
        raise GenerationFailed("the prescription could not be generated") from exc
    await state.db.run(store_stateless, state, result, inp, _caller.lifter_id, strategy.value)
    return result.output
