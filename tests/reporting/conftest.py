"""Report test fixtures: a fresh migrated database per test (SQLite, and PostgreSQL when
TEST_DATABASE_URL is set), so every count a test asserts is exactly what it seeded."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from api.persistence.db import Database
from benchmarks.api_load import temporary_database
from tests.databases import DB_KINDS, mark_postgres_items, postgres_base_url


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    mark_postgres_items(items)


@pytest.fixture(params=DB_KINDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database of the kind."""
    with ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path / 'report.db'}"
        else:
            base = postgres_base_url()
            assert base is not None
            url = stack.enter_context(temporary_database(base, prefix="jit_report"))
        database = Database(url)
        database.migrate()
        database.dispose()
        yield url
