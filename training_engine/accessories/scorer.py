"""Rank candidate top-up exercises (domain-reference §3.13.1).

Eight factors, each in [0, 1], weighted: how much of the other deficits the exercise also
covers, soreness of the muscles it loads, movement-pattern diversity, how recently it was done,
complexity against readiness, protection of lifts still to come this week, specificity to
today's lift and compound/isolation balance.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from shared_types.enums import Lift, MuscleGroup
from shared_types.inputs import JITInput
from training_engine.accessories.exercises import ExerciseBook
from training_engine.defaults.exercise_catalog import CatalogEntry, Complexity
from training_engine.muscles import LIFT_CONTRIBUTIONS, MUSCLES

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
    # Worked out from the fields above for every muscle, once per context (`_per_muscle`): the
    # deficit factor's share of each other muscle's deficit (None: the target, or no deficit),
    # and the soreness factor's rating / 10 (None: not sore).
    shares: Mapping[MuscleGroup, float | None] = field(init=False, repr=False, compare=False)
    sore: Mapping[MuscleGroup, float | None] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        shares, sore = _per_muscle(
            self.target, self.deficits, self.largest_deficit, self.soreness_ratings
        )
        object.__setattr__(self, "shares", shares)
        object.__setattr__(self, "sore", sore)

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
        compounds: int | None = None,
    ) -> ScoringContext:
        """`compounds`: how many of `selected` are compound exercises, when the caller keeps
        count (otherwise looked up here)."""
        lifts: Sequence[Lift] = inp.upcoming_lifts or ()
        recency: dict[str, float] = {}
        for name, value in zip(inp.recent_aux_exercises or (), RECENCY_BY_INDEX, strict=False):
            recency.setdefault(name, value)  # its first occurrence counts
        if compounds is None:
            compounds = sum(1 for s in selected if book.facts(s).compound)
        readiness = ((inp.sleep_quality or 3) + (inp.energy_level or 3)) / 2
        largest = max([1.0, *[d for d in deficits.values() if d > 0]])
        shares, sore = _per_muscle(target, deficits, largest, inp.soreness_ratings)
        # `cls(...)` with every field set in one go (a frozen dataclass's `__init__` sets each
        # through `object.__setattr__`): a context is built for every top-up.
        ctx = _new(cls)
        ctx.__dict__.update(
            target=target,
            deficits=deficits,
            largest_deficit=largest,
            soreness_ratings=inp.soreness_ratings,
            patterns_used=patterns_used,
            recency=recency,
            upcoming_muscles=_upcoming_muscles(tuple(lifts)) if lifts else None,
            fatigue_by_complexity=FATIGUE_BY_COMPLEXITY["low"]
            if readiness <= 2.5
            else FATIGUE_BY_COMPLEXITY["high"]
            if readiness >= 3.5
            else None,
            primary_lift=inp.primary_lift,
            compound_share=compounds / len(selected) if selected else None,
            shares=shares,
            sore=sore,
        )
        return ctx

    def retarget(
        self,
        *,
        target: MuscleGroup,
        patterns_used: tuple[str, ...],
        selected: tuple[str, ...],
        compounds: int,
    ) -> ScoringContext:
        """This context for the session's next top-up: another target, patterns and selection
        (`compounds` of them compound); the session's parts (deficits, soreness, recency,
        upcoming lifts, readiness) kept. The same context `build` gives for them."""
        ctx = _new(ScoringContext)
        values = ctx.__dict__
        values.update(self.__dict__)
        values["target"] = target
        values["patterns_used"] = patterns_used
        values["compound_share"] = compounds / len(selected) if selected else None
        values["shares"] = _shares(target, self.deficits, self.largest_deficit)
        return ctx


_new = object.__new__


@lru_cache(maxsize=256)
def _upcoming_muscles(lifts: tuple[Lift, ...]) -> frozenset[MuscleGroup]:
    """The muscles the lifts still to come this week train (memoised on the lifts)."""
    return frozenset(m for lift in lifts for m, _ in LIFT_CONTRIBUTIONS[lift])


def _per_muscle(
    target: MuscleGroup,
    deficits: Mapping[MuscleGroup, float],
    largest: float,
    ratings: Mapping[MuscleGroup, int],
) -> tuple[dict[MuscleGroup, float | None], dict[MuscleGroup, float | None]]:
    """For every muscle: its share of the largest deficit (`_shares`) and its soreness as a
    fraction (None when not sore)."""
    shares = _shares(target, deficits, largest)
    sore = _NONE.copy()
    for muscle, rating in ratings.items():
        if rating is not None and rating > 1:
            sore[muscle] = rating / 10
    return shares, sore


def _shares(
    target: MuscleGroup, deficits: Mapping[MuscleGroup, float], largest: float
) -> dict[MuscleGroup, float | None]:
    """Each muscle's share of the largest deficit, capped at 1 (None for the target or a muscle
    without a deficit)."""
    shares = _NONE.copy()
    for muscle, deficit in deficits.items():
        if muscle is not target and deficit is not None and deficit > 0:
            share = deficit / largest
            shares[muscle] = 1.0 if share > 1.0 else share  # `min(share, 1.0)`
    return shares


_NONE: dict[MuscleGroup, float | None] = dict.fromkeys(MUSCLES)


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
    """The weighted sum of the eight factors, added up in `SCORE_WEIGHTS` order (the order fixes
    the float result, and equal scores keep the pool's order)."""
    return scores((c,), ctx)[0]


def scores(candidates: Sequence[Candidate], ctx: ScoringContext) -> list[float]:
    """`score` of each candidate, in order: what the context gives every candidate is read once,
    not per candidate."""
    shares, sore, needed = ctx.shares, ctx.sore, ctx.upcoming_muscles
    by_complexity, primary_lift = ctx.fatigue_by_complexity, ctx.primary_lift
    patterns_used, recency = ctx.patterns_used, ctx.recency
    # balance: a compound or an isolation exercise against what is already selected
    share_of_compounds = ctx.compound_share
    if share_of_compounds is None:
        compound_balance = isolation_balance = 0.7
    elif share_of_compounds > 0.6:
        compound_balance, isolation_balance = 0.3, 1.0
    elif share_of_compounds < 0.4:
        compound_balance, isolation_balance = 1.0, 0.3
    else:
        compound_balance = isolation_balance = 0.7
    results: list[float] = []
    for c in candidates:
        # The muscle factors, in one pass over the muscles it trains: deficit (how much of the
        # other muscles' deficits it also covers), soreness (of the muscles it loads) and
        # upcoming (it spares the muscles of lifts still to come this week).
        bonus, count, penalty, shared = 0.0, 0, 0.0, 0
        for muscle, contribution in c.muscles:
            share = shares[muscle]
            if share is not None:
                bonus += contribution * share
                count += 1
            rating = sore[muscle]
            if rating is not None:
                penalty += contribution * rating
            if needed is not None and contribution >= 0.5 and muscle in needed:
                shared += 1
        # The catalog factors (middling for the lifter's own exercises): fatigue (complexity
        # against readiness), specificity (to today's lift) and balance.
        entry = c.entry
        if entry is None:
            fatigue = specificity = balance = UNKNOWN
        else:
            fatigue = (
                0.7 if by_complexity is None else by_complexity[entry.complexity or "moderate"]
            )
            lift = c.lift
            specificity = 1.0 if lift is primary_lift else 0.6 if lift is None else 0.3
            balance = compound_balance if c.compound else isolation_balance
        pattern = c.pattern
        # `min(x, 1.0)` and `max(0.0, x)` below written out as comparisons (same results, NaN
        # included: no call per candidate).
        covered = bonus / count if count else 0.0
        total = _DEFICIT * (0.5 + 0.5 * (1.0 if covered > 1.0 else covered))
        fresh = 1.0 - penalty
        total += _SORENESS * (fresh if fresh > 0.0 else 0.0)
        total += _DIVERSITY * (
            UNKNOWN if pattern is None else 0.3 if pattern in patterns_used else 1.0
        )
        total += _RECENCY * recency.get(c.name, 1.0)  # done in the last few sessions
        total += _FATIGUE * fatigue
        spared = 1.0 if needed is None else 1.0 - 0.4 * shared
        total += _UPCOMING * (spared if spared > 0.0 else 0.0)
        total += _SPECIFICITY * specificity
        total += _BALANCE * balance
        results.append(total)
    return results


def rank(candidates: Sequence[Candidate], ctx: ScoringContext) -> list[Candidate]:
    """Best first; equal scores keep the pool's order."""
    scored = list(zip(scores(candidates, ctx), candidates, strict=True))
    return [c for _, c in sorted(scored, key=lambda pair: -pair[0])]


def best(candidates: Sequence[Candidate], ctx: ScoringContext) -> Candidate:
    """`rank(candidates, ctx)[0]` without sorting: the first of the highest scores (as `max`
    with a key picks it)."""
    if not candidates:
        raise ValueError("best() of no candidates")
    values = scores(candidates, ctx)
    chosen, top = 0, values[0]
    for i in range(1, len(values)):
        if values[i] > top:
            chosen, top = i, values[i]
    return candidates[chosen]
