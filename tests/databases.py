"""The databases the API tests run on: SQLite always, PostgreSQL when TEST_DATABASE_URL is set.

PostgreSQL must be on loopback. Each test run creates its own database beside the one the URL
names (dropped at the end), so runs never see each other's rows. An unreachable server fails
the run: CI sets the variable precisely so that these tests run.
"""

from __future__ import annotations

import os

import pytest
from sqlalchemy.engine import make_url

from api.persistence.db import normalise_url
from benchmarks.api_load import LOOPBACK_HOSTS

__all__ = ["DB_KINDS", "LOOPBACK", "mark_postgres_items", "postgres_base_url"]

LOOPBACK = ["127.0.0.1", "::1", "localhost"]


def postgres_base_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return None
    host = make_url(normalise_url(url)).host
    if host not in LOOPBACK_HOSTS:
        pytest.fail(f"TEST_DATABASE_URL must point at loopback, not {host!r}")
    return url


DB_KINDS = ["sqlite", "postgres"] if os.environ.get("TEST_DATABASE_URL") else ["sqlite"]


def mark_postgres_items(items: list[pytest.Item]) -> None:
    """Mark every test parametrised on PostgreSQL `postgres`, with loopback sockets allowed
    (called by the conftests of the folders whose tests take a database kind)."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and "postgres" in callspec.params.values():
            item.add_marker(pytest.mark.postgres)
            item.add_marker(pytest.mark.allow_hosts(LOOPBACK))
