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

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from starlette.concurrency import run_in_threadpool

from api.clock import Clock, system_clock
from api.errors import install_error_handlers
from api.llm.runtime import build_runtime
from api.persistence.db import Database
from api.routes import admin, audit, disruptions, engine, health, me, sessions
from api.routes.text import valid_text_body
from api.settings import Settings
from api.state import AppState, StageTimes
from training_engine.strategies import StrategyRegistry

__all__ = ["create_app", "create_worker_app"]

API_VERSION = "1.0.0"


def create_app(
    settings: Settings | None = None,
    *,
    clock: Clock = system_clock,
    registry: StrategyRegistry | None = None,
    migrate: bool = True,
) -> FastAPI:
    settings = settings or Settings()
    db = Database(settings.database_url)
    if registry is None:
        registry = build_runtime(settings.llm).registry()
    stages = StageTimes() if settings.stage_times_file else None
    state = AppState(settings=settings, db=db, clock=clock, registry=registry, stages=stages)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if migrate:
            await run_in_threadpool(db.migrate)
        try:
            yield
        finally:
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
    )
    app.state.jit = state
    install_error_handlers(app)
    for module in (health, admin, audit, me, sessions, disruptions, engine):
        app.include_router(module.router)
    return app


def create_worker_app() -> FastAPI:
    """One of several uvicorn worker processes (`jit-engine serve --workers N`): settings from
    the environment; the parent migrated the database before starting them."""
    return create_app(migrate=False)
