"""`best` is `rank(...)[0]`: the highest score, and the first of equal scores (pool order)."""

from __future__ import annotations

from shared_types.enums import Lift, MuscleGroup
from training_engine.accessories.scorer import Candidate, ScoringContext, best, rank, score

M = MuscleGroup


def _candidate(name: str, *muscles: tuple[MuscleGroup, float]) -> Candidate:
    return Candidate(
        name=name,
        entry=None,
        lift=None,
        muscles=muscles,
        trained=frozenset(m for m, c in muscles if c >= 1.0),
        pattern=None,
        compound=False,
    )


CTX = ScoringContext(
    target=M.BICEPS,
    deficits={M.BICEPS: 4.0, M.UPPER_BACK: 2.0},
    largest_deficit=4.0,
    soreness_ratings={M.UPPER_BACK: 6},
    patterns_used=(),
    recency={"Curl B": 0.2},
    upcoming_muscles=None,
    fatigue_by_complexity=None,
    primary_lift=Lift.BENCH,
    compound_share=None,
)


def test_best_is_the_first_of_the_ranking() -> None:
    pool = [
        _candidate("Curl A", (M.BICEPS, 1.0)),
        _candidate("Curl B", (M.BICEPS, 1.0)),  # done recently: lower
        _candidate("Row", (M.BICEPS, 1.0), (M.UPPER_BACK, 1.0)),  # covers a deficit, but sore
        _candidate("Curl C", (M.BICEPS, 1.0)),  # ties with Curl A
    ]
    assert score(pool[0], CTX) == score(pool[3], CTX)
    assert best(pool, CTX) is rank(pool, CTX)[0]
    assert best(pool[1:], CTX) is rank(pool[1:], CTX)[0]
    assert best(pool[::-1], CTX) is rank(pool[::-1], CTX)[0]
