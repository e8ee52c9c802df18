"""The contextual Thompson-sampling bandit in `auto` (issue 12, part A): the context of a
generation, the reward of its outcome, the seeded choice with logged propensities, and the
trust-region-bounded conjugate update. Constants and reasons: docs/domain/bandit.md.

Each arm (formula, llm, ...) has, per context, a Normal-Inverse-Gamma posterior over its reward
(a Gaussian with unknown mean and variance). `choose` draws each allowed arm's mean from its
posterior many times from one seeded generator, so the probability Thompson sampling picks each
arm is estimated, mixed with an exploration floor, and the arm is drawn from exactly those
probabilities: the logged propensity is the probability used, which offline evaluation needs.

Pure: the randomness is a SplitMix64 stream seeded from SHA-256 of (seed, decision id, context
key), written here because the core may not import `random` (the import-linter contract). Same
seed, decision id, context and posteriors give the same decision in any process.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence

from shared_types.bandit import (
    ArmPosterior,
    BanditContext,
    BanditDecision,
    ReadinessBand,
    RewardWeights,
    RpeDrift,
    SorenessBand,
)
from shared_types.enums import DisruptionStatus, IntensityType
from shared_types.feedback import SessionOutcome
from shared_types.inputs import JITInput
from training_engine.pipeline.state import new_context
from training_engine.pipeline.steps.rpe_history import OVER_THRESHOLD, UNDER_THRESHOLD
from training_engine.pipeline.steps.soreness import HIGH_FROM, MODERATE_FROM

__all__ = [
    "DEFAULT_FLOOR",
    "DRAWS",
    "PRIOR_ALPHA",
    "PRIOR_BETA",
    "PRIOR_KAPPA",
    "PRIOR_MEAN",
    "TRUST_REGION",
    "choose",
    "context_of",
    "prior",
    "reward",
    "update",
]

# The weak prior (docs/domain/bandit.md, "Prior"): a mean reward of -1 (one RPE point off)
# worth one observation, and a variance belief worth two (alpha = 1: a Student-t with 2 degrees
# of freedom for the mean, heavy-tailed so an unseen arm is explored).
PRIOR_MEAN = -1.0
PRIOR_KAPPA = 1.0
PRIOR_ALPHA = 1.0
PRIOR_BETA = 0.5
DRAWS = 2000  # Thompson draws behind the propensities: standard error <= 0.011 each
DEFAULT_FLOOR = 0.05  # the exploration share spread evenly over the allowed arms
TRUST_REGION = 0.5  # the most one update may move an arm's mean reward (RPE points)
POOR_AT_MOST = 2  # the readiness step: sleep or energy <= 2 is poor
GOOD_FROM = 4  # the readiness step: sleep and energy both >= 4 is good
NEUTRAL = 3  # the readiness step's reading of an unknown sleep or energy

_MASK = (1 << 64) - 1
_NUDGES = 4  # ulps a clamped mean may be stepped back (rounding puts it at most one out)


def prior(arm: str) -> ArmPosterior:
    """The posterior of an arm that has seen no reward in this context."""
    return ArmPosterior(
        arm=arm, mean=PRIOR_MEAN, kappa=PRIOR_KAPPA, alpha=PRIOR_ALPHA, beta=PRIOR_BETA
    )


def context_of(inp: JITInput) -> BanditContext:
    """The bandit's context for one generation, each band read with the pipeline's own rules."""
    ctx = new_context(inp)
    return BanditContext(
        lift=inp.primary_lift,
        intensity_type=inp.intensity_type,
        soreness=_soreness_band(ctx.worst_soreness),
        readiness=_readiness_band(inp.sleep_quality, inp.energy_level),
        disruption=any(
            d.status is not DisruptionStatus.RESOLVED and d.affects(inp.primary_lift)
            for d in inp.active_disruptions
        ),
        rpe_drift=_rpe_drift(ctx.recent_rpe_deviation()),
        deload=inp.intensity_type is IntensityType.DELOAD,
    )


def _soreness_band(worst: int) -> SorenessBand:
    if worst >= HIGH_FROM:
        return "very_sore"
    return "sore" if worst >= MODERATE_FROM else "fresh"


def _readiness_band(sleep: int | None, energy: int | None) -> ReadinessBand:
    sleep = NEUTRAL if sleep is None else sleep
    energy = NEUTRAL if energy is None else energy
    if sleep <= POOR_AT_MOST or energy <= POOR_AT_MOST:
        return "poor"
    return "good" if sleep >= GOOD_FROM and energy >= GOOD_FROM else "normal"


def _rpe_drift(deviation: float | None) -> RpeDrift:
    if deviation is None:
        return "on_target"
    if deviation >= OVER_THRESHOLD:
        return "hard"
    return "easy" if deviation <= UNDER_THRESHOLD else "on_target"


def reward(
    outcome: SessionOutcome, *, tokens: int, violations: int, weights: RewardWeights
) -> float | None:
    """The reward of one served session, in RPE points (higher is better), or None when the
    outcome teaches nothing (not learnable, or no RPE error to score)."""
    if tokens < 0 or violations < 0:
        raise ValueError(f"tokens ({tokens}) and violations ({violations}) must be >= 0")
    if not outcome.learnable or outcome.mean_rpe_error is None:
        return None
    return (
        -weights.rpe_error * abs(outcome.mean_rpe_error)
        - weights.failure_penalty * outcome.failures
        - weights.violation_penalty * violations
        - weights.cost_per_1k_tokens * tokens / 1000
    )


def update(posterior: ArmPosterior, reward: float, *, trust_region: float) -> ArmPosterior:
    """The conjugate Normal-Inverse-Gamma update by one reward, with the move of the mean cut to
    `trust_region` (the variance still learns the full surprise, so a clamped arm stays
    uncertain rather than confidently wrong)."""
    if not math.isfinite(reward):
        raise ValueError(f"reward must be finite, got {reward}")
    if not trust_region > 0:
        raise ValueError(f"trust_region must be > 0, got {trust_region}")
    mean, kappa = posterior.mean, posterior.kappa
    step = (reward - mean) / (kappa + 1)
    clamped = abs(step) > trust_region
    new_mean = mean + (math.copysign(trust_region, step) if clamped else step)
    for _ in range(_NUDGES):  # the sum may round past the bound by an ulp: step back inside
        if abs(new_mean - mean) <= trust_region:
            break
        new_mean = math.nextafter(new_mean, mean)
    return ArmPosterior(
        arm=posterior.arm,
        n=posterior.n + 1,
        mean=new_mean,
        kappa=kappa + 1,
        alpha=posterior.alpha + 0.5,
        beta=posterior.beta + kappa * (reward - mean) ** 2 / (2 * (kappa + 1)),
        clamped=posterior.clamped + clamped,
    )


def choose(
    posteriors: Mapping[str, ArmPosterior],
    arms: Sequence[str],
    *,
    context: BanditContext,
    seed: int,
    decision_id: str,
    policy_version: str,
    floor: float = DEFAULT_FLOOR,
    draws: int = DRAWS,
) -> BanditDecision:
    """Thompson sampling among `arms` (the arms the rules allow; an arm without a posterior has
    the prior). Every arm gets `floor / k + (1 - floor) * P(Thompson picks it)`, the
    probability estimated from `draws` seeded draws, and the chosen arm is drawn from those
    propensities by the same generator. One arm is chosen with propensity 1."""
    allowed = tuple(sorted(set(arms)))
    if not allowed:
        raise ValueError("no arm allowed")
    if len(allowed) != len(arms):
        raise ValueError(f"arms repeat: {list(arms)}")
    if not 0 < floor <= 1:
        raise ValueError(f"floor must be in (0, 1], got {floor}")
    if draws < 1:
        raise ValueError(f"draws must be >= 1, got {draws}")
    rng = _Rng(_derived_seed(seed, decision_id, context.key))
    beliefs = [posteriors.get(arm) or prior(arm) for arm in allowed]
    first = [_sample_mean(rng, b) for b in beliefs]
    if len(allowed) == 1:
        propensities = {allowed[0]: 1.0}
        used_draws = 0
    else:
        wins = [0] * len(allowed)
        wins[first.index(max(first))] += 1
        for _ in range(draws - 1):
            values = [_sample_mean(rng, b) for b in beliefs]
            wins[values.index(max(values))] += 1
        k = len(allowed)
        propensities = {
            a: floor / k + (1 - floor) * w / draws for a, w in zip(allowed, wins, strict=True)
        }
        used_draws = draws
    chosen = _draw(rng, allowed, propensities)
    return BanditDecision(
        decision_id=decision_id,
        context_key=context.key,
        arms=allowed,
        chosen=chosen,
        propensity=propensities[chosen],
        propensities=propensities,
        policy_version=policy_version,
        seed=seed,
        samples=dict(zip(allowed, first, strict=True)),
        floor=floor,
        draws=used_draws,
    )


def _derived_seed(seed: int, decision_id: str, context_key: str) -> int:
    """64 bits of SHA-256 over the length-prefixed parts (no two triples hash the same text;
    stable across processes and versions, unlike `hash()`)."""
    text = f"{seed}:{len(decision_id)}:{decision_id}:{context_key}".encode()
    return int.from_bytes(hashlib.sha256(text).digest()[:8], "big")


def _draw(rng: _Rng, arms: tuple[str, ...], propensities: Mapping[str, float]) -> str:
    """An arm drawn with the given probabilities (inverse CDF; rounding leftovers go last)."""
    u = rng.uniform()
    total = 0.0
    for arm in arms:
        total += propensities[arm]
        if u < total:
            return arm
    return arms[-1]


def _sample_mean(rng: _Rng, belief: ArmPosterior) -> float:
    """One draw of the arm's mean reward: sigma^2 ~ InvGamma(alpha, beta), then
    mean ~ N(mu, sigma^2 / kappa) (marginally a Student-t with 2 alpha degrees of freedom)."""
    variance = belief.beta / rng.gamma(belief.alpha)
    return belief.mean + math.sqrt(variance / belief.kappa) * rng.normal()


class _Rng:
    """SplitMix64 (Steele, Lea and Flood 2014): 64-bit state, passes BigCrush, a few integer
    operations a number. Uniforms, normals (Marsaglia's polar method) and gammas (Marsaglia and
    Tsang 2000) on top. Local mutable state, never shared: the decision stays a pure function."""

    __slots__ = ("_spare", "_state")

    def __init__(self, seed: int) -> None:
        self._state = seed & _MASK
        self._spare: float | None = None

    def uniform(self) -> float:
        """A float in [0, 1) with 53 random bits."""
        self._state = (self._state + 0x9E3779B97F4A7C15) & _MASK
        z = self._state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
        return ((z ^ (z >> 31)) >> 11) * 2.0**-53

    def normal(self) -> float:
        """A standard normal (the polar method gives two; the second is kept for the next call)."""
        if self._spare is not None:
            spare, self._spare = self._spare, None
            return spare
        while True:
            x, y = 2 * self.uniform() - 1, 2 * self.uniform() - 1
            s = x * x + y * y
            if 0 < s < 1:
                scale = math.sqrt(-2 * math.log(s) / s)
                self._spare = y * scale
                return x * scale

    def gamma(self, shape: float) -> float:
        """A Gamma(shape, 1) draw; a shape below 1 is boosted: Gamma(a + 1) * U^(1 / a)."""
        if shape < 1:
            return self.gamma(shape + 1) * math.pow(1 - self.uniform(), 1 / shape)
        d = shape - 1 / 3
        c = 1 / math.sqrt(9 * d)
        while True:
            x = self.normal()
            v = (1 + c * x) ** 3
            if v <= 0:
                continue
            u = 1 - self.uniform()  # in (0, 1]: log is defined
            if math.log(u) < 0.5 * x * x + d - d * v + d * math.log(v):
                return d * v
