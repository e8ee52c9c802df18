"""Assemble the accessory part of a session: configured pair, compensation, top-ups, trace."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from shared_types.adjustment import AuxOverride
from shared_types.base import trusted
from shared_types.enums import DisruptionType, ExerciseType, IntensityType, Sex
from shared_types.inputs import JITInput
from shared_types.outputs import AuxiliaryWork, PlannedSet
from shared_types.trace import AuxiliaryTrace
from training_engine.accessories.configured import (
    DELOAD_INTENSITY_RATIO,
    DELOAD_VOLUME_RATIO,
    AccessoryContext,
    Planned,
    configured_accessory,
    primary_at_mrv,
    row_trace,
)
from training_engine.accessories.exercises import ExerciseBook, bodyweight_pool
from training_engine.accessories.overrides import overridden_accessory
from training_engine.accessories.top_up import volume_top_ups
from training_engine.formulas.base_sets import straight_sets
from training_engine.muscles import PRIMARY_MUSCLES

__all__ = [
    "DELOAD_ACCESSORIES",
    "MAX_ACTIVE_ACCESSORIES",
    "AccessoryPlan",
    "accessory_context",
    "build_accessories",
    "follow_main_lift",
]

MAX_ACTIVE_ACCESSORIES = 5  # with the main lift, six exercises at most
COMPENSATION_SETS = 3
COMPENSATION_RPE = 7.0
COMPENSATION_REPS = {Sex.MALE: 10, Sex.FEMALE: 15}
COMPENSATION_PER_SESSION = 2
DELOAD_ACCESSORIES = (
    "Deload accessories: two thirds of the usual sets at half the usual load, no top-ups"
)


@dataclass(frozen=True)
class AccessoryPlan:
    rows: tuple[AuxiliaryWork, ...]
    rationale: tuple[str, ...]
    warnings: tuple[str, ...]
    trace: tuple[AuxiliaryTrace, ...]


def accessory_context(
    inp: JITInput,
    *,
    main_set_count: int,
    main_skipped: bool,
    worst_soreness: int,
    volume_ratio: float,
    intensity_ratio: float,
    main_rpe: float | None = None,
) -> AccessoryContext:
    """Deload and missing equipment override the main lift's ratios (§3.12.1). `main_rpe`: the
    main lift's base RPE, when the caller has the formula base at hand."""
    deload = inp.intensity_type is IntensityType.DELOAD
    disruptions = inp.active_disruptions
    no_equipment = bool(disruptions) and any(
        d.disruption_type is DisruptionType.EQUIPMENT_UNAVAILABLE for d in disruptions
    )
    if deload:
        volume_ratio, intensity_ratio = DELOAD_VOLUME_RATIO, DELOAD_INTENSITY_RATIO
    elif no_equipment:
        volume_ratio, intensity_ratio = 1.0, 1.0
    primary = PRIMARY_MUSCLES[inp.primary_lift]
    # `AccessoryContext(...)` with every field set in one go (a frozen dataclass's `__init__`
    # sets each through `object.__setattr__`); built once per generation.
    ctx = _new(AccessoryContext)
    ctx.__dict__.update(
        inp=inp,
        book=ExerciseBook.for_input(inp),
        primary_muscles=primary,
        main_set_count=main_set_count,
        main_skipped=main_skipped,
        soreness=1 if deload else worst_soreness,
        volume_ratio=volume_ratio,
        intensity_ratio=intensity_ratio,
        no_equipment=no_equipment,
        primary_at_mrv=primary_at_mrv(inp, primary, main_set_count),
        main_rpe=main_rpe,
    )
    return ctx


_new = object.__new__


def _active(rows: list[AuxiliaryWork]) -> int:
    return sum(1 for row in rows if not row.skipped)


def _compensation(ctx: AccessoryContext, rows: list[AuxiliaryWork]) -> list[AuxiliaryWork]:
    """Bodyweight work to replace what missing equipment takes away (any soreness); none on a
    day whose main lift is skipped (deviation D15)."""
    if not ctx.no_equipment or ctx.main_skipped:
        return []
    slots = max(0, MAX_ACTIVE_ACCESSORIES - _active(rows))
    names = bodyweight_pool(ctx.inp.primary_lift, ctx.book.sex)[:COMPENSATION_PER_SESSION][:slots]
    reps = COMPENSATION_REPS[ctx.book.sex]
    return [
        trusted(
            AuxiliaryWork,
            exercise=name,
            sets=straight_sets(COMPENSATION_SETS, 0.0, reps, COMPENSATION_RPE),
            skipped=False,
            exercise_type=ExerciseType.BODYWEIGHT,
        )
        for name in names
    ]


def build_accessories(
    ctx: AccessoryContext, overrides: Mapping[str, AuxOverride] | None = None
) -> AccessoryPlan:
    """The session's accessory rows. `overrides` (the LLM path) change configured accessories by
    exact name, on top of the formula's rules (`accessories/overrides.py`)."""
    overrides = overrides or {}
    planned = [
        overridden_accessory(ctx, exercise, overrides[exercise])
        if exercise in overrides
        else configured_accessory(ctx, exercise)
        for exercise in ctx.inp.active_auxiliaries
    ]
    if ctx.no_equipment and not ctx.main_skipped:  # `_compensation` adds nothing otherwise
        planned.extend(
            Planned(
                row,
                row_trace(ctx, row, "bodyweight compensation", rep_source="compensation default"),
            )
            for row in _compensation(ctx, [p.row for p in planned])
        )
    rationale: list[str] = []
    deload = ctx.inp.intensity_type is IntensityType.DELOAD
    if deload and any(not p.row.skipped and p.row.sets for p in planned):
        rationale.append(DELOAD_ACCESSORIES)  # a deload's numbers have reasons too (D13)
    # A skipped main lift is a day off this session: nothing is added to it (deviation D15).
    # Without a pool there is nothing to top up with (`volume_top_ups` returns no rows).
    if not ctx.main_skipped and ctx.inp.auxiliary_pool:
        for top_up in volume_top_ups(ctx, tuple([p.row for p in planned])):
            if _active([p.row for p in planned]) >= MAX_ACTIVE_ACCESSORIES:
                break
            planned.append(top_up)
            rationale.append(f"Added {top_up.row.exercise}: {top_up.row.top_up_reason} this week")
    return AccessoryPlan(
        rows=tuple([p.row for p in planned]),
        rationale=tuple(rationale),
        warnings=tuple([w for p in planned for w in p.warnings]),
        trace=tuple([p.trace for p in planned]),
    )


def follow_main_lift(
    inp: JITInput,
    main: tuple[PlannedSet, ...],
    *,
    base_count: int,
    worst_soreness: int,
    intensity_modifier: float,
    overrides: Mapping[str, AuxOverride] | None = None,
) -> AccessoryPlan:
    """The accessories for a main lift that was not built by the pipeline (the LLM path).

    The same rules as the formula, fed with what the served main lift is: its set count (the
    volume ratio and the MRV skip), its skip, and its intensity modifier.
    """
    return build_accessories(
        accessory_context(
            inp,
            main_set_count=len(main),
            main_skipped=not main,
            worst_soreness=worst_soreness,
            volume_ratio=len(main) / base_count if base_count else 1.0,
            intensity_ratio=intensity_modifier,
        ),
        overrides,
    )
