"""Rollouts of a prompt version or a model (issue 11), on SQLite and PostgreSQL, and the real
openai client asked for the candidate's model over a mock transport: validation of the
candidate, the candidate and control arms' calls, the shadow phase's call made beside and
stored, and an SLO breach of a candidate model rolling back at once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx2

from api.llm.cache import MemoryAdjustmentCache
from api.persistence.tables import LlmCallRow
from api.settings import LlmSettings, ModelPrice
from tests.api.client import Api
from tests.api.llm_payloads import ADJUSTMENT, Provider, openai_completion, settings, source_for
from tests.api.test_llm_generation import _ready, _registry
from tests.api.test_rollouts import (
    BASE,
    NOTE,
    POOR_NIGHT,
    _events,
    _generation,
    _move,
    _ok,
    _send,
    _start,
    _until_moved,
    make,  # noqa: F401 - the fixture, with its clean-up
)
from tests.engine.routing.test_variants import Recording
from tests.factories import make_input
from training_engine.ports import AdjustmentRequest, AdjustmentUnavailable, SourcedAdjustment
from training_engine.prompt import build_prompt
from training_engine.session import formula_run

PRICE = ModelPrice(input_per_mtok=0.1, output_per_mtok=0.4)
PRICED = LlmSettings(prices={"configured-model-1": PRICE, "candidate-model-2": PRICE})
BROKEN = "broken-model-3"


class Source(Recording):
    """`Recording`, failing (`provider_error`) whenever it is asked for `BROKEN`."""

    async def adjustment(self, request: AdjustmentRequest) -> SourcedAdjustment:
        answer = await super().adjustment(request)
        if request.model == BROKEN:
            assert answer.record is not None
            record = answer.record.model_copy(
                update={"fallback_reason": "provider_error", "adjustment": None}
            )
            raise AdjustmentUnavailable(record.fallback_reason, "test", record)  # type: ignore[arg-type]
        return answer


def _calls(api: Api, generation_id: str) -> list[LlmCallRow]:
    rows: list[LlmCallRow] = api.rows(LlmCallRow, generation_id=generation_id)
    return sorted(rows, key=lambda r: r.strategy)


def test_the_candidate_must_be_a_known_prompt_and_a_priced_model(
    make: Callable[..., Api],  # noqa: F811
) -> None:
    api = make(registry=_registry(Source()), llm=PRICED)
    body = {**NOTE, "candidate": "llm", "min_samples": 5, "min_elapsed_s": 0}
    unknown = _send(api, "POST", BASE, {**body, "prompt_version": "jit-adjust-9"})
    assert unknown.status_code == 422, unknown.text
    assert unknown.json()["error"]["details"][0]["path"] == "body.prompt_version"
    unpriced = _send(api, "POST", BASE, {**body, "model": "nobody-knows-1"})
    assert unpriced.status_code == 422, unpriced.text
    detail = unpriced.json()["error"]["details"][0]
    assert detail["path"] == "body.model"
    assert "priced models: candidate-model-2, configured-model-1" in detail["message"]
    assert _ok(_send(api, "GET", BASE, active=True))["total"] == 0  # nothing half-written
    started = _start(api, prompt_version="jit-adjust-1-full", model="candidate-model-2")
    assert (started["prompt_version"], started["model"]) == (
        "jit-adjust-1-full",
        "candidate-model-2",
    )
    assert _ok(_send(api, "GET", f"{BASE}/{started['id']}"))["model"] == "candidate-model-2"


def test_the_candidate_arm_asks_with_the_candidates_prompt_and_model(
    make: Callable[..., Api],  # noqa: F811
) -> None:
    source = Source()
    api = make(registry=_registry(source), llm=PRICED)
    who, sid = _ready(api)
    rollout = _start(
        api, lifter_id=who.id, prompt_version="jit-adjust-1-full", model="candidate-model-2"
    )
    for _ in range(3):
        _move(api, rollout, "advance")  # general: the whole scope is the candidate
    row = _generation(api, who, sid, POOR_NIGHT, "candidate")
    assert (row.rollout_id, row.rollout_arm, row.jit_strategy) == (
        rollout["id"],
        "candidate",
        "llm",
    )
    assert (row.route or "").endswith(
        "rollout candidate arm: llm serves with prompt jit-adjust-1-full and model "
        "candidate-model-2"
    )
    (call,) = _calls(api, row.id)
    assert (call.prompt_version, call.model) == ("jit-adjust-1-full", "candidate-model-2")


def test_the_shadow_phase_serves_the_control_and_stores_the_candidates_call_beside(
    make: Callable[..., Api],  # noqa: F811
) -> None:
    source = Source()
    api = make(registry=_registry(source), llm=PRICED)
    who, sid = _ready(api)
    rollout = _start(api, lifter_id=who.id, model="candidate-model-2")  # in shadow
    row = _generation(api, who, sid, POOR_NIGHT, "shadow")
    assert (row.rollout_arm, row.jit_strategy) == ("shadow", "llm")
    assert "the candidate (model candidate-model-2) runs beside it, logged" in (row.route or "")
    served, beside = _calls(api, row.id)
    assert (served.strategy, served.model) == ("auto", "configured-model-1")
    assert (beside.strategy, beside.model) == ("shadow", "candidate-model-2")
    assert sorted(source.asked, key=str) == sorted(
        [("jit-adjust-1", None), ("jit-adjust-1", "candidate-model-2")], key=str
    )
    status = _ok(_send(api, "GET", f"{BASE}/{rollout['id']}"))
    assert status["window"]["verdict"]["enough_samples"] is False  # the shadow is never judged


def test_a_failing_candidate_model_breaches_and_rolls_back_while_the_control_keeps_the_model(
    make: Callable[..., Api],  # noqa: F811
) -> None:
    prices = LlmSettings(prices={**PRICED.prices, BROKEN: PRICE})
    api = make(registry=_registry(Source()), llm=prices)
    rollout = _start(api, model=BROKEN, min_samples=2)
    _move(api, rollout, "advance")
    _move(api, rollout, "advance")  # guarded: 25 % candidates
    event = _until_moved(api, rollout, POOR_NIGHT, lambda: None)
    assert (event["from_phase"], event["to_phase"]) == ("guarded", "canary")
    assert "fallback rate 100.0% above 2.0%" in event["check"]["verdict"]["breaches"]
    assert event["check"]["control"]["fallback_rate"] == 0.0
    assert _events(api, rollout)[0]["changed_by"] == "slo-monitor"
    controls = [
        r for r in api.rows(LlmCallRow) if r.model == "configured-model-1" and r.strategy == "auto"
    ]
    assert controls  # the control arm kept asking the configured model, not the formula


def test_the_openai_client_is_asked_for_the_candidates_model_and_caches_it_apart() -> None:
    provider = Provider(lambda request, n: httpx2.Response(200, json=openai_completion(ADJUSTMENT)))
    cache = MemoryAdjustmentCache(16, 3600)
    source = source_for(
        provider,
        settings(prices={"gpt-4.1-mini": {"input_per_mtok": 0.4, "output_per_mtok": 1.6}}),
        cache=cache,
    )
    prompt = build_prompt(formula_run(make_input(sleep_quality=1)))
    inp = make_input(sleep_quality=1)

    async def ask(model: str | None) -> Any:
        return await source.adjustment(AdjustmentRequest(inp, prompt, model))

    candidate = asyncio.run(ask("gpt-4.1-mini"))
    configured = asyncio.run(ask(None))
    assert [r["model"] for r in provider.requests] == ["gpt-4.1-mini", "gpt-4o-mini"]
    assert candidate.record is not None
    assert configured.record is not None
    assert (candidate.record.model, configured.record.model) == ("gpt-4.1-mini", "gpt-4o-mini")
    assert candidate.record.cost_usd is not None  # priced by the candidate's own entry
    assert candidate.record.cache_key != configured.record.cache_key
    again = asyncio.run(ask("gpt-4.1-mini"))
    assert again.record is not None
    assert again.record.cache_hit
    assert len(provider.requests) == 2
