"""Dashboard test fixtures: a fresh, migrated database per test (SQLite, and PostgreSQL when
TEST_DATABASE_URL is set), the app over it, and a client that logs in and reads CSRF tokens."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.clock import FixedClock
from api.persistence.db import Database
from api.settings import LlmSettings, Settings
from benchmarks.api_load import temporary_database
from tests.api.client import ADMIN_TOKEN, Api
from tests.api.conftest import MONDAY
from tests.databases import DB_KINDS, mark_postgres_items, postgres_base_url
from training_engine.strategies import StrategyRegistry

CSRF = re.compile(r'name="csrf" value="([0-9a-f]{64})"')


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    mark_postgres_items(items)


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file; each test copies it (a fresh, empty database)."""
    path = tmp_path_factory.mktemp("dashboard") / "template.db"
    database = Database(f"sqlite:///{path}")
    database.migrate()
    database.dispose()
    return path


@pytest.fixture(params=DB_KINDS)
def database_url(
    request: pytest.FixtureRequest, migrated_sqlite: Path, tmp_path: Path
) -> Iterator[str]:
    if request.param == "sqlite":
        copy = tmp_path / "dashboard.db"
        shutil.copy(migrated_sqlite, copy)
        yield f"sqlite:///{copy}"
        return
    base = postgres_base_url()
    assert base is not None
    with temporary_database(base, prefix="jit_dash") as url:
        database = Database(url)
        database.migrate()
        database.dispose()
        yield url


class Dashboard:
    """The app under test, its JSON API helper (`api`) and the admin's browser-like client."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.client = api.client

    def login(self, token: str = ADMIN_TOKEN) -> httpx.Response:
        return self.client.post("/admin/login", data={"token": token}, follow_redirects=False)

    def page(self, path: str, **params: Any) -> httpx.Response:
        return self.client.get(path, params=params, follow_redirects=False)

    def csrf(self, path: str = "/admin/rollouts") -> str:
        found = CSRF.search(self.page(path).text)
        assert found is not None, "the page carries no CSRF token"
        return found.group(1)

    def submit(
        self, path: str, data: dict[str, str], *, csrf: str | None = "page"
    ) -> httpx.Response:
        """POSTs a form, with the session's CSRF token unless `csrf` says otherwise (None: none)."""
        body = dict(data)
        if csrf == "page":
            body["csrf"] = self.csrf()
        elif csrf is not None:
            body["csrf"] = csrf
        return self.client.post(path, data=body, follow_redirects=False)


@pytest.fixture
def make_dashboard(database_url: str) -> Iterator[Any]:
    with ExitStack() as stack:

        def build(
            registry: StrategyRegistry | None = None,
            base_url: str = "http://testserver",
            **settings: Any,
        ) -> Dashboard:
            defaults = {"admin_token": ADMIN_TOKEN, "llm": LlmSettings()}
            clock = FixedClock(MONDAY)
            app = create_app(
                Settings(database_url=database_url, **{**defaults, **settings}),
                clock=clock,
                registry=registry,
                migrate=False,
            )
            client = stack.enter_context(
                TestClient(app, base_url=base_url, raise_server_exceptions=False)
            )
            return Dashboard(Api(client, app, clock))

        yield build


@pytest.fixture
def dashboard(make_dashboard: Any) -> Dashboard:
    built: Dashboard = make_dashboard()
    return built
