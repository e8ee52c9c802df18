"""The single hard-constraint pass every LLM-derived output goes through (domain-reference §4).

`enforce_hard_constraints(output, inp)` is pure and idempotent: running it on its own result
changes nothing. Each rule warns (with a "[constraint]" prefix) only when it changed something.
Rules, in order:

1. A skip the model asked for stands.
2. Major disruption (ours): a major disruption affecting today's lift means no main lift, as in
   the formula (a deload is left as planned).
   MRV skip: a primary muscle already at its weekly MRV means no main lift (not on a deload,
   which the formula also keeps, deviation D9).
3. Minimum sets: a main lift that is not skipped has at least one set.
4. Recovery mode (ours): worst primary soreness >= 9 on a training day means the formula's
   recovery session (3 x 5 at RPE 5, 40% of the base weight), whatever the model asked.
5. Rounding: every weight is a loadable multiple of the main-lift increment.
6. Weight floor: no set below 40% of the formula base weight.
7. MRV partial cap (ours): no more sets than the muscle's remaining weekly room allows (less
   than one set of room is a skip).
8. Over-reaction guard: without a strong signal (any disruption, or primary soreness >= 7) a
   cut of two or more sets *and* more than 10% load is undone to base - 1 sets at >= 95%,
   judged against what rules 7 and 10 allow.
9. Deload protection (ours): a deload is never longer than the formula's deload.
10. Upper bound (ours): no set above the 1RM (rounded down to a loadable weight), a deload not
    above the formula's deload weight, and no set above the rehab ceiling of today's lift.
    Disruption ceiling (ours, C9): when a minor or moderate disruption changed today's lift in
    the formula pass, the model may go lighter or shorter than the formula's disrupted session,
    never heavier or longer (its cut is a safety rule, not a suggestion).
11. Consistency (ours): warm-ups, main rest, volume and intensity modifiers recomputed from the
    final sets, and the accessories re-derived from the final main lift by the formula's rules
    with the model's `overrides` on top (so a skip, a recovery session or an MRV cap the pass
    imposed reaches the accessories too).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from shared_types.adjustment import AuxOverride
from shared_types.enums import IntensityType
from shared_types.inputs import JITInput
from shared_types.outputs import JITOutput, PlannedSet, RestRecommendations
from training_engine.accessories.build import follow_main_lift
from training_engine.formulas.base_sets import changed_set
from training_engine.formulas.rest import aux_rest_seconds, main_rest
from training_engine.formulas.rounding import format_kg, round_to_increment
from training_engine.formulas.warmup import build_warmup
from training_engine.limits import main_sets_room, mrv_left, rehab_ceiling_kg, weight_ceiling_kg
from training_engine.muscles import primary_contributions
from training_engine.pipeline.state import SessionContext
from training_engine.pipeline.steps.final_sets import recovery_sets
from training_engine.pipeline.steps.soreness import HIGH_FROM, SEVERE_FROM
from training_engine.session import FormulaRun

__all__ = [
    "CONSTRAINT_PREFIX",
    "FLOOR_PCT_OF_BASE",
    "SIGNAL_PREFIX",
    "constraint_violations",
    "disrupted_session",
    "enforce_hard_constraints",
    "mrv_room",
    "signal_lines",
]

FLOOR_PCT_OF_BASE = 0.4
GUARD_MIN_SETS_CUT = 2
GUARD_WEIGHT_BELOW = 0.9
GUARD_RESTORE_PCT = 0.95
CONSTRAINT_PREFIX = "[constraint] "  # the warning of a rule that changed the model's session


def constraint_violations(warnings: Iterable[str]) -> int:
    """How many hard constraints had to change a served session (its `CONSTRAINT_PREFIX`
    warnings): what the bandit's and the oracle's rewards penalise."""
    return sum(w.startswith(CONSTRAINT_PREFIX) for w in warnings)


def mrv_room(inp: JITInput) -> tuple[str, int] | None:
    """The tightest primary muscle and how many main sets its remaining weekly MRV allows."""
    tightest: tuple[str, int] | None = None
    for muscle, room in main_sets_room(inp):
        if tightest is None or room < tightest[1]:
            tightest = (muscle.value, room)
    return tightest


def _with_weight(sets: tuple[PlannedSet, ...], weight: float) -> tuple[PlannedSet, ...]:
    return tuple(changed_set(s, set_number=n, weight_kg=weight) for n, s in enumerate(sets, 1))


def _strong_signal(ctx: SessionContext) -> bool:
    return bool(ctx.inp.active_disruptions) or ctx.worst_soreness >= HIGH_FROM


def _hard_max(ctx: SessionContext, rehab: float | None, disrupted: PlannedSet | None) -> float:
    """The heaviest weight any rule allows today: 1RM ceiling, deload base, rehab ceiling,
    the formula's disrupted session."""
    inp, base = ctx.inp, ctx.base
    limit = weight_ceiling_kg(inp, base.weight_kg, ctx.increment_kg)
    if inp.intensity_type is IntensityType.DELOAD:
        limit = min(limit, base.weight_kg)
    if disrupted is not None:
        limit = min(limit, disrupted.weight_kg)
    return limit if rehab is None else min(limit, rehab)


def disrupted_session(formula: JITOutput) -> tuple[PlannedSet, ...] | None:
    """C9: the formula's main sets when a disruption changed them (its load or its sets), else
    None. A skipped main lift is the major-disruption rule's."""
    trace = formula.trace
    if trace is None or not formula.main_lift_sets:
        return None
    derivation = trace.main_lift.weight_derivation
    loaded = derivation is not None and any(
        m.source == "disruption" and m.multiplier != 1.0 for m in derivation.modifiers
    )
    shortened = any(c.source == "disruption" for c in trace.main_lift.volume_changes)
    return formula.main_lift_sets if loaded or shortened else None


def _main_sets(
    ctx: SessionContext, out: JITOutput, formula: JITOutput, warn: list[str]
) -> tuple[tuple[PlannedSet, ...], bool]:
    """Rules 1-10 on the main sets: (constrained sets, empty = skipped; capped by rehab now)."""
    inp, base, inc = ctx.inp, ctx.base, ctx.increment_kg
    if out.skipped_main_lift:
        return (), False
    deload = inp.intensity_type is IntensityType.DELOAD
    major = ctx.major_disruption
    if major is not None and not deload:
        kind = major.disruption_type.value
        warn.append(f"{CONSTRAINT_PREFIX}Major {kind} disruption — main lift forced skip")
        return (), False
    for muscle, _ in primary_contributions(inp.primary_lift):
        if not deload and mrv_left(inp, muscle) <= 0:
            warn.append(
                f"{CONSTRAINT_PREFIX}MRV exceeded for {muscle.value} — main lift forced skip"
            )
            return (), False
    sets = out.main_lift_sets
    if not sets:
        sets = base.sets[:1]
        warn.append(f"{CONSTRAINT_PREFIX}Minimum 1 working set enforced")

    rehab = rehab_ceiling_kg(inp, inc)
    if not deload and ctx.worst_soreness >= SEVERE_FROM:
        recovery = recovery_sets(ctx, rehab)
        if sets != recovery:
            warn.append(
                f"{CONSTRAINT_PREFIX}Severe soreness ({ctx.worst_soreness}/10) — recovery session"
            )
        return recovery, False

    first = sets[0].weight_kg
    weight = round_to_increment(first, inc) if math.isfinite(first) else base.weight_kg
    weight = max(weight, round_to_increment(base.weight_kg * FLOOR_PCT_OF_BASE, inc))
    disrupted = disrupted_session(formula)
    hard_max = _hard_max(ctx, rehab, disrupted[0] if disrupted else None)

    room = None if deload else mrv_room(inp)
    if room is not None and room[1] < 1:
        warn.append(f"{CONSTRAINT_PREFIX}MRV exceeded for {room[0]} — main lift forced skip")
        return (), False
    limit = room[1] if room is not None else base.count
    if room is not None and len(sets) > limit:
        sets = sets[:limit]
        warn.append(f"{CONSTRAINT_PREFIX}Approaching MRV for {room[0]} — sets capped at {limit}")

    # The guard judges the cut against what today allows (MRV room, weight ceilings), so a cut
    # the hard limits forced is never mistaken for an over-reaction.
    allowed_sets = min(base.count, limit)
    if (
        not deload
        and not _strong_signal(ctx)
        and len(sets) <= allowed_sets - GUARD_MIN_SETS_CUT
        and weight < min(base.weight_kg * GUARD_WEIGHT_BELOW, hard_max)
    ):
        count = max(len(sets), allowed_sets - 1)
        restored = min(
            hard_max, max(weight, round_to_increment(base.weight_kg * GUARD_RESTORE_PCT, inc))
        )
        sets, weight = base.sets[:count], restored
        warn.append(
            f"{CONSTRAINT_PREFIX}Over-reaction guard: no disruption and soreness < 7 — combined "
            "volume + intensity cut clamped to formula envelope "
            f"(restored to {count} set(s) @ {format_kg(weight)}kg)"
        )

    if deload and len(sets) > base.count:
        sets = sets[: base.count]
        warn.append(f"{CONSTRAINT_PREFIX}Deload kept to the planned {base.count} set(s)")
    if disrupted is not None and len(sets) > len(disrupted):
        sets = sets[: len(disrupted)]
        warn.append(
            f"{CONSTRAINT_PREFIX}Disruption — held to the formula's {len(disrupted)} set(s)"
        )

    weight, capped_now = _held(
        weight, hard_max, rehab=rehab, disrupted=disrupted, out=out, warn=warn
    )
    return _with_weight(sets, weight), capped_now


def _held(
    weight: float,
    hard_max: float,
    *,
    rehab: float | None,
    disrupted: tuple[PlannedSet, ...] | None,
    out: JITOutput,
    warn: list[str],
) -> tuple[float, bool]:
    """Rule 10: the weight held at today's upper bound, saying which bound; (weight, capped by
    the rehab ceiling now)."""
    if weight <= hard_max:
        return weight, False
    if rehab is not None and hard_max == rehab:
        if not out.capped_by_rehab:
            warn.append(f"{CONSTRAINT_PREFIX}Capped at {format_kg(rehab)}kg by Rehab Mode")
        return hard_max, True
    if disrupted is not None and hard_max == disrupted[0].weight_kg:
        warn.append(f"{CONSTRAINT_PREFIX}Disruption — weight held at {format_kg(hard_max)}kg")
    else:
        warn.append(
            f"{CONSTRAINT_PREFIX}Weight held at {format_kg(hard_max)}kg, today's upper bound"
        )
    return hard_max, False


# The formula's steps whose reasons a served session must keep (C10): the signals a lifter
# must see acknowledged (DR 9.10: a moderate disruption's line, a menstrual or late-luteal line).
_SIGNAL_SOURCES = frozenset({"cycle_phase", "disruption"})
SIGNAL_PREFIX = "Today's signals, as the formula reads them: "


def signal_lines(formula: JITOutput, rationale: Sequence[str]) -> tuple[str, ...]:
    """C10: the formula's cycle-phase and disruption reasons that the served rationale does not
    already carry, each as one line saying it is the formula's reading (the model's session may
    differ; its load and sets are held by the rules above)."""
    trace = formula.trace
    if trace is None:
        return ()
    derivation = trace.main_lift.weight_derivation
    modifiers = derivation.modifiers if derivation is not None else ()
    wanted = dict.fromkeys(
        [m.reason for m in modifiers if m.source in _SIGNAL_SOURCES]
        + [c.reason for c in trace.main_lift.volume_changes if c.source in _SIGNAL_SOURCES]
    )
    return tuple(
        SIGNAL_PREFIX + reason for reason in wanted if not any(reason in line for line in rationale)
    )


def enforce_hard_constraints(
    output: JITOutput, formula: FormulaRun, overrides: Sequence[AuxOverride] = ()
) -> JITOutput:
    """The constrained session over the formula pass `formula` (its input and context).
    `overrides` are the model's accessory overrides (pass the adjustment's, as
    `adjustment.adjusted_session` does): the accessories are rebuilt from the final main lift
    with them."""
    ctx = formula.ctx
    inp = ctx.inp
    warnings: list[str] = []
    main, capped_now = _main_sets(ctx, output, formula.output, warnings)
    skipped = not main
    rehab = rehab_ceiling_kg(inp, ctx.increment_kg)
    capped = bool(main) and (
        capped_now or (bool(output.capped_by_rehab) and main[0].weight_kg == rehab)
    )
    previous_rest = output.rest_recommendations.main_lift
    rest_seconds = (
        previous_rest[0] if previous_rest else main_rest(inp, ctx.cycled_block).final_seconds
    )
    weight_changed = bool(main) and (
        not output.main_lift_sets or main[0].weight_kg != output.main_lift_sets[0].weight_kg
    )
    if skipped:
        intensity = 0.0
    elif weight_changed:
        intensity = main[0].weight_kg / ctx.base.weight_kg if ctx.base.weight_kg else 1.0
    else:
        intensity = output.intensity_modifier
    accessories = follow_main_lift(
        inp,
        main,
        base_count=ctx.base.count,
        worst_soreness=ctx.worst_soreness,
        intensity_modifier=intensity,
        overrides={o.exercise: o for o in overrides},
    )
    return output.model_copy(
        update={
            "main_lift_sets": main,
            "skipped_main_lift": skipped,
            "warmup_sets": ()
            if skipped
            else build_warmup(inp, main[0].weight_kg, ctx.worst_soreness)[0],
            "auxiliary_work": accessories.rows,
            "rest_recommendations": RestRecommendations(
                main_lift=tuple(rest_seconds for _ in main),
                auxiliary=tuple(aux_rest_seconds(inp) for _ in accessories.rows),
            ),
            "volume_modifier": len(main) / ctx.base.count,
            "intensity_modifier": intensity,
            "rationale": (*output.rationale, *signal_lines(formula.output, output.rationale)),
            "warnings": (*output.warnings, *warnings),
            "capped_by_rehab": True if capped else None,
            "rehab_cap_kg": rehab if capped else None,
        }
    )
