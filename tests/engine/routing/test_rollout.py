"""Rollout bucketing and phases (issue 11): a lifter stays in one arm, and over 10,000 lifters
each phase's candidate share is within one point of its target."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared_types.routing import Phase
from training_engine.routing.rollout import (
    ORDER,
    SHARE,
    arm,
    bucket,
    next_phase,
    previous_phase,
    serving_arm,
)

ids = st.text(min_size=1, max_size=40)
phases = st.sampled_from(list(Phase))
LIFTERS = [f"lifter-{n}" for n in range(10_000)]


@given(ids, ids)
def test_a_bucket_is_in_the_unit_interval_and_stable(lifter: str, rollout: str) -> None:
    value = bucket(lifter, rollout)
    assert 0.0 <= value < 1.0
    assert bucket(lifter, rollout) == value


def test_a_bucket_is_the_sha256_of_the_rollout_and_lifter() -> None:
    """Pinned: a change to the hashing would move every lifter between arms mid-rollout."""
    digest = hashlib.sha256(b"5:roll1:alice").digest()
    assert bucket("alice", "roll1") == (int.from_bytes(digest[:8], "big") >> 11) / 2**53


@given(ids, ids, phases)
def test_the_same_lifter_always_gets_the_same_arm(lifter: str, rollout: str, phase: Phase) -> None:
    assert arm(lifter, rollout, phase) == arm(lifter, rollout, phase)


@given(ids, ids)
def test_a_candidate_stays_a_candidate_as_the_phase_advances(lifter: str, rollout: str) -> None:
    arms = [arm(lifter, rollout, phase) for phase in ORDER]
    first = arms.index("candidate") if "candidate" in arms else len(arms)
    assert all(a == "candidate" for a in arms[first:])


@pytest.mark.parametrize("phase", list(Phase))
def test_each_phase_splits_10000_lifters_within_a_point(phase: Phase) -> None:
    share = sum(arm(lifter, "prompt-v7", phase) == "candidate" for lifter in LIFTERS) / 10_000
    assert abs(share - SHARE[phase]) <= 0.01


def test_two_rollouts_bucket_independently() -> None:
    canary_in_both = sum(
        arm(lifter, "a", Phase.CANARY) == arm(lifter, "b", Phase.CANARY) == "candidate"
        for lifter in LIFTERS
    )
    assert canary_in_both < 100  # about 0.05 * 0.05 * 10,000 = 25 if independent, 500 if not


def test_shadow_serves_the_control_with_the_candidate_beside_it() -> None:
    assert arm("alice", "r", Phase.SHADOW) == "control"
    assert serving_arm("alice", "r", Phase.SHADOW) == "shadow"
    assert serving_arm("alice", "r", Phase.OFF) is None
    assert serving_arm("alice", "r", Phase.GENERAL) == "candidate"


def test_phases_step_in_order_and_stop_at_the_ends() -> None:
    assert [next_phase(p) for p in ORDER] == [*ORDER[1:], Phase.GENERAL]
    assert [previous_phase(p) for p in ORDER] == [Phase.OFF, *ORDER[:-1]]
