"""What `auto` decides with on the session path (issue 11): the facts only storage knows, and the
lifter's daily budget as the core's `CallBudget` port.

Facts, read in the generation's read unit: every level's current rule and the active manual
trigger (`repositories.routing_rules.routing_inputs`, one statement), the lifter's model calls
since the start of the UTC day, and the median latency and cost of the newest answered calls
(what the next call is expected to take; unknown without history, then not checked).

Budget: `auto` reserves only when its decision asks a model (`training_engine.strategies.auto`);
the reservation is an upper bound (`PROMPT_CHARS_ESTIMATE`, every allowed attempt, the full
output allowance) on today's lifter and global budgets, settled with the call's record after
the call, or released when no call was made (a cache hit, a refusal before the call).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time

from api.persistence.db import Unit
from api.persistence.repositories import audit, routing_rules
from api.persistence.repositories import bandit as bandit_repo
from api.services import budgets
from api.services.budgets import Reservation
from api.services.oracle import serving_rules
from api.services.rollouts import Assignment
from api.settings import BanditSettings
from api.state import AppState
from shared_types.enums import IntensityType, Lift
from shared_types.llm import LlmCallRecord
from shared_types.routing import BanditFacts, EffectiveRule, RoutingFacts
from training_engine.ports import Routing
from training_engine.routing.rules import effective_rule

__all__ = ["PROMPT_CHARS_ESTIMATE", "DatabaseBudget", "routing_facts", "session_routing"]

# A bound on one prompt's size for the reservation: our prompts measure 2,324-2,516 characters
# on the 37 reference fixtures (`jit-engine prompt --stats`); the settled call pays its own.
PROMPT_CHARS_ESTIMATE = 4096


def routing_facts(
    unit: Unit,
    lifter_id: str,
    lift: Lift,
    now: datetime,
    rollout: Assignment | None = None,
    *,
    bandit: BanditSettings | None = None,
    intensity: IntensityType | None = None,
) -> RoutingFacts:
    """The rule, the manual trigger and the day's calls for this lifter and lift, the arm of
    the rollout that applies (`services.rollouts.assignment`), if any, and with the bandit on
    (`bandit.enabled`) its posteriors for the day's lift and intensity type, and the oracle's
    active distilled rules of that lift and intensity type whose share takes the lifter in."""
    inputs = routing_rules.routing_inputs(unit, lifter_id, lift.value)
    day_start = datetime.combine(now.astimezone(UTC).date(), time(), tzinfo=UTC)
    latency, cost = audit.call_expectations(unit)
    rule = effective_rule(inputs.global_rule, inputs.lifter_rule, inputs.lift_rule)
    return RoutingFacts(
        rule=_candidate_rule(rule, rollout),
        manual=inputs.manual,
        rollout_arm=None if rollout is None else rollout.arm,
        variant=None if rollout is None else rollout.variant,
        calls_today=audit.model_calls_since(unit, lifter_id, day_start),
        expected_latency_ms=latency,
        expected_cost=cost,
        bandit=_bandit_facts(unit, bandit, lift, intensity),
        distilled={}
        if intensity is None
        else serving_rules(unit, lifter_id, lift.value, intensity.value),
    )


def _bandit_facts(
    unit: Unit, bandit: BanditSettings | None, lift: Lift, intensity: IntensityType | None
) -> BanditFacts | None:
    if bandit is None or not bandit.enabled or intensity is None:
        return None
    return BanditFacts(
        policy_version=bandit.policy_version,
        seed=bandit.seed,
        floor=bandit.floor,
        posteriors=bandit_repo.posteriors_for(
            unit, bandit.policy_version, lift.value, intensity.value
        ),
    )


def _candidate_rule(rule: EffectiveRule, rollout: Assignment | None) -> EffectiveRule:
    """For the candidate arm the rollout's candidate is the strategy `auto` serves (from the
    rollout's scope); the control and shadow arms keep the rule (`decide` serves them)."""
    if rollout is None or rollout.arm != "candidate":
        return rule
    sources = {**rule.sources, "strategy": rollout.scope}
    return rule.model_copy(update={"strategy": rollout.candidate, "sources": sources})


@dataclass
class DatabaseBudget:
    """The lifter's and the global daily budgets for one generation (`CallBudget`)."""

    state: AppState
    lifter_id: str
    reservation: Reservation | None = field(default=None, init=False)

    async def reserve(self) -> bool:
        estimate = budgets.call_estimate(self.state.settings.llm, PROMPT_CHARS_ESTIMATE)
        self.reservation = await self.state.db.run(
            budgets.reserve_call, self.state, self.lifter_id, estimate
        )
        return self.reservation is not None

    async def settle(self, call: LlmCallRecord | None) -> None:
        held, self.reservation = self.reservation, None
        if held is None:
            return
        if call is None or call.cache_hit or call.attempts == 0:
            await self.state.db.run(budgets.release_call, self.state, held)
        else:
            actual = budgets.spent(call, held)
            await self.state.db.run(budgets.settle_call, self.state, held, actual)


def session_routing(state: AppState, lifter_id: str, facts: RoutingFacts) -> Routing:
    """The facts with the lifter's budget, and a second reservation for a rollout's shadow
    call (made concurrently with the served call)."""
    return Routing(facts, DatabaseBudget(state, lifter_id), DatabaseBudget(state, lifter_id))
