"""The configured accessories of the day (domain-reference §3.12).

Each accessory follows the main lift: its sets scale with the share of main sets kept and its
load with the main intensity (both capped at 1, boosts never inflate accessories), it is
discounted when the main lift already tired its muscles, and it is skipped when the main lift
is skipped, the lifter is severely sore, or the day's primary muscles are at their MRV.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from shared_types.base import trusted
from shared_types.enums import AnchorSource, ExerciseType, IntensityType, Lift, MuscleGroup
from shared_types.inputs import JITInput
from shared_types.outputs import AuxiliaryWork
from shared_types.trace import AuxiliaryTrace, AuxRepSource, AuxWeightTrace
from training_engine.accessories.anchor import AnchorResult, compute_anchor, find_history
from training_engine.accessories.exercises import ExerciseBook, ExerciseFacts
from training_engine.formulas.base_sets import straight_sets
from training_engine.formulas.rounding import (
    DEFAULT_INCREMENT_KG,
    round_half_up,
    round_to_increment,
)
from training_engine.limits import mrv_left
from training_engine.muscles import LIFT_CONTRIBUTIONS
from training_engine.pipeline.steps.soreness import SEVERE_FROM

__all__ = [
    "AUX_RPE",
    "BASE_SETS",
    "DELOAD_INTENSITY_RATIO",
    "DELOAD_VOLUME_RATIO",
    "FATIGUE_FACTORS",
    "SKIP_MAIN_SKIPPED",
    "SKIP_SEVERE_SORENESS",
    "AccessoryContext",
    "Planned",
    "configured_accessory",
    "primary_at_mrv",
    "resolve_anchor",
    "row_trace",
]

BASE_SETS = 3
AUX_RPE = 7.5
TIMED_RPE = 7.0
FATIGUE_OVERLAP_MIN = 0.5
DELOAD_VOLUME_RATIO = 0.67
DELOAD_INTENSITY_RATIO = 0.5

# Share of the load kept when the accessory trains muscles the main lift just worked
# (heavier main work tires more).
FATIGUE_FACTORS = {
    IntensityType.HEAVY: 0.85,
    IntensityType.REP: 0.90,
    IntensityType.EXPLOSIVE: 0.95,
    IntensityType.DELOAD: 1.0,
}

SKIP_MAIN_SKIPPED = "Main lift skipped — auxiliary suppressed"
SKIP_SEVERE_SORENESS = "Severe soreness — auxiliary exercise skipped"


@dataclass(frozen=True)
class AccessoryContext:
    """What every accessory decision reads, computed once per session."""

    inp: JITInput
    book: ExerciseBook
    primary_muscles: tuple[MuscleGroup, ...]
    main_set_count: int
    main_skipped: bool
    soreness: int  # the worst primary soreness, or 1 on a deload
    volume_ratio: float
    intensity_ratio: float
    no_equipment: bool
    # The first of today's primary muscles with less than one set of MRV room left after the
    # main sets (it stops every accessory that is not timed); worked out at construction.
    primary_at_mrv: MuscleGroup | None = field(init=False)
    # The main lift's base RPE when the caller has it (top-ups count the main sets at it);
    # None: worked out from the input (`formula_base`).
    main_rpe: float | None = None

    def __post_init__(self) -> None:
        at_mrv = primary_at_mrv(self.inp, self.primary_muscles, self.main_set_count)
        object.__setattr__(self, "primary_at_mrv", at_mrv)

    @property
    def increment_kg(self) -> float:
        return self.inp.weight_increment_kg or DEFAULT_INCREMENT_KG


def primary_at_mrv(
    inp: JITInput, primary_muscles: tuple[MuscleGroup, ...], main_set_count: int
) -> MuscleGroup | None:
    """The first primary muscle with less than one set of MRV room left after the main sets."""
    for muscle in primary_muscles:
        if mrv_left(inp, muscle) - main_set_count < 1:
            return muscle
    return None


class Planned(NamedTuple):
    """A prescribed accessory row, the warnings it raised, and why its numbers are what they are."""

    row: AuxiliaryWork
    trace: AuxiliaryTrace
    warnings: tuple[str, ...] = ()


def row_trace(
    ctx: AccessoryContext,
    row: AuxiliaryWork,
    reason: str,
    weight: AuxWeightTrace | None = None,
    rep_source: AuxRepSource | None = None,
) -> AuxiliaryTrace:
    first = row.sets[0] if row.sets else None
    entry = ctx.book.entry(row.exercise)
    if rep_source is not None:
        pass
    elif row.exercise_type is ExerciseType.TIMED:
        rep_source = "timed"
    elif entry is not None and entry.rep_target is not None:
        rep_source = "exercise catalog"
    else:
        rep_source = "sex default"
    return trusted(
        AuxiliaryTrace,
        exercise=row.exercise,
        selection_reason=row.skip_reason if row.skipped and row.skip_reason else reason,
        weight_trace=weight,
        reps=first.reps if first else 0,
        rep_source=rep_source,
        sets=len(row.sets),
        skipped=row.skipped,
        skip_reason=row.skip_reason,
        anchor_source=row.anchor.source if row.anchor else None,
    )


def weight_trace(
    facts: ExerciseFacts,
    *,
    one_rm_kg: float,
    lift: Lift,
    formula_kg: float,
    base_kg: float,
    factor: float,
    final_kg: float,
) -> AuxWeightTrace:
    return trusted(
        AuxWeightTrace,
        one_rm_kg=one_rm_kg,
        one_rm_lift=lift,
        catalog_pct=facts.weight_pct,
        scaling_method=facts.scaling,
        formula_weight_kg=formula_kg,
        base_weight_kg=base_kg,
        load_factor=factor,
        final_weight_kg=final_kg,
    )


def resolve_anchor(
    ctx: AccessoryContext, exercise: str, formula_weight_kg: float
) -> AnchorResult | None:
    if not ctx.inp.aux_history:
        return None
    history = find_history(ctx.inp.aux_history, ctx.book.slug(exercise), exercise)
    if not history:
        return None
    return compute_anchor(formula_weight_kg, history, ctx.inp.now)


def _skipped(
    exercise: str, kind: ExerciseType, reason: str, anchor: AnchorResult | None
) -> AuxiliaryWork:
    return trusted(
        AuxiliaryWork,
        exercise=exercise,
        sets=(),
        skipped=True,
        skip_reason=reason,
        exercise_type=kind,
        anchor=anchor.carrier() if anchor else None,
    )


_MAIN_MUSCLES = {lift: frozenset(m for m, _ in LIFT_CONTRIBUTIONS[lift]) for lift in Lift}


@lru_cache(maxsize=1024)
def _tired_by_main_lift(muscles: tuple[tuple[MuscleGroup, float], ...], lift: Lift) -> bool:
    """Memoised on the exercise's muscle credits and the lift (small frozen values)."""
    main_muscles = _MAIN_MUSCLES[lift]
    return any(c >= FATIGUE_OVERLAP_MIN and m in main_muscles for m, c in muscles)


def configured_accessory(
    ctx: AccessoryContext,
    exercise: str,
    override: Callable[[AnchorResult | None, float], AnchorResult] | None = None,
) -> Planned:
    """One configured accessory, the warnings it raises and its trace.

    `override` (the LLM path) replaces the engine's anchor: it receives the engine's anchor (or
    None) and the catalog load, and returns the anchor to start from.
    """
    inp = ctx.inp
    lift = inp.primary_lift
    facts = ctx.book.facts(exercise)
    kind = facts.exercise_type
    formula_kg = facts.formula_weight_kg(inp.one_rm_kg, lift)
    anchor = resolve_anchor(ctx, exercise, formula_kg) if inp.aux_history else None
    if override is not None:
        anchor = override(anchor, formula_kg)

    reason = "configured accessory"
    if ctx.main_skipped:
        row = _skipped(exercise, kind, SKIP_MAIN_SKIPPED, anchor)
        return Planned(row, row_trace(ctx, row, reason))
    if ctx.soreness >= SEVERE_FROM:
        row = _skipped(exercise, kind, SKIP_SEVERE_SORENESS, anchor)
        return Planned(row, row_trace(ctx, row, reason))
    muscle = ctx.primary_at_mrv if kind is not ExerciseType.TIMED else None
    if muscle is not None:
        warning = f"Approaching MRV for {muscle.value} — {exercise} skipped"
        row = _skipped(exercise, kind, f"MRV approaching for {muscle.value}", anchor)
        return Planned(row, row_trace(ctx, row, reason), (warning,))
    if kind is ExerciseType.TIMED:
        (timed,) = straight_sets(1, 0.0, 0, TIMED_RPE)
        row = trusted(
            AuxiliaryWork,
            exercise=exercise,
            sets=(timed,),
            skipped=False,
            exercise_type=kind,
            anchor=anchor.carrier() if anchor else None,
        )
        return Planned(row, row_trace(ctx, row, reason))

    factor = 1.0
    history_trusted = anchor is not None and anchor.replaces_formula
    if ctx.main_set_count > 0 and not history_trusted and _tired_by_main_lift(facts.muscles, lift):
        factor *= FATIGUE_FACTORS[inp.intensity_type]
    # Both ratios clamped to [0, 1] (`min(1.0, max(0.0, ratio))`, NaN to 0.0 as there).
    volume = ctx.volume_ratio
    if not 0.0 < volume < 1.0:
        volume = 1.0 if volume >= 1.0 else 0.0
    intensity = ctx.intensity_ratio
    factor *= intensity if 0.0 < intensity < 1.0 else 1.0 if intensity >= 1.0 else 0.0
    count = max(1, round_half_up(BASE_SETS * volume)) + (1 if ctx.no_equipment else 0)

    weighed: AuxWeightTrace | None = None
    if kind is ExerciseType.BODYWEIGHT:
        weight = 0.0
    else:
        base = (
            anchor.anchor_kg
            if anchor is not None and anchor.source is not AnchorSource.FORMULA
            else formula_kg
        )
        inc = inp.weight_increment_kg or DEFAULT_INCREMENT_KG  # `ctx.increment_kg`
        weight = round_to_increment(round_to_increment(base, inc) * factor, inc)
        weighed = weight_trace(
            facts,
            one_rm_kg=inp.one_rm_kg,
            lift=lift,
            formula_kg=formula_kg,
            base_kg=base,
            factor=factor,
            final_kg=weight,
        )
    sets = straight_sets(count, weight, facts.reps, AUX_RPE)
    row = trusted(
        AuxiliaryWork,
        exercise=exercise,
        sets=sets,
        skipped=False,
        exercise_type=kind,
        anchor=anchor.carrier() if anchor else None,
    )
    return Planned(row, row_trace(ctx, row, reason, weighed))
