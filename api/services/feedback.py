"""The feedback loop around a session (issue 10): its outcome, what the engine learns from it,
the load suggestions it supports, and the next-set advice given while it runs.

`record_outcome` runs inside the completion's (or skip's) own write unit, so a finished session
and what was learnt from it are stored together or not at all. The learning itself is the core's
(`training_engine.feedback`); this module loads, stores and answers.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from api.errors import Conflict, ErrorDetail, InvalidRequest
from api.persistence.db import Unit
from api.persistence.mappers import lifter_sex, max_out
from api.persistence.repositories import config, feedback, lifters
from api.persistence.repositories import sessions as session_repo
from api.persistence.repositories.rows import save
from api.persistence.tables import (
    CalibrationRecommendationRow,
    CalibrationStateRow,
    LoadSuggestionRow,
    MaxRow,
    SessionOutcomeRow,
    SessionRow,
    SetAdviceRow,
    SetLogRow,
)
from api.persistence.units import grams, kg
from api.schemas import (
    AdviceOut,
    CalibrationOut,
    CalibrationsOut,
    OutcomeOut,
    OutcomePage,
    RecommendationOut,
    RecommendationPage,
    SuggestionOut,
)
from api.services.floors import at_least_the_bar
from api.state import AppState
from shared_types.enums import CalibrationSource, IntensityType, Lift
from shared_types.feedback import (
    CalibrationRecommendation,
    CalibrationRow,
    LoadSuggestion,
    SessionOutcome,
    SetAdvice,
)
from shared_types.outputs import JITOutput, PlannedSet
from shared_types.trace import PrescriptionTrace
from training_engine.feedback.calibration import (
    BASELINE_WINDOW,
    ModifierEffect,
    accept,
    applied_calibrations,
    baseline_error,
    is_neutral,
    learn,
    modifier_effects,
)
from training_engine.feedback.coaching import LoggedSetView, SetContext, next_set_advice
from training_engine.feedback.outcomes import LoggedMainSet, session_outcome
from training_engine.feedback.suggestions import load_suggestions
from training_engine.formulas.rounding import plate_step_kg

__all__ = [
    "advise",
    "calibrations",
    "decide_advice",
    "decide_recommendation",
    "decide_suggestion",
    "list_outcomes",
    "list_recommendations",
    "list_suggestions",
    "outcome_out",
    "record_outcome",
]

SUGGESTION_WINDOW = 12  # completed-session outcomes a suggestion may look back on
_DEFAULT_INCREMENT_KG = 2.5


# --- outcomes and learning ---------------------------------------------------------------------


def record_outcome(unit: Unit, row: SessionRow, now: datetime, *, learning: bool) -> None:
    """Stores the finished session's outcome; a completed one then teaches the calibrations
    (when `learning`) and refreshes the lifter's load suggestions."""
    output_doc, trace_doc, snapshot = feedback.prescription_documents(unit, row.id)
    output = JITOutput.model_validate(output_doc) if output_doc is not None else None
    skipped = row.status == "skipped"
    sent = {
        CalibrationSource(k): float(v)
        for k, v in ((snapshot or {}).get("modifier_calibrations") or {}).items()
    }
    effects = (
        modifier_effects(PrescriptionTrace.model_validate(trace_doc), sent)
        if trace_doc is not None
        else None
    )
    result = session_outcome(
        session_id=row.id,
        lift=Lift(row.primary_lift),
        intensity_type=IntensityType(row.intensity_type),
        prescribed=output.main_lift_sets if output is not None else (),
        logged=() if skipped else _main_sets(session_repo.session_sets(unit, row.id)),
        skipped=skipped,
        skip_reason=row.skip_reason,
        session_rpe=row.session_rpe,
        is_deload=row.is_deload,
        rehab_capped=bool(output is not None and output.capped_by_rehab),
    )
    fields: dict[str, Any] = {
        "lift": result.lift.value,
        "intensity_type": result.intensity_type.value,
        "status": result.status,
        "learnable": result.learnable,
        "neutral": is_neutral(effects) if effects is not None else None,
        "mean_rpe_error": result.mean_rpe_error,
        "completion_ratio": result.completion_ratio,
        "outcome": result.model_dump(mode="json"),
        "recorded_at": now,
    }
    stored = feedback.outcome(unit, row.id)
    if stored is None:
        stored = SessionOutcomeRow(session_id=row.id, lifter_id=row.lifter_id, **fields)
    else:  # completed again after a correction: the newest outcome stands
        for name, value in fields.items():
            setattr(stored, name, value)
    save(unit, stored)
    if skipped:
        return
    if learning and result.learnable and effects is not None:
        _learn(unit, row.lifter_id, result, effects, now=now)
    _refresh_suggestions(unit, row.lifter_id, now)


def _main_sets(rows: Sequence[SetLogRow]) -> list[LoggedMainSet]:
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
        if s.kind == "primary"
    ]


def _learn(
    unit: Unit,
    lifter_id: str,
    result: SessionOutcome,
    effects: Sequence[ModifierEffect],
    *,
    now: datetime,
) -> None:
    states = {CalibrationSource(s.source): s for s in feedback.calibration_states(unit, lifter_id)}
    rows = {source: CalibrationRow.model_validate(s.document) for source, s in states.items()}
    baseline = baseline_error(
        feedback.neutral_errors(
            unit,
            lifter_id,
            result.intensity_type.value,
            other_than=result.session_id,
            limit=BASELINE_WINDOW,
        )
    )
    dismissed = {
        source: s.dismissed_at_samples
        for source, s in states.items()
        if s.dismissed_at_samples is not None
    }
    step = learn(rows, result, effects, baseline=baseline, dismissed=dismissed)
    before = applied_calibrations(rows.values())
    for source in step.changed:
        learnt = step.rows[source]
        state = states.get(source) or CalibrationStateRow(
            lifter_id=lifter_id, source=source.value, confidence=learnt.confidence.value
        )
        _store_calibration(state, learnt, now)
        save(unit, state)
    pending = {
        CalibrationSource(p.source): p for p in feedback.pending_recommendations(unit, lifter_id)
    }
    for source, recommendation in step.recommendations.items():
        earlier = pending.get(source)
        if earlier is not None:
            earlier.status = "superseded"
            earlier.decided_at = now
            save(unit, earlier)
        save(
            unit,
            CalibrationRecommendationRow(
                id=str(uuid.uuid4()),
                lifter_id=lifter_id,
                source=source.value,
                document=recommendation.model_dump(mode="json"),
                created_at=now,
            ),
        )
    if applied_calibrations(step.rows.values()) != before:
        config.bump_config_version(unit, lifter_id)  # the next generation must see it


def _store_calibration(state: CalibrationStateRow, row: CalibrationRow, now: datetime) -> None:
    state.applied_adjustment = row.applied_adjustment
    state.confidence = row.confidence.value
    state.samples = row.evidence.samples
    state.document = row.model_dump(mode="json")
    state.updated_at = now


def _refresh_suggestions(unit: Unit, lifter_id: str, now: datetime) -> None:
    """Replaces each lift's pending suggestion with what the newest outcomes support now (a
    suggestion the evidence no longer supports is superseded)."""
    lifter = lifters.lifter(unit, lifter_id)
    maxes = {lift: kg(m.one_rm_grams) for lift, m in lifters.current_maxes(unit, lifter_id).items()}
    outcomes = [
        SessionOutcome.model_validate(o.outcome)
        for o in feedback.recent_outcomes(unit, lifter_id, SUGGESTION_WINDOW)
    ]
    increment = (
        plate_step_kg([kg(g) for g in lifter.plates_grams])
        if lifter.plates_grams
        else _DEFAULT_INCREMENT_KG
    )
    fresh = {
        s.lift: s
        for s in load_suggestions(
            outcomes, sex=lifter_sex(lifter), current_maxes=maxes, increment_kg=increment
        )
    }
    for old in feedback.pending_suggestions(unit, lifter_id):
        new = fresh.get(Lift(old.lift))
        if new is not None and LoadSuggestion.model_validate(old.document) == new:
            del fresh[new.lift]  # still the same suggestion
            continue
        old.status = "superseded"
        old.decided_at = now
        save(unit, old)
    for suggestion in fresh.values():
        save(
            unit,
            LoadSuggestionRow(
                id=str(uuid.uuid4()),
                lifter_id=lifter_id,
                lift=suggestion.lift.value,
                kind=suggestion.kind,
                document=suggestion.model_dump(mode="json"),
                created_at=now,
            ),
        )


def outcome_out(row: SessionOutcomeRow) -> OutcomeOut:
    return OutcomeOut(
        outcome=SessionOutcome.model_validate(row.outcome), recorded_at=row.recorded_at
    )


def list_outcomes(
    state: AppState, lifter_id: str, *, lift: Lift | None, limit: int, offset: int
) -> OutcomePage:
    with state.db.read() as unit:
        total, rows = feedback.outcome_page(
            unit, lifter_id, lift=lift.value if lift else None, limit=limit, offset=offset
        )
        return OutcomePage(
            items=[outcome_out(r) for r in rows], total=total, limit=limit, offset=offset
        )


# --- calibrations and their recommendations ----------------------------------------------------


def _recommendation_out(row: CalibrationRecommendationRow) -> RecommendationOut:
    return RecommendationOut(
        id=row.id,
        status=row.status,  # type: ignore[arg-type]  # the table's check constraint
        recommendation=CalibrationRecommendation.model_validate(row.document),
        created_at=row.created_at,
        decided_at=row.decided_at,
    )


def calibrations(state: AppState, lifter_id: str) -> CalibrationsOut:
    with state.db.read() as unit:
        lifters.lifter(unit, lifter_id)  # 404 for an admin asking after an unknown lifter
        states = feedback.calibration_states(unit, lifter_id)
        rows = [CalibrationRow.model_validate(s.document) for s in states]
        return CalibrationsOut(
            learning=state.settings.calibration_learning,
            calibrations=[
                CalibrationOut(calibration=r, updated_at=s.updated_at)
                for r, s in zip(rows, states, strict=True)
            ],
            applied={k.value: v for k, v in applied_calibrations(rows).items()},
            pending=[
                _recommendation_out(r) for r in feedback.pending_recommendations(unit, lifter_id)
            ],
        )


def list_recommendations(
    state: AppState, lifter_id: str, *, status: str | None, limit: int, offset: int
) -> RecommendationPage:
    with state.db.read() as unit:
        total, rows = feedback.recommendation_page(
            unit, lifter_id, status=status, limit=limit, offset=offset
        )
        return RecommendationPage(
            items=[_recommendation_out(r) for r in rows], total=total, limit=limit, offset=offset
        )


def _still_pending(status: str, what: str) -> None:
    if status != feedback.PENDING:
        raise Conflict(f"the {what} is already {status}")


def decide_recommendation(
    state: AppState, lifter_id: str, recommendation_id: str, *, accepted: bool
) -> RecommendationOut:
    """Accepting applies the recommended adjustment (the next generation sends it); dismissing
    holds back new recommendations for the source until more sessions have taught it."""
    now = state.clock()
    with state.db.write() as unit:
        row = feedback.own_recommendation(unit, lifter_id, recommendation_id)
        if row.status == ("accepted" if accepted else "dismissed"):
            return _recommendation_out(row)  # a retried request
        _still_pending(row.status, "recommendation")
        recommendation = CalibrationRecommendation.model_validate(row.document)
        states = {s.source: s for s in feedback.calibration_states(unit, lifter_id)}
        calibration = states.get(row.source)
        if calibration is None:  # a recommendation always follows a learnt row
            raise Conflict("the calibration this recommendation was for no longer exists")
        learnt = CalibrationRow.model_validate(calibration.document)
        if accepted:
            _store_calibration(calibration, accept(learnt, recommendation), now)
            config.bump_config_version(unit, lifter_id)
        else:
            calibration.dismissed_at_samples = learnt.evidence.samples
        row.status = "accepted" if accepted else "dismissed"
        row.decided_at = now
        save(unit, calibration, row)
        return _recommendation_out(row)


# --- load suggestions --------------------------------------------------------------------------


def _suggestion_out(row: LoadSuggestionRow, made: MaxRow | None = None) -> SuggestionOut:
    return SuggestionOut(
        id=row.id,
        status=row.status,  # type: ignore[arg-type]  # the table's check constraint
        suggestion=LoadSuggestion.model_validate(row.document),
        created_at=row.created_at,
        decided_at=row.decided_at,
        max=max_out(made) if made is not None else None,
    )


def list_suggestions(state: AppState, lifter_id: str) -> list[SuggestionOut]:
    """The pending load suggestions (at most one per lift)."""
    with state.db.read() as unit:
        return [_suggestion_out(r) for r in feedback.pending_suggestions(unit, lifter_id)]


def decide_suggestion(
    state: AppState, lifter_id: str, suggestion_id: str, *, accepted: bool
) -> SuggestionOut:
    """Accepting a load change appends the suggested max (source `load_suggestion`; the
    suggestion keeps its id); a completion flag has no max to set and is only acknowledged."""
    now = state.clock()
    with state.db.write() as unit:
        row = feedback.own_suggestion(unit, lifter_id, suggestion_id)
        if row.status == ("accepted" if accepted else "dismissed"):
            return _suggestion_out(row)
        _still_pending(row.status, "suggestion")
        suggestion = LoadSuggestion.model_validate(row.document)
        made = None
        if accepted and suggestion.suggested_max_kg is not None:
            at_least_the_bar(
                unit, lifter_id, suggestion.suggested_max_kg, "suggestion", "the suggested max"
            )
            made = MaxRow(
                lifter_id=lifter_id,
                lift=suggestion.lift.value,
                one_rm_grams=grams(suggestion.suggested_max_kg),
                source="load_suggestion",
                recorded_at=now,
            )
            save(unit, made)
            row.max_id = made.id
            config.bump_config_version(unit, lifter_id)
        row.status = "accepted" if accepted else "dismissed"
        row.decided_at = now
        save(unit, row)
        return _suggestion_out(row, made)


# --- next-set advice ---------------------------------------------------------------------------


def _advice_out(row: SetAdviceRow) -> AdviceOut:
    return AdviceOut(
        id=row.id,
        status=row.status,  # type: ignore[arg-type]  # the table's check constraint
        after_set_number=row.after_set_number,
        advice=SetAdvice.model_validate(row.document),
        created_at=row.created_at,
        decided_at=row.decided_at,
    )


def session_advice(unit: Unit, session_id: str) -> list[AdviceOut]:
    return [_advice_out(r) for r in feedback.advice(unit, session_id)]


def advise(unit: Unit, row: SessionRow, set_number: int, now: datetime) -> AdviceOut | None:
    """After a main-lift set: expires the advice still on offer and offers the next, if any."""
    earlier = feedback.advice(unit, row.id)
    for old in earlier:
        if old.status == "offered":
            old.status = "expired"
            old.decided_at = now
            save(unit, old)
    output_doc, trace_doc, snapshot = feedback.prescription_documents(unit, row.id)
    if output_doc is None or snapshot is None:
        return None
    output = JITOutput.model_validate(output_doc)
    trace = PrescriptionTrace.model_validate(trace_doc) if trace_doc is not None else None
    reductions = output.volume_reductions
    context = SetContext(
        lift=Lift(row.primary_lift),
        one_rm_kg=float(snapshot["one_rm_kg"]),
        increment_kg=float(snapshot.get("weight_increment_kg") or _DEFAULT_INCREMENT_KG),
        bar_kg=float(snapshot.get("bar_weight_kg") or 20.0),
        prescribed=output.main_lift_sets,
        logged=tuple(
            LoggedSetView(
                set_number=s.set_number,
                weight_kg=kg(s.weight_grams),
                reps=s.reps,
                rpe=s.rpe,
                failed=s.failed,
            )
            for s in session_repo.session_sets(unit, row.id)
            if s.kind == "primary"
        ),
        is_deload=row.is_deload,
        recovery_mode=bool(trace is not None and trace.main_lift.is_recovery_mode),
        rehab_capped=bool(output.capped_by_rehab),
        already_adjusted=any(
            a.status == "accepted" and a.kind.startswith("increase") for a in earlier
        ),
        sets_removed=reductions.total_sets_removed if reductions is not None else 0,
        recovery_blocked=bool(reductions is not None and reductions.recovery_blocked),
    )
    advice = next_set_advice(context)
    if advice is None:
        return None
    offered = SetAdviceRow(
        id=str(uuid.uuid4()),
        lifter_id=row.lifter_id,
        session_id=row.id,
        after_set_number=set_number,
        kind=advice.kind,
        document=advice.model_dump(mode="json"),
        created_at=now,
    )
    save(unit, offered)
    return _advice_out(offered)


def decide_advice(
    state: AppState, lifter_id: str, session_id: str, advice_id: str, *, accepted: bool
) -> AdviceOut:
    """Accepting rewrites the session's remaining main sets (and adds the offered ones) in the
    stored prescription, with a rationale line saying so; declining only records it."""
    now = state.clock()
    with state.db.write() as unit:
        row = session_repo.own_session(unit, lifter_id, session_id, lock=True, documents=True)
        offered = feedback.own_advice(unit, lifter_id, session_id, advice_id)
        if offered.status == ("accepted" if accepted else "declined"):
            return _advice_out(offered)
        if offered.status != "offered":
            raise Conflict(f"the advice is {offered.status}: a newer set replaced it")
        if row.status != "in_progress":
            raise Conflict(f"the session is {row.status.replace('_', ' ')}")
        advice = SetAdvice.model_validate(offered.document)
        if accepted:
            if row.jit_output is None:
                raise InvalidRequest(
                    "the session has no prescription",
                    [ErrorDetail(path="session_id", message="generate the session first")],
                )
            row.jit_output = _revised(
                JITOutput.model_validate(row.jit_output), advice, offered.after_set_number
            )
            row.updated_at = now
        offered.status = "accepted" if accepted else "declined"
        offered.decided_at = now
        save(unit, row, offered)
        return _advice_out(offered)


def _revised(output: JITOutput, advice: SetAdvice, after_set: int) -> dict[str, Any]:
    """The stored prescription with the advice applied: remaining sets replaced, offered sets
    appended, the rest before every set after `after_set` adjusted, and a rationale line that
    records the change."""
    replaced = {s.set_number: s for s in advice.remaining_sets}
    sets: list[PlannedSet] = [replaced.get(s.set_number, s) for s in output.main_lift_sets]
    sets.extend(advice.added_sets)
    rest = list(output.rest_recommendations.main_lift)
    base_rest = rest[-1] if rest else 0
    rest.extend([base_rest] * (len(sets) - len(rest)))
    if advice.rest_delta_seconds:
        rest = [
            r + advice.rest_delta_seconds if s.set_number > after_set else r
            for s, r in zip(sets, rest, strict=False)
        ]
    revised = output.model_copy(
        update={
            "main_lift_sets": tuple(sets),
            "rest_recommendations": output.rest_recommendations.model_copy(
                update={"main_lift": tuple(rest)}
            ),
            "rationale": (*output.rationale, f"Adjusted during the session: {advice.message}"),
        }
    )
    return revised.model_dump(mode="json", exclude={"trace"})
