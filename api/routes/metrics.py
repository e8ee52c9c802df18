"""`GET /metrics`: the app's metrics in Prometheus text format (`api/metrics.py`), for a scraper.

The classic text format (version 0.0.4, what `generate_latest` writes), which every Prometheus
scrapes. Behind the admin token by default; `JIT_METRICS__PUBLIC=true` opens it (a scraper on a
private network that holds no token), and `JIT_METRICS__ENABLED=false` leaves the route out
(404)."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from prometheus_client import CONTENT_TYPE_PLAIN_0_0_4
from starlette.responses import Response

from api.auth import RequireAdmin
from api.routes.common import ERRORS, SERVER_ERRORS
from api.settings import MetricsSettings
from api.state import app_state

__all__ = ["install", "router"]

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
    """Counters, histograms and gauges of this process (admin token, unless public)."""
    return Response(app_state(request).metrics.exposition(), media_type=CONTENT_TYPE_PLAIN_0_0_4)


def install(app: FastAPI, settings: MetricsSettings) -> None:
    """Adds `/metrics` when enabled, guarded by the admin token unless public."""
    if settings.enabled:
        app.include_router(router, dependencies=[] if settings.public else [RequireAdmin])
