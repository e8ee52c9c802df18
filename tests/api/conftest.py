"""API test fixtures: one migrated database per kind per run, an app per test, helpers.

`api` is parametrized over the database kinds, so every API test runs on SQLite and, when
TEST_DATABASE_URL is set, on PostgreSQL too. Tests isolate by lifter: each provisions its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.clock import FixedClock
from api.persistence.db import Database
from api.settings import LlmSettings, Settings
from benchmarks.api_load import temporary_database
from tests.api.client import ADMIN_TOKEN, Api
from tests.databases import DB_KINDS, mark_postgres_items, postgres_base_url
from training_engine.strategies import StrategyRegistry

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    mark_postgres_items(items)


@pytest.fixture(scope="session")
def database_urls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    urls = {"sqlite": f"sqlite:///{tmp_path_factory.mktemp('db') / 'api.db'}"}
    with ExitStack() as stack:
        base = postgres_base_url()
        if base is not None:
            urls["postgres"] = stack.enter_context(temporary_database(base, prefix="jit_test"))
        for url in urls.values():
            database = Database(url)
            database.migrate()
            database.dispose()
        yield urls


@pytest.fixture(params=DB_KINDS)
def db_kind(request: pytest.FixtureRequest) -> str:
    kind: str = request.param
    return kind


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(MONDAY)


@pytest.fixture
def make_api(database_urls: dict[str, str], db_kind: str, clock: FixedClock) -> Iterator[Any]:
    with ExitStack() as stack:

        def build(registry: StrategyRegistry | None = None, **settings: Any) -> Api:
            # Without a registry the app builds its LLM runtime from these settings; the default
            # is no provider, whatever JIT_LLM__* the environment holds.
            defaults = {"admin_token": ADMIN_TOKEN, "llm": LlmSettings()}
            app = create_app(
                Settings(database_url=database_urls[db_kind], **{**defaults, **settings}),
                clock=clock,
                registry=registry,
                migrate=False,
            )
            client = stack.enter_context(TestClient(app, raise_server_exceptions=False))
            return Api(client, app, clock)

        yield build


@pytest.fixture
def api(make_api: Any) -> Api:
    built: Api = make_api()
    return built
