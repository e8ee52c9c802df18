"""`JITOutput`: one prescribed session (domain-reference §2)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from shared_types.base import Frozen
from shared_types.enums import (
    AnchorConfidence,
    AnchorSource,
    ExerciseType,
    FallbackReason,
    StrategyUsed,
)
from shared_types.trace import PrescriptionTrace

__all__ = [
    "AuxAnchor",
    "AuxiliaryWork",
    "JITOutput",
    "LlmRestSuggestion",
    "PlannedSet",
    "RestRecommendations",
    "VolumeReductionSource",
    "VolumeReductionSourceName",
    "VolumeReductions",
    "WarmupSet",
]


class PlannedSet(Frozen):
    set_number: int
    weight_kg: float
    reps: int
    rpe_target: float | None = None
    reps_range: tuple[int, int] | None = None


class WarmupSet(Frozen):
    set_number: int
    weight_kg: float
    display_weight: str
    reps: int
    is_warmup: Literal[True] = True


class AuxAnchor(Frozen):
    source: AnchorSource
    confidence: AnchorConfidence
    formula_weight_kg: float
    sessions_used: int
    rationale: str
    anchor_base_kg: float
    from_llm_override: bool | None = None
    engine_anchor_kg: float | None = None


class AuxiliaryWork(Frozen):
    exercise: str
    sets: tuple[PlannedSet, ...]
    skipped: bool
    skip_reason: str | None = None
    exercise_type: ExerciseType
    is_top_up: bool | None = None
    top_up_reason: str | None = None
    anchor: AuxAnchor | None = None


class RestRecommendations(Frozen):
    main_lift: tuple[int, ...]
    auxiliary: tuple[int, ...]


VolumeReductionSourceName = Literal["readiness", "cycle_phase", "soreness", "disruption"]


class VolumeReductionSource(Frozen):
    source: VolumeReductionSourceName
    sets_removed: int


class VolumeReductions(Frozen):
    total_sets_removed: int
    base_sets_count: int
    sources: tuple[VolumeReductionSource, ...]
    recovery_blocked: bool


class LlmRestSuggestion(Frozen):
    delta_seconds: int
    formula_base_seconds: int


class JITOutput(Frozen):
    session_id: str
    generated_at: datetime | None = None
    main_lift_sets: tuple[PlannedSet, ...]
    warmup_sets: tuple[WarmupSet, ...]
    auxiliary_work: tuple[AuxiliaryWork, ...]
    volume_modifier: float
    intensity_modifier: float
    rationale: tuple[str, ...]
    warnings: tuple[str, ...]
    skipped_main_lift: bool
    rest_recommendations: RestRecommendations
    jit_strategy: StrategyUsed | None = None
    fallback_reason: FallbackReason | None = None
    llm_rest_suggestion: LlmRestSuggestion | None = None
    volume_reductions: VolumeReductions | None = None
    capped_by_rehab: bool | None = None
    rehab_cap_kg: float | None = None
    trace: PrescriptionTrace | None = None
