"""The bandit on the simulator (issue 12, "How it is shown"): three runs of one seed and
population, `--strategy llm`, `--strategy formula` and `--strategy auto --bandit on --gate off`,
all with `--record-rewards on`, compared.

* **Truth** (`arm_truth`): per context key, the mean reward of each constant arm, from the
  `arm_reward` of every rewarded session of the always-llm and always-formula runs (the reward
  the bandit would have given it: docs/domain/bandit.md, "Reward").
* **Regret** (`regret_curve`): over the bandit run's decisions, in the order they were made
  (one worker: lifter after lifter), each decision's gap to the better arm of its context by
  that truth. Realised: the chosen arm's gap. Expected: the worse arm's propensity times the
  gap (less noisy: what the policy risked, not what its draw did). Reported at 25/50/75/100 %
  of the decisions; it grows sublinearly when the regret per decision falls from quarter to
  quarter.
* **Greedy arm per context** (`greedy_arms`): the posteriors replayed from the logged rewards
  with the core's `prior` and `update` (the same updates, in the same order, the service made),
  the arm with the higher posterior mean (the formula on a tie, as `api.evaluation`'s greedy
  candidate). `correct_share`: among contexts with at least `min_decisions` rewarded decisions
  and both arms' truth from at least `min_truth` sessions, the share whose greedy arm is the
  better arm. Two narrower counts judge only the contexts where "the better arm" is known:
  `greedy_apart`, arms at least `MIN_GAP` apart in truth, and `greedy_separated`, arms whose
  truth differs by at least `MIN_Z` standard errors of the difference (the truth is itself a mean
  of noisy rewards: where it cannot tell the arms apart, neither can any judge of the bandit).
* **Model calls** against always-llm (sessions the model served), and the mean |RPE error| of
  the main sets in weeks 9-12 of each run.
* **Offline estimates** (`offline_estimates`): `api.evaluation.run_evaluation` on the bandit
  run's kept database (`--keep-db`), candidates `formula`, `model` and `greedy`, beside the
  simulated truth: each arm's per-context truth weighted by the bandit's rewarded decisions per
  context, over the contexts that truth covers (`coverage`: the share of those decisions).

Run: `python -m simulator.bandit_report --formula DIR --llm DIR --bandit DIR [--json FILE]`.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from shared_types.bandit import ArmPosterior
from simulator.report import LATE_WEEKS
from training_engine.evaluation import DEFAULT_MAX_WEIGHT
from training_engine.routing.bandit import TRUST_REGION, prior, update

__all__ = [
    "ARMS",
    "MIN_DECISIONS",
    "MIN_GAP",
    "MIN_TRUTH",
    "MIN_Z",
    "QUARTERS",
    "ArmTruth",
    "Decision",
    "GreedyCheck",
    "RegretCurve",
    "arm_truth",
    "bandit_decisions",
    "greedy_arms",
    "greedy_check",
    "late_abs_error",
    "main",
    "model_served",
    "offline_estimates",
    "read_records",
    "regret_curve",
]

ARMS = ("formula", "llm")
MIN_DECISIONS = 20  # rewarded bandit decisions in a context before its greedy arm is judged
MIN_TRUTH = 5  # rewarded sessions of each constant arm in a context before its truth is used
QUARTERS = (0.25, 0.5, 0.75, 1.0)
# `greedy_apart` judges only contexts whose arms are at least this far apart in truth (RPE
# points): the oracle's `reward_margin` (docs/domain/oracle.md), under which a mean difference
# is within the noise of RPE logged in half points; two arms closer than that serve alike.
MIN_GAP = 0.1
# `greedy_separated` judges only contexts whose true gap is at least this many standard errors of
# the difference of the two truths (a two-sided 95 % test that the arms differ at all).
MIN_Z = 1.96


@dataclass(frozen=True)
class ArmTruth:
    """One constant arm's rewarded sessions in one context, their mean reward and its sample
    variance (0 with one session)."""

    n: int
    mean: float
    var: float = 0.0


@dataclass(frozen=True)
class Decision:
    """One logged bandit decision, as its session's record gives it (reward None: open)."""

    context_key: str
    chosen: str
    propensity: float
    reward: float | None


@dataclass(frozen=True)
class RegretCurve:
    """Cumulative regret over the `counted` decisions whose context has both arms' truth,
    at each share in `QUARTERS` (`at`: the decision counts there)."""

    decisions: int  # every decision read
    counted: int
    at: tuple[int, ...]
    realised: tuple[float, ...]
    expected: tuple[float, ...]

    def per_decision(self, values: Sequence[float]) -> tuple[float, ...]:
        """Regret per decision within each quarter (how fast the curve still rises)."""
        rates, before_n, before_v = [], 0, 0.0
        for n, value in zip(self.at, values, strict=True):
            rates.append((value - before_v) / (n - before_n) if n > before_n else 0.0)
            before_n, before_v = n, value
        return tuple(rates)


@dataclass(frozen=True)
class GreedyCheck:
    """Contexts with enough data, how many end greedy on the better arm, and each one's row."""

    judged: int
    correct: int
    rows: tuple[dict[str, Any], ...]

    @property
    def correct_share(self) -> float | None:
        return self.correct / self.judged if self.judged else None


def read_records(folder: Path) -> list[dict[str, Any]]:
    """The run's `sessions.jsonl`, one dict per line, in file order."""
    with (folder / "sessions.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def arm_truth(records: Iterable[dict[str, Any]]) -> dict[str, ArmTruth]:
    """Per context key, the mean `arm_reward.reward` over the rewarded sessions."""
    sums: dict[str, list[float]] = {}
    for record in records:
        scored = record.get("arm_reward")
        if scored is not None and scored["reward"] is not None:
            sums.setdefault(scored["context_key"], []).append(scored["reward"])
    return {
        key: ArmTruth(len(v), statistics.fmean(v), statistics.variance(v) if len(v) > 1 else 0.0)
        for key, v in sums.items()
    }


def bandit_decisions(records: Iterable[dict[str, Any]]) -> list[Decision]:
    """Every session's logged decision, in file order."""
    return [
        Decision(b["context_key"], b["chosen"], b["propensity"], b["reward"])
        for record in records
        if (b := record.get("bandit")) is not None
    ]


def _means(
    context: str, truth: Mapping[str, Mapping[str, ArmTruth]], min_truth: int
) -> dict[str, float] | None:
    """Each arm's true mean reward in `context`, or None unless every arm has enough data."""
    means = {}
    for arm in ARMS:
        known = truth[arm].get(context)
        if known is None or known.n < min_truth:
            return None
        means[arm] = known.mean
    return means


def regret_curve(
    decisions: Sequence[Decision],
    truth: Mapping[str, Mapping[str, ArmTruth]],
    *,
    min_truth: int = MIN_TRUTH,
) -> RegretCurve:
    """Cumulative realised and expected regret (module docstring) over the decisions whose
    context has both arms' truth, at each share in `QUARTERS`."""
    realised: list[float] = []
    expected: list[float] = []
    for decision in decisions:
        means = _means(decision.context_key, truth, min_truth)
        if means is None:
            continue
        best = max(means.values())
        (other,) = (arm for arm in ARMS if arm != decision.chosen)
        gap_chosen = best - means[decision.chosen]
        gap_other = best - means[other]
        realised.append(gap_chosen)
        expected.append(decision.propensity * gap_chosen + (1.0 - decision.propensity) * gap_other)
    counted = len(realised)
    at = tuple(int(q * counted) for q in QUARTERS)
    return RegretCurve(
        decisions=len(decisions),
        counted=counted,
        at=at,
        realised=tuple(sum(realised[:n]) for n in at),
        expected=tuple(sum(expected[:n]) for n in at),
    )


def greedy_arms(
    decisions: Iterable[Decision],
) -> tuple[dict[str, str], dict[str, dict[str, ArmPosterior]]]:
    """Replay the rewarded decisions' updates (`prior`, `update`, `TRUST_REGION`); per
    context the arm with the higher posterior mean (the formula on a tie), and the posteriors."""
    posteriors: dict[str, dict[str, ArmPosterior]] = {}
    for decision in decisions:
        if decision.reward is None:
            continue
        beliefs = posteriors.setdefault(decision.context_key, {})
        current = beliefs.get(decision.chosen, prior(decision.chosen))
        beliefs[decision.chosen] = update(current, decision.reward, trust_region=TRUST_REGION)
    greedy = {
        context: max(ARMS, key=lambda arm: (beliefs.get(arm, prior(arm)).mean, arm == ARMS[0]))
        for context, beliefs in posteriors.items()
    }
    return greedy, posteriors


def greedy_check(
    decisions: Sequence[Decision],
    truth: Mapping[str, Mapping[str, ArmTruth]],
    *,
    min_decisions: int = MIN_DECISIONS,
    min_truth: int = MIN_TRUTH,
    min_gap: float = 0.0,
    min_z: float = 0.0,
) -> GreedyCheck:
    """Among contexts with `min_decisions` rewarded decisions and both arms' truth, and arms
    at least `min_gap` apart in truth and `min_z` standard errors of that difference, how many
    end greedy on the better arm (a tie in truth counts either arm as better)."""
    greedy, posteriors = greedy_arms(decisions)
    rewarded: dict[str, int] = {}
    for decision in decisions:
        if decision.reward is not None:
            rewarded[decision.context_key] = rewarded.get(decision.context_key, 0) + 1
    rows = []
    for context in sorted(rewarded):
        means = _means(context, truth, min_truth)
        if rewarded[context] < min_decisions or means is None:
            continue
        gap = abs(means["formula"] - means["llm"])
        se = math.sqrt(sum(truth[arm][context].var / truth[arm][context].n for arm in ARMS))
        if gap < min_gap or gap < min_z * se:
            continue
        best = max(means.values())
        beliefs = posteriors[context]
        rows.append(
            {
                "context": context,
                "decisions": rewarded[context],
                "served_llm": beliefs["llm"].n if "llm" in beliefs else 0,
                "true_formula": means["formula"],
                "true_llm": means["llm"],
                "truth_n": [truth[arm][context].n for arm in ARMS],
                "truth_gap_se": se,
                "posterior_formula": beliefs.get("formula", prior("formula")).mean,
                "posterior_llm": beliefs.get("llm", prior("llm")).mean,
                "greedy": greedy[context],
                "correct": means[greedy[context]] == best,
            }
        )
    return GreedyCheck(len(rows), sum(1 for r in rows if r["correct"]), tuple(rows))


def model_served(records: Iterable[dict[str, Any]]) -> int:
    """Completed sessions the model served."""
    return sum(1 for r in records if r["status"] == "completed" and r["strategy"] == "llm")


def late_abs_error(records: Iterable[dict[str, Any]]) -> float | None:
    """Mean |RPE error| of the main sets of the sessions completed in `LATE_WEEKS`."""
    first, last = LATE_WEEKS
    errors = [
        abs(s["rpe_error"])
        for r in records
        if r["status"] == "completed" and first <= r["week"] <= last
        for s in r["main_sets"]
        if s["rpe_error"] is not None
    ]
    return sum(errors) / len(errors) if errors else None


def _weighted_truth(
    decisions: Sequence[Decision], arm_of: Mapping[str, str], truth: Mapping[str, Any]
) -> tuple[float | None, float]:
    """The mean over the rewarded decisions of the true reward of the arm `arm_of` names in
    each one's context (contexts without that truth left out), and the share covered."""
    values, rewarded = [], 0
    for decision in decisions:
        if decision.reward is None:
            continue
        rewarded += 1
        arm = arm_of.get(decision.context_key)
        known = truth[arm].get(decision.context_key) if arm is not None else None
        if known is not None:
            values.append(known.mean)
    mean = sum(values) / len(values) if values else None
    return mean, (len(values) / rewarded if rewarded else 0.0)


def offline_estimates(
    database: Path,
    decisions: Sequence[Decision],
    truth: Mapping[str, Mapping[str, ArmTruth]],
    *,
    n_boot: int,
    max_unsupported: float,
    max_weight: float = DEFAULT_MAX_WEIGHT,
) -> list[dict[str, Any]]:
    """`run_evaluation` of each candidate on the kept database, beside the simulated truth."""
    from api.evaluation import run_evaluation  # noqa: PLC0415 (only this step reads a database)
    from api.persistence.db import Database  # noqa: PLC0415

    contexts = {d.context_key for d in decisions}
    greedy, _ = greedy_arms(decisions)
    arm_of = {
        "formula": dict.fromkeys(contexts, "formula"),
        "model": dict.fromkeys(contexts, "llm"),
        "greedy": greedy,
    }
    db = Database(f"sqlite:///{database}")
    rows = []
    try:
        for candidate, arms in arm_of.items():
            report = run_evaluation(
                db,
                candidate=candidate,
                policy_version=None,
                n_boot=n_boot,
                max_unsupported=max_unsupported,
                max_weight=max_weight,
            )
            value, coverage = _weighted_truth(decisions, arms, truth)
            ev = report.evaluation
            rows.append(
                {
                    "candidate": candidate,
                    "truth": value,
                    "truth_coverage": coverage,
                    "n": ev.n,
                    "ess": ev.ess,
                    "unsupported_share": ev.unsupported_share,
                    "refused": ev.refused,
                    "estimates": [
                        {"estimator": e.estimator, "value": e.value, "low": e.low, "high": e.high}
                        for e in ev.estimates
                    ],
                }
            )
    finally:
        db.dispose()
    return rows


def analyse(
    formula: Path,
    llm: Path,
    bandit: Path,
    *,
    min_decisions: int = MIN_DECISIONS,
    min_truth: int = MIN_TRUTH,
    min_gap: float = MIN_GAP,
    min_z: float = MIN_Z,
    n_boot: int = 1000,
    max_unsupported: float = 0.0,
    max_weight: float = DEFAULT_MAX_WEIGHT,
) -> dict[str, Any]:
    """Everything the module docstring lists, as one JSON-able document."""
    runs = {"formula": read_records(formula), "llm": read_records(llm)}
    bandit_records = read_records(bandit)
    truth = {arm: arm_truth(records) for arm, records in runs.items()}
    decisions = bandit_decisions(bandit_records)
    curve = regret_curve(decisions, truth, min_truth=min_truth)
    check = greedy_check(decisions, truth, min_decisions=min_decisions, min_truth=min_truth)
    apart = greedy_check(
        decisions, truth, min_decisions=min_decisions, min_truth=min_truth, min_gap=min_gap
    )
    separated = greedy_check(
        decisions, truth, min_decisions=min_decisions, min_truth=min_truth, min_z=min_z
    )
    database = bandit / "worker-0.db"
    return {
        "min_decisions": min_decisions,
        "min_truth": min_truth,
        "decisions": len(decisions),
        "rewarded_decisions": sum(1 for d in decisions if d.reward is not None),
        "contexts_logged": len({d.context_key for d in decisions}),
        "regret": {
            **asdict(curve),
            "realised_per_decision": curve.per_decision(curve.realised),
            "expected_per_decision": curve.per_decision(curve.expected),
        },
        "greedy": {
            "judged": check.judged,
            "correct": check.correct,
            "correct_share": check.correct_share,
            "rows": list(check.rows),
        },
        "greedy_apart": {
            "min_gap": min_gap,
            "judged": apart.judged,
            "correct": apart.correct,
            "correct_share": apart.correct_share,
        },
        "greedy_separated": {
            "min_z": min_z,
            "judged": separated.judged,
            "correct": separated.correct,
            "correct_share": separated.correct_share,
        },
        "model_served": {
            "bandit": model_served(bandit_records),
            "always_llm": model_served(runs["llm"]),
            "bandit_sessions": sum(1 for r in bandit_records if r["status"] == "completed"),
        },
        "late_mean_abs_rpe_error": {
            "formula": late_abs_error(runs["formula"]),
            "llm": late_abs_error(runs["llm"]),
            "bandit": late_abs_error(bandit_records),
        },
        "offline": (
            offline_estimates(
                database,
                decisions,
                truth,
                n_boot=n_boot,
                max_unsupported=max_unsupported,
                max_weight=max_weight,
            )
            if database.exists()
            else None
        ),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m simulator.bandit_report")
    parser.add_argument("--formula", type=Path, required=True, help="the always-formula run")
    parser.add_argument("--llm", type=Path, required=True, help="the always-llm run")
    parser.add_argument("--bandit", type=Path, required=True, help="the bandit run (--keep-db)")
    parser.add_argument("--min-decisions", type=int, default=MIN_DECISIONS)
    parser.add_argument("--min-truth", type=int, default=MIN_TRUTH)
    parser.add_argument("--min-gap", type=float, default=MIN_GAP)
    parser.add_argument("--min-z", type=float, default=MIN_Z)
    parser.add_argument("--n-boot", type=int, default=1000)
    parser.add_argument("--max-unsupported", type=float, default=0.0)
    parser.add_argument("--max-weight", type=float, default=DEFAULT_MAX_WEIGHT)
    parser.add_argument("--json", type=Path, help="write the whole document here")
    args = parser.parse_args(argv)
    document = analyse(
        args.formula,
        args.llm,
        args.bandit,
        min_decisions=args.min_decisions,
        min_truth=args.min_truth,
        min_gap=args.min_gap,
        min_z=args.min_z,
        n_boot=args.n_boot,
        max_unsupported=args.max_unsupported,
        max_weight=args.max_weight,
    )
    text = json.dumps(document, indent=2)
    if args.json is not None:
        args.json.write_text(text + "\n", encoding="utf-8")
    brief = {k: v for k, v in document.items() if k != "greedy"}
    brief["greedy"] = {k: v for k, v in document["greedy"].items() if k != "rows"}
    sys.stdout.write(json.dumps(brief, indent=2) + "\n")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
