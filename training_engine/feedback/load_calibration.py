"""Per-lifter load correction per intensity type, learnt from session outcomes (deviation F9).

The reference calibrates only its modifiers: a lifter whose heavy days always feel easier than
the target RPE (their reps at a given % of 1RM differ from the table the program assumes, or
their 1RM has outgrown the one the engine reads) keeps getting the same too-light heavy day,
whatever the day's sleep or soreness. This learner keeps, per intensity type, the main sets'
mean RPE error as if no correction had been applied (an exponentially weighted mean with a
Student t interval, as F3/F4 do for the modifiers) and, once the evidence excludes zero
(`GATE`), moves the applied correction toward what the mean asks, at most `TRUST_REGION` per
session, never past `AUTO_APPLY_MAX`, never from one sign to the other in one step, and
withdraws it when the evidence no longer excludes zero. The modifier learner takes the lifter's
usual error off first (F7), so the two learn different things: this one the usual error, that
one the difference a modifier makes. Constants: docs/domain/feedback.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from shared_types.enums import IntensityType
from shared_types.feedback import Confidence, LoadCalibrationRow, SessionOutcome
from shared_types.trace import PrescriptionTrace
from training_engine.feedback.calibration import DEADBAND, NO_EVIDENCE, fold

__all__ = [
    "AUTO_APPLY_MAX",
    "CONFIDENCE_FROM",
    "FORGETTING",
    "GATE",
    "LOAD_PER_RPE",
    "MAX_SUGGESTION",
    "TRUST_REGION",
    "LoadStep",
    "applied_load_calibrations",
    "learn_load",
    "served_correction",
]

# Load fraction per RPE point at 1-8 reps: the RTS chart moves 2.5-4.5 % of 1RM per rep in
# reserve there. Only the speed of learning depends on it: the fixed point is zero mean error.
LOAD_PER_RPE = 0.035
FORGETTING = 0.75  # a kind of day comes back about weekly, and the program's blocks change its
# bias every 4 weeks (the simulator: -0.3, -1.7, -2.6 RPE on heavy days in blocks 1-3)
TRUST_REGION = 0.05  # the largest automatic change per session: two load suggestions' steps
AUTO_APPLY_MAX = 0.10  # the largest correction applied without a person
MAX_SUGGESTION = 0.15  # what the evidence may suggest at most (the reference's clamp, DR 3.20.8)
# The evidence must exclude zero bias by GATE x the ~95 % interval's half-width (about half a
# standard error). Weak evidence on purpose: the step goes to the mean bias itself, so a
# correction noise invents is as small as the noise's mean (about 1 % of load), while a real
# bias of 1-2 RPE waits weeks less. At 0.5 the simulator's late error fell 13.1 %, at 0.25
# 16.3 % with no more sessions above the true max, and learning still changed almost nothing
# where the truth is the default (docs/measurements/learning.md, fourth sitting).
GATE = 0.25
# A kind of day comes back about once a week: act from 3 sessions (the t interval with its few
# degrees of freedom keeps noise out), medium at 6, high at 12.
CONFIDENCE_FROM = ((12, Confidence.HIGH), (6, Confidence.MEDIUM), (3, Confidence.LOW))
_LEARNT = frozenset({IntensityType.HEAVY, IntensityType.EXPLOSIVE, IntensityType.REP})


@dataclass(frozen=True)
class LoadStep:
    """What one outcome taught: the row after it (None: nothing learnt yet), and whether it
    changed (to store)."""

    row: LoadCalibrationRow | None
    changed: bool


def learn_load(
    row: LoadCalibrationRow | None, outcome: SessionOutcome, *, served: float | None = None
) -> LoadStep:
    """Fold one outcome into the lifter's row for its intensity type.

    `row` is the row of the outcome's intensity type (None: none yet); `served` the correction
    the session was served with (`served_correction` of its trace; by default the row's applied
    one). An outcome that is not learnable, has no RPE error or is a deload teaches nothing.
    """
    kind = outcome.intensity_type
    if row is not None and row.intensity_type is not kind:
        raise ValueError(f"a {kind.value} session cannot teach the {row.intensity_type.value} row")
    if kind not in _LEARNT or not outcome.learnable or outcome.mean_rpe_error is None:
        return LoadStep(row, changed=False)
    current = (row.applied_adjustment or 0.0) if row is not None else 0.0
    used = current if served is None else served
    error = outcome.mean_rpe_error - used / LOAD_PER_RPE  # as if uncorrected
    evidence = fold(row.evidence if row is not None else NO_EVIDENCE, error, 1.0, FORGETTING)
    confidence = next(
        (c for n, c in CONFIDENCE_FROM if evidence.samples >= n), Confidence.EXPLORING
    )
    learnt = LoadCalibrationRow(
        intensity_type=kind,
        evidence=evidence,
        confidence=confidence,
        suggested_adjustment=_clamp(-evidence.mean_bias * LOAD_PER_RPE, MAX_SUGGESTION),
        applied_adjustment=row.applied_adjustment if row is not None else None,
    )
    target = _target(learnt, current)
    if target is None or target == current or (target and abs(target - current) < DEADBAND):
        return LoadStep(learnt, changed=True)
    new = current + _clamp(target - current, TRUST_REGION)
    moved = learnt.model_copy(update={"applied_adjustment": new or None})
    return LoadStep(moved, changed=True)


def _target(row: LoadCalibrationRow, current: float) -> float | None:
    """Where the evidence lets the correction go without a person (None: not yet).

    When the gated interval of the bias (`GATE` x the ~95 % half-width around the mean)
    excludes zero, the correction the mean bias asks for; otherwise none (the applied one is
    withdrawn step by step: evidence that cannot tell the lifter from the default keeps no
    correction). At most `AUTO_APPLY_MAX`; a change of sign stops at zero first.
    """
    if row.confidence is Confidence.EXPLORING:
        return None
    ev = row.evidence
    low = -(ev.mean_bias + GATE * (ev.interval_high - ev.mean_bias)) * LOAD_PER_RPE
    high = -(ev.mean_bias - GATE * (ev.mean_bias - ev.interval_low)) * LOAD_PER_RPE
    wanted = -ev.mean_bias * LOAD_PER_RPE if low > 0 or high < 0 else 0.0
    target = _clamp(wanted, AUTO_APPLY_MAX)
    return 0.0 if current * target < 0 else target


def served_correction(trace: PrescriptionTrace) -> float:
    """The correction the session's main lift was actually served with (its trace modifier,
    after the step's ceiling); 0 when none applied."""
    derivation = trace.main_lift.weight_derivation
    if derivation is None:
        return 0.0
    return next(
        (m.multiplier - 1.0 for m in derivation.modifiers if m.source == "load_calibration"), 0.0
    )


def applied_load_calibrations(rows: Iterable[LoadCalibrationRow]) -> dict[IntensityType, float]:
    """What reaches `JITInput.load_calibrations`: the rows with a non-zero applied value."""
    return {r.intensity_type: r.applied_adjustment for r in rows if r.applied_adjustment}


def _clamp(value: float, bound: float) -> float:
    return min(bound, max(-bound, value))
