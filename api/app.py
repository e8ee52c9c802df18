"""`create_app(settings)`: the HTTP service (FastAPI). Nothing is built at import time.

The app owns one `Database` (migrated to the newest revision on start), the injected clock and
the strategy registry, kept in `app.state.jit` (`api.state.AppState`). Routes live in
`api/routes/`, use cases in `api/services/`, SQL in `api/persistence/`.

Without an explicit `registry`, the LLM runtime is built from `settings.llm` exactly as the CLI
builds it (`api.llm.runtime.build_runtime`: client, deadline-bound source, cache, breaker), so
the registry offers `formula`, `llm`, `hybrid` and `auto`; one runtime (one breaker, one cache)
serves the app for its lifetime. With `JIT_LLM__PROVIDER=none` (the default) nothing talks to
a model: `llm` and `hybrid` serve the formula labelled `formula_fallback` / `disabled`, and
`auto` serves the formula. Tests pass their own registry (e.g. `registry_for_source` over a
fixed or fake adjustment source).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from importlib.resources import files
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse

from api.clock import Clock, system_clock
from api.dashboard import install as install_dashboard
from api.errors import install_error_handlers
from api.limits import BodyLimit
from api.llm.cache import database_tier
from api.llm.review_tasks import Reviewer, ReviewTasks
from api.llm.runtime import build_runtime
from api.metrics import Metrics
from api.persistence.db import Database
from api.routes import (
    admin,
    audit,
    budgets,
    disruptions,
    engine,
    exercises,
    feedback,
    health,
    history,
    me,
    metrics,
    oracle,
    rollouts,
    routing,
    sessions,
    tokens,
)
from api.routes.common import document_replays
from api.routes.text import valid_text_body
from api.services.oracle import schedule_loop
from api.settings import Settings
from api.state import AppState, StageTimes
from training_engine.routing.gate import GateConfig
from training_engine.strategies import StrategyRegistry

__all__ = ["create_app", "create_worker_app", "operation_id"]

API_VERSION = "1.0.0"
DOCS_ASSETS = "/docs-assets"  # Swagger UI and ReDoc, served from the fastapi-offline package


def operation_id(route: APIRoute) -> str:
    """The OpenAPI operation id: the route function's name in camelCase (`generate_session` ->
    `generateSession`), so a generated client reads well. Unique because the route functions'
    names are (tests/api/test_openapi_contract.py checks it)."""
    head, *rest = route.name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _install_docs(app: FastAPI) -> None:
    """`/docs` (Swagger UI) and `/redoc` that work offline: their scripts, styles and icon come
    from this server (`DOCS_ASSETS`), never a CDN; URLs are relative to the app's root path."""
    app.mount(
        DOCS_ASSETS,
        StaticFiles(directory=str(files("fastapi_offline") / "static")),
        name="docs-assets",
    )
    title = app.title

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}/openapi.json",
            title=f"{title} - Swagger UI",
            swagger_js_url=f"{root}{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{root}{DOCS_ASSETS}/favicon.png",
        )

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_redoc_html(
            openapi_url=f"{root}/openapi.json",
            title=f"{title} - ReDoc",
            redoc_js_url=f"{root}{DOCS_ASSETS}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{DOCS_ASSETS}/favicon.png",
            with_google_fonts=False,
        )


def create_app(
    settings: Settings | None = None,
    *,
    clock: Clock = system_clock,
    registry: StrategyRegistry | None = None,
    migrate: bool = True,
    reviewer: Reviewer | None = None,
) -> FastAPI:
    """`reviewer`: the review pass's model (tests), used only when `JIT_LLM__REVIEW__ENABLED`;
    without one the runtime's, when the app builds its runtime."""
    settings = settings or Settings()
    db = Database(settings.database_url)
    app_metrics = Metrics()
    if registry is None:
        tier = database_tier(db, settings.budgets, clock)
        runtime = build_runtime(settings.llm, database_tier=tier)
        registry = runtime.registry(gate=GateConfig(enabled=settings.routing.gate_enabled))
        app_metrics.watch_runtime(runtime)
        reviewer = reviewer or runtime.reviewer
    review = settings.llm.review
    reviews = (
        ReviewTasks(reviewer, max_in_flight=review.max_in_flight)
        if review.enabled and reviewer is not None
        else None
    )
    stages = StageTimes() if settings.stage_times_file else None
    state = AppState(
        settings=settings,
        db=db,
        clock=clock,
        registry=registry,
        stages=stages,
        metrics=app_metrics,
        reviews=reviews,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if migrate:
            await run_in_threadpool(db.migrate)
        # The oracle's schedule (JIT_ORACLE__INTERVAL_S; off by default): one task per worker,
        # each interval's run made once across workers (services/oracle.scheduled_run).
        schedule = (
            asyncio.create_task(schedule_loop(state))
            if settings.oracle.interval_s is not None
            else None
        )
        try:
            yield
        finally:
            if schedule is not None:
                schedule.cancel()
                with suppress(asyncio.CancelledError):
                    await schedule
            if reviews is not None:  # bounded by the review deadline (ADR 0016)
                await reviews.drain()
            db.dispose()
            if stages is not None and settings.stage_times_file:
                stages.write(settings.stage_times_file)

    app = FastAPI(
        title="jit-session-engine",
        version=API_VERSION,
        description="Strength-training sessions written just in time, with a reason for every "
        "number. Bearer tokens: one per lifter; the admin token provisions lifters.",
        lifespan=lifespan,
        dependencies=[Depends(valid_text_body)],
        generate_unique_id_function=operation_id,
        docs_url=None,
        redoc_url=None,
    )
    _install_docs(app)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)  # api/limits.py
    build_schema = app.openapi

    def openapi() -> dict[str, Any]:
        return document_replays(build_schema())  # idempotent over FastAPI's cached schema

    app.openapi = openapi  # type: ignore[method-assign]
    if settings.cors_origins:  # off by default: no CORS headers at all
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=["Idempotent-Replayed", "Retry-After"],
        )
    app.state.jit = state
    install_error_handlers(app)
    routers = (
        health,
        admin,
        audit,
        budgets,
        routing,
        rollouts,
        oracle,
        me,
        tokens,
        sessions,
        feedback,
        history,
        disruptions,
        exercises,
        engine,
    )
    for module in routers:
        app.include_router(module.router)
    app.include_router(feedback.admin)
    install_dashboard(app)  # /admin: the operators' pages (api/dashboard, ADR 0019)
    metrics.install(app, settings.metrics)  # GET /metrics, unless switched off
    return app


def create_worker_app() -> FastAPI:
    """One of several uvicorn worker processes (`jit-engine serve --workers N`): settings from
    the environment; the parent migrated the database before starting them."""
    return create_app(migrate=False)
