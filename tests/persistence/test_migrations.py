"""Alembic: the stairway (upgrade, downgrade, upgrade each revision) and models == migrations."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from api.bench_api import temporary_database
from api.persistence.db import alembic_config, normalise_url
from api.persistence.tables import metadata
from tests.databases import DB_KINDS, LOOPBACK, postgres_base_url

pytestmark = pytest.mark.allow_hosts(LOOPBACK)


@pytest.fixture(params=DB_KINDS)
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with ExitStack() as stack:
        if request.param == "sqlite":
            yield f"sqlite:///{tmp_path / 'stairway.db'}"
        else:
            base = postgres_base_url()
            assert base is not None
            yield stack.enter_context(temporary_database(base, prefix="jit_stairway"))


def _revisions(url: str) -> list[str]:
    script = ScriptDirectory.from_config(alembic_config(url))
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def test_every_revision_upgrades_downgrades_and_upgrades_again(empty_database: str) -> None:
    url = normalise_url(empty_database)
    config = alembic_config(url)
    revisions = _revisions(url)
    assert revisions, "no migrations found"
    for index, revision in enumerate(revisions):
        command.upgrade(config, revision)
        command.downgrade(config, revisions[index - 1] if index else "base")
        command.upgrade(config, revision)
    engine = create_engine(url)
    try:
        assert set(inspect(engine).get_table_names()) >= set(metadata.tables)
        command.downgrade(config, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()


def test_the_migrations_match_the_tables(empty_database: str) -> None:
    url = normalise_url(empty_database)
    command.upgrade(alembic_config(url), "head")
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, metadata) == []
    finally:
        engine.dispose()
