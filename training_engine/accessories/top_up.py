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
from dataclasses import dataclass
from functools import lru_cache

from shared_types.base import trusted
from shared_types.enums import (
    AnchorSource,
    DisruptionType,
    ExerciseType,
    IntensityType,
    Lift,
    MuscleGroup,
)
from shared_types.outputs import AuxiliaryWork
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
from training_engine.formulas.base_sets import straight_sets
from training_engine.formulas.rounding import round_to_increment
from training_engine.limits import mrv_left
from training_engine.muscles import LIFT_CONTRIBUTIONS, MUSCLES, PRIMARY_MUSCLES

__all__ = ["MAX_TOP_UP_MUSCLES", "MAX_TOP_UP_SETS", "Deficit", "muscle_deficits", "volume_top_ups"]

MAX_TOP_UP_MUSCLES = 2
MAX_TOP_UP_SETS = 3
FULL_CREDIT = 1.0
PUSH = frozenset({MuscleGroup.CHEST, MuscleGroup.TRICEPS, MuscleGroup.SHOULDERS})
# Disruption types whose affected lifts keep their exercises out of top-ups.
EXCLUDING_DISRUPTIONS = frozenset({DisruptionType.INJURY, DisruptionType.UNPROGRAMMED_EVENT})


@dataclass(frozen=True)
class Deficit:
    muscle: MuscleGroup
    sets: float  # below this session's (pro-rated) MEV
    mev: float


def muscle_deficits(ctx: AccessoryContext) -> tuple[Deficit, ...]:
    """Muscles that will still be short of MEV after today's main sets (canonical order)."""
    inp = ctx.inp
    lift = inp.primary_lift
    credit: dict[MuscleGroup, float] = {}
    for muscle, contribution in LIFT_CONTRIBUTIONS[lift]:
        credit[muscle] = credit.get(muscle, 0.0) + contribution
    primary = PRIMARY_MUSCLES[lift]
    landmarks, main_sets = inp.mrv_mev_config, ctx.main_set_count
    index, total = inp.session_index, inp.total_sessions_this_week
    found = []
    for muscle in MUSCLES:
        if muscle in primary:
            continue
        mev = landmarks[muscle].mev
        if mev <= 0:
            continue
        from_main = credit.get(muscle, 0.0)
        projected = inp.weekly_sets(muscle) + math.floor(main_sets * from_main)
        if muscle in PUSH and from_main == 0:
            target = mev  # push work is front-loaded on squat and deadlift days
        elif index and total:
            target = math.ceil(mev * index / total)
        else:
            target = mev
        deficit = target - projected
        if deficit > 0:
            found.append(Deficit(muscle, deficit, mev))
    return tuple(found)


def _targets(deficits: tuple[Deficit, ...]) -> list[Deficit]:
    core = next((d for d in deficits if d.muscle is MuscleGroup.CORE), None)
    others = sorted(
        (d for d in deficits if d.muscle is not MuscleGroup.CORE),
        key=lambda d: -(d.sets / d.mev),
    )
    return [core, *others[:1]] if core else others[:MAX_TOP_UP_MUSCLES]


def _blocked_lifts(ctx: AccessoryContext) -> set[Lift]:
    blocked = set(ctx.inp.upcoming_lifts or ())
    for disruption in ctx.inp.active_disruptions:
        if disruption.disruption_type in EXCLUDING_DISRUPTIONS:
            blocked.update(disruption.affected_lifts or ())
    return blocked


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
    pool: tuple[str, ...], blocked: frozenset[Lift]
) -> Mapping[MuscleGroup, tuple[Candidate, ...]] | None:
    """`_by_muscle` of a pool of catalog exercises without the blocked lifts' (None when the pool
    names other exercises: those depend on the lifter's own maps)."""
    resolved = _catalog_candidates(pool)
    if any(isinstance(item, str) for item in resolved):
        return None
    return _by_muscle(c for c in resolved if isinstance(c, Candidate) and c.lift not in blocked)


def _eligible(
    ctx: AccessoryContext, pool: tuple[str, ...]
) -> Mapping[MuscleGroup, tuple[Candidate, ...]]:
    """Pool exercises that can be top-ups today, by the muscles they train fully: not timed, not
    belonging to a blocked lift."""
    blocked = frozenset(_blocked_lifts(ctx))
    catalog_only = _catalog_by_muscle(pool, blocked)
    if catalog_only is not None:
        return catalog_only
    resolved = (
        _candidate(ctx.book, item) if isinstance(item, str) else item
        for item in _catalog_candidates(pool)
    )
    return _by_muscle(c for c in resolved if c is not None and c.lift not in blocked)


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
    """Top-ups after the `earlier` rows of the session (configured and compensation work)."""
    inp = ctx.inp
    pool = inp.auxiliary_pool or ()
    if not pool or inp.intensity_type is IntensityType.DELOAD:
        return ()
    deficits = muscle_deficits(ctx)
    targets = _targets(deficits)
    if not targets:
        return ()
    by_muscle = {d.muscle: d.sets for d in deficits}
    eligible = _eligible(ctx, pool)
    left_this_week = _mrv_left(ctx)
    used = list(inp.active_auxiliaries)
    patterns: list[str] = []
    booked = _session_load(ctx, earlier)
    rows: list[Planned] = []
    for target in targets:
        # Sets left under each muscle's MRV, counting today (deviation D8); an exercise has the
        # room of the tightest muscle it trains fully, and needs room for one set.
        left = {m: room - booked.get(m, 0.0) for m, room in left_this_week.items()}
        with_room = frozenset(m for m, room in left.items() if room >= 1)
        qualifying = [
            c
            for c in eligible.get(target.muscle, ())
            if c.name not in used and c.trained <= with_room
        ]
        if not qualifying:
            continue
        scoring = ScoringContext.build(
            inp,
            ctx.book,
            target=target.muscle,
            deficits=by_muscle,
            patterns_used=tuple(patterns),
            selected=tuple(used),
        )
        chosen = best(qualifying, scoring)
        # At least one set for a muscle short of its minimum, but never past any MRV.
        room = min(left[m] for m in chosen.trained)
        count = math.floor(min(max(1.0, min(MAX_TOP_UP_SETS, target.sets)), room))
        used.append(chosen.name)
        if chosen.pattern is not None:
            patterns.append(chosen.pattern)
        for muscle in chosen.trained:
            booked[muscle] = booked.get(muscle, 0.0) + count
        rows.append(_row(ctx, chosen.name, target.muscle, count))
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
        own_lift = book.lift(name)
        lift = own_lift or inp.primary_lift
        own_one_rm = (inp.all_one_rm_kg or {}).get(own_lift) if own_lift else None
        one_rm_kg = own_one_rm if own_one_rm is not None else inp.one_rm_kg
        formula_kg = facts.formula_weight_kg(one_rm_kg, lift)
        anchor = resolve_anchor(ctx, name, formula_kg)
        base = (
            anchor.anchor_kg
            if anchor is not None and anchor.source is not AnchorSource.FORMULA
            else formula_kg
        )
        weight = round_to_increment(base, ctx.increment_kg)
        weighed = weight_trace(
            facts,
            one_rm_kg=one_rm_kg,
            lift=lift,
            formula_kg=formula_kg,
            base_kg=base,
            factor=1.0,
            final_kg=weight,
        )
    reason = f"{muscle.value.replace('_', ' ')} below MEV"
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
