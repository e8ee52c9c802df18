"""Phased rollout: deterministic bucketing of lifters and the order of phases (issue 11).

A candidate (a prompt version, a model, or a strategy for a rule's scope) moves through shadow
(0 %: the candidate runs beside the control and is logged, the control serves), canary (5 %),
guarded (25 %) and general (100 %). A lifter's bucket is a stable hash of the rollout and the
lifter, so the lifter stays in one arm for the rollout's life, and a candidate lifter stays a
candidate as the share grows (the shares only grow).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Literal

from shared_types.routing import Phase, RolloutArm

__all__ = ["ORDER", "SHARE", "arm", "bucket", "next_phase", "previous_phase", "serving_arm"]

SHARE: Mapping[Phase, float] = {
    Phase.OFF: 0.0,
    Phase.SHADOW: 0.0,
    Phase.CANARY: 0.05,
    Phase.GUARDED: 0.25,
    Phase.GENERAL: 1.0,
}
ORDER: tuple[Phase, ...] = (Phase.OFF, Phase.SHADOW, Phase.CANARY, Phase.GUARDED, Phase.GENERAL)

# 53 bits of the digest: every bucket is an exact float below 1 (64 bits would round the top
# ones up to 1.0), and 2**-53 is far finer than any share.
_BITS = 53
_BUCKETS = 1 << _BITS


def bucket(lifter_id: str, rollout_id: str) -> float:
    """A number in [0, 1) fixed by the lifter and the rollout (SHA-256, stable across processes
    and versions, unlike `hash()`). The rollout id is length-prefixed so no two (rollout,
    lifter) pairs hash the same text."""
    text = f"{len(rollout_id)}:{rollout_id}:{lifter_id}".encode()
    top = int.from_bytes(hashlib.sha256(text).digest()[:8], "big") >> (64 - _BITS)
    return top / _BUCKETS


def arm(lifter_id: str, rollout_id: str, phase: Phase) -> Literal["candidate", "control"]:
    """The candidate serves lifters whose bucket is below the phase's share. In shadow the
    control serves everyone (the candidate runs beside it: see `serving_arm`)."""
    return "candidate" if bucket(lifter_id, rollout_id) < SHARE[phase] else "control"


def serving_arm(lifter_id: str, rollout_id: str, phase: Phase) -> RolloutArm | None:
    """What `decide` is told: None when the rollout is off, `shadow` in the shadow phase,
    otherwise the lifter's arm."""
    if phase is Phase.OFF:
        return None
    if phase is Phase.SHADOW:
        return "shadow"
    return arm(lifter_id, rollout_id, phase)


def next_phase(phase: Phase) -> Phase:
    """One step forward; general stays general."""
    return ORDER[min(ORDER.index(phase) + 1, len(ORDER) - 1)]


def previous_phase(phase: Phase) -> Phase:
    """One step back (a rollback); shadow goes off, off stays off."""
    return ORDER[max(ORDER.index(phase) - 1, 0)]
