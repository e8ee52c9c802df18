"""Values of the contextual bandit in `auto` (issue 12): the context a decision is made in, one
arm's posterior, the logged decision and the reward's weights. Pure data; the logic is in
`training_engine/routing/bandit.py`, the constants and their reasons in docs/domain/bandit.md.

They are boundary models (frozen, unknown keys rejected) because the shell stores them: the
posteriors are shared by workers through the database, and every decision is logged with its
propensity so offline evaluation can reweight it later.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from shared_types.base import Frozen
from shared_types.enums import IntensityType, Lift

__all__ = [
    "ArmPosterior",
    "BanditContext",
    "BanditDecision",
    "ReadinessBand",
    "RewardWeights",
    "RpeDrift",
    "SorenessBand",
]

SorenessBand = Literal["fresh", "sore", "very_sore"]
"""The worst primary soreness: fresh <= 4, sore 5-6, very_sore >= 7 (the soreness step's levels)."""

ReadinessBand = Literal["poor", "normal", "good"]
"""Sleep and energy as the readiness step reads them (an unknown value is the neutral 3)."""

RpeDrift = Literal["easy", "on_target", "hard"]
"""The RPE-history step's reading of the two newest usable logs: mean (actual - target) at or
below -0.75 is easy, at or above +0.75 hard, otherwise (or with fewer than two) on target."""

Arm = Annotated[str, Field(min_length=1, max_length=100)]
Probability = Annotated[float, Field(gt=0, le=1)]
NonNegative = Annotated[float, Field(ge=0)]
Count = Annotated[int, Field(ge=0)]


class BanditContext(Frozen):
    """The coarse signal profile a decision is made in: one posterior per arm and context.

    Coarse on purpose: every extra band multiplies the contexts, and each context must see
    enough outcomes for its posteriors to learn (docs/domain/bandit.md, "Context")."""

    lift: Lift
    intensity_type: IntensityType
    soreness: SorenessBand
    readiness: ReadinessBand
    disruption: bool  # an active disruption affecting today's lift
    rpe_drift: RpeDrift
    deload: bool

    @property
    def key(self) -> str:
        """A short stable string naming the context, e.g. `squat|heavy|fresh|normal|-|on_target|-`
        (the shell keys posteriors by it; `-` is an absent flag)."""
        return "|".join(
            (
                self.lift.value,
                self.intensity_type.value,
                self.soreness,
                self.readiness,
                "disrupted" if self.disruption else "-",
                self.rpe_drift,
                "deload" if self.deload else "-",
            )
        )


class ArmPosterior(Frozen):
    """One arm's Normal-Inverse-Gamma posterior over its reward (unknown mean, unknown variance)
    in one context: mean ~ N(`mean`, sigma^2 / `kappa`), sigma^2 ~ InvGamma(`alpha`, `beta`).

    `n` counts the rewards absorbed (the shell updates a row under a lock, so no version is
    kept); `clamped` counts the updates the trust region cut short."""

    arm: Arm
    n: Count = 0
    mean: float
    kappa: Annotated[float, Field(gt=0)]
    alpha: Annotated[float, Field(gt=0)]
    beta: Annotated[float, Field(gt=0)]
    clamped: Count = 0


class BanditDecision(Frozen):
    """One logged decision: enough to reproduce it (seed, decision id, context, policy version)
    and to evaluate another policy offline (the propensity of every allowed arm)."""

    decision_id: Annotated[str, Field(min_length=1, max_length=200)]
    context_key: Annotated[str, Field(min_length=1, max_length=200)]
    arms: tuple[Arm, ...]  # the arms the rules allowed, in the (sorted) order they were drawn
    chosen: Arm
    propensity: Probability  # the probability the chosen arm had: propensities[chosen]
    propensities: dict[Arm, Probability]
    policy_version: Annotated[str, Field(min_length=1, max_length=100)]
    seed: int
    # One Thompson draw of each arm's mean reward (the first of the draws that estimate the
    # propensities), for the record; the choice itself is drawn from `propensities`.
    samples: dict[Arm, float]
    floor: Annotated[float, Field(ge=0, le=1)]
    draws: Annotated[int, Field(ge=0)]  # Thompson draws behind the propensities (0: one arm)


class RewardWeights(Frozen):
    """How a session outcome becomes a reward (in RPE points; docs/domain/bandit.md, "Reward"):
    `-rpe_error * |mean RPE error| - failure_penalty * failures - violation_penalty *
    violations - cost_per_1k_tokens * tokens / 1000`."""

    rpe_error: NonNegative = 1.0
    failure_penalty: NonNegative = 0.5  # per failed main set
    violation_penalty: NonNegative = 1.0  # per invariant the constraint pass had to enforce
    cost_per_1k_tokens: NonNegative = 0.02  # RPE points a thousand model tokens are worth
