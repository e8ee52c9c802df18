"""The feedback loop: session outcomes, learned calibrations and their recommendations, load
suggestions and next-set advice. Every document column holds a `shared_types.feedback` model."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from api.errors import Conflict, NotFound
from api.persistence.db import Unit
from api.persistence.tables import (
    CalibrationRecommendationRow,
    CalibrationStateRow,
    LoadCalibrationStateRow,
    LoadSuggestionRow,
    SessionOutcomeRow,
    SessionRow,
    SetAdviceRow,
)
from shared_types.enums import Lift

__all__ = [
    "PENDING",
    "advice",
    "calibration_states",
    "decided_evidence",
    "latest_advice",
    "load_calibration_states",
    "neutral_errors",
    "outcome",
    "outcome_page",
    "own_advice",
    "own_recommendation",
    "own_suggestion",
    "pending_recommendations",
    "pending_suggestions",
    "prescription_documents",
    "recent_outcomes",
    "recommendation_page",
    "still_pending",
]

PENDING = "pending"


def still_pending(status: str, what: str) -> None:
    """409 unless the recommendation or suggestion is still waiting for a decision."""
    if status != PENDING:
        raise Conflict(f"the {what} is already {status}")


Document = Mapping[str, Any]


def prescription_documents(
    unit: Unit, session_id: str
) -> tuple[Document | None, Document | None, Document | None]:
    """The stored output, trace and input snapshot of one session (only the completion reads
    them: the outcome needs the prescribed sets, learning the trace and the calibrations sent)."""
    row = unit.exec(
        select(
            SessionRow.jit_output, SessionRow.jit_output_trace, SessionRow.jit_input_snapshot
        ).where(SessionRow.id == session_id)
    ).one()
    return row[0], row[1], row[2]


def outcome(unit: Unit, session_id: str) -> SessionOutcomeRow | None:
    return unit.get(SessionOutcomeRow, session_id)


def outcome_page(
    unit: Unit, lifter_id: str, *, lift: str | None, limit: int, offset: int
) -> tuple[int, list[SessionOutcomeRow]]:
    """The lifter's outcomes, newest first, one page, and how many match."""
    conditions = [SessionOutcomeRow.lifter_id == lifter_id]
    if lift is not None:
        conditions.append(SessionOutcomeRow.lift == lift)
    total = unit.exec(select(func.count()).select_from(SessionOutcomeRow).where(*conditions)).one()
    rows = unit.exec(
        select(SessionOutcomeRow)
        .where(*conditions)
        .order_by(
            col(SessionOutcomeRow.recorded_at).desc(), col(SessionOutcomeRow.session_id).desc()
        )
        .offset(offset)
        .limit(limit)
    ).all()
    return total, list(rows)


def recent_outcomes(
    unit: Unit, lifter_id: str, limit: int, *, since: datetime | None = None
) -> list[SessionOutcomeRow]:
    """The lifter's newest completed-session outcomes (what load suggestions read), newest
    first; with `since`, only those recorded from then on."""
    query = select(SessionOutcomeRow).where(
        SessionOutcomeRow.lifter_id == lifter_id, SessionOutcomeRow.status == "completed"
    )
    if since is not None:
        query = query.where(col(SessionOutcomeRow.recorded_at) >= since)
    return list(
        unit.exec(
            query.order_by(
                col(SessionOutcomeRow.recorded_at).desc(), col(SessionOutcomeRow.session_id).desc()
            ).limit(limit)
        ).all()
    )


def decided_evidence(unit: Unit, lifter_id: str, *, since: datetime) -> dict[Lift, set[str]]:
    """Per lift, the sessions the lifter's accepted or dismissed suggestions (decided since
    `since`) were made from (G11: evidence counts once)."""
    rows = unit.exec(
        select(LoadSuggestionRow.lift, LoadSuggestionRow.document).where(
            LoadSuggestionRow.lifter_id == lifter_id,
            col(LoadSuggestionRow.status).in_(("accepted", "dismissed")),
            col(LoadSuggestionRow.decided_at) >= since,
        )
    ).all()
    used: dict[Lift, set[str]] = {}
    for lift, document in rows:
        used.setdefault(Lift(lift), set()).update(document.get("sessions", ()))
    return used


def neutral_errors(
    unit: Unit, lifter_id: str, intensity_type: str, *, other_than: str, limit: int
) -> list[float]:
    """The mean RPE errors of the lifter's newest learnable neutral sessions of this intensity
    (F7's baseline), newest first, leaving out session `other_than`."""
    rows = unit.exec(
        select(SessionOutcomeRow.mean_rpe_error)
        .where(
            SessionOutcomeRow.lifter_id == lifter_id,
            SessionOutcomeRow.intensity_type == intensity_type,
            SessionOutcomeRow.session_id != other_than,
            col(SessionOutcomeRow.learnable).is_(True),
            col(SessionOutcomeRow.neutral).is_(True),
            col(SessionOutcomeRow.mean_rpe_error).is_not(None),
        )
        .order_by(
            col(SessionOutcomeRow.recorded_at).desc(), col(SessionOutcomeRow.session_id).desc()
        )
        .limit(limit)
    ).all()
    return [error for error in rows if error is not None]


def calibration_states(unit: Unit, lifter_id: str) -> list[CalibrationStateRow]:
    return list(
        unit.exec(
            select(CalibrationStateRow)
            .where(CalibrationStateRow.lifter_id == lifter_id)
            .order_by(col(CalibrationStateRow.source))
        ).all()
    )


def load_calibration_states(
    unit: Unit, lifter_id: str, *, lock: bool = False
) -> list[LoadCalibrationStateRow]:
    """The lifter's load corrections (`lock`: for update, so two completions of the lifter's
    sessions apply their steps one after the other)."""
    query = (
        select(LoadCalibrationStateRow)
        .where(LoadCalibrationStateRow.lifter_id == lifter_id)
        .order_by(col(LoadCalibrationStateRow.intensity_type))
    )
    return list(unit.exec(query.with_for_update() if lock else query).all())


def pending_recommendations(unit: Unit, lifter_id: str) -> list[CalibrationRecommendationRow]:
    return list(
        unit.exec(
            select(CalibrationRecommendationRow).where(
                CalibrationRecommendationRow.lifter_id == lifter_id,
                CalibrationRecommendationRow.status == PENDING,
            )
        ).all()
    )


def recommendation_page(
    unit: Unit, lifter_id: str, *, status: str | None, limit: int, offset: int
) -> tuple[int, list[CalibrationRecommendationRow]]:
    conditions = [CalibrationRecommendationRow.lifter_id == lifter_id]
    if status is not None:
        conditions.append(CalibrationRecommendationRow.status == status)
    total = unit.exec(
        select(func.count()).select_from(CalibrationRecommendationRow).where(*conditions)
    ).one()
    rows = unit.exec(
        select(CalibrationRecommendationRow)
        .where(*conditions)
        .order_by(
            col(CalibrationRecommendationRow.created_at).desc(),
            col(CalibrationRecommendationRow.id),
        )
        .offset(offset)
        .limit(limit)
    ).all()
    return total, list(rows)


def own_recommendation(
    unit: Unit, lifter_id: str, recommendation_id: str
) -> CalibrationRecommendationRow:
    row = unit.exec(
        select(CalibrationRecommendationRow)
        .where(
            CalibrationRecommendationRow.id == recommendation_id,
            CalibrationRecommendationRow.lifter_id == lifter_id,
        )
        .with_for_update()
    ).first()
    if row is None:
        raise NotFound("calibration recommendation not found")
    return row


def pending_suggestions(unit: Unit, lifter_id: str) -> list[LoadSuggestionRow]:
    return list(
        unit.exec(
            select(LoadSuggestionRow)
            .where(LoadSuggestionRow.lifter_id == lifter_id, LoadSuggestionRow.status == PENDING)
            .order_by(col(LoadSuggestionRow.created_at), col(LoadSuggestionRow.id))
        ).all()
    )


def own_suggestion(unit: Unit, lifter_id: str, suggestion_id: str) -> LoadSuggestionRow:
    row = unit.exec(
        select(LoadSuggestionRow)
        .where(LoadSuggestionRow.id == suggestion_id, LoadSuggestionRow.lifter_id == lifter_id)
        .with_for_update()
    ).first()
    if row is None:
        raise NotFound("load suggestion not found")
    return row


def advice(unit: Unit, session_id: str) -> Sequence[SetAdviceRow]:
    """Every piece of advice offered in a session, in the order it was offered."""
    return unit.exec(
        select(SetAdviceRow)
        .where(SetAdviceRow.session_id == session_id)
        .order_by(col(SetAdviceRow.created_at), col(SetAdviceRow.id))
    ).all()


def latest_advice(unit: Unit, session_id: str) -> SetAdviceRow | None:
    rows = advice(unit, session_id)
    return rows[-1] if rows else None


def own_advice(unit: Unit, lifter_id: str, session_id: str, advice_id: str) -> SetAdviceRow:
    row = unit.exec(
        select(SetAdviceRow).where(
            SetAdviceRow.id == advice_id,
            SetAdviceRow.session_id == session_id,
            SetAdviceRow.lifter_id == lifter_id,
        )
    ).first()
    if row is None:
        raise NotFound("advice not found")
    return row
