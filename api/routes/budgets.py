"""Daily model budgets, read-only for the admin (issue 11): the global day and a lifter's."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request

from api.auth import RequireAdmin
from api.routes.common import ERRORS
from api.services import budgets
from api.services.budgets import BudgetsOut
from api.state import app_state

router = APIRouter(
    prefix="/v1/admin", tags=["admin"], dependencies=[RequireAdmin], responses=ERRORS
)

LifterFilter = Annotated[str | None, Query(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")]


@router.get("/budgets", response_model=BudgetsOut)
def get_budgets(
    request: Request, lifter_id: LifterFilter = None, day: date | None = None
) -> BudgetsOut:
    """A UTC day's model budgets (today by default): limits (null: unlimited), tokens and
    estimated USD used by settled calls and reserved by calls in flight; the lifter's too when
    `lifter_id` is given (404 if there is no such lifter)."""
    return budgets.budget_view(app_state(request), lifter_id, day)
