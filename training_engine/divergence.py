"""How far an LLM session is from the formula's (domain-reference §6.2, plus our measures)."""

from __future__ import annotations

from shared_types.llm import AuxAnchorDivergence, Divergence
from shared_types.outputs import AuxiliaryWork, JITOutput

__all__ = ["AGREE_WEIGHT_PCT", "SURFACE_WEIGHT_PCT", "compute_divergence", "should_surface"]

AGREE_WEIGHT_PCT = 0.10
SURFACE_WEIGHT_PCT = 0.15


def _first_weight(output: JITOutput) -> float:
    return output.main_lift_sets[0].weight_kg if output.main_lift_sets else 0.0


def _row_key(row: AuxiliaryWork) -> tuple[object, ...]:
    return (row.exercise, row.skipped, tuple((s.weight_kg, s.reps) for s in row.sets))


def _overrides(llm: JITOutput) -> tuple[AuxAnchorDivergence, ...] | None:
    found = tuple(
        AuxAnchorDivergence(
            exercise=row.exercise,
            anchor_weight_kg=row.anchor.engine_anchor_kg
            if row.anchor.engine_anchor_kg is not None
            else row.anchor.formula_weight_kg,
            llm_override_weight_kg=row.anchor.anchor_base_kg,
            reason=row.anchor.rationale,
        )
        for row in llm.auxiliary_work
        if row.anchor is not None and row.anchor.from_llm_override
    )
    return found or None


def compute_divergence(formula: JITOutput, llm: JITOutput) -> Divergence:
    formula_weight = _first_weight(formula)
    weight_pct = (
        abs(_first_weight(llm) - formula_weight) / formula_weight if formula_weight else 0.0
    )
    formula_rows = [_row_key(r) for r in formula.auxiliary_work]
    llm_rows = [_row_key(r) for r in llm.auxiliary_work]
    changed = sum(1 for a, b in zip(formula_rows, llm_rows, strict=False) if a != b)
    changed += abs(len(formula_rows) - len(llm_rows))
    return Divergence(
        weight_pct=weight_pct,
        set_delta=len(llm.main_lift_sets) - len(formula.main_lift_sets),
        rpe_context_summary=llm.rationale[0] if llm.rationale else "",
        aux_anchor_overrides=_overrides(llm),
        skip_mismatch=formula.skipped_main_lift != llm.skipped_main_lift,
        intensity_delta=llm.intensity_modifier - formula.intensity_modifier,
        volume_delta=llm.volume_modifier - formula.volume_modifier,
        aux_rows_changed=changed,
        constraint_warnings=sum(1 for w in llm.warnings if w.startswith("[constraint] ")),
    )


def should_surface(divergence: Divergence) -> bool:
    """Agreement (within 10% and the same sets) is not shown; 10-15% is logged, not shown."""
    if divergence.weight_pct <= AGREE_WEIGHT_PCT and divergence.set_delta == 0:
        return False
    return divergence.weight_pct > SURFACE_WEIGHT_PCT or divergence.set_delta != 0
