"""Rows -> API response models and core values (grams become kilograms here and in the
repositories' plain values, through `units.kg`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from api.assembly import default_bar_weight_kg
from api.persistence.tables import (
    ComparisonLogRow,
    DisruptionRow,
    LifterRow,
    LlmCallRow,
    MaxRow,
    ProgramRow,
    RehabCapRow,
    RestOverrideRow,
    SessionReviewRow,
    SessionRow,
    SetLogRow,
    WarmupConfigRow,
)
from api.persistence.units import kg
from api.schemas import (
    ComparisonOut,
    ComparisonSummary,
    DisruptionOut,
    LifterOut,
    LlmCallOut,
    MaxOut,
    PlatesOut,
    ProgramMode,
    ProgramOut,
    ProgramStatus,
    RehabCapOut,
    RestConfig,
    SessionDetail,
    SessionOut,
    SessionReviewOut,
    SetKind,
    SetLogOut,
    WarmupsOut,
)
from shared_types.adjustment import JITAdjustment
from shared_types.config import WarmupProtocol
from shared_types.enums import (
    DisruptionStatus,
    DisruptionType,
    FallbackReason,
    IntensityType,
    Lift,
    Severity,
    Sex,
    StrategyName,
    StrategyUsed,
)
from shared_types.inputs import JITInput, RestOverride, TrainingDisruption
from shared_types.llm import Divergence
from shared_types.outputs import JITOutput
from shared_types.review import GroundedReview, ReviewStatus
from shared_types.trace import PrescriptionTrace
from training_engine.feedback.outcomes import LoggedMainSet
from training_engine.formulas.rounding import PLATES_KG, plate_step_kg

__all__ = [
    "comparison_out",
    "comparison_summary",
    "disruption_out",
    "lifter_out",
    "lifter_sex",
    "llm_call_out",
    "main_sets",
    "max_out",
    "plates_out",
    "program_out",
    "rehab_cap_out",
    "rest_config",
    "rest_override",
    "session_detail",
    "session_out",
    "session_review_out",
    "set_out",
    "to_disruption",
    "warmups_out",
]


def lifter_out(row: LifterRow) -> LifterOut:
    return LifterOut(
        id=row.id,
        name=row.name,
        biological_sex=Sex(row.biological_sex) if row.biological_sex else None,
        date_of_birth=row.date_of_birth,
        bodyweight_kg=kg(row.bodyweight_grams) if row.bodyweight_grams else None,
        bar_weight_kg=kg(row.bar_weight_grams) if row.bar_weight_grams else None,
        available_plates_kg=[kg(g) for g in row.plates_grams] if row.plates_grams else None,
        timezone=row.timezone,
        created_at=row.created_at,
    )


def lifter_sex(row: LifterRow) -> Sex | None:
    return Sex(row.biological_sex) if row.biological_sex else None


def plates_out(row: LifterRow) -> PlatesOut:
    """The lifter's bar and plates, or the defaults (the sex's bar, every plate)."""
    plates = [kg(g) for g in row.plates_grams] if row.plates_grams else list(PLATES_KG)
    return PlatesOut(
        bar_weight_kg=(
            kg(row.bar_weight_grams)
            if row.bar_weight_grams
            else default_bar_weight_kg(lifter_sex(row))
        ),
        available_plates_kg=plates,
        weight_increment_kg=plate_step_kg(plates),
    )


def rest_override(lift: str | None, intensity_type: str | None, rest_seconds: int) -> RestOverride:
    return RestOverride(
        lift=Lift(lift) if lift else None,
        intensity_type=IntensityType(intensity_type) if intensity_type else None,
        rest_seconds=rest_seconds,
    )


def rest_config(rows: Sequence[RestOverrideRow]) -> RestConfig:
    return RestConfig(
        overrides=[rest_override(r.lift, r.intensity_type, r.rest_seconds) for r in rows]
    )


def warmups_out(rows: Mapping[Lift, WarmupConfigRow], default: WarmupProtocol) -> WarmupsOut:
    return WarmupsOut.model_validate(
        {"warmups": {lift.value: row.protocol for lift, row in rows.items()}, "default": default}
    )


def max_out(row: MaxRow) -> MaxOut:
    return MaxOut(
        lift=Lift(row.lift),
        one_rm_kg=kg(row.one_rm_grams),
        source=row.source,
        input_weight_kg=kg(row.input_weight_grams) if row.input_weight_grams else None,
        input_reps=row.input_reps,
        recorded_at=row.recorded_at,
    )


def program_out(row: ProgramRow, sessions_created: int) -> ProgramOut:
    return ProgramOut(
        id=row.id,
        mode=ProgramMode(row.mode),
        status=ProgramStatus(row.status),
        training_days_per_week=row.training_days_per_week,
        total_weeks=row.total_weeks,
        start_date=row.start_date,
        weekdays=list(row.weekdays),
        sessions_created=sessions_created,
        created_at=row.created_at,
    )


def _session_fields(row: SessionRow) -> dict[str, object]:
    return {
        "id": row.id,
        "program_id": row.program_id,
        "week_number": row.week_number,
        "day_number": row.day_number,
        "block_number": row.block_number,
        "planned_date": row.planned_date,
        "primary_lift": Lift(row.primary_lift),
        "intensity_type": IntensityType(row.intensity_type),
        "is_deload": row.is_deload,
        "status": row.status,
        "jit_strategy": row.jit_strategy,
        "fallback_reason": row.fallback_reason,
        "jit_generated_at": row.jit_generated_at,
        "session_rpe": row.session_rpe,
        "started_at": row.started_at,
        "completed_at": row.completed_at,
        "skip_reason": row.skip_reason,
    }


def session_out(row: SessionRow) -> SessionOut:
    return SessionOut.model_validate(_session_fields(row))


def main_sets(rows: Sequence[SetLogRow]) -> list[LoggedMainSet]:
    """The main-lift sets among a session's logged sets, as the core's feedback reads them."""
    return [
        LoggedMainSet(
            set_number=s.set_number,
            weight_kg=kg(s.weight_grams),
            reps=s.reps,
            rpe=s.rpe,
            failed=s.failed,
            pain_limited=s.pain_limited,
            during_rehab=s.during_rehab,
        )
        for s in rows
        if s.kind == SetKind.PRIMARY
    ]


def set_out(row: SetLogRow) -> SetLogOut:
    return SetLogOut(
        id=row.id,
        kind=SetKind(row.kind),
        exercise=row.exercise,
        set_number=row.set_number,
        weight_kg=kg(row.weight_grams),
        reps=row.reps,
        rpe=row.rpe,
        failed=row.failed,
        pain_limited=row.pain_limited,
        during_rehab=row.during_rehab,
        logged_at=row.logged_at,
    )


def llm_call_out(row: LlmCallRow) -> LlmCallOut:
    assert row.id is not None
    return LlmCallOut(
        id=row.id,
        generation_id=row.generation_id,
        lifter_id=row.lifter_id,
        session_id=row.session_id,
        strategy=StrategyName(row.strategy),
        provider=row.provider,
        model=row.model,
        prompt_version=row.prompt_version,
        prompt_chars=row.prompt_chars,
        attempts=row.attempts,
        latency_ms=row.latency_ms,
        deadline_s=row.deadline_s,
        input_tokens=row.input_tokens,
        output_tokens=row.output_tokens,
        usage_known=row.usage_known,
        cost_usd=row.cost_usd,
        cache_hit=row.cache_hit,
        cache_tier=row.cache_tier,  # type: ignore[arg-type]  # checked by the table
        breaker_state=row.breaker_state,  # type: ignore[arg-type]  # checked by the table
        fallback_reason=_fallback(row.fallback_reason),
        detail=row.detail,
        adjustment=(
            JITAdjustment.model_validate(row.adjustment) if row.adjustment is not None else None
        ),
        created_at=row.created_at,
    )


def _fallback(reason: str | None) -> FallbackReason | None:
    return FallbackReason(reason) if reason is not None else None


def _divergence(row: ComparisonLogRow) -> Divergence | None:
    return Divergence.model_validate(row.divergence) if row.divergence is not None else None


def comparison_summary(row: ComparisonLogRow) -> ComparisonSummary:
    return ComparisonSummary(
        strategy_used=StrategyUsed(row.strategy_used),
        shadow=row.shadow,
        fallback_reason=_fallback(row.fallback_reason),
        should_surface_to_user=row.should_surface_to_user,
        divergence=_divergence(row),
    )


def comparison_out(row: ComparisonLogRow) -> ComparisonOut:
    assert row.id is not None
    return ComparisonOut(
        id=row.id,
        generation_id=row.generation_id,
        lifter_id=row.lifter_id,
        session_id=row.session_id,
        strategy=StrategyName(row.strategy),
        strategy_used=StrategyUsed(row.strategy_used),
        shadow=row.shadow,
        fallback_reason=_fallback(row.fallback_reason),
        should_surface_to_user=row.should_surface_to_user,
        divergence=_divergence(row),
        jit_input=JITInput.model_validate(row.jit_input),
        formula_output=JITOutput.model_validate(row.formula_output),
        llm_output=(
            JITOutput.model_validate(row.llm_output) if row.llm_output is not None else None
        ),
        created_at=row.created_at,
    )


def session_detail(
    row: SessionRow,
    sets: list[SetLogRow],
    call: LlmCallRow | None = None,
    comparison: ComparisonLogRow | None = None,
    review: SessionReviewRow | None = None,
) -> SessionDetail:
    return SessionDetail.model_validate(
        {
            **_session_fields(row),
            "prescription": (
                JITOutput.model_validate(row.jit_output) if row.jit_output is not None else None
            ),
            "trace": (
                PrescriptionTrace.model_validate(row.jit_output_trace)
                if row.jit_output_trace is not None
                else None
            ),
            "jit_input_snapshot": row.jit_input_snapshot,
            "sets": [set_out(s) for s in sets],
            "generation_id": row.generation_id,
            "llm_call": llm_call_out(call) if call is not None else None,
            "comparison": comparison_summary(comparison) if comparison is not None else None,
            "review": session_review_out(review) if review is not None else None,
        }
    )


def session_review_out(row: SessionReviewRow) -> SessionReviewOut:
    grounded = GroundedReview.model_validate(row.document) if row.document is not None else None
    return SessionReviewOut(
        status=ReviewStatus(row.status),
        reason=_fallback(row.reason),
        detail=row.detail,
        score=row.score,
        verdict=None if grounded is None else grounded.verdict,
        concerns=[] if grounded is None else list(grounded.concerns),
        dropped_concerns=[] if grounded is None else list(grounded.dropped),
        suggested_overrides=None if grounded is None else grounded.suggested_overrides,
        model=row.model,
        prompt_version=row.prompt_version,
        latency_ms=row.latency_ms,
        input_tokens=row.input_tokens,
        output_tokens=row.output_tokens,
        cost_usd=row.cost_usd,
        created_at=row.created_at,
    )


def disruption_out(row: DisruptionRow) -> DisruptionOut:
    return DisruptionOut(
        id=row.id,
        disruption_type=DisruptionType(row.disruption_type),
        severity=Severity(row.severity),
        affected_lifts=[Lift(x) for x in row.affected_lifts] if row.affected_lifts else None,
        affected_date_start=row.affected_date_start,
        affected_date_end=row.affected_date_end,
        description=row.description,
        event_name=row.event_name,
        status=DisruptionStatus(row.status),
        reported_at=row.reported_at,
        resolved_at=row.resolved_at,
    )


def rehab_cap_out(row: RehabCapRow) -> RehabCapOut:
    return RehabCapOut(
        id=row.id,
        lift=Lift(row.lift),
        cap_kg=kg(row.cap_grams),
        note=row.note,
        planned_end_date=row.planned_end_date,
        started_at=row.started_at,
        ended_at=row.ended_at,
    )


def to_disruption(row: DisruptionRow) -> TrainingDisruption:
    """A stored disruption as the engine's input value."""
    return TrainingDisruption(
        id=row.id,
        user_id=row.lifter_id,
        program_id=row.program_id,
        reported_at=row.reported_at.isoformat(),
        disruption_type=DisruptionType(row.disruption_type),
        severity=Severity(row.severity),
        affected_date_start=row.affected_date_start.isoformat(),
        affected_date_end=row.affected_date_end.isoformat() if row.affected_date_end else None,
        affected_lifts=tuple(Lift(x) for x in row.affected_lifts) if row.affected_lifts else None,
        description=row.description,
        event_name=row.event_name,
        resolved_at=row.resolved_at.isoformat() if row.resolved_at else None,
        status=DisruptionStatus(row.status),
    )
