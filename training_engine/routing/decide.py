"""The routing decision: which strategy serves one generation, and every reason (issue 11).

Precedence, first match decides (docs/domain/routing.md):

1. a manual trigger serves what it names;
2. the rule: a rule whose strategy is the formula serves it; `never_on_deload` on a deload and
   `never_in_recovery` in recovery mode serve the formula;
3. the confidence gate: a confident formula serves without a model call;
3a. an active distilled rule of the input's context (the oracle, issue 12), where the rule lets
   the model serve: the rule's adjustment serves through the LLM path (no model call, no budget,
   no provider needed), reason `distilled_rule <version> in <context>`;
4. the rule's thresholds: expected latency over `min_latency_ms`, expected cost over
   `max_cost_per_call`, `max_calls_per_day` reached: the model is not worth calling;
5. the budget: no reservation granted serves the formula, labelled `budget_exhausted`;
6. provider health: no provider, or its breaker open, serves the formula;
7. the rollout arm, or without a rollout the contextual bandit (issue 12), when configured:
   Thompson sampling between the formula and the rule's strategy in the input's context
   (`routing.bandit.choose`), its choice and propensities on `RouteDecision.bandit`. A rollout
   of a strategy: the control serves the formula, the candidate the
   rule's strategy, and the shadow phase the formula with the candidate logged beside it
   (`shadow`). A rollout of a prompt version or a model (`variant`): every arm serves the rule's
   strategy; the candidate arm asks the model with the candidate's prompt and model, the
   control with the configured ones, and the shadow phase serves as the control with the
   candidate's call made beside it and only logged (`RouteDecision.beside`). Without a rollout
   or a bandit the rule's strategy serves.

Every step that decided or was passed is a reason, so the route explains the whole decision.
The lifter's own `jit_strategy` setting is applied by the shell before it asks for a route.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from shared_types.enums import FallbackReason, IntensityType
from shared_types.inputs import JITInput
from shared_types.oracle import DistilledRule
from shared_types.routing import (
    BanditFacts,
    EffectiveRule,
    GateDecision,
    ModelVariant,
    RolloutArm,
    RouteDecision,
    RouteStrategy,
)
from training_engine.routing.bandit import choose, context_of
from training_engine.routing.gate import in_recovery_mode

__all__ = ["decide"]

Step = tuple[bool, str]
"""(serve the formula now?, why): a step that decided, or that was passed."""


def decide(
    inp: JITInput,
    rule: EffectiveRule,
    gate: GateDecision,
    *,
    provider_accepting: bool,
    budget_granted: bool,
    rollout_arm: RolloutArm | None,
    manual: RouteStrategy | None,
    calls_today: int,
    expected_latency_ms: float | None,
    expected_cost: float | None,
    variant: ModelVariant | None = None,
    bandit: BanditFacts | None = None,
    distilled: Mapping[str, DistilledRule] | None = None,
) -> RouteDecision:
    """The strategy that serves `inp` and why (the module docstring gives the order). The
    bandit's seeded draw is named by the input's `session_id`: the same seed, session and
    context give the same choice."""
    if manual is not None:
        return RouteDecision(strategy=manual, reasons=(f"manual trigger: {manual}",))
    reasons = [f"rule: {rule.strategy} (from {rule.sources['strategy']})"]
    early = _formula_if_stopped(reasons, lambda: _rule_conditions(inp, rule), lambda: _gate(gate))
    if early is not None:
        return early
    served = _distilled(inp, rule, distilled, reasons) if distilled else None
    if served is not None:
        return served
    late = _formula_if_stopped(
        reasons, lambda: _thresholds(rule, calls_today, expected_latency_ms, expected_cost)
    )
    if late is not None:
        return late
    decision = _serve(
        rule,
        reasons,
        provider_accepting=provider_accepting,
        budget_granted=budget_granted,
        rollout_arm=rollout_arm,
        variant=variant,
    )
    if bandit is None or rollout_arm is not None or decision.strategy not in _BANDIT_ARMS:
        return decision
    return _bandit(inp, decision, bandit)


# The strategies the bandit may replace with the formula: what the rules let the model serve.
_BANDIT_ARMS = frozenset({"llm", "hybrid"})


def _formula_if_stopped(reasons: list[str], *checks: Callable[[], Step]) -> RouteDecision | None:
    """Runs `checks` in order, each adding its reason; the formula at the first that stops."""
    for check in checks:
        stops, reason = check()
        reasons.append(reason)
        if stops:
            return RouteDecision(strategy="formula", reasons=tuple(reasons))
    return None


def _distilled(
    inp: JITInput, rule: EffectiveRule, rules: Mapping[str, DistilledRule], reasons: list[str]
) -> RouteDecision | None:
    """An active distilled rule of the input's context serves where the rules let the model
    serve (llm or hybrid), before the thresholds, budget and provider: it calls no model."""
    if rule.strategy not in _BANDIT_ARMS:
        return None
    key = context_of(inp).key
    found = rules.get(key)
    if found is None:
        return None
    why = f"distilled_rule {found.version} in {key}: the rule serves, no model call"
    return RouteDecision(strategy="llm", reasons=(*reasons, why), distilled=found)


def _bandit(inp: JITInput, allowed: RouteDecision, bandit: BanditFacts) -> RouteDecision:
    """Thompson sampling between the formula and the strategy the rules allow."""
    context = context_of(inp)
    choice = choose(
        bandit.posteriors.get(context.key, {}),
        ("formula", allowed.strategy),
        context=context,
        seed=bandit.seed,
        decision_id=inp.session_id,
        policy_version=bandit.policy_version,
        floor=bandit.floor,
    )
    shares = ", ".join(f"{arm} {p:.2f}" for arm, p in sorted(choice.propensities.items()))
    why = f"bandit {bandit.policy_version} in {context.key}: {choice.chosen} ({shares})"
    strategy: RouteStrategy = "formula" if choice.chosen == "formula" else allowed.strategy
    return allowed.model_copy(
        update={"strategy": strategy, "reasons": (*allowed.reasons, why), "bandit": choice}
    )


def _rule_conditions(inp: JITInput, rule: EffectiveRule) -> Step:
    if rule.strategy == "formula":
        return True, f"rule serves the formula (from {rule.sources['strategy']})"
    if rule.never_on_deload and inp.intensity_type is IntensityType.DELOAD:
        return True, f"never the model on a deload (from {rule.sources['never_on_deload']})"
    if rule.never_in_recovery and in_recovery_mode(inp):
        return True, f"never the model in recovery mode (from {rule.sources['never_in_recovery']})"
    return False, "rule conditions pass"


def _gate(gate: GateDecision) -> Step:
    return gate.confident, "gate: " + "; ".join(gate.reasons)


def _thresholds(
    rule: EffectiveRule,
    calls_today: int,
    expected_latency_ms: float | None,
    expected_cost: float | None,
) -> Step:
    """Whether the model is not worth calling. An unknown expectation is not checked."""
    latency, cost, calls = rule.min_latency_ms, rule.max_cost_per_call, rule.max_calls_per_day
    if latency is not None and expected_latency_ms is not None and expected_latency_ms > latency:
        return True, f"expected latency {expected_latency_ms:g} ms over the {latency:g} ms budget"
    if cost is not None and expected_cost is not None and expected_cost > cost:
        return True, f"expected cost ${expected_cost:g} over the ${cost:g} ceiling per call"
    if calls is not None and calls_today >= calls:
        return True, f"{calls_today} model calls today: the limit is {calls}"
    return False, "thresholds pass"


def _serve(
    rule: EffectiveRule,
    reasons: list[str],
    *,
    provider_accepting: bool,
    budget_granted: bool,
    rollout_arm: RolloutArm | None,
    variant: ModelVariant | None,
) -> RouteDecision:
    """The last three steps: budget, provider health, rollout arm."""
    if not budget_granted:
        return RouteDecision(
            strategy="formula",
            reasons=(*reasons, "budget exhausted"),
            fallback=FallbackReason.BUDGET_EXHAUSTED,
        )
    reasons.append("budget reserved")
    if not provider_accepting:
        return RouteDecision(
            strategy="formula",
            reasons=(*reasons, "no provider configured, or its breaker is open"),
        )
    reasons.append("provider accepting calls")
    if variant is not None and rollout_arm is not None:
        return _variant_arm(rule.strategy, rollout_arm, variant, reasons)
    strategy, why = _arm(rule.strategy, rollout_arm)
    return RouteDecision(strategy=strategy, reasons=(*reasons, why))


def _variant_arm(
    strategy: RouteStrategy, arm: RolloutArm, variant: ModelVariant, reasons: list[str]
) -> RouteDecision:
    """A prompt or model rollout: the rule's strategy serves in every arm; only the call's
    prompt and model differ."""
    candidate = variant.describe()
    if arm == "candidate":
        why = f"rollout candidate arm: {strategy} serves with {candidate}"
        return RouteDecision(strategy=strategy, reasons=(*reasons, why), variant=variant)
    if arm == "shadow":
        why = (
            f"rollout shadow phase: {strategy} serves with the configured prompt and model; "
            f"the candidate ({candidate}) runs beside it, logged"
        )
        return RouteDecision(strategy=strategy, reasons=(*reasons, why), beside=variant)
    why = f"rollout control arm: {strategy} serves with the configured prompt and model"
    return RouteDecision(strategy=strategy, reasons=(*reasons, why))


def _arm(strategy: RouteStrategy, rollout_arm: RolloutArm | None) -> tuple[RouteStrategy, str]:
    if rollout_arm is None:
        return strategy, f"no rollout: {strategy} serves"
    if rollout_arm == "control":
        return "formula", "rollout control arm: the formula serves"
    if rollout_arm == "shadow":
        return "shadow", "rollout shadow phase: the formula serves, the candidate is logged"
    return strategy, f"rollout candidate arm: {strategy} serves"
