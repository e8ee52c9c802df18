"""Offline evaluation of a candidate routing policy from logged decisions (issue 12, part B).

Before a new policy serves anyone, the operator asks: what would it have earned on the
decisions already logged? Each logged decision holds the context, the action the logging policy
took, the probability it took it with (its propensity) and the reward that followed. Importance
weighting re-weights those rewards to the candidate's choices (IPS), self-normalising trades a
little bias for less variance (SNIPS), and the doubly robust estimator corrects a fitted reward
model with the weighted residuals (DR). `evaluate` adds percentile bootstrap intervals and the
overlap diagnostics, and refuses, saying why, when the logs cannot support the candidate.

Pure: no I/O, clock or OS randomness. The import-linter contract keeps `random` out of the core,
so the seeded randomness (bootstrap resamples, cross-fitting folds) is a SHAKE-256 stream of the
seed: the same seed always gives the same numbers, on every platform. Constants, formulas and
their sources: docs/domain/evaluation.md.
"""

from __future__ import annotations

import hashlib
import math
import struct
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Literal

from shared_types.base import Frozen

__all__ = [
    "DEFAULT_ALPHA",
    "DEFAULT_FOLDS",
    "DEFAULT_MAX_UNSUPPORTED_SHARE",
    "DEFAULT_MAX_WEIGHT",
    "DEFAULT_MIN_ESS",
    "DEFAULT_N_BOOT",
    "PROBABILITY_SUM_TOLERANCE",
    "Estimate",
    "EstimatorName",
    "Evaluation",
    "LoggedDecision",
    "MeanRewardModel",
    "Policy",
    "RewardModel",
    "bootstrap_indices",
    "doubly_robust",
    "effective_sample_size",
    "evaluate",
    "fit_reward_model",
    "importance_weights",
    "ips",
    "snips",
    "unsupported_share",
]

DEFAULT_N_BOOT = 1000
DEFAULT_ALPHA = 0.05
DEFAULT_MIN_ESS = 30.0
DEFAULT_MAX_WEIGHT = 20.0
DEFAULT_MAX_UNSUPPORTED_SHARE = 0.0
DEFAULT_FOLDS = 5
PROBABILITY_SUM_TOLERANCE = 1e-6

Policy = Callable[[str], Mapping[str, float]]
"""A candidate policy: context key -> probability of each action (summing to 1)."""

RewardModel = Callable[[str, str], float]
"""A reward model: (context, action) -> predicted reward."""

EstimatorName = Literal["ips", "snips", "dr"]


@dataclass(frozen=True, slots=True)
class LoggedDecision:
    """One logged decision: the context key, the action taken, the probability the logging
    policy took it with (in (0, 1]), and the reward that followed."""

    context: str
    action: str
    propensity: float
    reward: float

    def __post_init__(self) -> None:
        if not (0.0 < self.propensity <= 1.0):
            raise ValueError(f"propensity must be in (0, 1], got {self.propensity!r}")
        if not math.isfinite(self.reward):
            raise ValueError(f"reward must be finite, got {self.reward!r}")


@dataclass(frozen=True, slots=True)
class MeanRewardModel:
    """Tabular reward model: the mean reward per (context, action), falling back to the
    action's mean over all contexts, then to the global mean (0.0 when fitted on nothing)."""

    by_pair: Mapping[tuple[str, str], float]
    by_action: Mapping[str, float]
    overall: float

    def __call__(self, context: str, action: str) -> float:
        pair = self.by_pair.get((context, action))
        if pair is not None:
            return pair
        action_mean = self.by_action.get(action)
        return action_mean if action_mean is not None else self.overall


class Estimate(Frozen):
    """One estimator's point estimate and its percentile bootstrap interval."""

    estimator: EstimatorName
    value: float
    low: float
    high: float


class Evaluation(Frozen):
    """The result of `evaluate`: the estimates (empty when refused), the overlap diagnostics,
    and the settings that produced them (so a stored evaluation can be reproduced)."""

    n: int
    ess: float
    max_weight: float
    unsupported_share: float
    refused: str | None
    estimates: tuple[Estimate, ...]
    seed: int
    n_boot: int
    alpha: float

    def as_table(self) -> list[tuple[str, float, float, float]]:
        """Rows (estimator, value, low, high) for a CLI table; empty when refused."""
        return [(e.estimator, e.value, e.low, e.high) for e in self.estimates]


# --- policy probabilities and weights -------------------------------------------------------


def _distribution(policy: Policy, context: str) -> Mapping[str, float]:
    """The candidate's action probabilities in one context, checked to be a distribution."""
    probabilities = policy(context)
    for action, p in probabilities.items():
        if not (math.isfinite(p) and 0.0 <= p <= 1.0):
            raise ValueError(f"policy gives {action!r} probability {p!r} in {context!r}")
    total = math.fsum(probabilities.values())
    if abs(total - 1.0) > PROBABILITY_SUM_TOLERANCE:
        raise ValueError(f"policy probabilities in {context!r} sum to {total!r}, not 1")
    return probabilities


def _distributions(
    logs: Sequence[LoggedDecision], policy: Policy
) -> dict[str, Mapping[str, float]]:
    """The candidate's distribution for each logged context (one policy call per context)."""
    found: dict[str, Mapping[str, float]] = {}
    for row in logs:
        if row.context not in found:
            found[row.context] = _distribution(policy, row.context)
    return found


def _weights(
    logs: Sequence[LoggedDecision], dists: Mapping[str, Mapping[str, float]]
) -> list[float]:
    return [dists[row.context].get(row.action, 0.0) / row.propensity for row in logs]


def importance_weights(logs: Sequence[LoggedDecision], policy: Policy) -> list[float]:
    """w_i = pi(a_i | x_i) / p_i for each logged row, in log order."""
    return _weights(logs, _distributions(logs, policy))


def _ess(weights: Sequence[float]) -> float:
    squares = math.fsum(w * w for w in weights)
    return math.fsum(weights) ** 2 / squares if squares > 0.0 else 0.0


def effective_sample_size(logs: Sequence[LoggedDecision], policy: Policy) -> float:
    """Kish's effective sample size (sum w)^2 / sum w^2; 0 when every weight is 0."""
    return _ess(importance_weights(logs, policy))


def _unsupported_share(
    logs: Sequence[LoggedDecision], dists: Mapping[str, Mapping[str, float]]
) -> float:
    if not logs:
        return 0.0
    seen: dict[str, set[str]] = {}
    for row in logs:
        seen.setdefault(row.context, set()).add(row.action)
    lacking = {
        context
        for context, dist in dists.items()
        if any(p > 0.0 and action not in seen[context] for action, p in dist.items())
    }
    return sum(1 for row in logs if row.context in lacking) / len(logs)


def unsupported_share(logs: Sequence[LoggedDecision], policy: Policy) -> float:
    """The share of logged rows whose context is one where the candidate puts mass on an
    action the logger never took there (the estimators cannot see those actions' rewards)."""
    return _unsupported_share(logs, _distributions(logs, policy))


# --- the estimators --------------------------------------------------------------------------


def ips(logs: Sequence[LoggedDecision], policy: Policy) -> float:
    """Inverse propensity scoring: (1/n) sum w_i r_i."""
    if not logs:
        raise ValueError("no logged decisions")
    weights = importance_weights(logs, policy)
    return math.fsum(w * row.reward for w, row in zip(weights, logs, strict=True)) / len(logs)


def snips(logs: Sequence[LoggedDecision], policy: Policy) -> float:
    """Self-normalised IPS: sum w_i r_i / sum w_i (undefined when every weight is 0)."""
    if not logs:
        raise ValueError("no logged decisions")
    weights = importance_weights(logs, policy)
    total = math.fsum(weights)
    if total <= 0.0:
        raise ValueError("the candidate gives zero weight to every logged decision")
    return math.fsum(w * row.reward for w, row in zip(weights, logs, strict=True)) / total


def fit_reward_model(logs: Sequence[LoggedDecision]) -> MeanRewardModel:
    """The tabular mean-reward model fitted on `logs`."""
    pairs: dict[tuple[str, str], list[float]] = {}
    actions: dict[str, list[float]] = {}
    for row in logs:
        pairs.setdefault((row.context, row.action), []).append(row.reward)
        actions.setdefault(row.action, []).append(row.reward)
    return MeanRewardModel(
        by_pair={key: math.fsum(rs) / len(rs) for key, rs in pairs.items()},
        by_action={key: math.fsum(rs) / len(rs) for key, rs in actions.items()},
        overall=math.fsum(row.reward for row in logs) / len(logs) if logs else 0.0,
    )


def _stream(label: str, seed: int, count: int) -> tuple[int, ...]:
    """`count` uniform 32-bit integers from the SHAKE-256 stream of (label, seed)."""
    data = hashlib.shake_256(f"jit-evaluation/{label}/{seed}".encode()).digest(4 * count)
    return struct.unpack(f"<{count}I", data)


def _folds(n: int, folds: int, seed: int) -> list[int]:
    """A seeded, balanced fold number for each of n rows: a seeded shuffle dealt round-robin."""
    keys = _stream("folds", seed, n)
    order = sorted(range(n), key=lambda i: (keys[i], i))
    assignment = [0] * n
    for position, row in enumerate(order):
        assignment[row] = position % folds
    return assignment


def _cross_fitted_predictions(
    logs: Sequence[LoggedDecision], folds: int, seed: int
) -> list[RewardModel]:
    """For each row, a reward model fitted on the rows outside its fold (cross-fitting)."""
    k = min(folds, len(logs))
    if k < 2:
        # One row cannot be held out from itself: a constant 0 model, and DR reduces to IPS.
        zero = MeanRewardModel(by_pair={}, by_action={}, overall=0.0)
        return [zero] * len(logs)
    assignment = _folds(len(logs), k, seed)
    models = [
        fit_reward_model([row for row, f in zip(logs, assignment, strict=True) if f != fold])
        for fold in range(k)
    ]
    return [models[f] for f in assignment]


def _dr_terms(
    logs: Sequence[LoggedDecision],
    dists: Mapping[str, Mapping[str, float]],
    weights: Sequence[float],
    *,
    reward_model: RewardModel | None,
    folds: int,
    seed: int,
) -> list[float]:
    """Per-row DR terms: sum_a pi(a|x_i) q(x_i, a) + w_i (r_i - q(x_i, a_i))."""
    models: Sequence[RewardModel] = (
        [reward_model] * len(logs)
        if reward_model is not None
        else _cross_fitted_predictions(logs, folds, seed)
    )
    terms = []
    for row, w, q in zip(logs, weights, models, strict=True):
        direct = math.fsum(p * q(row.context, a) for a, p in dists[row.context].items() if p)
        terms.append(direct + w * (row.reward - q(row.context, row.action)))
    return terms


def doubly_robust(
    logs: Sequence[LoggedDecision],
    policy: Policy,
    reward_model: RewardModel | None = None,
    *,
    folds: int = DEFAULT_FOLDS,
    seed: int = 0,
) -> float:
    """Doubly robust estimate (Dudik et al. 2011): the mean over rows of
    sum_a pi(a|x) q(x, a) + w (r - q(x, a_logged)).

    Without `reward_model`, q is the tabular mean-reward model cross-fitted on `folds` seeded
    folds: each row is corrected by a model fitted on the other folds, so its own reward never
    enters its own prediction. A given `reward_model` (fitted elsewhere) is used as is.
    """
    if not logs:
        raise ValueError("no logged decisions")
    if folds < 1:
        raise ValueError("folds must be at least 1")
    dists = _distributions(logs, policy)
    terms = _dr_terms(
        logs, dists, _weights(logs, dists), reward_model=reward_model, folds=folds, seed=seed
    )
    return math.fsum(terms) / len(logs)


# --- the bootstrap and evaluate --------------------------------------------------------------


def bootstrap_indices(n: int, n_boot: int, seed: int) -> list[list[int]]:
    """`n_boot` seeded resamples of range(n) with replacement (each a list of n row indices).

    Index j = floor(u * n / 2^32) for a uniform 32-bit u: its bias is below n / 2^32, far
    under the bootstrap's own Monte Carlo error for any log that fits in memory."""
    return list(_resamples(n, n_boot, seed))


def _resamples(n: int, n_boot: int, seed: int) -> Iterator[list[int]]:
    """`bootstrap_indices` one resample at a time (the evaluation's progress follows them)."""
    for b in range(n_boot):
        yield [(u * n) >> 32 for u in _stream(f"boot/{b}", seed, n)]


def _gather(values: Sequence[float], sample: Sequence[int]) -> Sequence[float]:
    """values[j] for each j in sample (itemgetter does the loop in C)."""
    if len(sample) == 1:
        return (values[sample[0]],)
    picked: tuple[float, ...] = itemgetter(*sample)(values)
    return picked


def _percentile(ordered: Sequence[float], q: float) -> float:
    """The q-quantile of sorted values, interpolated linearly (Hyndman & Fan type 7)."""
    position = q * (len(ordered) - 1)
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (position - below) * (ordered[above] - ordered[below])


def _refusal(
    n: int, ess: float, max_weight: float, share: float, limits: tuple[float, float, float]
) -> str | None:
    min_ess, max_weight_allowed, max_share = limits
    if n == 0:
        return "no logged decisions"
    reasons = []
    if share > max_share:
        reasons.append(
            f"the candidate needs actions never logged in their context "
            f"({share:.1%} of rows; at most {max_share:.1%} allowed)"
        )
    if max_weight > max_weight_allowed:
        reasons.append(f"max importance weight {max_weight:.4g} above {max_weight_allowed:.4g}")
    if ess < min_ess:
        reasons.append(f"effective sample size {ess:.4g} below {min_ess:.4g}")
    return "; ".join(reasons) or None


def evaluate(
    logs: Sequence[LoggedDecision],
    policy: Policy,
    *,
    seed: int,
    n_boot: int = DEFAULT_N_BOOT,
    alpha: float = DEFAULT_ALPHA,
    min_ess: float = DEFAULT_MIN_ESS,
    max_weight: float = DEFAULT_MAX_WEIGHT,
    max_unsupported_share: float = DEFAULT_MAX_UNSUPPORTED_SHARE,
    folds: int = DEFAULT_FOLDS,
    progress: Callable[[int, int], None] | None = None,
) -> Evaluation:
    """Estimate the candidate's value with IPS, SNIPS and cross-fitted DR, each with a
    (1 - alpha) percentile bootstrap interval over resampled logged rows (seeded), unless the
    overlap is too poor: then `refused` says why and there are no estimates.

    Refused when the candidate puts mass on actions never logged in their context on more than
    `max_unsupported_share` of the rows, when some row's weight is above `max_weight`, or when
    the effective sample size is below `min_ess` (every reason that applies is given).
    The DR reward model is fitted once (cross-fitted on `folds` folds from `seed`); the bootstrap
    resamples its per-row terms, not the fit. `progress(done, n_boot)` is told after each
    resample (not at all when refused).
    """
    if n_boot < 1:
        raise ValueError("n_boot must be at least 1")
    if not (0.0 < alpha < 1.0):
        raise ValueError("alpha must be in (0, 1)")
    if folds < 1:
        raise ValueError("folds must be at least 1")
    dists = _distributions(logs, policy)
    weights = _weights(logs, dists)
    n = len(logs)
    ess = _ess(weights)
    heaviest = max(weights, default=0.0)
    share = _unsupported_share(logs, dists)
    refused = _refusal(n, ess, heaviest, share, (min_ess, max_weight, max_unsupported_share))
    estimates: tuple[Estimate, ...] = ()
    if refused is None:
        estimates = _estimates(
            logs,
            dists,
            weights,
            seed=seed,
            n_boot=n_boot,
            alpha=alpha,
            folds=folds,
            progress=progress,
        )
    return Evaluation(
        n=n,
        ess=ess,
        max_weight=heaviest,
        unsupported_share=share,
        refused=refused,
        estimates=estimates,
        seed=seed,
        n_boot=n_boot,
        alpha=alpha,
    )


def _estimates(
    logs: Sequence[LoggedDecision],
    dists: Mapping[str, Mapping[str, float]],
    weights: list[float],
    *,
    seed: int,
    n_boot: int,
    alpha: float,
    folds: int,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Estimate, ...]:
    n = len(logs)
    weighted = [w * row.reward for w, row in zip(weights, logs, strict=True)]
    dr = _dr_terms(logs, dists, weights, reward_model=None, folds=folds, seed=seed)
    total_weight = math.fsum(weights)
    points = {
        "ips": math.fsum(weighted) / n,
        # An evaluation that passed the ESS check has some positive weight.
        "snips": math.fsum(weighted) / total_weight if total_weight > 0.0 else math.nan,
        "dr": math.fsum(dr) / n,
    }
    replicates: dict[str, list[float]] = {"ips": [], "snips": [], "dr": []}
    for done, sample in enumerate(_resamples(n, n_boot, seed), start=1):
        sum_weighted = math.fsum(_gather(weighted, sample))
        sum_weights = math.fsum(_gather(weights, sample))
        replicates["ips"].append(sum_weighted / n)
        replicates["snips"].append(sum_weighted / sum_weights if sum_weights > 0.0 else math.nan)
        replicates["dr"].append(math.fsum(_gather(dr, sample)) / n)
        if progress is not None:
            progress(done, n_boot)
    found = []
    name: EstimatorName
    for name in ("ips", "snips", "dr"):
        # A SNIPS resample with no positive weight has no value; it is left out of the interval.
        ordered = sorted(v for v in replicates[name] if not math.isnan(v))
        low, high = (
            (_percentile(ordered, alpha / 2), _percentile(ordered, 1 - alpha / 2))
            if ordered
            else (math.nan, math.nan)
        )
        found.append(Estimate(estimator=name, value=points[name], low=low, high=high))
    return tuple(found)
