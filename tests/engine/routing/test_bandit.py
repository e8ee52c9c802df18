"""The contextual Thompson-sampling bandit (issue 12, part A): the context bands, the reward,
the seeded choice with its logged propensities, and the trust-region-bounded update."""

from __future__ import annotations

import math
import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared_types.bandit import ArmPosterior, BanditContext, RewardWeights
from shared_types.enums import DisruptionStatus, IntensityType, Lift, MuscleGroup
from shared_types.feedback import SessionOutcome
from tests.factories import make_disruption, make_input, make_logs, make_outcome
from training_engine.routing.bandit import (
    DEFAULT_FLOOR,
    PRIOR_MEAN,
    TRUST_REGION,
    choose,
    context_of,
    prior,
    reward,
    update,
)

ARMS = ("formula", "llm")
CONTEXT = context_of(make_input())


def decide(posteriors: dict[str, ArmPosterior], arms: tuple[str, ...] = ARMS, **kw: Any) -> Any:
    fields: dict[str, Any] = {
        "context": CONTEXT,
        "seed": 7,
        "decision_id": "d-1",
        "policy_version": "bandit-v1",
    }
    fields.update(kw)
    return choose(posteriors, arms, **fields)


def learnt(arm: str, rewards: list[float]) -> ArmPosterior:
    posterior = prior(arm)
    for r in rewards:
        posterior = update(posterior, r, trust_region=TRUST_REGION)
    return posterior


# --- context -------------------------------------------------------------------------------


def test_a_quiet_squat_day_has_the_documented_key() -> None:
    assert (
        BanditContext(
            lift=Lift.SQUAT,
            intensity_type=IntensityType.HEAVY,
            soreness="fresh",
            readiness="normal",
            disruption=False,
            rpe_drift="on_target",
            deload=False,
        )
        == CONTEXT
    )
    assert CONTEXT.key == "squat|heavy|fresh|normal|-|on_target|-"


@pytest.mark.parametrize(
    ("rating", "band"), [(1, "fresh"), (4, "fresh"), (5, "sore"), (6, "sore"), (7, "very_sore")]
)
def test_soreness_band_reads_the_worst_primary_muscle(rating: int, band: str) -> None:
    inp = make_input(soreness_ratings={MuscleGroup.QUADS: rating, MuscleGroup.CHEST: 9})
    assert context_of(inp).soreness == band


@pytest.mark.parametrize(
    ("sleep", "energy", "band"),
    [
        (None, None, "normal"),
        (2, 5, "poor"),
        (5, 1, "poor"),
        (4, 4, "good"),
        (5, None, "normal"),
        (3, 5, "normal"),
    ],
)
def test_readiness_band(sleep: int | None, energy: int | None, band: str) -> None:
    assert context_of(make_input(sleep_quality=sleep, energy_level=energy)).readiness == band


@pytest.mark.parametrize(
    ("disruptions", "flag"),
    [
        ((), False),
        ((make_disruption(lift=Lift.SQUAT),), True),
        ((make_disruption(lift=None),), True),  # every lift
        ((make_disruption(lift=Lift.BENCH),), False),
        ((make_disruption(lift=Lift.SQUAT, status=DisruptionStatus.RESOLVED),), False),
    ],
)
def test_disruption_counts_only_active_ones_on_todays_lift(
    disruptions: tuple[Any, ...], flag: bool
) -> None:
    context = context_of(make_input(active_disruptions=disruptions))
    assert context.disruption is flag
    assert ("|disrupted|" in context.key) is flag


@pytest.mark.parametrize(
    ("logs", "drift"),
    [
        ((), "on_target"),
        (((10.0, 8.0),), "on_target"),  # one log is too few
        (((9.0, 8.0), (8.5, 8.0)), "hard"),  # +0.75
        (((7.0, 8.0), (7.5, 8.0)), "easy"),  # -0.75
        (((8.5, 8.0), (8.5, 8.0)), "on_target"),  # +0.5
        (((8.0, 8.0), (8.0, 8.0), (10.0, 7.0)), "on_target"),  # only the two newest count
    ],
)
def test_rpe_drift_uses_the_rpe_history_reading(
    logs: tuple[tuple[float, float], ...], drift: str
) -> None:
    assert context_of(make_input(recent_logs=make_logs(*logs))).rpe_drift == drift


def test_a_deload_is_flagged_in_the_key() -> None:
    context = context_of(make_input(intensity_type="deload"))
    assert context.deload
    assert context.key.endswith("|deload")


# --- reward --------------------------------------------------------------------------------


def outcome(error: float | None, *, failures: int = 0, learnable: bool = True) -> SessionOutcome:
    return make_outcome(error, failures=failures, learnable=learnable)


def test_reward_is_minus_error_penalties_and_token_cost() -> None:
    weights = RewardWeights(failure_penalty=0.5, violation_penalty=1.0, cost_per_1k_tokens=0.02)
    got = reward(outcome(-0.8, failures=2), tokens=2500, violations=1, weights=weights)
    assert got == pytest.approx(-0.8 - 2 * 0.5 - 1 * 1.0 - 2.5 * 0.02)


def test_the_formula_path_costs_nothing_and_the_sign_of_the_error_does_not_matter() -> None:
    weights = RewardWeights()
    easy = reward(outcome(-0.5), tokens=0, violations=0, weights=weights)
    hard = reward(outcome(0.5), tokens=0, violations=0, weights=weights)
    assert easy == hard == pytest.approx(-0.5)


def test_an_outcome_that_teaches_nothing_has_no_reward() -> None:
    weights = RewardWeights()
    assert reward(outcome(0.5, learnable=False), tokens=0, violations=0, weights=weights) is None
    assert reward(outcome(None), tokens=0, violations=0, weights=weights) is None


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="tokens"):
        reward(outcome(0.5), tokens=-1, violations=0, weights=RewardWeights())


# --- choose --------------------------------------------------------------------------------


def test_same_seed_and_context_give_the_same_decision() -> None:
    posteriors = {"formula": learnt("formula", [-0.6, -0.9]), "llm": learnt("llm", [-0.7])}
    assert decide(posteriors) == decide(posteriors)
    assert decide(posteriors, arms=("llm", "formula")) == decide(posteriors)


def test_decision_ids_seeds_and_contexts_each_change_the_draws() -> None:
    base = decide({})
    assert decide({}, decision_id="d-2").samples != base.samples
    assert decide({}, seed=8).samples != base.samples
    sore = context_of(make_input(soreness_ratings={MuscleGroup.QUADS: 6}))
    assert decide({}, context=sore).samples != base.samples
    chosen = {decide({}, decision_id=f"d-{i}", draws=50).chosen for i in range(40)}
    assert chosen == set(ARMS)


def test_a_missing_posterior_is_the_prior() -> None:
    assert decide({}) == decide({arm: prior(arm) for arm in ARMS})
    assert prior("llm").mean == PRIOR_MEAN


def test_one_allowed_arm_is_chosen_with_certainty() -> None:
    better = {"llm": learnt("llm", [-0.1] * 20), "formula": learnt("formula", [-3.0] * 20)}
    decision = decide(better, arms=("formula",))
    assert decision.chosen == "formula"
    assert decision.propensity == 1.0
    assert decision.propensities == {"formula": 1.0}
    assert decision.draws == 0


def test_only_allowed_arms_are_chosen_or_given_a_propensity() -> None:
    posteriors = {
        "formula": learnt("formula", [-1.0] * 10),
        "llm": learnt("llm", [-0.9] * 10),
        "llm:prompt-v3": learnt("llm:prompt-v3", [0.0] * 30),  # the best, but not allowed
    }
    for i in range(30):
        decision = decide(posteriors, decision_id=f"d-{i}", draws=100)
        assert decision.chosen in ARMS
        assert set(decision.propensities) == set(ARMS)


def test_a_floor_of_one_is_uniform_exploration() -> None:
    posteriors = {"formula": learnt("formula", [-3.0] * 10), "llm": learnt("llm", [0.0] * 10)}
    three = ("formula", "llm", "hybrid")
    decision = decide(posteriors, arms=three, floor=1.0)
    assert decision.propensities == pytest.approx(dict.fromkeys(three, 1 / 3))


@pytest.mark.parametrize(
    ("arms", "kw", "message"),
    [
        ((), {}, "no arm"),
        (("llm", "llm"), {}, "repeat"),
        (ARMS, {"floor": 0.0}, "floor"),
        (ARMS, {"draws": 0}, "draws"),
    ],
)
def test_bad_arguments_are_refused(arms: tuple[str, ...], kw: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        decide({}, arms=arms, **kw)


posterior_params = st.tuples(
    st.floats(-5, 1), st.floats(0.5, 300), st.floats(0.5, 150), st.floats(0.01, 50)
)


@settings(max_examples=60, deadline=None)
@given(
    params=st.lists(posterior_params, min_size=1, max_size=4),
    floor=st.floats(0.001, 1.0),
    seed=st.integers(-(2**63), 2**63),
    decision_id=st.text(min_size=1, max_size=20),
)
def test_propensities_sum_to_one_and_keep_the_floor(
    params: list[tuple[float, float, float, float]], floor: float, seed: int, decision_id: str
) -> None:
    arms = tuple(f"arm-{i}" for i in range(len(params)))
    posteriors = {
        a: ArmPosterior(arm=a, mean=m, kappa=k, alpha=al, beta=b)
        for a, (m, k, al, b) in zip(arms, params, strict=True)
    }
    decision = decide(
        posteriors, arms=arms, floor=floor, seed=seed, decision_id=decision_id, draws=200
    )
    k = len(arms)
    assert math.isclose(sum(decision.propensities.values()), 1.0)
    assert all(p >= floor / k * (1 - 1e-12) for p in decision.propensities.values())
    assert decision.propensity == decision.propensities[decision.chosen]
    assert set(decision.arms) == set(arms)


def test_the_posterior_concentrates_and_thompson_serves_the_better_arm() -> None:
    rng = random.Random(12)
    posteriors = {
        "llm": learnt("llm", [rng.gauss(-0.5, 0.5) for _ in range(200)]),
        "formula": learnt("formula", [rng.gauss(-1.0, 0.5) for _ in range(200)]),
    }
    assert posteriors["llm"].mean == pytest.approx(-0.5, abs=0.1)
    assert posteriors["formula"].mean == pytest.approx(-1.0, abs=0.1)
    # the reward's variance, beta / (alpha - 1), is learnt too: 0.25 within sampling error
    for p in posteriors.values():
        assert p.beta / (p.alpha - 1) == pytest.approx(0.25, rel=0.3)
    decisions = [decide(posteriors, decision_id=f"d-{i}") for i in range(200)]
    served_better = sum(d.chosen == "llm" for d in decisions)
    assert served_better >= 0.95 * len(decisions)
    # Thompson sampling alone is all but certain; the floor keeps the worse arm at floor / 2
    for d in decisions:
        assert d.propensities["llm"] >= 1 - DEFAULT_FLOOR / 2 - 0.005
        assert d.propensities["formula"] >= DEFAULT_FLOOR / 2


# --- update --------------------------------------------------------------------------------


def test_an_update_within_the_trust_region_is_the_conjugate_one() -> None:
    before = ArmPosterior(arm="llm", n=3, mean=-1.0, kappa=4.0, alpha=2.5, beta=1.0)
    after = update(before, -0.5, trust_region=0.5)
    assert after.mean == pytest.approx((4 * -1.0 - 0.5) / 5)
    assert (after.kappa, after.alpha, after.n) == (5.0, 3.0, 4)
    assert after.beta == pytest.approx(1.0 + 4 * 0.25 / 10)
    assert after.clamped == 0


def test_a_surprising_reward_moves_the_mean_only_to_the_trust_region() -> None:
    after = update(prior("llm"), -10.0, trust_region=0.5)
    assert after.mean == PRIOR_MEAN - 0.5
    assert after.clamped == 1
    # the variance still learns the whole surprise
    assert after.beta == pytest.approx(prior("llm").beta + 1 * 81 / 4)


@settings(max_examples=200, deadline=None)
@given(
    rewards=st.lists(st.floats(-1e4, 1e4), min_size=1, max_size=40),
    trust_region=st.floats(1e-3, 5.0),
    start=st.floats(-1e4, 1e4),
)
def test_no_update_moves_the_mean_past_the_trust_region(
    rewards: list[float], trust_region: float, start: float
) -> None:
    posterior = ArmPosterior(arm="llm", mean=start, kappa=1.0, alpha=1.0, beta=0.5)
    for r in rewards:
        after = update(posterior, r, trust_region=trust_region)
        assert abs(after.mean - posterior.mean) <= trust_region
        assert after.n == posterior.n + 1
        posterior = after


def test_a_reward_that_is_not_a_number_is_refused() -> None:
    with pytest.raises(ValueError, match="finite"):
        update(prior("llm"), math.nan, trust_region=0.5)
    with pytest.raises(ValueError, match="trust_region"):
        update(prior("llm"), -1.0, trust_region=0.0)
