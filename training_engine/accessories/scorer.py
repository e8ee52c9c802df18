"""Rank candidate top-up exercises (domain-reference §3.13.1).

Eight factors, each in [0, 1], weighted: how much of the other deficits the exercise also
covers, soreness of the muscles it loads, movement-pattern diversity, how recently it was done,
complexity against readiness, protection of lifts still to come this week, specificity to
today's lift and compound/isolation balance.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

from shared_types.enums import Lift, MuscleGroup
from shared_types.inputs import JITInput
from training_engine.accessories.exercises import ExerciseBook, is_compound, movement_pattern
from training_engine.muscles import LIFT_CONTRIBUTIONS

__all__ = ["SCORE_WEIGHTS", "ScoringContext", "rank"]

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


@dataclass(frozen=True)
class ScoringContext:
    inp: JITInput
    book: ExerciseBook
    target: MuscleGroup
    deficits: Mapping[MuscleGroup, float]
    patterns_used: tuple[str, ...]
    selected: tuple[str, ...]

    @cached_property
    def largest_deficit(self) -> float:
        return max([1.0, *(d for d in self.deficits.values() if d > 0)])

    @cached_property
    def upcoming_muscles(self) -> frozenset[MuscleGroup]:
        lifts: Sequence[Lift] = self.inp.upcoming_lifts or ()
        return frozenset(m for lift in lifts for m, _ in LIFT_CONTRIBUTIONS[lift])

    @cached_property
    def compound_share(self) -> float:
        entries = [self.book.entry(s) for s in self.selected]
        compounds = sum(1 for e in entries if e is not None and is_compound(e))
        return compounds / len(self.selected) if self.selected else 0.0


def _deficit(name: str, ctx: ScoringContext) -> float:
    largest = ctx.largest_deficit
    bonus, count = 0.0, 0
    for muscle, contribution in ctx.book.muscles(name):
        deficit = ctx.deficits.get(muscle)
        if muscle is ctx.target or deficit is None or deficit <= 0:
            continue
        bonus += contribution * min(deficit / largest, 1.0)
        count += 1
    return 0.5 + 0.5 * (min(bonus / count, 1.0) if count else 0.0)


def _soreness(name: str, ctx: ScoringContext) -> float:
    penalty = 0.0
    for muscle, contribution in ctx.book.muscles(name):
        rating = ctx.inp.soreness_ratings.get(muscle)
        if rating is not None and rating > 1:
            penalty += contribution * (rating / 10)
    return max(0.0, 1.0 - penalty)


def _diversity(name: str, ctx: ScoringContext) -> float:
    entry = ctx.book.entry(name)
    if entry is None:
        return UNKNOWN
    return 0.3 if movement_pattern(entry) in ctx.patterns_used else 1.0


def _recency(name: str, ctx: ScoringContext) -> float:
    recent = ctx.inp.recent_aux_exercises or ()
    if name in recent:
        index = recent.index(name)
        if index < len(RECENCY_BY_INDEX):
            return RECENCY_BY_INDEX[index]
    return 1.0


def _fatigue(name: str, ctx: ScoringContext) -> float:
    entry = ctx.book.entry(name)
    if entry is None:
        return UNKNOWN
    tier = entry.complexity or "moderate"
    readiness = ((ctx.inp.sleep_quality or 3) + (ctx.inp.energy_level or 3)) / 2
    if readiness <= 2.5:
        return {"simple": 1.0, "moderate": 0.5, "complex": 0.2}[tier]
    if readiness >= 3.5:
        return {"simple": 0.6, "moderate": 0.8, "complex": 1.0}[tier]
    return 0.7


def _upcoming(name: str, ctx: ScoringContext) -> float:
    if not ctx.inp.upcoming_lifts:
        return 1.0
    needed = ctx.upcoming_muscles
    shared = sum(1 for m, c in ctx.book.muscles(name) if c >= 0.5 and m in needed)
    return max(0.0, 1.0 - 0.4 * shared)


def _specificity(name: str, ctx: ScoringContext) -> float:
    entry = ctx.book.entry(name)
    if entry is None:
        return UNKNOWN
    if entry.lift is ctx.inp.primary_lift:
        return 1.0
    return 0.6 if entry.lift is None else 0.3


def _balance(name: str, ctx: ScoringContext) -> float:
    entry = ctx.book.entry(name)
    if entry is None:
        return UNKNOWN
    if not ctx.selected:
        return 0.7
    compound_share = ctx.compound_share
    compound = is_compound(entry)
    if compound_share > 0.6:
        return 0.3 if compound else 1.0
    if compound_share < 0.4:
        return 1.0 if compound else 0.3
    return 0.7


_FACTORS = {
    "deficit": _deficit,
    "soreness": _soreness,
    "diversity": _diversity,
    "recency": _recency,
    "fatigue": _fatigue,
    "upcoming": _upcoming,
    "specificity": _specificity,
    "balance": _balance,
}


def score(name: str, ctx: ScoringContext) -> float:
    total = 0.0
    for factor, weight in SCORE_WEIGHTS.items():
        total += weight * _FACTORS[factor](name, ctx)
    return total


def rank(candidates: Sequence[str], ctx: ScoringContext) -> list[str]:
    """Best first; equal scores keep the pool's order."""
    scored = [(score(name, ctx), name) for name in candidates]
    return [name for _, name in sorted(scored, key=lambda pair: -pair[0])]
