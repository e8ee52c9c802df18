"""Rank candidate top-up exercises (domain-reference §3.13.1).

Eight factors, each in [0, 1], weighted: how much of the other deficits the exercise also
covers, soreness of the muscles it loads, movement-pattern diversity, how recently it was done,
complexity against readiness, protection of lifts still to come this week, specificity to
today's lift and compound/isolation balance.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from shared_types.enums import Lift, MuscleGroup
from shared_types.inputs import JITInput
from training_engine.accessories.exercises import ExerciseBook, is_compound
from training_engine.defaults.exercise_catalog import CatalogEntry, Complexity
from training_engine.muscles import LIFT_CONTRIBUTIONS

__all__ = ["SCORE_WEIGHTS", "Candidate", "ScoringContext", "rank"]

SCORE_WEIGHTS = {
    "deficit": 0.28,
    "soreness": 0.22,
    "diversity": 0.13,
    "recency": 0.10,
    "fatigue": 0.09,
    "upcoming": 0.09,
    "specificity": 0.05,
    "balance": 0.04,
}
RECENCY_BY_INDEX = (0.2, 0.4, 0.6, 0.8)
UNKNOWN = 0.5
FATIGUE_BY_COMPLEXITY: Mapping[str, Mapping[Complexity, float]] = {
    "low": {"simple": 1.0, "moderate": 0.5, "complex": 0.2},
    "high": {"simple": 0.6, "moderate": 0.8, "complex": 1.0},
}


@dataclass(frozen=True, eq=False)
class Candidate:
    """A pool exercise with what the scorer reads about it (worked out once per pool)."""

    name: str
    entry: CatalogEntry | None  # None: the lifter's own exercise, not in the catalog
    lift: Lift | None
    muscles: tuple[tuple[MuscleGroup, float], ...]  # weekly-volume credit per set
    trained: frozenset[MuscleGroup]  # the muscles it trains fully (their MRV limits its sets)
    pattern: str | None  # movement pattern (catalog exercises only)
    compound: bool


@dataclass(frozen=True)
class ScoringContext:
    """What the factors read besides the candidate, for one target muscle."""

    inp: JITInput
    target: MuscleGroup
    deficits: Mapping[MuscleGroup, float]
    patterns_used: tuple[str, ...]
    selected: tuple[str, ...]
    largest_deficit: float
    upcoming_muscles: frozenset[MuscleGroup]
    compound_share: float
    fatigue_by_complexity: Mapping[Complexity, float] | None  # None: middling readiness

    @classmethod
    def build(
        cls,
        inp: JITInput,
        book: ExerciseBook,
        *,
        target: MuscleGroup,
        deficits: Mapping[MuscleGroup, float],
        patterns_used: tuple[str, ...],
        selected: tuple[str, ...],
    ) -> ScoringContext:
        lifts: Sequence[Lift] = inp.upcoming_lifts or ()
        entries = [book.entry(s) for s in selected]
        compounds = sum(1 for e in entries if e is not None and is_compound(e))
        readiness = ((inp.sleep_quality or 3) + (inp.energy_level or 3)) / 2
        return cls(
            inp=inp,
            target=target,
            deficits=deficits,
            patterns_used=patterns_used,
            selected=selected,
            largest_deficit=max([1.0, *(d for d in deficits.values() if d > 0)]),
            upcoming_muscles=frozenset(m for lift in lifts for m, _ in LIFT_CONTRIBUTIONS[lift]),
            compound_share=compounds / len(selected) if selected else 0.0,
            fatigue_by_complexity=FATIGUE_BY_COMPLEXITY["low"]
            if readiness <= 2.5
            else FATIGUE_BY_COMPLEXITY["high"]
            if readiness >= 3.5
            else None,
        )


def _deficit(c: Candidate, ctx: ScoringContext) -> float:
    largest = ctx.largest_deficit
    bonus, count = 0.0, 0
    for muscle, contribution in c.muscles:
        deficit = ctx.deficits.get(muscle)
        if muscle is ctx.target or deficit is None or deficit <= 0:
            continue
        bonus += contribution * min(deficit / largest, 1.0)
        count += 1
    return 0.5 + 0.5 * (min(bonus / count, 1.0) if count else 0.0)


def _soreness(c: Candidate, ctx: ScoringContext) -> float:
    penalty = 0.0
    ratings = ctx.inp.soreness_ratings
    for muscle, contribution in c.muscles:
        rating = ratings.get(muscle)
        if rating is not None and rating > 1:
            penalty += contribution * (rating / 10)
    return max(0.0, 1.0 - penalty)


def _diversity(c: Candidate, ctx: ScoringContext) -> float:
    if c.pattern is None:
        return UNKNOWN
    return 0.3 if c.pattern in ctx.patterns_used else 1.0


def _recency(c: Candidate, ctx: ScoringContext) -> float:
    recent = ctx.inp.recent_aux_exercises or ()
    if c.name in recent:
        index = recent.index(c.name)
        if index < len(RECENCY_BY_INDEX):
            return RECENCY_BY_INDEX[index]
    return 1.0


def _fatigue(c: Candidate, ctx: ScoringContext) -> float:
    if c.entry is None:
        return UNKNOWN
    by_complexity = ctx.fatigue_by_complexity
    if by_complexity is None:
        return 0.7
    return by_complexity[c.entry.complexity or "moderate"]


def _upcoming(c: Candidate, ctx: ScoringContext) -> float:
    if not ctx.inp.upcoming_lifts:
        return 1.0
    needed = ctx.upcoming_muscles
    shared = sum(1 for m, credit in c.muscles if credit >= 0.5 and m in needed)
    return max(0.0, 1.0 - 0.4 * shared)


def _specificity(c: Candidate, ctx: ScoringContext) -> float:
    if c.entry is None:
        return UNKNOWN
    if c.lift is ctx.inp.primary_lift:
        return 1.0
    return 0.6 if c.lift is None else 0.3


def _balance(c: Candidate, ctx: ScoringContext) -> float:
    if c.entry is None:
        return UNKNOWN
    if not ctx.selected:
        return 0.7
    compound_share = ctx.compound_share
    compound = c.compound
    if compound_share > 0.6:
        return 0.3 if compound else 1.0
    if compound_share < 0.4:
        return 1.0 if compound else 0.3
    return 0.7


_DEFICIT, _SORENESS, _DIVERSITY, _RECENCY, _FATIGUE, _UPCOMING, _SPECIFICITY, _BALANCE = (
    SCORE_WEIGHTS[factor]
    for factor in (
        "deficit",
        "soreness",
        "diversity",
        "recency",
        "fatigue",
        "upcoming",
        "specificity",
        "balance",
    )
)


def score(c: Candidate, ctx: ScoringContext) -> float:
    """The weighted sum, added up in `SCORE_WEIGHTS` order (the order fixes the float result,
    and equal scores keep the pool's order)."""
    total = 0.0
    total += _DEFICIT * _deficit(c, ctx)
    total += _SORENESS * _soreness(c, ctx)
    total += _DIVERSITY * _diversity(c, ctx)
    total += _RECENCY * _recency(c, ctx)
    total += _FATIGUE * _fatigue(c, ctx)
    total += _UPCOMING * _upcoming(c, ctx)
    total += _SPECIFICITY * _specificity(c, ctx)
    total += _BALANCE * _balance(c, ctx)
    return total


def rank(candidates: Sequence[Candidate], ctx: ScoringContext) -> list[Candidate]:
    """Best first; equal scores keep the pool's order."""
    scored = [(score(c, ctx), c) for c in candidates]
    return [c for _, c in sorted(scored, key=lambda pair: -pair[0])]
