"""`jit-engine evaluate`: what a candidate routing policy would have earned on the decisions
`auto`'s bandit logged (issue 12), before it serves anyone.

Reads the rewarded decisions (`bandit_decisions`: context, chosen arm, its propensity, reward)
of a policy version and period, builds the candidate, and runs the core's estimators
(`training_engine.evaluation`: IPS, self-normalised IPS, doubly robust, bootstrap intervals,
effective sample size), which refuse, saying why, when the logs cannot support the candidate.

Candidates: `formula` (always the formula), `model` (always the model arm the rules offered),
`greedy` (per context the arm with the higher posterior mean under the policy version: what the
bandit would serve without exploring).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from api.persistence.db import Database
from api.persistence.repositories import bandit as bandit_repo
from shared_types.bandit import ArmPosterior, BanditDecision
from training_engine.evaluation import (
    DEFAULT_MAX_UNSUPPORTED_SHARE,
    DEFAULT_MAX_WEIGHT,
    DEFAULT_MIN_ESS,
    DEFAULT_N_BOOT,
    Evaluation,
    LoggedDecision,
    Policy,
    evaluate,
)

__all__ = ["CANDIDATES", "EvaluationReport", "candidate_policy", "run_evaluation"]

CANDIDATES = ("formula", "model", "greedy")
FORMULA = "formula"


@dataclass(frozen=True)
class EvaluationReport:
    candidate: str
    policy_version: str | None
    decisions: int  # rewarded decisions read
    contexts: int
    evaluation: Evaluation

    def document(self) -> dict[str, object]:
        return {
            "candidate": self.candidate,
            "policy_version": self.policy_version,
            "decisions": self.decisions,
            "contexts": self.contexts,
            **self.evaluation.model_dump(mode="json"),
        }

    def table(self) -> str:
        ev = self.evaluation
        lines = [
            f"candidate {self.candidate} on {self.decisions} logged decisions in "
            f"{self.contexts} contexts (policy {self.policy_version or 'any'})",
            f"effective sample size {ev.ess:.1f}, largest weight {ev.max_weight:.2f}, "
            f"rows needing unlogged actions {ev.unsupported_share:.1%}",
        ]
        if ev.refused:
            lines.append(f"refused: {ev.refused}")
            return "\n".join(lines) + "\n"
        level = 1 - ev.alpha
        lines.append(
            f"{'estimator':<10}{'value':>10}{f'{level:.0%} low':>12}{f'{level:.0%} high':>12}"
        )
        for name, value, low, high in ev.as_table():
            lines.append(f"{name:<10}{value:>10.4f}{low:>12.4f}{high:>12.4f}")
        return "\n".join(lines) + "\n"


def candidate_policy(
    name: str,
    offered: Mapping[str, Sequence[str]],
    posteriors: Mapping[str, Mapping[str, ArmPosterior]],
) -> Policy:
    """The candidate `name` as context -> action probabilities over the arms offered there."""
    if name not in CANDIDATES:
        raise ValueError(f"unknown candidate {name!r}: one of {', '.join(CANDIDATES)}")

    def policy(context: str) -> Mapping[str, float]:
        arms = offered[context]
        if name == FORMULA:
            chosen = FORMULA if FORMULA in arms else arms[0]
        elif name == "model":
            chosen = next((a for a in arms if a != FORMULA), arms[0])
        else:
            beliefs = posteriors.get(context, {})
            chosen = max(arms, key=lambda a: (_mean(beliefs.get(a)), a == FORMULA))
        return {arm: 1.0 if arm == chosen else 0.0 for arm in arms}

    return policy


def _mean(belief: ArmPosterior | None) -> float:
    return float("-inf") if belief is None else belief.mean


def run_evaluation(
    database: Database,
    *,
    candidate: str,
    policy_version: str | None,
    since: datetime | None = None,
    until: datetime | None = None,
    seed: int = 0,
    n_boot: int = DEFAULT_N_BOOT,
    min_ess: float = DEFAULT_MIN_ESS,
    max_weight: float = DEFAULT_MAX_WEIGHT,
    max_unsupported: float = DEFAULT_MAX_UNSUPPORTED_SHARE,
    progress: Callable[[int, int], None] | None = None,
) -> EvaluationReport:
    with database.read() as unit:
        rows = bandit_repo.rewarded_decisions(
            unit, policy_version=policy_version, since=since, until=until
        )
        decisions = [BanditDecision.model_validate(r.document) for r in rows]
        versions = {d.policy_version for d in decisions}
        posteriors = {
            (version, key): beliefs
            for version in versions
            for key, beliefs in bandit_repo.posteriors_of(unit, version).items()
        }
    logs: list[LoggedDecision] = []
    offered: dict[str, list[str]] = {}
    merged: dict[str, dict[str, ArmPosterior]] = {}
    for row, decision in zip(rows, decisions, strict=True):
        assert row.reward is not None  # `rewarded_decisions` reads rewarded rows only
        context = decision.context_key
        logs.append(LoggedDecision(context, decision.chosen, decision.propensity, row.reward))
        arms = offered.setdefault(context, [])
        arms.extend(a for a in decision.arms if a not in arms)
        merged.setdefault(context, posteriors.get((decision.policy_version, context), {}))
    policy = candidate_policy(candidate, offered, merged)
    evaluation = evaluate(
        logs,
        policy,
        seed=seed,
        n_boot=n_boot,
        min_ess=min_ess,
        max_weight=max_weight,
        max_unsupported_share=max_unsupported,
        progress=progress,
    )
    return EvaluationReport(candidate, policy_version, len(logs), len(offered), evaluation)
