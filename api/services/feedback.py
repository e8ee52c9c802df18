"""The feedback loop after a session (issue 10): its outcome, and the calibrations it teaches
and the recommendations a person decides.

`record_outcome` runs inside the completion's (or skip's) own write unit, so a finished session
and what was learnt from it are stored together or not at all (with the refreshed load
suggestions, `services.suggestions`). The learning itself is the core's
(`training_engine.feedback`); this module loads, stores and answers. Next-set advice during a
session is `services.coaching`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from api.errors import Conflict
from api.persistence.db import Unit
from api.persistence.mappers import main_sets
from api.persistence.repositories import bandit as bandit_repo
from api.persistence.repositories import config, feedback, lifters
from api.persistence.repositories import sessions as session_repo
from api.persistence.repositories.rows import save
from api.persistence.tables import (
    CalibrationRecommendationRow,
    CalibrationStateRow,
    LoadCalibrationStateRow,
    SessionOutcomeRow,
    SessionRow,
)
from api.schemas import (
    CalibrationOut,
    CalibrationsOut,
    LoadCalibrationOut,
    OutcomeOut,
    OutcomePage,
    RecommendationOut,
    RecommendationPage,
)
from api.services.suggestions import refresh_suggestions
from api.state import AppState
from shared_types.bandit import ArmPosterior, RewardWeights
from shared_types.enums import CalibrationSource, IntensityType, Lift
from shared_types.feedback import (
    CalibrationRecommendation,
    CalibrationRow,
    LoadCalibrationRow,
    SessionOutcome,
)
from shared_types.outputs import JITOutput
from shared_types.trace import PrescriptionTrace
from training_engine.constraints import constraint_violations
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
from training_engine.feedback.load_calibration import (
    applied_load_calibrations,
    learn_load,
    served_correction,
)
from training_engine.feedback.outcomes import session_outcome
from training_engine.routing.bandit import TRUST_REGION as BANDIT_TRUST_REGION
from training_engine.routing.bandit import prior as bandit_prior
from training_engine.routing.bandit import reward as bandit_reward
from training_engine.routing.bandit import update as bandit_update

__all__ = [
    "calibrations",
    "decide_recommendation",
    "list_outcomes",
    "list_recommendations",
    "outcome_out",
    "record_outcome",
]

# --- outcomes and learning ---------------------------------------------------------------------


def record_outcome(
    unit: Unit,
    row: SessionRow,
    now: datetime,
    *,
    learning: bool,
    rewards: RewardWeights | None = None,
) -> None:
    """Stores the finished session's outcome; a completed one then teaches the calibrations
    (when `learning`), rewards the bandit decision that served it (`rewards`: the reward's
    weights), and refreshes the lifter's load suggestions."""
    output_doc, trace_doc, snapshot = feedback.prescription_documents(unit, row.id)
    output = JITOutput.model_validate(output_doc) if output_doc is not None else None
    skipped = row.status == "skipped"
    sent = {
        CalibrationSource(k): float(v)
        for k, v in ((snapshot or {}).get("modifier_calibrations") or {}).items()
    }
    trace = PrescriptionTrace.model_validate(trace_doc) if trace_doc is not None else None
    effects = modifier_effects(trace, sent) if trace is not None else None
    result = session_outcome(
        session_id=row.id,
        lift=Lift(row.primary_lift),
        intensity_type=IntensityType(row.intensity_type),
        prescribed=output.main_lift_sets if output is not None else (),
        logged=() if skipped else main_sets(session_repo.session_sets(unit, row.id)),
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
    if rewards is not None and output is not None:
        _reward_bandit(unit, row.id, result, output, weights=rewards, now=now)
    if learning and result.learnable:
        served = served_correction(trace) if trace is not None else 0.0
        changed = _learn_load(unit, row.lifter_id, result, served, now=now)
        if effects is not None:
            changed = _learn(unit, row.lifter_id, result, effects, now=now) or changed
        if changed:
            config.bump_config_version(unit, row.lifter_id)  # the next generation must see it
    refresh_suggestions(unit, row.lifter_id, now)


def _reward_bandit(
    unit: Unit,
    session_id: str,
    result: SessionOutcome,
    output: JITOutput,
    *,
    weights: RewardWeights,
    now: datetime,
) -> None:
    """The session's open bandit decision gets its reward, and the chosen arm's posterior in
    its context is updated under a row lock (docs/domain/bandit.md). An outcome that cannot be
    rewarded (no RPE, not learnable) leaves the decision open."""
    decision = bandit_repo.open_decision(unit, session_id)
    if decision is None:
        return
    value = bandit_reward(
        result,
        tokens=decision.tokens or 0,
        violations=constraint_violations(output.warnings),
        weights=weights,
    )
    if value is None:
        return
    decision.reward = value
    decision.rewarded_at = now
    posterior = bandit_repo.locked_posterior(
        unit,
        decision.policy_version,
        decision.context_key,
        prior=bandit_prior(decision.chosen),
        now=now,
    )
    learnt = bandit_update(
        ArmPosterior.model_validate(posterior.document), value, trust_region=BANDIT_TRUST_REGION
    )
    posterior.n = learnt.n
    posterior.document = learnt.model_dump(mode="json")
    posterior.updated_at = now
    save(unit, decision, posterior)


def _learn(
    unit: Unit,
    lifter_id: str,
    result: SessionOutcome,
    effects: Sequence[ModifierEffect],
    *,
    now: datetime,
) -> bool:
    """Teaches the modifier calibrations; True when what the engine is sent changed."""
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
    return applied_calibrations(step.rows.values()) != before


def _learn_load(
    unit: Unit, lifter_id: str, result: SessionOutcome, served: float, *, now: datetime
) -> bool:
    """Teaches the load correction of the session's intensity type (F9); True when the applied
    correction changed."""
    kind = result.intensity_type.value
    state = next(
        (
            s
            for s in feedback.load_calibration_states(unit, lifter_id, lock=True)
            if s.intensity_type == kind
        ),
        None,
    )
    row = LoadCalibrationRow.model_validate(state.document) if state is not None else None
    step = learn_load(row, result, served=served)
    if not step.changed or step.row is None:
        return False
    if state is None:
        state = LoadCalibrationStateRow(
            lifter_id=lifter_id, intensity_type=kind, confidence=step.row.confidence.value
        )
    state.applied_adjustment = step.row.applied_adjustment
    state.confidence = step.row.confidence.value
    state.samples = step.row.evidence.samples
    state.document = step.row.model_dump(mode="json")
    state.updated_at = now
    save(unit, state)
    return (row.applied_adjustment if row is not None else None) != step.row.applied_adjustment


def _store_calibration(state: CalibrationStateRow, row: CalibrationRow, now: datetime) -> None:
    state.applied_adjustment = row.applied_adjustment
    state.confidence = row.confidence.value
    state.samples = row.evidence.samples
    state.document = row.model_dump(mode="json")
    state.updated_at = now


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
        load_states = feedback.load_calibration_states(unit, lifter_id)
        loads = [LoadCalibrationRow.model_validate(s.document) for s in load_states]
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
            load_calibrations=[
                LoadCalibrationOut(calibration=r, updated_at=s.updated_at)
                for r, s in zip(loads, load_states, strict=True)
            ],
            applied_load={k.value: v for k, v in applied_load_calibrations(loads).items()},
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
        feedback.still_pending(row.status, "recommendation")
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
