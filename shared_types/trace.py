"""`PrescriptionTrace`: why every number is what it is (domain-reference §2.1).

Every pipeline step appends to it; the session row stores it beside the output so a session can
be explained and replayed. Modifiers are recorded with their *default* multiplier (before any
per-athlete calibration) so calibration learning measures the uncalibrated signal.
"""

from __future__ import annotations

from typing import Literal

from shared_types.base import Frozen
from shared_types.enums import AnchorSource, IntensityType, Lift, OneRmSource

__all__ = [
    "AuxRepSource",
    "AuxWeightTrace",
    "AuxiliaryTrace",
    "BaseConfigTrace",
    "MainLiftTrace",
    "MainRestTrace",
    "ModifierTrace",
    "PrescriptionTrace",
    "RepSource",
    "RestTrace",
    "SetTrace",
    "VolumeChangeTrace",
    "WarmupStepTrace",
    "WarmupTrace",
    "WeightDerivation",
]

ModifierSource = Literal[
    "load_calibration",
    "rpe_history",
    "readiness",
    "wearable-readiness",
    "cycle_phase",
    "soreness",
    "disruption",
]
VolumeChangeSource = Literal[
    "volume_calibration",
    "rpe_history",
    "readiness",
    "wearable-readiness",
    "cycle_phase",
    "soreness",
    "disruption",
    "mrv_cap",
]
RepSource = Literal["config", "rpe_history", "recovery"]
AuxRepSource = Literal["exercise catalog", "sex default", "compensation default", "timed"]


class BaseConfigTrace(Frozen):
    sets: int
    reps: int
    reps_max: int | None = None
    pct: float


class ModifierTrace(Frozen):
    source: ModifierSource
    multiplier: float
    reason: str


class WeightDerivation(Frozen):
    one_rm_kg: float
    stored_one_rm_kg: float | None = None
    working_one_rm_kg: float | None = None
    one_rm_source: OneRmSource | None = None
    block_pct: float
    base_weight_kg: float
    modifiers: tuple[ModifierTrace, ...]
    final_multiplier: float
    final_weight_kg: float


class VolumeChangeTrace(Frozen):
    source: VolumeChangeSource
    sets_before: int
    sets_after: int
    reason: str


class SetTrace(Frozen):
    set_number: int
    weight_kg: float
    reps: int
    rpe_target: float | None
    rep_source: RepSource


class MainLiftTrace(Frozen):
    weight_derivation: WeightDerivation | None
    volume_changes: tuple[VolumeChangeTrace, ...]
    sets: tuple[SetTrace, ...]
    is_recovery_mode: bool
    is_skipped: bool


class AuxWeightTrace(Frozen):
    """How an accessory load was reached: 1RM x catalog share (or an anchor), x load factor."""

    one_rm_kg: float
    one_rm_lift: Lift
    catalog_pct: float
    scaling_method: Literal["linear", "sqrt"]
    formula_weight_kg: float
    base_weight_kg: float  # the anchor when history is trusted or blended, else the formula
    load_factor: float  # post-main fatigue x main-lift intensity ratio (1 for top-ups)
    final_weight_kg: float


class AuxiliaryTrace(Frozen):
    exercise: str
    selection_reason: str
    weight_trace: AuxWeightTrace | None
    reps: int
    rep_source: AuxRepSource
    sets: int
    skipped: bool
    skip_reason: str | None = None
    anchor_source: AnchorSource | None = None


class WarmupStepTrace(Frozen):
    pct: float
    weight_kg: float
    reps: int


class WarmupTrace(Frozen):
    working_weight_kg: float
    protocol_name: str
    steps: tuple[WarmupStepTrace, ...]


class MainRestTrace(Frozen):
    formula_base_seconds: int
    user_override_seconds: int | None
    llm_delta_seconds: int | None
    final_seconds: int


class RestTrace(Frozen):
    main_lift: MainRestTrace
    auxiliary_seconds: int


class PrescriptionTrace(Frozen):
    session_id: str
    strategy: str
    primary_lift: Lift
    intensity_type: IntensityType
    block_number: int
    one_rm_kg: float
    rationale: tuple[str, ...]
    warnings: tuple[str, ...]
    base_config: BaseConfigTrace | None
    main_lift: MainLiftTrace
    auxiliaries: tuple[AuxiliaryTrace, ...]
    warmup: WarmupTrace | None
    rest: RestTrace
