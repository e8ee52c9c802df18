"""The feedback loop: session outcomes, learnt calibrations and their recommendations, load
suggestions, and the decision on next-set advice (issue 10). Lifters act on their own; an admin
may decide a lifter's calibration recommendations too."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from api.auth import CurrentLifter, RequireAdmin
from api.routes.common import ERRORS, Id, Limit, Offset
from api.schemas import (
    AdviceOut,
    CalibrationsOut,
    OutcomePage,
    RecommendationOut,
    RecommendationPage,
    SuggestionOut,
)
from api.services import coaching, feedback, suggestions
from api.state import app_state
from shared_types.enums import Lift

router = APIRouter(prefix="/v1/me", tags=["feedback"], responses=ERRORS)
admin = APIRouter(
    prefix="/v1/lifters", tags=["admin"], dependencies=[RequireAdmin], responses=ERRORS
)

Decision = Literal["accept", "dismiss"]
RecommendationStatus = Literal["pending", "accepted", "dismissed", "superseded"]


@router.get("/outcomes", response_model=OutcomePage)
def list_outcomes(
    request: Request,
    lifter_id: CurrentLifter,
    lift: Annotated[Lift | None, Query()] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> OutcomePage:
    """What each finished session showed, newest first: per main set the RPE error (actual -
    target), reps and sets done against prescribed, failures; skipped sessions with their
    reason. `learnable` says whether learning may use it (rehab and pain-limited work do not)."""
    return feedback.list_outcomes(
        app_state(request), lifter_id, lift=lift, limit=limit, offset=offset
    )


@router.get("/calibrations", response_model=CalibrationsOut)
def get_calibrations(request: Request, lifter_id: CurrentLifter) -> CalibrationsOut:
    """The learnt calibration per modifier source, what the next generation sends the engine,
    and the recommendations waiting for a decision."""
    return feedback.calibrations(app_state(request), lifter_id)


@router.get("/calibrations/recommendations", response_model=RecommendationPage)
def list_recommendations(
    request: Request,
    lifter_id: CurrentLifter,
    status: RecommendationStatus | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> RecommendationPage:
    return feedback.list_recommendations(
        app_state(request), lifter_id, status=status, limit=limit, offset=offset
    )


@router.post(
    "/calibrations/recommendations/{recommendation_id}/{decision}",
    response_model=RecommendationOut,
)
def decide_recommendation(
    request: Request, lifter_id: CurrentLifter, recommendation_id: Id, decision: Decision
) -> RecommendationOut:
    """Accept (the adjustment is applied from the next generation on) or dismiss (no new
    recommendation for the source until more sessions have taught it). 409 once decided
    otherwise or superseded."""
    return feedback.decide_recommendation(
        app_state(request), lifter_id, recommendation_id, accepted=decision == "accept"
    )


@router.get("/suggestions", response_model=list[SuggestionOut])
def list_suggestions(request: Request, lifter_id: CurrentLifter) -> list[SuggestionOut]:
    """Pending load suggestions, at most one per lift: a run of sessions too hard or too easy
    for their target RPE suggests -2.5 % or +2.5 % on the max; low completion is flagged."""
    return suggestions.list_suggestions(app_state(request), lifter_id)


@router.post("/suggestions/{suggestion_id}/{decision}", response_model=SuggestionOut)
def decide_suggestion(
    request: Request, lifter_id: CurrentLifter, suggestion_id: Id, decision: Decision
) -> SuggestionOut:
    """Accepting a load change records the suggested max (source `load_suggestion`)."""
    return suggestions.decide_suggestion(
        app_state(request), lifter_id, suggestion_id, accepted=decision == "accept"
    )


@router.post("/sessions/{session_id}/advice/{advice_id}/{decision}", response_model=AdviceOut)
def decide_advice(
    request: Request,
    lifter_id: CurrentLifter,
    session_id: Id,
    advice_id: Id,
    decision: Literal["accept", "decline"],
) -> AdviceOut:
    """Accepting rewrites the remaining prescribed main sets (recorded in the session's
    prescription and its advice list); only the advice on offer can be decided (409 once a
    newer set replaced it)."""
    return coaching.decide_advice(
        app_state(request), lifter_id, session_id, advice_id, accepted=decision == "accept"
    )


@admin.get("/{lifter_id}/calibrations", response_model=CalibrationsOut)
def admin_calibrations(request: Request, lifter_id: Id) -> CalibrationsOut:
    return feedback.calibrations(app_state(request), lifter_id)


@admin.post(
    "/{lifter_id}/calibrations/recommendations/{recommendation_id}/{decision}",
    response_model=RecommendationOut,
)
def admin_decide_recommendation(
    request: Request, lifter_id: Id, recommendation_id: Id, decision: Decision
) -> RecommendationOut:
    """An admin's decision on a lifter's calibration recommendation (as the lifter's own)."""
    return feedback.decide_recommendation(
        app_state(request), lifter_id, recommendation_id, accepted=decision == "accept"
    )
