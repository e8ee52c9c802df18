"""The formula session: run the main-lift pipeline, build the accessories, assemble the output
and its trace.

`formula_run` is the one formula pass of a generation. Its `FormulaRun` (the context, the
pipeline's final state and the traced output) is handed to everything that needs the formula's
view of the input: the prompt, `apply_adjustment`, the constraint pass, the served trace of an
LLM output, hybrid's comparison and every fallback. No strategy runs the formula twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from shared_types.base import trusted
from shared_types.enums import IntensityType, StrategyUsed
from shared_types.inputs import JITInput
from shared_types.outputs import (
    JITOutput,
    RestRecommendations,
    VolumeReductions,
    VolumeReductionSource,
    VolumeReductionSourceName,
)
from shared_types.trace import (
    MainLiftTrace,
    PrescriptionTrace,
    RepSource,
    RestTrace,
    SetTrace,
    WarmupTrace,
    WeightDerivation,
)
from training_engine.accessories.build import AccessoryPlan, accessory_context, build_accessories
from training_engine.formulas.rest import rest_trace as rest_for
from training_engine.formulas.warmup import build_warmup
from training_engine.pipeline.run import run_main_lift
from training_engine.pipeline.state import PipelineState, SessionContext

__all__ = ["FormulaRun", "formula_run", "formula_session"]

RECOVERY_INTENSITY_MODIFIER = 0.4
_FORMULA = StrategyUsed.FORMULA.value  # the trace's strategy label (an enum's `.value` is a call)
_REDUCTION_ORDER: tuple[VolumeReductionSourceName, ...] = (
    "readiness",
    "cycle_phase",
    "soreness",
    "disruption",
)


def _volume_reductions(ctx: SessionContext, state: PipelineState) -> VolumeReductions | None:
    removed = dict(state.sets_removed)
    if not removed:
        return None
    sources = tuple(
        trusted(VolumeReductionSource, source=name, sets_removed=removed[name])
        for name in _REDUCTION_ORDER
        if removed.get(name, 0) > 0
    )
    total = sum(s.sets_removed for s in sources)
    if total == 0:
        return None
    return trusted(
        VolumeReductions,
        total_sets_removed=total,
        base_sets_count=ctx.base.count,
        sources=sources,
        recovery_blocked=state.recovery_mode,
    )


def _trace(
    ctx: SessionContext,
    state: PipelineState,
    *,
    rationale: tuple[str, ...],
    warnings: tuple[str, ...],
    rest_trace: RestTrace,
    warmup: WarmupTrace | None,
    accessories: AccessoryPlan,
) -> PrescriptionTrace:
    inp = ctx.inp
    deload = inp.intensity_type is IntensityType.DELOAD
    final_multiplier = 1.0
    for modifier in state.modifiers:
        final_multiplier *= modifier.multiplier
    main = state.sets
    rep_source: RepSource = (
        "recovery" if state.recovery_mode else ("rpe_history" if state.rep_override else "config")
    )
    derivation = trusted(
        WeightDerivation,
        one_rm_kg=inp.one_rm_kg,
        stored_one_rm_kg=inp.stored_one_rm_kg,
        working_one_rm_kg=inp.one_rm_kg if inp.stored_one_rm_kg is not None else None,
        one_rm_source=inp.one_rm_source,
        block_pct=ctx.base.pct,
        base_weight_kg=ctx.base.weight_kg,
        modifiers=state.modifiers,
        final_multiplier=final_multiplier,
        final_weight_kg=main[0].weight_kg if main else 0.0,
    )
    return trusted(
        PrescriptionTrace,
        session_id=inp.session_id,
        strategy=_FORMULA,
        primary_lift=inp.primary_lift,
        intensity_type=inp.intensity_type,
        block_number=inp.block_number,
        one_rm_kg=inp.one_rm_kg,
        rationale=rationale,
        warnings=warnings,
        base_config=None if deload else ctx.base.trace,
        main_lift=trusted(
            MainLiftTrace,
            weight_derivation=derivation,
            volume_changes=state.volume_changes,
            sets=tuple(
                [
                    _set_trace(s.set_number, s.weight_kg, s.reps, s.rpe_target, rep_source)
                    for s in main
                ]
            ),
            is_recovery_mode=state.recovery_mode,
            is_skipped=state.skipped,
        ),
        auxiliaries=accessories.trace,
        warmup=warmup,
        rest=rest_trace,
    )


# The small values below recur across sessions and are frozen: memoised, one shared instance each.


@lru_cache(maxsize=4096, typed=True)
def _set_trace(
    set_number: int, weight_kg: float, reps: int, rpe_target: float, rep_source: RepSource
) -> SetTrace:
    return trusted(
        SetTrace,
        set_number=set_number,
        weight_kg=weight_kg,
        reps=reps,
        rpe_target=rpe_target,
        rep_source=rep_source,
    )


@lru_cache(maxsize=1024, typed=True)
def _rest_recommendations(
    main_seconds: int, main_sets: int, aux_seconds: int, aux_rows: int
) -> RestRecommendations:
    return trusted(
        RestRecommendations,
        main_lift=(main_seconds,) * main_sets,
        auxiliary=(aux_seconds,) * aux_rows,
    )


@dataclass(frozen=True, slots=True)
class FormulaRun:
    """One formula pass over `inp`: what the pipeline saw, what it decided, what it served."""

    ctx: SessionContext
    state: PipelineState
    output: JITOutput  # labelled `formula`, carrying its trace

    @property
    def inp(self) -> JITInput:
        return self.ctx.inp

    @property
    def trace(self) -> PrescriptionTrace:
        assert self.output.trace is not None  # formula_run always traces
        return self.output.trace


def formula_session(inp: JITInput) -> JITOutput:
    """The deterministic prescription for one session (parakeet's formula strategy)."""
    return formula_run(inp).output


def formula_run(inp: JITInput) -> FormulaRun:
    """The formula pass: the main-lift pipeline, warm-ups, accessories, rest and the trace."""
    ctx, state = run_main_lift(inp)
    main = state.sets
    warmup_sets, warmup_trace = (
        build_warmup(inp, main[0].weight_kg, ctx.worst_soreness) if main else ((), None)
    )
    accessories = build_accessories(
        accessory_context(
            inp,
            main_set_count=len(main),
            main_skipped=state.skipped,
            worst_soreness=ctx.worst_soreness,
            volume_ratio=state.planned_count / ctx.base.count,
            intensity_ratio=state.intensity_multiplier,
            main_rpe=ctx.base.rpe_target,
        )
    )
    rests = rest_for(inp, ctx.cycled_block)
    rest, aux_rest = rests.main_lift, rests.auxiliary_seconds
    rationale = (*state.rationale, *accessories.rationale)
    warnings = (*state.warnings, *accessories.warnings)
    trace = _trace(
        ctx,
        state,
        rationale=rationale,
        warnings=warnings,
        rest_trace=rests,
        warmup=warmup_trace,
        accessories=accessories,
    )
    output = trusted(
        JITOutput,
        session_id=inp.session_id,
        generated_at=inp.now,
        main_lift_sets=main,
        warmup_sets=warmup_sets,
        auxiliary_work=accessories.rows,
        volume_modifier=len(main) / ctx.base.count if ctx.base.count else 1.0,
        intensity_modifier=RECOVERY_INTENSITY_MODIFIER
        if state.recovery_mode
        else state.intensity_multiplier,
        rationale=rationale,
        warnings=warnings,
        skipped_main_lift=state.skipped,
        rest_recommendations=_rest_recommendations(
            rest.final_seconds, len(main), aux_rest, len(accessories.rows)
        ),
        jit_strategy=StrategyUsed.FORMULA,
        volume_reductions=_volume_reductions(ctx, state),
        capped_by_rehab=True if state.rehab_cap_kg is not None else None,
        rehab_cap_kg=state.rehab_cap_kg,
        trace=trace,
    )
    return FormulaRun(ctx=ctx, state=state, output=output)
