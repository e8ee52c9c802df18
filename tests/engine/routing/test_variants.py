"""Rollouts of a prompt version or a model (issue 11): the decision serves the rule's strategy in
every arm and differs only in the model call's prompt and model; `auto` asks with the
candidate's variant on the candidate arm, and in the shadow phase makes the candidate's call
beside the served one, on its own budget reservation."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from shared_types.adjustment import JITAdjustment
from shared_types.enums import StrategyUsed
from shared_types.llm import LlmCallRecord
from shared_types.routing import ModelVariant, RouteRule, RoutingFacts
from tests.engine.routing.test_decide import route
from tests.engine.test_auto_routing import POOR_NIGHT, Budget
from tests.engine.test_llm_strategies import Health, adjustment
from tests.factories import make_input
from training_engine.ports import AdjustmentRequest, Routing, SourcedAdjustment
from training_engine.prompt import PROMPT_VERSION, build_prompt
from training_engine.routing.rules import effective_rule
from training_engine.session import formula_run
from training_engine.strategies import AutoStrategy, LlmStrategy

FULL = ModelVariant(prompt_version="jit-adjust-1-full")
CANDIDATE = ModelVariant(prompt_version="jit-adjust-1-full", model="candidate-model-2")
model_strategies = st.sampled_from(["llm", "hybrid", "shadow"])
arms = st.sampled_from(["candidate", "control", "shadow"])


class Recording:
    """A model stand-in that answers every request, recording the prompt version and model it
    was asked with (on its call record too)."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str | None]] = []

    async def adjustment(self, request: AdjustmentRequest) -> SourcedAdjustment:
        self.asked.append((request.prompt.version, request.model))
        record = LlmCallRecord(
            provider="fake",
            model=request.model or "configured-model-1",
            prompt_version=request.prompt.version,
            prompt_chars=request.prompt.chars,
            attempts=1,
            latency_ms=10.0,
            deadline_s=5.0,
            input_tokens=100,
            output_tokens=20,
            usage_known=True,
            cost_usd=0.0001,
            cache_hit=False,
            cache_key=None,
            breaker_state="closed",
            fallback_reason=None,
            adjustment=None,
        )
        answer = JITAdjustment.model_validate(adjustment(set_modifier=-1))
        return SourcedAdjustment(answer, record)


def test_the_candidate_arm_asks_with_the_candidates_prompt_and_model() -> None:
    decision = route(rule=RouteRule(strategy="llm"), rollout_arm="candidate", variant=CANDIDATE)
    assert (decision.strategy, decision.variant, decision.beside) == ("llm", CANDIDATE, None)
    assert decision.reasons[-1] == (
        "rollout candidate arm: llm serves with prompt jit-adjust-1-full and model "
        "candidate-model-2"
    )


def test_the_control_arm_serves_the_rules_strategy_not_the_formula() -> None:
    decision = route(rule=RouteRule(strategy="hybrid"), rollout_arm="control", variant=FULL)
    assert (decision.strategy, decision.variant, decision.beside) == ("hybrid", None, None)
    assert decision.reasons[-1] == (
        "rollout control arm: hybrid serves with the configured prompt and model"
    )


def test_the_shadow_phase_serves_as_the_control_with_the_candidate_beside() -> None:
    decision = route(rule=RouteRule(strategy="llm"), rollout_arm="shadow", variant=FULL)
    assert (decision.strategy, decision.variant, decision.beside) == ("llm", None, FULL)
    assert "the candidate (prompt jit-adjust-1-full) runs beside it, logged" in decision.reasons[-1]


@given(strategy=model_strategies, arm=arms)
def test_a_variant_rollout_never_changes_what_serves(strategy: str, arm: str) -> None:
    rule = RouteRule.model_validate({"strategy": strategy})
    plain = route(rule=rule)
    decision = route(rule=rule, rollout_arm=arm, variant=CANDIDATE)
    assert decision.strategy == plain.strategy == strategy
    assert (decision.variant is not None) == (arm == "candidate")
    assert (decision.beside is not None) == (arm == "shadow")


def test_a_variant_is_only_asked_for_once_a_model_would_be_asked() -> None:
    decision = route(
        rule=RouteRule(strategy="llm"), rollout_arm="candidate", variant=FULL, budget_granted=False
    )
    assert (decision.strategy, decision.variant) == ("formula", None)
    assert (
        route(rule=RouteRule(strategy="formula"), rollout_arm="shadow", variant=FULL).beside is None
    )


def _auto(source: Recording, arm: str, budget: Budget | None, shadow_budget: Budget | None) -> Any:
    facts = RoutingFacts(
        rule=effective_rule(RouteRule(strategy="llm"), None, None),
        rollout_arm=arm,
        variant=CANDIDATE,
    )
    strategy = AutoStrategy(LlmStrategy(source), Health(True))
    routed = strategy.routed(Routing(facts, budget, shadow_budget))
    return asyncio.run(routed.run(make_input(**POOR_NIGHT)))


def test_auto_asks_the_candidate_arm_with_the_variant() -> None:
    source = Recording()
    result = _auto(source, "candidate", Budget(1), Budget(1))
    assert source.asked == [("jit-adjust-1-full", "candidate-model-2")]
    assert result.output.jit_strategy is StrategyUsed.LLM
    assert (result.call.model, result.call.prompt_version) == (
        "candidate-model-2",
        "jit-adjust-1-full",
    )
    assert result.shadow_call is None


def test_auto_makes_the_shadow_call_beside_and_serves_the_control() -> None:
    source, budget, beside = Recording(), Budget(1), Budget(1)
    result = _auto(source, "shadow", budget, beside)
    assert sorted(source.asked, key=str) == sorted(
        [(PROMPT_VERSION, None), ("jit-adjust-1-full", "candidate-model-2")], key=str
    )
    assert result.call.prompt_version == PROMPT_VERSION  # the control's call served
    assert result.call.model == "configured-model-1"
    assert result.shadow_call.model == "candidate-model-2"
    assert budget.settled == [result.call]
    assert beside.settled == [result.shadow_call]


def test_a_refused_shadow_reservation_skips_the_shadow_call_and_says_so() -> None:
    source = Recording()
    result = _auto(source, "shadow", Budget(1), Budget(0))
    assert source.asked == [(PROMPT_VERSION, None)]
    assert result.shadow_call is None
    assert result.route.endswith("the shadow call was not made: budget exhausted")


def test_the_full_context_prompt_carries_the_base_and_the_references_whole_input() -> None:
    formula = formula_run(make_input(**POOR_NIGHT))
    ours, full = build_prompt(formula), build_prompt(formula, "jit-adjust-1-full")
    assert (ours.version, full.version) == ("jit-adjust-1", "jit-adjust-1-full")
    assert ours.system == full.system
    context = json.loads(full.user)
    assert context["base"] == json.loads(ours.user)["base"]
    assert "warmupConfig" not in context
    assert "formulaRestSeconds" in context
    assert full.chars > ours.chars
