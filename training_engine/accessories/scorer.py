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
from training_engine.accessories.exercises import ExerciseBook
from training_engine.defaults.exercise_catalog import CatalogEntry, Complexity
from training_engine.muscles import LIFT_CONTRIBUTIONS

__all__ = ["SCORE_WEIGHTS", "Candidate", "ScoringContext", "best", "rank"]

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
    """What the factors read besides the candidate, for one target muscle (worked out once per
    target: the scorer runs for every candidate)."""

    target: MuscleGroup
    deficits: Mapping[MuscleGroup, float]
    largest_deficit: float
    soreness_ratings: Mapping[MuscleGroup, int]
    patterns_used: tuple[str, ...]
    recency: Mapping[str, float]  # the newest recent exercises and their factor
    upcoming_muscles: frozenset[MuscleGroup] | None  # None: no lifts still to come this week
    fatigue_by_complexity: Mapping[Complexity, float] | None  # None: middling readiness
    primary_lift: Lift
    compound_share: float | None  # None: nothing selected yet

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
        recency: dict[str, float] = {}
        for name, value in zip(inp.recent_aux_exercises or (), RECENCY_BY_INDEX, strict=False):
            recency.setdefault(name, value)  # its first occurrence counts
        compounds = sum(1 for s in selected if book.facts(s).compound)
        readiness = ((inp.sleep_quality or 3) + (inp.energy_level or 3)) / 2
        return cls(
            target=target,
            deficits=deficits,
            largest_deficit=max([1.0, *(d for d in deficits.values() if d > 0)]),
            soreness_ratings=inp.soreness_ratings,
            patterns_used=patterns_used,
            recency=recency,
            upcoming_muscles=frozenset(m for lift in lifts for m, _ in LIFT_CONTRIBUTIONS[lift])
            if lifts
            else None,
            fatigue_by_complexity=FATIGUE_BY_COMPLEXITY["low"]
            if readiness <= 2.5
            else FATIGUE_BY_COMPLEXITY["high"]
            if readiness >= 3.5
            else None,
            primary_lift=inp.primary_lift,
            compound_share=compounds / len(selected) if selected else None,
        )


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


def _muscle_factors(c: Candidate, ctx: ScoringContext) -> tuple[float, float, float]:
    """The factors read from the muscles it trains, in one pass: deficit (how much of the other
    muscles' deficits it also covers), soreness (of the muscles it loads) and upcoming (it spares
    the muscles of lifts still to come this week)."""
    deficits, largest, target = ctx.deficits, ctx.largest_deficit, ctx.target
    ratings, needed = ctx.soreness_ratings, ctx.upcoming_muscles
    bonus, count, penalty, shared = 0.0, 0, 0.0, 0
    for muscle, contribution in c.muscles:
        deficit = deficits.get(muscle)
        if muscle is not target and deficit is not None and deficit > 0:
            bonus += contribution * min(deficit / largest, 1.0)
            count += 1
        rating = ratings.get(muscle)
        if rating is not None and rating > 1:
            penalty += contribution * (rating / 10)
        if needed is not None and contribution >= 0.5 and muscle in needed:
            shared += 1
    return (
        0.5 + 0.5 * (min(bonus / count, 1.0) if count else 0.0),
        max(0.0, 1.0 - penalty),
        1.0 if needed is None else max(0.0, 1.0 - 0.4 * shared),
    )


def _catalog_factors(c: Candidate, ctx: ScoringContext) -> tuple[float, float, float]:
    """The factors read from its catalog entry (middling for the lifter's own exercises):
    fatigue (complexity against readiness), specificity (to today's lift) and balance (compound
    or isolation against what is already selected)."""
    entry = c.entry
    if entry is None:
        return UNKNOWN, UNKNOWN, UNKNOWN
    by_complexity = ctx.fatigue_by_complexity
    fatigue = 0.7 if by_complexity is None else by_complexity[entry.complexity or "moderate"]
    specificity = 1.0 if c.lift is ctx.primary_lift else 0.6 if c.lift is None else 0.3
    share = ctx.compound_share
    if share is None:
        balance = 0.7
    elif share > 0.6:
        balance = 0.3 if c.compound else 1.0
    elif share < 0.4:
        balance = 1.0 if c.compound else 0.3
    else:
        balance = 0.7
    return fatigue, specificity, balance


def score(c: Candidate, ctx: ScoringContext) -> float:
    """The weighted sum of the eight factors, added up in `SCORE_WEIGHTS` order (the order fixes
    the float result, and equal scores keep the pool's order)."""
    deficit, soreness, upcoming = _muscle_factors(c, ctx)
    fatigue, specificity, balance = _catalog_factors(c, ctx)
    pattern = c.pattern
    total = _DEFICIT * deficit
    total += _SORENESS * soreness
    total += _DIVERSITY * (
        UNKNOWN if pattern is None else 0.3 if pattern in ctx.patterns_used else 1.0
    )
    total += _RECENCY * ctx.recency.get(c.name, 1.0)  # done in the last few sessions
    total += _FATIGUE * fatigue
    total += _UPCOMING * upcoming
    total += _SPECIFICITY * specificity
    total += _BALANCE * balance
    return total


def rank(candidates: Sequence[Candidate], ctx: ScoringContext) -> list[Candidate]:
    """Best first; equal scores keep the pool's order."""
    scored = [(score(c, ctx), c) for c in candidates]
    return [c for _, c in sorted(scored, key=lambda pair: -pair[0])]


def best(candidates: Sequence[Candidate], ctx: ScoringContext) -> Candidate:
    """`rank(candidates, ctx)[0]` without sorting: the first of the highest scores."""
    return max(candidates, key=lambda c: score(c, ctx))
