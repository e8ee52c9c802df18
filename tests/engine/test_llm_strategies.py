"""The llm, hybrid and auto strategies over fake adjustment sources (no model, no clock)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from shared_types.adjustment import JITAdjustment
from shared_types.enums import FallbackReason, StrategyUsed
from shared_types.inputs import JITInput
from tests.factories import make_input
from training_engine import session as session_module
from training_engine.adjustment import adjusted_session
from training_engine.ports import (
    AdjustmentRequest,
    AdjustmentUnavailable,
    FixedAdjustmentSource,
    SourcedAdjustment,
)
from training_engine.routing.gate import GateConfig
from training_engine.session import formula_run, formula_session
from training_engine.strategies import AutoStrategy, HybridStrategy, LlmStrategy

NEUTRAL: dict[str, Any] = {
    "intensity_modifier": 1.0,
    "set_modifier": 0,
    "skip_main_lift": False,
    "aux_overrides": [],
    "rationale": ["Same"],
    "confidence": "high",
    "rest_adjustments": None,
}

NO_GATE = GateConfig(enabled=False)  # `auto` asks the model whenever the rule lets it


def adjustment(**changes: Any) -> JITAdjustment:
    return JITAdjustment.model_validate({**NEUTRAL, **changes})


class Failing:
    def __init__(self, reason: FallbackReason) -> None:
        self.reason = reason

    async def adjustment(self, request: AdjustmentRequest) -> SourcedAdjustment:
        raise AdjustmentUnavailable(self.reason, "test")


class Broken:
    async def adjustment(self, request: AdjustmentRequest) -> SourcedAdjustment:
        raise RuntimeError("a source that breaks its contract")


class Slow:
    def __init__(self, seconds: float, answer: JITAdjustment) -> None:
        self.seconds, self.answer = seconds, answer

    async def adjustment(self, request: AdjustmentRequest) -> SourcedAdjustment:
        await asyncio.sleep(self.seconds)
        return SourcedAdjustment(self.answer)


class Health:
    def __init__(self, accepting: bool) -> None:
        self.value = accepting

    def accepting(self) -> bool:
        return self.value


def run(strategy: Any, inp: JITInput | None = None) -> Any:
    return asyncio.run(strategy.run(inp or make_input()))


def test_llm_serves_the_adjusted_session_labelled_llm() -> None:
    inp = make_input()
    result = run(LlmStrategy(FixedAdjustmentSource(adjustment(intensity_modifier=0.9))), inp)
    assert result.output == adjusted_session(formula_run(inp), adjustment(intensity_modifier=0.9))
    assert result.output.jit_strategy is StrategyUsed.LLM
    assert result.output.fallback_reason is None


def test_every_failure_is_the_formula_labelled_with_its_reason() -> None:
    inp = make_input()
    for reason in FallbackReason:
        out = run(LlmStrategy(Failing(reason)), inp).output
        assert out.jit_strategy is StrategyUsed.FORMULA_FALLBACK
        assert out.fallback_reason is reason
        assert out.main_lift_sets == formula_session(inp).main_lift_sets


def test_a_source_that_raises_anything_still_gives_a_session() -> None:
    out = run(LlmStrategy(Broken())).output
    assert out.fallback_reason is FallbackReason.PROVIDER_ERROR


def test_a_stored_adjustment_outside_the_bounds_is_an_invalid_response() -> None:
    source = FixedAdjustmentSource({**NEUTRAL, "intensity_modifier": 1.5})
    out = run(LlmStrategy(source)).output
    assert out.fallback_reason is FallbackReason.INVALID_RESPONSE


def test_hybrid_serves_the_llm_and_logs_the_divergence() -> None:
    result = run(HybridStrategy(LlmStrategy(FixedAdjustmentSource(adjustment(set_modifier=-1)))))
    assert result.output.jit_strategy is StrategyUsed.LLM
    comparison = result.comparison
    assert comparison is not None
    assert comparison.served is StrategyUsed.LLM
    assert comparison.divergence is not None
    assert comparison.divergence.set_delta == -1
    assert comparison.divergence.rpe_context_summary == "Same"
    assert comparison.should_surface_to_user
    assert comparison.formula_output.main_lift_sets == formula_session(make_input()).main_lift_sets


def test_hybrid_never_labels_a_fallback_llm() -> None:
    result = run(HybridStrategy(LlmStrategy(Failing(FallbackReason.TIMEOUT))))
    assert result.output.jit_strategy is StrategyUsed.FORMULA_FALLBACK
    assert result.output.fallback_reason is FallbackReason.TIMEOUT
    assert result.comparison is not None
    assert result.comparison.divergence is None
    assert result.comparison.llm_output is None


def test_hybrid_shadow_serves_the_formula_and_still_records_the_llm() -> None:
    llm = LlmStrategy(FixedAdjustmentSource(adjustment(intensity_modifier=0.8)))
    result = run(HybridStrategy(llm, shadow=True))
    assert result.output.jit_strategy is StrategyUsed.FORMULA
    assert result.output.main_lift_sets == formula_session(make_input()).main_lift_sets
    comparison = result.comparison
    assert comparison is not None
    assert comparison.shadow
    assert comparison.llm_output is not None
    assert comparison.divergence is not None
    assert comparison.divergence.weight_pct == (112.5 - 90) / 112.5
    assert not comparison.should_surface_to_user


@pytest.mark.parametrize(
    "strategy",
    [
        LlmStrategy(FixedAdjustmentSource(adjustment(set_modifier=-1))),
        LlmStrategy(Failing(FallbackReason.TIMEOUT)),
        HybridStrategy(LlmStrategy(FixedAdjustmentSource(adjustment(set_modifier=-1)))),
        HybridStrategy(LlmStrategy(Failing(FallbackReason.TIMEOUT))),
        AutoStrategy(LlmStrategy(FixedAdjustmentSource(adjustment())), Health(True), gate=NO_GATE),
        AutoStrategy(LlmStrategy(FixedAdjustmentSource(adjustment())), Health(False)),
    ],
    ids=["llm", "llm-fallback", "hybrid", "hybrid-fallback", "auto-llm", "auto-formula"],
)
def test_a_generation_runs_the_formula_pipeline_once(
    strategy: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    real = session_module.run_main_lift

    def counting(inp: JITInput) -> Any:
        calls.append(inp.session_id)
        return real(inp)

    monkeypatch.setattr(session_module, "run_main_lift", counting)
    run(strategy)
    assert len(calls) == 1


def test_auto_uses_the_llm_when_the_provider_accepts_calls() -> None:
    source = FixedAdjustmentSource(adjustment(set_modifier=-1))
    result = run(AutoStrategy(LlmStrategy(source), Health(True), gate=NO_GATE))
    assert result.output.jit_strategy is StrategyUsed.LLM
    assert result.route.startswith("llm:")


def test_auto_uses_the_formula_otherwise() -> None:
    source = FixedAdjustmentSource(adjustment(set_modifier=-1))
    result = run(AutoStrategy(LlmStrategy(source), Health(False)))
    assert result.output == formula_session(make_input())
    assert result.output.jit_strategy is StrategyUsed.FORMULA
    assert result.route.startswith("formula:")


def test_an_llm_served_output_carries_the_formula_pass_trace_saying_what_was_served() -> None:
    inp = make_input()
    answer = adjustment(
        intensity_modifier=0.9,
        rationale=["Poor sleep: lighter today"],
        rest_adjustments={"main_lift": 30},
    )
    out = run(LlmStrategy(FixedAdjustmentSource(answer)), inp).output
    formula = formula_session(inp).trace
    assert formula is not None
    assert out.trace is not None
    assert out.trace.strategy == "llm"
    assert out.trace.rationale == out.rationale == ("Poor sleep: lighter today",)
    assert out.trace.warnings == out.warnings
    # Everything else is the formula pass over the same input (domain-reference §2.1) ...
    assert out.trace.main_lift == formula.main_lift
    assert out.trace.auxiliaries == formula.auxiliaries
    assert (out.trace.base_config, out.trace.warmup) == (formula.base_config, formula.warmup)
    # ... with the model's rest delta recorded beside the formula's derivation.
    assert out.llm_rest_suggestion is not None
    assert out.trace.rest.main_lift.llm_delta_seconds == out.llm_rest_suggestion.delta_seconds
    assert out.trace.rest.main_lift.final_seconds == formula.rest.main_lift.final_seconds


def test_every_served_output_has_a_trace_labelled_as_the_output_is() -> None:
    inp = make_input()
    fixed = FixedAdjustmentSource(adjustment(set_modifier=-1))
    strategies = [
        LlmStrategy(fixed),
        LlmStrategy(Failing(FallbackReason.TIMEOUT)),
        LlmStrategy(Broken()),
        HybridStrategy(LlmStrategy(fixed)),
        HybridStrategy(LlmStrategy(fixed), shadow=True),
        HybridStrategy(LlmStrategy(Failing(FallbackReason.RATE_LIMITED))),
        AutoStrategy(LlmStrategy(fixed), Health(True), gate=NO_GATE),
        AutoStrategy(LlmStrategy(fixed), Health(False)),
    ]
    seen = set()
    for strategy in strategies:
        out = run(strategy, inp).output
        assert out.trace is not None, strategy.name
        assert out.jit_strategy is not None
        assert out.trace.strategy == out.jit_strategy.value, strategy.name
        assert (out.trace.rationale, out.trace.warnings) == (out.rationale, out.warnings)
        seen.add(out.jit_strategy)
    assert seen == {StrategyUsed.LLM, StrategyUsed.FORMULA, StrategyUsed.FORMULA_FALLBACK}
