"""The /admin dashboard (issue 13, ADR 0019): server-rendered pages over api/services, behind a
login with the admin token, a signed session cookie and CSRF tokens.

`install(app)` adds the pages and their stylesheet (served by the app itself, from
`api/dashboard/static`, never a CDN); neither appears in the OpenAPI schema.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api.dashboard.views import PREFIX, STATIC_DIR, router

__all__ = ["install"]


def install(app: FastAPI) -> None:
    app.include_router(router)
    app.mount(f"{PREFIX}/static", StaticFiles(directory=str(STATIC_DIR)), name="admin-static")
