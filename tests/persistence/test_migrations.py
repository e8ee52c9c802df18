"""Alembic: the stairway (upgrade, downgrade, upgrade each revision) and models == migrations."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from api.persistence.db import alembic_config, normalise_url
from api.persistence.tables import metadata
from benchmarks.api_load import temporary_database
from tests.databases import DB_KINDS, LOOPBACK, postgres_base_url

pytestmark = pytest.mark.allow_hosts(LOOPBACK)
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


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


def test_0003_backfills_the_prescribed_accessory_weights(empty_database: str) -> None:
    url = normalise_url(empty_database)
    config = alembic_config(url)
    command.upgrade(config, "0002")
    output = {
        "auxiliary_work": [
            {"exercise": "Leg Press", "skipped": False, "sets": [{"weight_kg": 100.0}]},
            {"exercise": "Lunge", "skipped": True, "sets": [{"weight_kg": 20.0}]},
            {"exercise": "Plank", "skipped": False, "sets": [{"weight_kg": 0}]},
        ]
    }
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO lifters (id, name, created_at, updated_at) "
                    "VALUES ('l1', 'L', :now, :now)"
                ),
                {"now": NOW},
            )
            connection.execute(
                text(
                    "INSERT INTO training_sessions (id, lifter_id, week_number, day_number, "
                    "block_number, planned_date, primary_lift, intensity_type, is_deload, status, "
                    "jit_output, created_at, updated_at) VALUES ('s1', 'l1', 1, 1, 1, :day, "
                    "'squat', 'heavy', false, 'completed', :output, :now, :now)"
                ),
                {"now": NOW, "day": NOW.date(), "output": json.dumps(output)},
            )
        command.upgrade(config, "0003")
        with engine.connect() as connection:
            stored = connection.execute(
                text("SELECT aux_prescribed_kg FROM training_sessions WHERE id = 's1'")
            ).scalar_one()
        assert (json.loads(stored) if isinstance(stored, str) else stored) == {"Leg Press": 100.0}
    finally:
        engine.dispose()
