"""Volume top-up: add accessories for muscles still below their weekly minimum (§3.13).

At most two muscles (core first when it is short, since no main lift trains it), never a
primary muscle of today's lift, never on a deload. Each muscle gets the best-scoring pool
exercise that trains it fully; sets are the deficit, at most 3, and never more than the room
left under the MRV of any muscle the exercise fully trains, counting today's main sets and the
accessories already planned; an exercise without room for one set is not a candidate (D8).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import NamedTuple

from shared_types.base import trusted
from shared_types.enums import (
    AnchorSource,
    DisruptionType,
    ExerciseType,
    IntensityType,
    Lift,
    MuscleGroup,
)
from shared_types.outputs import AuxiliaryWork, PlannedSet
from training_engine.accessories.configured import (
    AUX_RPE,
    AccessoryContext,
    Planned,
    resolve_anchor,
    row_trace,
    weight_trace,
)
from training_engine.accessories.exercises import ExerciseBook, is_compound, movement_pattern
from training_engine.accessories.scorer import Candidate, ScoringContext, best
from training_engine.formulas.base_sets import formula_base, straight_sets
from training_engine.formulas.rounding import DEFAULT_INCREMENT_KG, round_to_increment
from training_engine.limits import mrv_left
from training_engine.muscles import LIFT_CONTRIBUTIONS, MUSCLES, PRIMARY_MUSCLES
from training_engine.planning.volume import rpe_set_multiplier

__all__ = ["MAX_TOP_UPS", "MAX_TOP_UP_SETS", "Deficit", "muscle_deficits", "volume_top_ups"]

MAX_TOP_UPS = 3  # D18 (parakeet: 2 muscles, core first)
MAX_TOP_UP_SETS = 3
FULL_CREDIT = 1.0
# D18: the muscles some main lift credits (the program trains them); ranked before the others.
MAIN_LIFT_MUSCLES = frozenset(m for lift in Lift for m, _ in LIFT_CONTRIBUTIONS[lift])
MIN_DEFICIT = 1e-9
# The movement pattern of each lift's own variations (`exercises.movement_pattern`).
LIFT_PATTERNS = {
    Lift.SQUAT: "squat",
    Lift.BENCH: "push",
    Lift.DEADLIFT: "hinge",
}  # effective sets are sums of fractions
PUSH = frozenset({MuscleGroup.CHEST, MuscleGroup.TRICEPS, MuscleGroup.SHOULDERS})
# Disruption types whose affected lifts keep their exercises out of top-ups.
EXCLUDING_DISRUPTIONS = frozenset({DisruptionType.INJURY, DisruptionType.UNPROGRAMMED_EVENT})


class Deficit(NamedTuple):
    muscle: MuscleGroup
    sets: float  # below this session's (pro-rated) MEV
    mev: float
    full: bool = True  # the target is the whole MEV (not pro-rated)


def _effective_load(
    ctx: AccessoryContext, earlier: tuple[AuxiliaryWork, ...]
) -> dict[MuscleGroup, float]:
    """Effective sets today already adds to each muscle (D18): the main sets and the earlier
    rows, each set at its RPE's multiplier times its contribution, as the week's volume counts
    them once logged (`planning.volume`)."""
    load: dict[MuscleGroup, float] = {}
    if ctx.main_set_count:
        rpe = ctx.main_rpe if ctx.main_rpe is not None else formula_base(ctx.inp).rpe_target
        per_set = _set_multiplier(rpe)
        for muscle, contribution in LIFT_CONTRIBUTIONS[ctx.inp.primary_lift]:
            load[muscle] = load.get(muscle, 0.0) + ctx.main_set_count * per_set * contribution
    for row in earlier:
        if not row.skipped:
            _book_effective(ctx, load, row.exercise, row.sets)
    return load


_UNSET = object()
# `rpe_set_multiplier` memoised on the RPE (a handful of values recur: the accessory RPEs).
_set_multiplier = lru_cache(maxsize=256)(rpe_set_multiplier)


def _book_effective(
    ctx: AccessoryContext,
    load: dict[MuscleGroup, float],
    name: str,
    sets: Iterable[PlannedSet],
) -> None:
    # `sum(rpe_set_multiplier(s.rpe_target) for s in sets)`, added in the same order; straight
    # sets share one RPE, so its multiplier is looked up once.
    effective: float = 0
    rpe: object = _UNSET
    multiplier = 0.0
    for s in sets:
        if s.rpe_target != rpe:
            rpe = s.rpe_target
            multiplier = _set_multiplier(s.rpe_target)
        effective += multiplier
    for muscle, contribution in ctx.book.muscles(name):
        load[muscle] = load.get(muscle, 0.0) + effective * contribution


def muscle_deficits(
    ctx: AccessoryContext, earlier: tuple[AuxiliaryWork, ...] = ()
) -> tuple[Deficit, ...]:
    """Muscles that will still be short of this session's MEV target after today's main sets
    and the `earlier` rows, in effective sets (D18; canonical order)."""
    return _deficits(_targets(ctx), _effective_load(ctx, earlier))


def _targets(ctx: AccessoryContext) -> tuple[tuple[MuscleGroup, float, float, float], ...]:
    """(muscle, this session's MEV target, MEV, sets done this week) for every muscle with an
    MEV, in canonical order: what the deficits are measured against (the same all session)."""
    inp = ctx.inp
    credited = {m for m, _ in LIFT_CONTRIBUTIONS[inp.primary_lift]}
    primary = PRIMARY_MUSCLES[inp.primary_lift]
    landmarks, done = inp.mrv_mev_config.__dict__, inp.weekly_volume_to_date
    index, total = inp.session_index, inp.total_sessions_this_week
    found = []
    for muscle in MUSCLES:
        mev = landmarks[muscle].mev  # `inp.mrv_mev_config[muscle]`
        if mev <= 0:
            continue
        if muscle in primary:
            target = mev  # D18: the day of its lift is when its work is done
        elif muscle in PUSH and muscle not in credited:
            target = mev  # push work is front-loaded on squat and deadlift days
        elif index and total:
            target = math.ceil(mev * index / total)
        else:
            target = mev
        found.append((muscle, target, mev, done.get(muscle, 0.0)))  # `inp.weekly_sets`
    return tuple(found)


def _deficits(
    targets: tuple[tuple[MuscleGroup, float, float, float], ...],
    load: Mapping[MuscleGroup, float],
) -> tuple[Deficit, ...]:
    return tuple(
        [
            _tuple_new(Deficit, (muscle, deficit, mev, target >= mev))
            for muscle, target, mev, done in targets
            if (deficit := target - (done + load.get(muscle, 0.0))) > MIN_DEFICIT
        ]
    )


# `Deficit(...)` runs a Python-level `__new__`; the tuple's own is a C call (every field given).
_tuple_new = tuple.__new__


def _ranked(deficits: tuple[Deficit, ...]) -> list[Deficit]:
    """D18: the muscles the main lifts train first, then core, then the rest (biceps); each
    group by normalised deficit, ties in the canonical order."""

    # Sorted on (tier, -normalised deficit, position): `sorted` with that key, its stable ties
    # kept by the position, without a key function call per deficit.
    keyed = sorted(
        [(_TIERS[d.muscle][d.full], -(d.sets / d.mev), i, d) for i, d in enumerate(deficits)]
    )
    return [d for _, _, _, d in keyed]


# muscle -> (tier when pro-rated, tier when full), for `_ranked`.
_TIERS = {
    m: (2, 0) if m in MAIN_LIFT_MUSCLES else (1, 1) if m is MuscleGroup.CORE else (3, 3)
    for m in MUSCLES
}


def _blocked_lifts(ctx: AccessoryContext) -> tuple[frozenset[Lift], frozenset[Lift]]:
    """The upcoming lifts, and the lifts of excluding disruptions (D18 tells them apart)."""
    disrupted: set[Lift] = set()
    for disruption in ctx.inp.active_disruptions:
        if disruption.disruption_type in EXCLUDING_DISRUPTIONS:
            disrupted.update(disruption.affected_lifts or ())
    return frozenset(ctx.inp.upcoming_lifts or ()), frozenset(disrupted)


def _allowed(candidate: Candidate, upcoming: frozenset[Lift], disrupted: frozenset[Lift]) -> bool:
    """Not an exercise of a disrupted lift, nor a variation of an upcoming lift: an upcoming
    lift's exercise of another movement pattern (a row before a deadlift, a curl before a
    bench) does not tire that movement and stays eligible (D18)."""
    lift = candidate.lift
    if lift is None:
        return True
    if lift in disrupted:
        return False
    return lift not in upcoming or (
        candidate.pattern is not None and candidate.pattern != LIFT_PATTERNS[lift]
    )


def _candidate(book: ExerciseBook, name: str) -> Candidate | None:
    """A pool exercise as a top-up candidate; None when it can never be one (timed, or it
    trains no muscle fully)."""
    if book.exercise_type(name) is ExerciseType.TIMED:
        return None
    muscles = book.muscles(name)
    trained = frozenset(m for m, c in muscles if c >= FULL_CREDIT)
    if not trained:
        return None
    entry = book.entry(name)
    return Candidate(
        name=name,
        entry=entry,
        lift=book.lift(name),
        muscles=muscles,
        trained=trained,
        pattern=movement_pattern(entry) if entry is not None else None,
        compound=entry is not None and is_compound(entry),
    )


@lru_cache(maxsize=64)
def _catalog_candidates(pool: tuple[str, ...]) -> tuple[Candidate | str, ...]:
    """The pool in order, its catalog exercises resolved once per pool (those that can never be
    candidates dropped); other names are left for the lifter's own maps, per session."""
    catalog = ExerciseBook()
    resolved: list[Candidate | str] = []
    for name in pool:
        if catalog.entry(name) is None:
            resolved.append(name)
        elif (candidate := _candidate(catalog, name)) is not None:
            resolved.append(candidate)
    return tuple(resolved)


def _by_muscle(candidates: Iterable[Candidate]) -> Mapping[MuscleGroup, tuple[Candidate, ...]]:
    """The candidates for each muscle they train fully, in pool order."""
    grouped: dict[MuscleGroup, list[Candidate]] = {}
    for candidate in candidates:
        for muscle in candidate.trained:
            grouped.setdefault(muscle, []).append(candidate)
    return {muscle: tuple(group) for muscle, group in grouped.items()}


@lru_cache(maxsize=256)
def _catalog_by_muscle(
    pool: tuple[str, ...], upcoming: frozenset[Lift], disrupted: frozenset[Lift]
) -> Mapping[MuscleGroup, tuple[Candidate, ...]] | None:
    """`_by_muscle` of a pool of catalog exercises without the blocked lifts' (None when the pool
    names other exercises: those depend on the lifter's own maps)."""
    resolved = _catalog_candidates(pool)
    if any(isinstance(item, str) for item in resolved):
        return None
    return _by_muscle(
        c for c in resolved if isinstance(c, Candidate) and _allowed(c, upcoming, disrupted)
    )


def _eligible(
    ctx: AccessoryContext, pool: tuple[str, ...]
) -> Mapping[MuscleGroup, tuple[Candidate, ...]]:
    """Pool exercises that can be top-ups today, by the muscles they train fully: not timed, not
    belonging to a blocked lift."""
    upcoming, disrupted = _blocked_lifts(ctx)
    catalog_only = _catalog_by_muscle(pool, upcoming, disrupted)
    if catalog_only is not None:
        return catalog_only
    resolved = (
        _candidate(ctx.book, item) if isinstance(item, str) else item
        for item in _catalog_candidates(pool)
    )
    return _by_muscle(c for c in resolved if c is not None and _allowed(c, upcoming, disrupted))


def _mrv_left(ctx: AccessoryContext) -> dict[MuscleGroup, float]:
    """Sets each muscle has left under its MRV this week, before today."""
    inp = ctx.inp
    return {m: mrv_left(inp, m) for m in MUSCLES}


def _session_load(
    ctx: AccessoryContext, earlier: tuple[AuxiliaryWork, ...]
) -> dict[MuscleGroup, float]:
    """Sets today already puts on each muscle: the main lift's credit and earlier accessories."""
    load: dict[MuscleGroup, float] = {}
    for muscle, contribution in LIFT_CONTRIBUTIONS[ctx.inp.primary_lift]:
        load[muscle] = load.get(muscle, 0.0) + math.floor(ctx.main_set_count * contribution)
    for row in earlier:
        for muscle, contribution in ctx.book.muscles(row.exercise):
            if not row.skipped and contribution >= FULL_CREDIT:
                load[muscle] = load.get(muscle, 0.0) + len(row.sets)
    return load


def volume_top_ups(
    ctx: AccessoryContext, earlier: tuple[AuxiliaryWork, ...] = ()
) -> tuple[Planned, ...]:
    """Top-ups after the `earlier` rows of the session (configured and compensation work).

    D18: up to `MAX_TOP_UPS` rows, one at a time. Each time the deficits are worked out again
    in effective sets (the week so far, today's main sets and every row before it, each set at
    its RPE's multiplier), the muscles are ranked (core first, then normalised deficit) and the
    first one with a qualifying exercise gets it; a muscle nothing qualifies for gives its turn
    to the next. Sets cover the deficit at the top-up's RPE (`ceil(deficit / 0.75)`), at most
    3, never past an MRV (D8).
    """
    inp = ctx.inp
    pool = inp.auxiliary_pool or ()
    if not pool or inp.intensity_type is IntensityType.DELOAD:
        return ()
    load = _effective_load(ctx, earlier)
    targets = _targets(ctx)
    deficits = _deficits(targets, load)
    if not deficits:
        return ()
    by_muscle = {d.muscle: d.sets for d in deficits}  # the scorer's view: the session's start
    eligible = _eligible(ctx, pool)
    left_this_week = _mrv_left(ctx)
    used = list(inp.active_auxiliaries)
    compounds = sum(1 for name in used if ctx.book.facts(name).compound)
    patterns: list[str] = []
    booked = _session_load(ctx, earlier)
    per_set = _set_multiplier(AUX_RPE)
    rows: list[Planned] = []
    scoring: ScoringContext | None = None
    # Sets left under each muscle's MRV, counting today (deviation D8); an exercise has the
    # room of the tightest muscle it trains fully, and needs room for one set. Worked out for
    # every muscle here, then again for the muscles each top-up books.
    left = {m: room - booked.get(m, 0.0) for m, room in left_this_week.items()}
    with_room = {m for m, room in left.items() if room >= 1}
    while len(rows) < MAX_TOP_UPS and deficits:
        for target in _ranked(deficits):
            qualifying = [
                c
                for c in eligible.get(target.muscle, ())
                if c.name not in used and c.trained <= with_room
            ]
            if qualifying:
                break
        else:
            break
        scoring = (
            ScoringContext.build(
                inp,
                ctx.book,
                target=target.muscle,
                deficits=by_muscle,
                patterns_used=tuple(patterns),
                selected=tuple(used),
                compounds=compounds,
            )
            if scoring is None
            else scoring.retarget(  # the scorer's session parts are the same each time
                target=target.muscle,
                patterns_used=tuple(patterns),
                selected=tuple(used),
                compounds=compounds,
            )
        )
        chosen = best(qualifying, scoring)
        # At least one set for a muscle short of its minimum, but never past any MRV.
        room = min([left[m] for m in chosen.trained])
        wanted = math.ceil(target.sets / per_set - MIN_DEFICIT)
        count = math.floor(min(max(1, min(MAX_TOP_UP_SETS, wanted)), room))
        used.append(chosen.name)
        compounds += chosen.compound  # a candidate's `compound` is its facts' (`_candidate`)
        if chosen.pattern is not None:
            patterns.append(chosen.pattern)
        for muscle in chosen.trained:
            booked[muscle] = booked.get(muscle, 0.0) + count
            left[muscle] = room_left = left_this_week[muscle] - booked[muscle]
            if not room_left >= 1:  # as `with_room` tells it (a NaN has no room either)
                with_room.discard(muscle)
        row = _row(ctx, chosen.name, target.muscle, count)
        _book_effective(ctx, load, chosen.name, row.row.sets)
        rows.append(row)
        deficits = _deficits(targets, load)
    return tuple(rows)


def _row(ctx: AccessoryContext, name: str, muscle: MuscleGroup, count: int) -> Planned:
    """A top-up row: its own lift's 1RM, its anchor if any, no fatigue or intensity scaling."""
    inp, book = ctx.inp, ctx.book
    facts = book.facts(name)
    kind = facts.exercise_type
    anchor = None
    weight = 0.0
    weighed = None
    if kind is not ExerciseType.BODYWEIGHT:
        entry = facts.entry  # the catalog entry (`book.lift` reads it)
        own_lift = entry.lift if entry is not None else None
        lift = own_lift or inp.primary_lift
        own_one_rm = (inp.all_one_rm_kg or {}).get(own_lift) if own_lift else None
        one_rm_kg = own_one_rm if own_one_rm is not None else inp.one_rm_kg
        formula_kg = facts.formula_weight_kg(one_rm_kg, lift)
        anchor = resolve_anchor(ctx, name, formula_kg) if inp.aux_history else None
        base = (
            anchor.anchor_kg
            if anchor is not None and anchor.source is not AnchorSource.FORMULA
            else formula_kg
        )
        weight = round_to_increment(base, inp.weight_increment_kg or DEFAULT_INCREMENT_KG)
        weighed = weight_trace(
            facts,
            one_rm_kg=one_rm_kg,
            lift=lift,
            formula_kg=formula_kg,
            base_kg=base,
            factor=1.0,
            final_kg=weight,
        )
    reason = _BELOW_MEV[muscle]
    row = trusted(
        AuxiliaryWork,
        exercise=name,
        sets=straight_sets(count, weight, facts.reps, AUX_RPE),
        skipped=False,
        exercise_type=kind,
        is_top_up=True,
        top_up_reason=reason,
        anchor=anchor.carrier() if anchor else None,
    )
    return Planned(row, row_trace(ctx, row, reason, weighed))


_BELOW_MEV = {m: f"{m.value.replace('_', ' ')} below MEV" for m in MuscleGroup}
