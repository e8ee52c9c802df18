"""The LLM layer behind the HTTP API: `llm` and `hybrid` through `POST …/generate`, their call
records and comparison logs stored in the generation's transaction, and who may read them.

The model is replaced through the registry: a fake `AdjustmentSource` (answers or fails with a
call record, counts its calls), `FixedAdjustmentSource` (a stored adjustment, no model asked),
or the production runtime over the real SDK on a mock transport. Runs on every database kind.
"""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from api.llm.runtime import build_runtime, registry_for_source
from api.persistence.tables import (
    CheckInRow,
    ComparisonLogRow,
    GenerationRow,
    LlmCallRow,
    SessionRow,
)
from shared_types.adjustment import JITAdjustment
from shared_types.enums import FallbackReason
from shared_types.inputs import JITInput
from shared_types.llm import GenerationResult, LlmCallRecord
from shared_types.outputs import JITOutput
from tests.api.client import ADMIN, Api, Lifter
from tests.api.conftest import MONDAY
from tests.api.llm_payloads import ADJUSTMENT, Provider, openai_completion, settings
from training_engine.ports import (
    AdjustmentRequest,
    AdjustmentUnavailable,
    AlwaysAccepting,
    FixedAdjustmentSource,
    SourcedAdjustment,
)
from training_engine.session import formula_session
from training_engine.strategies import StrategyRegistry, default_registry

LIGHTER = {**ADJUSTMENT, "intensity_modifier": 0.8, "set_modifier": 0, "rationale": ["Tired"]}


class FakeSource:
    """A model stand-in: answers `answer`, or fails with `reason`; either way with a record."""

    def __init__(
        self, answer: dict[str, Any] | None = None, *, reason: FallbackReason | None = None
    ) -> None:
        self.answer = JITAdjustment.model_validate(answer or ADJUSTMENT)
        self.reason = reason
        self.calls = 0

    async def adjustment(self, request: AdjustmentRequest) -> SourcedAdjustment:
        self.calls += 1
        failed = self.reason is not None
        record = LlmCallRecord(
            provider="fake",
            model="fake-model-1",
            prompt_version=request.prompt.version,
            prompt_chars=request.prompt.chars,
            attempts=1,
            latency_ms=12.5,
            deadline_s=5.0,
            input_tokens=None if failed else 120,
            output_tokens=None if failed else 30,
            usage_known=not failed,
            cost_usd=None if failed else 0.0001,
            cache_hit=False,
            cache_key="k" * 64,
            breaker_state="closed",
            fallback_reason=self.reason,
            detail="cut by the deadline" if failed else None,
            adjustment=None if failed else self.answer,
        )
        if self.reason is not None:
            raise AdjustmentUnavailable(self.reason, "test", record)
        return SourcedAdjustment(self.answer, record)


def _registry(source: Any, *, shadow: bool = False) -> StrategyRegistry:
    return registry_for_source(source, AlwaysAccepting(), shadow=shadow)


def _ready(api: Api) -> tuple[Lifter, str]:
    who = api.lifter()
    api.set_max(who, "squat", 140)
    api.program(who)
    return who, api.sessions(who)[0]["id"]


def _generate(api: Api, who: Lifter, sid: str, strategy: str, key: str = "key-1") -> Any:
    response = api.generate(who, sid, key=key, body={"strategy": strategy, "sleep_quality": 2})
    assert response.status_code == 200, response.text
    return response


def _one(rows: list[Any]) -> Any:
    assert len(rows) == 1, rows
    return rows[0]


def test_llm_serves_the_model_session_and_stores_its_call_record(make_api: Any) -> None:
    source = FakeSource()
    api: Api = make_api(registry=_registry(source))
    who, sid = _ready(api)
    body = _generate(api, who, sid, "llm").json()
    assert (body["jit_strategy"], body["fallback_reason"]) == ("llm", None)
    assert body["reasons"] == ADJUSTMENT["rationale"]

    row: SessionRow = _one(api.rows(SessionRow, id=sid))
    assert (row.jit_strategy, row.fallback_reason) == ("llm", None)
    assert row.generation_id == body["generation_id"]
    assert JITOutput.model_validate(row.jit_output) == JITOutput.model_validate(
        body["prescription"]
    )
    # The trace is the formula pass's, saying what was served (domain-reference §2.1).
    assert row.jit_output_trace is not None
    assert row.jit_output_trace["strategy"] == "llm"
    assert row.jit_output_trace["rationale"] == ADJUSTMENT["rationale"]
    formula = formula_session(JITInput.model_validate(row.jit_input_snapshot)).trace
    assert formula is not None
    assert row.jit_output_trace["main_lift"] == formula.main_lift.model_dump(mode="json")

    call: LlmCallRow = _one(api.rows(LlmCallRow, session_id=sid))
    assert (call.generation_id, call.lifter_id, call.strategy) == (
        body["generation_id"],
        who.id,
        "llm",
    )
    assert (call.provider, call.model, call.prompt_version) == (
        "fake",
        "fake-model-1",
        "jit-adjust-1",
    )
    assert (call.attempts, call.input_tokens, call.output_tokens, call.usage_known) == (
        1,
        120,
        30,
        True,
    )
    assert (call.cost_usd, call.cache_hit, call.breaker_state, call.fallback_reason) == (
        0.0001,
        False,
        "closed",
        None,
    )
    assert JITAdjustment.model_validate(call.adjustment) == JITAdjustment.model_validate(ADJUSTMENT)
    assert call.created_at == MONDAY
    assert api.rows(ComparisonLogRow, session_id=sid) == []

    detail = api.get(who, f"/v1/me/sessions/{sid}").json()
    assert detail["jit_strategy"] == "llm"
    assert detail["generation_id"] == body["generation_id"]
    assert detail["trace"]["strategy"] == "llm"
    assert detail["llm_call"]["id"] == call.id
    assert detail["llm_call"]["adjustment"]["rationale"] == ADJUSTMENT["rationale"]
    assert (detail["llm_call"]["input_tokens"], detail["comparison"]) == (120, None)


def test_hybrid_stores_the_comparison_beside_the_call_record(make_api: Any) -> None:
    api: Api = make_api(registry=_registry(FakeSource(LIGHTER)))
    who, sid = _ready(api)
    body = _generate(api, who, sid, "hybrid").json()
    assert (body["jit_strategy"], body["fallback_reason"]) == ("llm", None)
    row: SessionRow = _one(api.rows(SessionRow, id=sid))
    assert row.jit_strategy == "llm"
    assert row.jit_output_trace is not None
    assert row.jit_output_trace["strategy"] == "llm"

    call: LlmCallRow = _one(api.rows(LlmCallRow, session_id=sid))
    assert (call.strategy, call.generation_id) == ("hybrid", body["generation_id"])
    log: ComparisonLogRow = _one(api.rows(ComparisonLogRow, session_id=sid))
    assert (log.generation_id, log.lifter_id, log.strategy, log.strategy_used) == (
        body["generation_id"],
        who.id,
        "hybrid",
        "llm",
    )
    assert (log.shadow, log.fallback_reason, log.created_at) == (False, None, MONDAY)
    assert log.jit_input == row.jit_input_snapshot
    formula = formula_session(JITInput.model_validate(log.jit_input))
    assert JITOutput.model_validate(log.formula_output) == formula.model_copy(
        update={"trace": None}
    )
    assert log.llm_output is not None
    assert JITOutput.model_validate(log.llm_output) == JITOutput.model_validate(row.jit_output)
    assert log.divergence is not None
    served = body["prescription"]["main_lift_sets"][0]["weight_kg"]
    planned = formula.main_lift_sets[0].weight_kg
    assert log.divergence["weight_pct"] == pytest.approx(abs(served - planned) / planned)
    assert log.divergence["rpe_context_summary"] == "Tired"
    assert log.should_surface_to_user is (log.divergence["weight_pct"] > 0.15)

    summary = api.get(who, f"/v1/me/sessions/{sid}").json()["comparison"]
    assert summary == {
        "strategy_used": "llm",
        "shadow": False,
        "fallback_reason": None,
        "should_surface_to_user": log.should_surface_to_user,
        "divergence": log.divergence,
    }


def test_hybrid_in_shadow_mode_serves_the_formula_and_logs_the_model(make_api: Any) -> None:
    api: Api = make_api(registry=_registry(FakeSource(LIGHTER), shadow=True))
    who, sid = _ready(api)
    body = _generate(api, who, sid, "hybrid").json()
    assert (body["jit_strategy"], body["fallback_reason"]) == ("formula", None)
    row: SessionRow = _one(api.rows(SessionRow, id=sid))
    assert row.jit_output_trace is not None
    assert row.jit_output_trace["strategy"] == "formula"
    log: ComparisonLogRow = _one(api.rows(ComparisonLogRow, session_id=sid))
    assert (log.strategy_used, log.shadow, log.should_surface_to_user) == ("formula", True, False)
    assert log.llm_output is not None
    assert log.divergence is not None
    assert _one(api.rows(LlmCallRow, session_id=sid)).fallback_reason is None


@pytest.mark.parametrize("strategy", ["llm", "hybrid"])
def test_a_failing_model_is_stored_as_formula_fallback_in_the_same_transaction(
    make_api: Any, strategy: str
) -> None:
    api: Api = make_api(registry=_registry(FakeSource(reason=FallbackReason.TIMEOUT)))
    who, sid = _ready(api)
    body = _generate(api, who, sid, strategy).json()
    assert (body["jit_strategy"], body["fallback_reason"]) == ("formula_fallback", "timeout")

    row: SessionRow = _one(api.rows(SessionRow, id=sid))
    assert (row.status, row.jit_strategy, row.fallback_reason) == (
        "generated",
        "formula_fallback",
        "timeout",
    )
    assert row.jit_output_trace is not None
    assert row.jit_output_trace["strategy"] == "formula_fallback"
    generation: GenerationRow = _one(api.rows(GenerationRow, session_id=sid))
    assert (generation.id, generation.jit_strategy, generation.fallback_reason) == (
        body["generation_id"],
        "formula_fallback",
        "timeout",
    )
    check_in: CheckInRow = _one(api.rows(CheckInRow, session_id=sid))
    assert generation.check_in_id == check_in.id
    call: LlmCallRow = _one(api.rows(LlmCallRow, session_id=sid))
    assert (call.generation_id, call.strategy, call.fallback_reason) == (
        generation.id,
        strategy,
        "timeout",
    )
    assert (call.usage_known, call.input_tokens, call.adjustment) == (False, None, None)
    assert call.detail == "cut by the deadline"
    logs = api.rows(ComparisonLogRow, session_id=sid)
    if strategy == "hybrid":
        log: ComparisonLogRow = _one(logs)
        assert (log.generation_id, log.strategy_used, log.fallback_reason) == (
            generation.id,
            "formula_fallback",
            "timeout",
        )
        assert (log.llm_output, log.divergence, log.should_surface_to_user) == (None, None, False)
    else:
        assert logs == []
    detail = api.get(who, f"/v1/me/sessions/{sid}").json()
    assert detail["llm_call"]["fallback_reason"] == "timeout"


def test_a_failure_while_storing_the_records_rolls_everything_back(
    make_api: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object) -> ComparisonLogRow:
        raise RuntimeError("the comparison could not be stored")

    monkeypatch.setattr("api.services.records.comparison_row", broken)
    api: Api = make_api(registry=_registry(FakeSource(LIGHTER)))
    who, sid = _ready(api)
    response = api.generate(who, sid, body={"strategy": "hybrid"})
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    assert "Traceback" not in response.text
    row: SessionRow = _one(api.rows(SessionRow, id=sid))
    assert (row.status, row.jit_output, row.generation_id) == ("planned", None, None)
    for table in (CheckInRow, GenerationRow, LlmCallRow, ComparisonLogRow):
        assert api.rows(table, session_id=sid) == [], table.__tablename__


@pytest.mark.parametrize("strategy", ["llm", "hybrid"])
def test_a_replay_returns_the_same_bytes_and_asks_no_model(make_api: Any, strategy: str) -> None:
    source = FakeSource(LIGHTER)
    api: Api = make_api(registry=_registry(source))
    who, sid = _ready(api)
    first = _generate(api, who, sid, strategy, key="same")
    again = _generate(api, who, sid, strategy, key="same")
    assert again.content == first.content
    assert (first.headers["Idempotent-Replayed"], again.headers["Idempotent-Replayed"]) == (
        "false",
        "true",
    )
    assert source.calls == 1
    assert len(api.rows(LlmCallRow, session_id=sid)) == 1
    assert len(api.rows(ComparisonLogRow, session_id=sid)) == (1 if strategy == "hybrid" else 0)


def test_the_session_shows_the_records_of_the_generation_it_holds(make_api: Any) -> None:
    source = FakeSource(LIGHTER)
    api: Api = make_api(registry=_registry(source))
    who, sid = _ready(api)
    first = _generate(api, who, sid, "hybrid", key="a").json()
    second = _generate(api, who, sid, "formula", key="b").json()
    detail = api.get(who, f"/v1/me/sessions/{sid}").json()
    assert (detail["generation_id"], detail["jit_strategy"]) == (second["generation_id"], "formula")
    assert (detail["llm_call"], detail["comparison"]) == (None, None)
    third = _generate(api, who, sid, "llm", key="c").json()
    detail = api.get(who, f"/v1/me/sessions/{sid}").json()
    assert detail["generation_id"] == third["generation_id"]
    assert detail["llm_call"]["generation_id"] == third["generation_id"]
    assert detail["comparison"] is None
    # Earlier generations keep their own records.
    calls = api.rows(LlmCallRow, session_id=sid)
    assert sorted(c.generation_id for c in calls) == sorted(
        [first["generation_id"], third["generation_id"]]
    )


def test_a_fixed_adjustment_is_served_as_llm_without_a_call_record(make_api: Any) -> None:
    api: Api = make_api(registry=_registry(FixedAdjustmentSource(LIGHTER)))
    who, sid = _ready(api)
    body = _generate(api, who, sid, "llm").json()
    assert (body["jit_strategy"], body["reasons"]) == ("llm", ["Tired"])
    assert api.rows(LlmCallRow, session_id=sid) == []  # no model was asked
    bad = make_api(registry=_registry(FixedAdjustmentSource({**LIGHTER, "set_modifier": 9})))
    who, sid = _ready(bad)
    body = _generate(bad, who, sid, "llm").json()
    assert (body["jit_strategy"], body["fallback_reason"]) == (
        "formula_fallback",
        "invalid_response",
    )


def test_the_default_app_records_that_no_provider_is_configured(api: Api) -> None:
    who, sid = _ready(api)
    assert _generate(api, who, sid, "auto", key="auto").json()["jit_strategy"] == "formula"
    assert api.rows(LlmCallRow, session_id=sid) == []  # auto asked no model
    body = _generate(api, who, sid, "llm", key="llm").json()
    assert (body["jit_strategy"], body["fallback_reason"]) == ("formula_fallback", "disabled")
    call: LlmCallRow = _one(api.rows(LlmCallRow, session_id=sid))
    assert (call.provider, call.attempts, call.fallback_reason) == ("none", 0, "disabled")


def test_the_production_runtime_records_tokens_cost_and_cache_hits(make_api: Any) -> None:
    provider = Provider(lambda request, n: httpx2.Response(200, json=openai_completion(ADJUSTMENT)))
    price = {"input_per_mtok": 0.15, "output_per_mtok": 0.6}
    config = settings(prices={"gpt-4o-mini": price})
    runtime = build_runtime(config, http_client=provider.http())
    api: Api = make_api(registry=runtime.registry())
    who, sid = _ready(api)
    first = _generate(api, who, sid, "auto", key="a").json()
    assert (first["jit_strategy"], first["reasons"]) == ("llm", ADJUSTMENT["rationale"])
    second = _generate(api, who, sid, "llm", key="b").json()  # same check-in: the cache answers
    assert second["prescription"] == first["prescription"]
    assert len(provider.requests) == 1
    calls = {c.generation_id: c for c in api.rows(LlmCallRow, session_id=sid)}
    asked, cached = calls[first["generation_id"]], calls[second["generation_id"]]
    assert (asked.strategy, asked.provider, asked.model) == ("auto", "openai", "gpt-4o-mini")
    assert (asked.attempts, asked.input_tokens, asked.output_tokens) == (1, 100, 20)
    assert asked.cost_usd == pytest.approx((100 * 0.15 + 20 * 0.6) / 1e6)
    assert (asked.cache_hit, cached.cache_hit, cached.attempts) == (False, True, 0)
    assert asked.cache_key == cached.cache_key
    assert api.get(who, f"/v1/me/sessions/{sid}").json()["llm_call"]["cache_hit"] is True


def test_the_records_are_for_the_admin_and_the_owner_only(make_api: Any) -> None:
    api: Api = make_api(registry=_registry(FakeSource(LIGHTER)))
    owner, sid = _ready(api)
    body = _generate(api, owner, sid, "hybrid").json()
    other, other_sid = _ready(api)
    _generate(api, other, other_sid, "llm")

    # The owner sees its session's records; another lifter gets a 404, never the records.
    assert api.get(owner, f"/v1/me/sessions/{sid}").json()["llm_call"] is not None
    foreign = api.get(other, f"/v1/me/sessions/{sid}")
    assert foreign.status_code == 404
    assert body["generation_id"] not in foreign.text
    for route in ("/v1/admin/llm-calls", "/v1/admin/comparisons"):
        assert api.client.get(route).status_code == 401
        wrong = {"Authorization": "Bearer jit_not-a-real-token"}
        assert api.client.get(route, headers=wrong).status_code == 401
        assert api.get(owner, route).status_code == 403
        assert api.get(owner, route, params={"lifter_id": owner.id}).status_code == 403

    calls = api.client.get(
        "/v1/admin/llm-calls", params={"lifter_id": owner.id}, headers=ADMIN
    ).json()
    assert calls["total"] == 1
    [call] = calls["items"]
    assert (call["generation_id"], call["session_id"], call["strategy"]) == (
        body["generation_id"],
        sid,
        "hybrid",
    )
    assert call["adjustment"]["rationale"] == ["Tired"]
    comparisons = api.client.get(
        "/v1/admin/comparisons", params={"session_id": sid}, headers=ADMIN
    ).json()
    assert comparisons["total"] == 1
    [comparison] = comparisons["items"]
    assert (comparison["lifter_id"], comparison["strategy_used"]) == (owner.id, "llm")
    assert comparison["jit_input"]["session_id"] == sid
    assert comparison["llm_output"]["main_lift_sets"] == body["prescription"]["main_lift_sets"]
    other_calls = api.client.get(
        "/v1/admin/llm-calls", params={"lifter_id": other.id, "limit": 1}, headers=ADMIN
    ).json()
    assert [c["lifter_id"] for c in other_calls["items"]] == [other.id]
    assert (
        api.client.get(
            "/v1/admin/comparisons", params={"lifter_id": other.id}, headers=ADMIN
        ).json()["items"]
        == []
    )
    invalid = api.client.get("/v1/admin/llm-calls", params={"limit": 0}, headers=ADMIN)
    assert invalid.status_code == 422


class _Unlabelled:
    """A hand-registered strategy that leaves the label to the shell."""

    name = "llm"

    async def run(self, inp: JITInput) -> GenerationResult:
        return GenerationResult(
            output=formula_session(inp).model_copy(update={"jit_strategy": None})
        )


def test_the_safety_net_labels_what_a_hand_built_registry_serves(make_api: Any) -> None:
    # A registry without the LLM layer: the requested name is served by the formula, labelled.
    api: Api = make_api(registry=default_registry())
    who, sid = _ready(api)
    body = _generate(api, who, sid, "hybrid").json()
    assert (body["jit_strategy"], body["fallback_reason"]) == ("formula_fallback", "disabled")
    row: SessionRow = _one(api.rows(SessionRow, id=sid))
    assert row.jit_output_trace is not None
    assert row.jit_output_trace["strategy"] == "formula_fallback"
    assert api.rows(LlmCallRow, session_id=sid) == []
    # An output without a label gets the name of the strategy that produced it.
    api = make_api(registry=default_registry().register("llm", _Unlabelled))
    who, sid = _ready(api)
    assert _generate(api, who, sid, "llm").json()["jit_strategy"] == "llm"
    row = _one(api.rows(SessionRow, id=sid))
    assert row.jit_output_trace is not None
    assert row.jit_output_trace["strategy"] == "llm"
