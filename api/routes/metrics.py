"""`GET /metrics`: the app's metrics in Prometheus text format (`api/metrics.py`), for a scraper.

The classic text format (version 0.0.4, what `generate_latest` writes), which every Prometheus
scrapes. Behind the admin token by default; `JIT_METRICS__PUBLIC=true` opens it (a scraper on a
private network that holds no token), and `JIT_METRICS__ENABLED=false` leaves the route out
(404).

Each scrape also reads the routing policy's state (today's global budget, the active rollouts)
in one read unit, since every worker shares it through the database; a failed read is logged and
those series are left out, so the scrape still answers with this process's own.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, FastAPI, Request
from prometheus_client import CONTENT_TYPE_PLAIN_0_0_4
from starlette.responses import Response

from api.auth import RequireAdmin
from api.metrics import PolicyState
from api.persistence.repositories import budgets, rollouts
from api.routes.common import ERRORS, SERVER_ERRORS
from api.services.budgets import daily_limits, utc_day
from api.settings import MetricsSettings
from api.state import AppState, app_state

__all__ = ["ROLLOUTS_SHOWN", "install", "policy_state", "router"]

ROLLOUTS_SHOWN = 100  # the newest active rollouts a scrape shows: bounds the series' count
_log = logging.getLogger(__name__)

router = APIRouter(tags=["metrics"], responses=SERVER_ERRORS)


@router.get(
    "/metrics",
    response_class=Response,
    responses={
        200: {"description": "Prometheus text format", "content": {CONTENT_TYPE_PLAIN_0_0_4: {}}},
        **{status: ERRORS[status] for status in (401, 403)},
    },
)
def metrics(request: Request) -> Response:
    """Counters, histograms and gauges of this process, and the shared routing policy's state
    (admin token, unless public)."""
    state = app_state(request)
    text = state.metrics.exposition(policy_state(state))
    return Response(text, media_type=CONTENT_TYPE_PLAIN_0_0_4)


def policy_state(state: AppState) -> PolicyState | None:
    """Today's global budget and the active rollouts, in one read unit; None, logged, when the
    database cannot be read (a scrape never fails for it)."""
    try:
        with state.db.read() as unit:
            rows = budgets.day_rows(unit, utc_day(state.clock()), None)
            _, active = rollouts.rollout_page(
                unit, active_only=True, limit=ROLLOUTS_SHOWN, offset=0
            )
    except Exception:
        _log.exception(
            "/metrics could not read the routing policy's state; its series are left out"
        )
        return None
    limit = daily_limits(state.settings.budgets).everyone
    return PolicyState(budget=rows.get(budgets.GLOBAL), limit=limit, rollouts=active)


def install(app: FastAPI, settings: MetricsSettings) -> None:
    """Adds `/metrics` when enabled, guarded by the admin token unless public."""
    if settings.enabled:
        app.include_router(router, dependencies=[] if settings.public else [RequireAdmin])
