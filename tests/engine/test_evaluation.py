"""Offline policy evaluation (issue 12, part B): IPS, SNIPS and cross-fitted DR, their bootstrap
intervals, and the refusals when the logs cannot support the candidate.

The synthetic problem has a known truth: two equally likely contexts, two actions with known mean
rewards plus Gaussian noise, a logging policy that takes the candidate's action with probability
0.8 in one context and only 0.2 in the other, and a deterministic candidate. Its true value is
0.5 * 1.0 + 0.5 * 3.0 = 2.0.
"""

from __future__ import annotations

import json
import math
import random
import statistics
from collections.abc import Mapping

import pytest
from hypothesis import given
from hypothesis import strategies as st

from training_engine.evaluation import (
    LoggedDecision,
    MeanRewardModel,
    bootstrap_indices,
    doubly_robust,
    effective_sample_size,
    evaluate,
    fit_reward_model,
    importance_weights,
    ips,
    snips,
    unsupported_share,
)

MEANS = {"x1": {"a": 1.0, "b": 0.0}, "x2": {"a": 2.0, "b": 3.0}}
LOGGING = {"x1": {"a": 0.8, "b": 0.2}, "x2": {"a": 0.8, "b": 0.2}}
CHOICE = {"x1": "a", "x2": "b"}
TRUTH = 0.5 * MEANS["x1"]["a"] + 0.5 * MEANS["x2"]["b"]
NOISE_SD = 1.0


def candidate(context: str) -> Mapping[str, float]:
    """The deterministic candidate: a in x1 (logged 80 %), b in x2 (logged 20 %)."""
    return {action: 1.0 if action == CHOICE[context] else 0.0 for action in ("a", "b")}


def logging_policy(context: str) -> Mapping[str, float]:
    return LOGGING[context]


def simulate(n: int, seed: int) -> list[LoggedDecision]:
    """n decisions of the logging policy on the synthetic problem (test-side randomness)."""
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        context = rng.choice(("x1", "x2"))
        action = "a" if rng.random() < LOGGING[context]["a"] else "b"
        reward = MEANS[context][action] + rng.gauss(0.0, NOISE_SD)
        rows.append(LoggedDecision(context, action, LOGGING[context][action], reward))
    return rows


# --- unbiasedness, variance and coverage on the known problem --------------------------------


def test_ips_and_dr_are_unbiased_and_dr_has_the_smaller_error() -> None:
    reps = 200
    ips_values, dr_values = [], []
    for seed in range(reps):
        logs = simulate(200, seed)
        ips_values.append(ips(logs, candidate))
        dr_values.append(doubly_robust(logs, candidate, seed=seed))
    for values in (ips_values, dr_values):
        # Within four standard errors of the mean over the replications.
        standard_error = statistics.stdev(values) / math.sqrt(reps)
        assert abs(statistics.fmean(values) - TRUTH) < 4 * standard_error
        assert standard_error < 0.05  # the check above is not vacuous
    mse_ips = statistics.fmean((v - TRUTH) ** 2 for v in ips_values)
    mse_dr = statistics.fmean((v - TRUTH) ** 2 for v in dr_values)
    assert mse_dr < mse_ips


def test_bootstrap_intervals_cover_the_truth_near_the_nominal_rate() -> None:
    reps = 100
    covered = {"ips": 0, "snips": 0, "dr": 0}
    for seed in range(reps):
        result = evaluate(simulate(300, 10_000 + seed), candidate, seed=seed, n_boot=200)
        assert result.refused is None
        for estimator, _, low, high in result.as_table():
            covered[estimator] += low <= TRUTH <= high
    assert all(count >= 85 for count in covered.values()), covered


# --- refusals ---------------------------------------------------------------------------------


def test_refuses_when_the_candidate_needs_an_action_never_logged() -> None:
    logs = [LoggedDecision("x1", "a", 1.0, 1.0)] * 50 + [LoggedDecision("x2", "b", 0.5, 2.0)] * 50
    only_b = {"a": 0.0, "b": 1.0}
    result = evaluate(logs, lambda _: only_b, seed=1, n_boot=50)
    assert result.unsupported_share == pytest.approx(0.5)
    assert result.refused is not None
    assert "never logged" in result.refused
    assert result.estimates == ()
    assert result.as_table() == []


def test_refuses_on_a_tiny_effective_sample_size() -> None:
    logs = [LoggedDecision("x", "a", 0.98, 1.0)] * 98 + [LoggedDecision("x", "b", 0.02, 5.0)] * 2
    result = evaluate(logs, lambda _: {"b": 1.0}, seed=1, n_boot=50, max_weight=1000.0)
    assert result.ess == pytest.approx(2.0)
    assert result.refused is not None
    assert "effective sample size" in result.refused
    assert "weight" not in result.refused
    assert result.estimates == ()


def test_refuses_on_a_heavy_weight_even_with_a_large_ess() -> None:
    logs = [LoggedDecision("x", "b", 0.04, 1.0)] * 100 + [LoggedDecision("x", "a", 0.96, 0.0)]
    result = evaluate(logs, lambda _: {"b": 1.0}, seed=1, n_boot=50)
    assert result.ess > 90
    assert result.max_weight == pytest.approx(25.0)
    assert result.refused is not None
    assert "max importance weight" in result.refused
    assert "effective sample size" not in result.refused


def test_refuses_an_empty_log() -> None:
    result = evaluate([], candidate, seed=0)
    assert result.refused == "no logged decisions"
    assert result.n == 0


def test_a_well_supported_candidate_is_not_refused() -> None:
    result = evaluate(simulate(300, 7), candidate, seed=7, n_boot=100)
    assert result.refused is None
    assert result.unsupported_share == 0.0
    assert [row[0] for row in result.as_table()] == ["ips", "snips", "dr"]
    for _, value, low, high in result.as_table():
        assert low <= value <= high or math.isclose(low, high)


# --- the estimators' definitions --------------------------------------------------------------


@given(rewards=st.lists(st.floats(-10, 10), min_size=1, max_size=20))
def test_snips_equals_ips_when_the_weights_average_one(rewards: list[float]) -> None:
    # Uniform logger, deterministic candidate taking "a", and exactly half the rows logged "a":
    # weights 2 and 0 that sum to n.
    logs = [LoggedDecision("x", "a", 0.5, r) for r in rewards]
    logs += [LoggedDecision("x", "b", 0.5, -r) for r in rewards]
    policy = {"a": 1.0, "b": 0.0}
    assert math.fsum(importance_weights(logs, lambda _: policy)) == len(logs)
    assert snips(logs, lambda _: policy) == ips(logs, lambda _: policy)


@st.composite
def logged_with_policy(draw: st.DrawFn) -> tuple[list[LoggedDecision], dict[str, dict[str, float]]]:
    """A random logging policy over 1-3 contexts and 1-4 actions, and logs drawn from it."""
    contexts = [f"c{i}" for i in range(draw(st.integers(1, 3)))]
    actions = [f"a{i}" for i in range(draw(st.integers(1, 4)))]
    policy = {}
    for context in contexts:
        raw = [draw(st.floats(0.01, 1.0)) for _ in actions]
        policy[context] = {a: r / math.fsum(raw) for a, r in zip(actions, raw, strict=True)}
    rows = draw(
        st.lists(
            st.tuples(st.sampled_from(contexts), st.sampled_from(actions), st.floats(-100, 100)),
            min_size=1,
            max_size=40,
        )
    )
    logs = [LoggedDecision(c, a, policy[c][a], r) for c, a, r in rows]
    return logs, policy


@given(logged_with_policy())
def test_the_logging_policy_as_candidate_gives_ips_equal_to_the_mean_reward(
    case: tuple[list[LoggedDecision], dict[str, dict[str, float]]],
) -> None:
    logs, policy = case
    assert importance_weights(logs, policy.__getitem__) == [1.0] * len(logs)
    assert ips(logs, policy.__getitem__) == math.fsum(row.reward for row in logs) / len(logs)
    assert effective_sample_size(logs, policy.__getitem__) == pytest.approx(len(logs))


def test_effective_sample_size_is_kish() -> None:
    logs = [LoggedDecision("x", "a", 0.5, 0.0), LoggedDecision("x", "a", 0.25, 0.0)]
    # weights 2 and 4: (2 + 4)^2 / (4 + 16) = 1.8
    assert effective_sample_size(logs, lambda _: {"a": 1.0}) == pytest.approx(1.8)
    assert effective_sample_size(logs, lambda _: {"b": 1.0}) == 0.0


def test_dr_does_not_fit_its_model_on_the_row_it_corrects() -> None:
    # The rare context's one row is the only evidence for (rare, a). Fitted on itself, the model
    # would predict 1000 there and DR would be 1000/21; cross-fitted, the row is predicted from
    # the other folds' "a" rows (reward 0), so its term is 0 + 2 * (1000 - 0).
    logs = (
        [LoggedDecision("c", "a", 0.5, 0.0)] * 10
        + [LoggedDecision("c", "b", 0.5, 0.0)] * 10
        + [LoggedDecision("rare", "a", 0.5, 1000.0)]
    )
    for seed in range(5):
        assert doubly_robust(logs, lambda _: {"a": 1.0}, seed=seed) == pytest.approx(2000 / 21)


def test_dr_with_the_true_reward_model_and_no_noise_is_exact() -> None:
    rng = random.Random(3)
    logs = []
    for _ in range(100):
        context = rng.choice(("x1", "x2"))
        action = "a" if rng.random() < 0.8 else "b"
        logs.append(
            LoggedDecision(context, action, LOGGING[context][action], MEANS[context][action])
        )
    truth_model = MEANS.__getitem__
    value = doubly_robust(logs, candidate, lambda x, a: truth_model(x)[a])
    # Every residual is 0: DR is the mean of the true values of the candidate's choices.
    expected = statistics.fmean(MEANS[row.context][CHOICE[row.context]] for row in logs)
    assert value == pytest.approx(expected)


def test_the_reward_model_falls_back_from_pair_to_action_to_global() -> None:
    logs = [
        LoggedDecision("x", "a", 0.5, 1.0),
        LoggedDecision("x", "a", 0.5, 3.0),
        LoggedDecision("y", "b", 0.5, 6.0),
    ]
    model = fit_reward_model(logs)
    assert model("x", "a") == 2.0  # the pair's mean
    assert model("y", "a") == 2.0  # the action's mean
    assert model("z", "c") == pytest.approx(10.0 / 3)  # the global mean
    assert fit_reward_model([]) == MeanRewardModel(by_pair={}, by_action={}, overall=0.0)


def test_unsupported_share_counts_rows_of_contexts_missing_a_needed_action() -> None:
    logs = [LoggedDecision("x", "a", 0.5, 0.0)] * 3 + [LoggedDecision("y", "b", 0.5, 0.0)]
    # In x the candidate needs b half the time; b was never logged in x (y is supported).
    half = {"a": 0.5, "b": 0.5}
    assert unsupported_share(logs, lambda c: half if c == "x" else {"b": 1.0}) == 0.75
    assert unsupported_share(logs, lambda _: half) == 1.0
    assert unsupported_share(logs, lambda c: {"a": 1.0} if c == "x" else {"b": 1.0}) == 0.0


# --- seeds, validation and output -------------------------------------------------------------


def test_the_same_seed_gives_the_same_evaluation_and_another_seed_another() -> None:
    logs = simulate(150, 11)
    first = evaluate(logs, candidate, seed=5, n_boot=100)
    assert evaluate(logs, candidate, seed=5, n_boot=100) == first
    other = evaluate(logs, candidate, seed=6, n_boot=100)
    assert other.as_table() != first.as_table()
    # The point estimates of IPS and SNIPS do not depend on the seed.
    assert other.as_table()[0][1] == first.as_table()[0][1]


def test_bootstrap_indices_are_seeded_resamples_in_range() -> None:
    samples = bootstrap_indices(7, 50, seed=2)
    assert samples == bootstrap_indices(7, 50, seed=2)
    assert samples != bootstrap_indices(7, 50, seed=3)
    assert all(len(s) == 7 and all(0 <= j < 7 for j in s) for s in samples)
    assert len({j for s in samples for j in s}) == 7


def test_the_evaluation_is_json_and_carries_its_settings() -> None:
    result = evaluate(simulate(200, 1), candidate, seed=9, n_boot=50, alpha=0.1)
    document = json.loads(result.model_dump_json())
    assert document["seed"] == 9
    assert document["n_boot"] == 50
    assert document["alpha"] == 0.1
    assert document["refused"] is None
    assert [e["estimator"] for e in document["estimates"]] == ["ips", "snips", "dr"]
    assert type(result).model_validate_json(result.model_dump_json()) == result


@pytest.mark.parametrize("propensity", [0.0, -0.1, 1.5, math.nan])
def test_a_propensity_outside_zero_one_is_rejected(propensity: float) -> None:
    with pytest.raises(ValueError, match="propensity"):
        LoggedDecision("x", "a", propensity, 0.0)


def test_a_policy_that_is_not_a_distribution_is_rejected() -> None:
    logs = [LoggedDecision("x", "a", 0.5, 0.0)]
    with pytest.raises(ValueError, match="sum to"):
        ips(logs, lambda _: {"a": 0.5, "b": 0.4})
    with pytest.raises(ValueError, match="probability"):
        ips(logs, lambda _: {"a": 1.5, "b": -0.5})
