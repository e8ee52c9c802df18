"""Per-lifter modifier calibration learnt from session outcomes (DR §3.20.8, weaknesses fixed).

The reference keeps, per modifier source, a running mean of the session RPE error and suggests
`clamp(-mean * 0.05, +-0.15)`; it auto-applies a medium/high-confidence suggestion of at most
0.05. Deviations F1-F8 (docs/deviations.md, constants in docs/domain/feedback.md):

* F1 the error is shared between the modifiers that moved the load (by |ln multiplier|);
* F2 a modifier that barely moved the load learns nothing from the session;
* F3 old sessions fade (exponentially weighted mean and variance);
* F4 the error is learnt as if uncalibrated, so a reached suggestion is a fixed point;
* F5 an automatic change moves at most `TRUST_REGION` per session;
* F6 nothing is auto-applied the evidence does not support, nor any change of direction;
* F7 the lifter's usual error on days no modifier moved the load (the baseline) is not the
  modifiers': only the difference from it is learnt;
* F8 every source the trace records gets a row, RPE history and disruption included; no
  automatic step ever softens a disruption's cut (a person may accept one).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from shared_types.enums import CalibrationSource
from shared_types.feedback import (
    CalibrationEvidence,
    CalibrationRecommendation,
    CalibrationRow,
    Confidence,
    SessionOutcome,
)
from shared_types.trace import ModifierSource, PrescriptionTrace
from training_engine.pipeline.steps.calibration import calibrated

__all__ = [
    "AUTO_APPLY_MAX",
    "CALIBRATED_SOURCES",
    "DEADBAND",
    "FORGETTING",
    "LOAD_PER_RPE",
    "MAX_ADJUSTMENT",
    "MIN_EFFECT",
    "NO_EVIDENCE",
    "RECOMMEND_MIN_CHANGE",
    "RE_RAISE_AFTER",
    "TRUST_REGION",
    "LearningStep",
    "ModifierEffect",
    "accept",
    "applied_calibrations",
    "baseline_error",
    "confidence_for",
    "fold",
    "is_neutral",
    "learn",
    "modifier_effects",
    "responsibility",
    "uncalibrated_error",
]

LOAD_PER_RPE = 0.05  # the reference's linear model: 5 % of load per RPE point
MAX_ADJUSTMENT = 0.15  # the reference's clamp on a suggestion
AUTO_APPLY_MAX = 0.05  # the largest adjustment applied without a person (reference)
CONFIDENCE_FROM = ((20, Confidence.HIGH), (10, Confidence.MEDIUM), (5, Confidence.LOW))
MIN_EFFECT = 0.02  # F2: |1 - multiplier| below this does not teach its source
FORGETTING = 0.95  # F3: weight kept by the past at each new sample
TRUST_REGION = 0.02  # F5: the largest automatic change per session
DEADBAND = 0.005  # F6: a smaller difference from the applied adjustment is left alone
INTERVAL_Z = 1.96  # F6: ~95 % interval of the mean bias (normal quantile, see `_critical`)
RECOMMEND_MIN_CHANGE = 0.01  # a smaller proposed change is not worth a person's attention
RE_RAISE_AFTER = 5  # new samples before a dismissed recommendation may be raised again
BASELINE_WINDOW = 3  # F7: the newest neutral sessions of the same intensity the baseline reads
# The sources the pipeline calibrates: every step that records a load modifier (F8).
CALIBRATED_SOURCES = frozenset(CalibrationSource)

_RANK = {c: i for i, c in enumerate(Confidence)}  # exploring < low < medium < high
_NO_DISMISSALS: Mapping[CalibrationSource, int] = MappingProxyType({})
NO_EVIDENCE = CalibrationEvidence(
    samples=0, effective_weight=0.0, mean_bias=0.0, interval_low=0.0, interval_high=0.0
)
Reason = Literal["low_confidence", "large_adjustment", "direction_flip", "softens_disruption"]


@dataclass(frozen=True)
class ModifierEffect:
    """One trace modifier: its default multiplier and the one the session actually used."""

    source: CalibrationSource
    default_multiplier: float
    applied_multiplier: float


@dataclass(frozen=True)
class LearningStep:
    """What one outcome taught.

    `rows` holds every row after the step; `changed` the sources whose row was updated (to
    store); `recommendations` those to store as pending (new or refreshed); `notes` says in
    sentences what was learnt, applied or held back, and why.
    """

    rows: Mapping[CalibrationSource, CalibrationRow]
    changed: tuple[CalibrationSource, ...]
    recommendations: Mapping[CalibrationSource, CalibrationRecommendation]
    notes: tuple[str, ...]


def modifier_effects(
    trace: PrescriptionTrace, applied: Mapping[CalibrationSource, float]
) -> tuple[ModifierEffect, ...]:
    """The main lift's modifiers with the multipliers the engine used under `applied`.

    The trace records defaults (before calibration); the applied multiplier is recomputed with
    the pipeline's own `calibrated`, for the sources the pipeline calibrates.
    """
    derivation = trace.main_lift.weight_derivation
    if derivation is None:
        return ()
    return tuple(
        _effect(_source(m.source), m.multiplier, applied)
        for m in derivation.modifiers
        if m.source != "load_calibration"  # F9: learnt per intensity type, not a modifier
    )


def _source(name: ModifierSource) -> CalibrationSource:
    """Wearable readiness is calibrated as readiness (the readiness step does the same)."""
    return CalibrationSource.READINESS if name == "wearable-readiness" else CalibrationSource(name)


def _effect(
    source: CalibrationSource, default: float, applied: Mapping[CalibrationSource, float]
) -> ModifierEffect:
    used = calibrated(default, applied.get(source)) if source in CALIBRATED_SOURCES else default
    return ModifierEffect(source, default, used)


def responsibility(effects: Sequence[ModifierEffect]) -> dict[CalibrationSource, float]:
    """F1: each source's share of the session's error, |ln m| over the sum for all modifiers.

    Empty when no modifier moved the load (then nobody is responsible).
    """
    weights: dict[CalibrationSource, float] = {}
    for effect in effects:
        if effect.default_multiplier > 0:
            size = abs(math.log(effect.default_multiplier))
            weights[effect.source] = weights.get(effect.source, 0.0) + size
    total = sum(weights.values())
    if total <= 0:
        return {}
    return {source: size / total for source, size in weights.items() if size > 0}


def uncalibrated_error(observed: float, effects: Sequence[ModifierEffect]) -> float:
    """F4: the RPE error the session would have shown with every default multiplier.

    With the reference's linear model (`LOAD_PER_RPE` of load per RPE point), a calibration that
    lowered the load by `d` lowered the RPE by `d / LOAD_PER_RPE`.
    """
    shift = sum(e.applied_multiplier - e.default_multiplier for e in effects)
    return observed - shift / LOAD_PER_RPE


def is_neutral(effects: Sequence[ModifierEffect]) -> bool:
    """F7: no modifier but the RPE history moved the load by `MIN_EFFECT` or more: what the
    lifter reports that day is their usual error (the RPE-history step reacts to that error; it
    is not a state of the lifter)."""
    return all(
        e.source is CalibrationSource.RPE_HISTORY or abs(1.0 - e.default_multiplier) < MIN_EFFECT
        for e in effects
    )


def baseline_error(neutral_errors: Sequence[float]) -> float:
    """F7: the lifter's usual RPE error, the mean of the newest neutral sessions' errors of the
    same intensity (given newest first); 0 without any."""
    window = neutral_errors[:BASELINE_WINDOW]
    return sum(window) / len(window) if window else 0.0


def confidence_for(samples: int) -> Confidence:
    """The reference's confidence by sample count: 20 high, 10 medium, 5 low, else exploring."""
    return next((c for least, c in CONFIDENCE_FROM if samples >= least), Confidence.EXPLORING)


def learn(
    rows: Mapping[CalibrationSource, CalibrationRow],
    outcome: SessionOutcome,
    effects: Sequence[ModifierEffect],
    *,
    baseline: float = 0.0,
    dismissed: Mapping[CalibrationSource, int] = _NO_DISMISSALS,
) -> LearningStep:
    """Fold one outcome into the calibration rows (rows unchanged when it teaches nothing).

    `baseline` is the lifter's usual error on neutral days (F7, `baseline_error`): only the
    session's difference from it is the modifiers'. `dismissed` maps a source to its sample
    count when the lifter last dismissed a recommendation; none is raised again for it before
    `RE_RAISE_AFTER` more samples.
    """
    label = f"Session {outcome.session_id}"
    if not outcome.learnable or outcome.mean_rpe_error is None:
        why = outcome.excluded_because or "no_rpe"
        return _unchanged(rows, f"{label} teaches no calibration ({why}).")
    shares = responsibility(effects)
    if not shares:
        return _unchanged(rows, f"{label} teaches no calibration: no modifier moved the load.")
    error = uncalibrated_error(outcome.mean_rpe_error - baseline, effects)
    result = dict(rows)
    changed: list[CalibrationSource] = []
    recommendations: dict[CalibrationSource, CalibrationRecommendation] = {}
    notes: list[str] = []
    for source, share in shares.items():
        default = _default_multiplier(source, effects)
        if source not in CALIBRATED_SOURCES or abs(1.0 - default) < MIN_EFFECT:
            continue
        row, note = _auto_apply(_taught(rows.get(source), source, error, share, default))
        result[source] = row
        changed.append(source)
        notes.append(_learnt_note(row, share, error) + " " + note)
        recommendation = _recommendation(row, dismissed.get(source))
        if recommendation is not None:
            recommendations[source] = recommendation
    if not changed:
        notes.append(f"{label} teaches no calibration: no calibrated modifier moved the load.")
    return LearningStep(result, tuple(changed), recommendations, tuple(notes))


def _unchanged(rows: Mapping[CalibrationSource, CalibrationRow], note: str) -> LearningStep:
    return LearningStep(dict(rows), (), {}, (note,))


def _default_multiplier(source: CalibrationSource, effects: Sequence[ModifierEffect]) -> float:
    """The source's combined default multiplier (several modifiers of one source multiply)."""
    return math.prod(e.default_multiplier for e in effects if e.source is source)


def _taught(
    row: CalibrationRow | None,
    source: CalibrationSource,
    error: float,
    weight: float,
    default: float,
) -> CalibrationRow:
    """F3: the row after one sample of `error` with `weight` (exponentially weighted)."""
    old = row.evidence if row is not None else NO_EVIDENCE
    evidence = fold(old, error, weight, FORGETTING)
    typical = row.typical_multiplier if row is not None else default
    return CalibrationRow(
        source=source,
        evidence=evidence,
        confidence=confidence_for(evidence.samples),
        suggested_adjustment=_clamp(-evidence.mean_bias * LOAD_PER_RPE, MAX_ADJUSTMENT),
        applied_adjustment=row.applied_adjustment if row is not None else None,
        typical_multiplier=typical + weight / evidence.effective_weight * (default - typical),
    )


def fold(
    old: CalibrationEvidence, error: float, weight: float, forgetting: float
) -> CalibrationEvidence:
    """F3: the evidence after one sample of `error` with `weight`, the past kept at `forgetting`
    per sample (an exponentially weighted mean and variance, with a Student t interval)."""
    total = forgetting * old.effective_weight + weight
    new_mean = old.mean_bias + weight / total * (error - old.mean_bias)
    spread = forgetting * _variance(old) * old.effective_weight
    deviation = weight * (error - old.mean_bias) * (error - new_mean)
    variance = max(0.0, (spread + deviation) / total)
    half = _critical(total) * math.sqrt(variance / total)
    return CalibrationEvidence(
        samples=old.samples + 1,
        effective_weight=total,
        mean_bias=new_mean,
        interval_low=new_mean - half,
        interval_high=new_mean + half,
    )


def _variance(evidence: CalibrationEvidence) -> float:
    """The weighted variance the stored interval was built from (its inverse)."""
    if evidence.effective_weight <= 0:
        return 0.0
    half = (evidence.interval_high - evidence.interval_low) / 2
    return (half / _critical(evidence.effective_weight)) ** 2 * evidence.effective_weight


def _critical(effective_weight: float) -> float:
    """The ~95 % two-sided Student t quantile for `effective_weight - 1` degrees of freedom.

    A Cornish-Fisher expansion of the t quantile around `INTERVAL_Z`: with the handful of
    samples medium confidence starts at, the normal quantile would make the interval too
    narrow and invent corrections from noise.
    """
    dof = max(1.0, effective_weight - 1.0)
    z = INTERVAL_Z
    return z + (z**3 + z) / (4 * dof) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * dof**2)


def _auto_apply(row: CalibrationRow) -> tuple[CalibrationRow, str]:
    """F5/F6: move the applied adjustment when the evidence allows it; say what happened.

    The move goes toward the smallest adjustment the interval supports (its point nearest
    zero bias), at most `TRUST_REGION` per session.
    """
    current = row.applied_adjustment or 0.0
    target = _auto_target(_supported(row.evidence), current, row.typical_multiplier)
    if row.source is CalibrationSource.DISRUPTION:
        target = min(target, 0.0)  # F8: never a softer disruption cut without a person
    held = _held_back(row, current, target)
    if held:
        return row, f"Applied adjustment kept: {held}."
    new = current + _clamp(target - current, TRUST_REGION)
    moved = row.model_copy(update={"applied_adjustment": new or None})  # 0: withdrawn
    return moved, f"Applied adjustment {current:+.3f} -> {new:+.3f} (automatic step)."


def _supported(evidence: CalibrationEvidence) -> float:
    """The adjustment for the bias in the interval nearest zero: the least the evidence asks."""
    bias = min(max(0.0, evidence.interval_low), evidence.interval_high)
    return _clamp(-bias * LOAD_PER_RPE, MAX_ADJUSTMENT)


def _held_back(row: CalibrationRow, current: float, target: float) -> str:
    """Why the evidence does not justify an automatic change ('' when it does).

    An adjustment the interval supports is kept, unless the interval also includes zero bias:
    a correction the evidence cannot tell from none is withdrawn.
    """
    if _RANK[row.confidence] < _RANK[Confidence.MEDIUM]:
        return f"confidence is {row.confidence.value}, automatic changes need medium"
    if _supports(row, current) and (current == 0 or not _supports(row, 0.0)):
        return "the interval of the bias includes what the current adjustment corrects"
    if abs(target - current) < DEADBAND:
        return "the change the evidence allows without a person is within the deadband"
    return ""


def _supports(row: CalibrationRow, current: float) -> bool:
    """Whether the bias interval includes the bias `current` already corrects."""
    corrected = -current / LOAD_PER_RPE
    return row.evidence.interval_low <= corrected <= row.evidence.interval_high


def _auto_target(wanted: float, current: float, typical: float) -> float:
    """The `wanted` adjustment as far as it may go without a person.

    At most `AUTO_APPLY_MAX`; never past zero from a non-zero adjustment; never past the point
    where the typical multiplier would cross 1.0.
    """
    target = _clamp(wanted, AUTO_APPLY_MAX)
    if current * target < 0:
        target = 0.0
    if typical < 1.0:
        return min(target, 1.0 - typical)
    if typical > 1.0:
        return max(target, 1.0 - typical)
    return target


def _flips(adjustment: float, current: float, typical: float) -> bool:
    """F6: the adjustment reverses the current one, or turns a reduction into a boost (or back)."""
    reverses = current * adjustment < 0
    crosses = (typical < 1.0 < typical + adjustment) or (typical > 1.0 > typical + adjustment)
    return reverses or crosses


def _recommendation(
    row: CalibrationRow, dismissed_at: int | None
) -> CalibrationRecommendation | None:
    """A change only a person may make: low confidence, too large, or a change of direction."""
    current = row.applied_adjustment or 0.0
    suggested = row.suggested_adjustment
    if row.confidence is Confidence.EXPLORING or abs(suggested - current) < RECOMMEND_MIN_CHANGE:
        return None
    if dismissed_at is not None and row.evidence.samples - dismissed_at < RE_RAISE_AFTER:
        return None
    if row.confidence is not Confidence.LOW and _supports(row, current):
        return None  # medium or high: only what the evidence supports is raised
    reasons: list[Reason] = []
    if row.confidence is Confidence.LOW:
        reasons.append("low_confidence")
    if abs(suggested) > AUTO_APPLY_MAX:
        reasons.append("large_adjustment")
    if _flips(suggested, current, row.typical_multiplier):
        reasons.append("direction_flip")
    if row.source is CalibrationSource.DISRUPTION and suggested > max(current, 0.0):
        reasons.append("softens_disruption")
    if not reasons:
        return None
    return CalibrationRecommendation(
        source=row.source,
        current_adjustment=row.applied_adjustment,
        recommended_adjustment=suggested,
        reasons=tuple(reasons),
        evidence=row.evidence,
    )


def _learnt_note(row: CalibrationRow, share: float, error: float) -> str:
    ev = row.evidence
    return (
        f"{row.source.value}: learnt {error:+.2f} RPE (as if uncalibrated) with a "
        f"{share:.0%} share; over {ev.samples} session(s) the bias is {ev.mean_bias:+.2f} "
        f"({ev.interval_low:+.2f} to {ev.interval_high:+.2f}), confidence "
        f"{row.confidence.value}, suggesting {row.suggested_adjustment:+.3f}."
    )


def applied_calibrations(rows: Iterable[CalibrationRow]) -> dict[CalibrationSource, float]:
    """What reaches `JITInput.modifier_calibrations`: the rows with a non-zero applied value."""
    return {r.source: r.applied_adjustment for r in rows if r.applied_adjustment}


def accept(row: CalibrationRow, rec: CalibrationRecommendation) -> CalibrationRow:
    """The row after the lifter accepts `rec`: applied := recommended, within ±MAX_ADJUSTMENT."""
    if rec.source is not row.source:
        raise ValueError(f"a {rec.source.value} recommendation cannot apply to {row.source.value}")
    applied = _clamp(rec.recommended_adjustment, MAX_ADJUSTMENT)
    return row.model_copy(update={"applied_adjustment": applied})


def _clamp(value: float, bound: float) -> float:
    return min(bound, max(-bound, value))
