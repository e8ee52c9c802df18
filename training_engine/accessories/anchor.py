"""History anchors: start an accessory from what the lifter actually lifted (GH#221 facts).

Pure: the clock is the input's `now`. Without a clock, history is treated as fresh (no decay),
as the reference does when it cannot read a date.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from shared_types.base import trusted
from shared_types.enums import AnchorConfidence, AnchorSource
from shared_types.inputs import AuxHistoryEntry
from shared_types.outputs import AuxAnchor

__all__ = [
    "DECAY_DAYS",
    "OVERRIDE_MIN_DELTA",
    "RECENCY_HORIZON_DAYS",
    "SNAP_TOLERANCE",
    "WINDOW_SESSIONS",
    "AnchorResult",
    "compute_anchor",
    "find_history",
]

WINDOW_SESSIONS = 3
RECENCY_HORIZON_DAYS = 56.0
DECAY_DAYS = 28.0
SNAP_TOLERANCE = 0.05
OVERRIDE_MIN_DELTA = 0.02
_SECONDS_PER_DAY = 86400.0


@dataclass(frozen=True)
class AnchorResult:
    anchor_kg: float
    source: AnchorSource
    sessions_used: int
    confidence: AnchorConfidence
    formula_weight_kg: float
    rationale: str
    engine_anchor_kg: float | None = None  # set when a model's override replaced the engine's

    @property
    def replaces_formula(self) -> bool:
        """History or a snap is trusted as it is (no post-main fatigue discount on top)."""
        return self.source in (AnchorSource.HISTORY, AnchorSource.SNAP)

    def carrier(self) -> AuxAnchor:
        return trusted(
            AuxAnchor,
            source=self.source,
            confidence=self.confidence,
            formula_weight_kg=self.formula_weight_kg,
            sessions_used=self.sessions_used,
            rationale=self.rationale,
            anchor_base_kg=self.anchor_kg,
            from_llm_override=True if self.engine_anchor_kg is not None else None,
            engine_anchor_kg=self.engine_anchor_kg,
        )


def _top_set(entry: AuxHistoryEntry) -> float:
    return max((s.weight_kg for s in entry.sets), default=0.0)


def _override_direction(entry: AuxHistoryEntry) -> int:
    """+1 lifted clearly above the prescription, -1 clearly below, 0 otherwise or unknown."""
    prescribed = entry.prescribed_weight_kg
    top = _top_set(entry)
    if prescribed is None or prescribed <= 0 or top <= 0:
        return 0
    delta = (top - prescribed) / prescribed
    if delta > OVERRIDE_MIN_DELTA:
        return 1
    if delta < -OVERRIDE_MIN_DELTA:
        return -1
    return 0


def _snapped(history: Sequence[AuxHistoryEntry]) -> bool:
    """The two newest sessions overrode the prescription the same way, by about as much."""
    if len(history) < 2:
        return False
    newest, previous = history[0], history[1]
    direction = _override_direction(newest)
    if direction == 0 or direction != _override_direction(previous):
        return False
    a, b = _top_set(newest), _top_set(previous)
    larger, smaller = max(a, b), min(a, b)
    return (larger - smaller) / larger <= SNAP_TOLERANCE


def _freshness(history: Sequence[AuxHistoryEntry], now: datetime | None) -> float:
    """1 within the recency horizon, then linearly down to 0 over the decay window."""
    if now is None:
        return 1.0
    age_days = max(0.0, (now - history[0].completed_at).total_seconds() / _SECONDS_PER_DAY)
    if age_days <= RECENCY_HORIZON_DAYS:
        return 1.0
    overshoot = age_days - RECENCY_HORIZON_DAYS
    return 0.0 if overshoot >= DECAY_DAYS else 1 - overshoot / DECAY_DAYS


def _confidence(sessions: int, snapped: bool) -> AnchorConfidence:
    if snapped:
        return AnchorConfidence.HIGH
    if sessions <= 0:
        return AnchorConfidence.EXPLORING
    if sessions < 3:
        return AnchorConfidence.LOW
    if sessions < 6:
        return AnchorConfidence.MEDIUM
    return AnchorConfidence.HIGH


def _lerp(start: float, end: float, t: float) -> float:
    return start + (end - start) * t


def compute_anchor(
    formula_weight_kg: float, history: Sequence[AuxHistoryEntry], now: datetime | None
) -> AnchorResult:
    recent = tuple(history[:WINDOW_SESSIONS])
    count = len(recent)
    snapped = _snapped(recent)
    if snapped:
        anchor = max(_top_set(recent[0]), _top_set(recent[1]))
        source = AnchorSource.SNAP
        why = "Your last two sessions moved the weight the same way: using your number"
    else:
        tops = [w for w in (_top_set(e) for e in recent) if w > 0]
        mean = sum(tops) / len(tops) if tops else 0.0
        if count >= WINDOW_SESSIONS and mean > 0:
            anchor, source = mean, AnchorSource.HISTORY
            why = f"Mean top set of your last {count} sessions"
        elif mean > 0:
            anchor = _lerp(formula_weight_kg, mean, count / WINDOW_SESSIONS)
            source = AnchorSource.BLEND
            why = f"Catalog load blended with your last {count} session(s)"
        else:
            anchor, source = formula_weight_kg, AnchorSource.FORMULA
            why = "No usable weights in recent sessions: catalog load"
    sessions_used = count
    freshness = _freshness(recent, now) if recent else 1.0
    if freshness < 1 and source is not AnchorSource.SNAP:
        anchor = _lerp(formula_weight_kg, anchor, freshness)
        if freshness == 0:
            why += "; history too old, back to the catalog load"
            source, sessions_used = AnchorSource.FORMULA, 0
        else:
            why += "; older history, pulled toward the catalog load"
    return AnchorResult(
        anchor_kg=anchor,
        source=source,
        sessions_used=sessions_used,
        confidence=_confidence(sessions_used, snapped),
        formula_weight_kg=formula_weight_kg,
        rationale=why,
    )


def find_history(
    aux_history: Mapping[str, tuple[AuxHistoryEntry, ...]] | None, slug: str, name: str
) -> tuple[AuxHistoryEntry, ...]:
    """History is keyed by catalog slug; display-name keys are accepted too."""
    if not aux_history:
        return ()
    if slug in aux_history:
        return aux_history[slug]
    return aux_history.get(name, ())
