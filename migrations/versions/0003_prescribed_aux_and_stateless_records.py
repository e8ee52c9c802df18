"""Accessory weights beside the output; a per-lifter config version; stateless LLM records.

`training_sessions.aux_prescribed_kg`: each accessory's prescribed first-set weight
(exercise -> kg), derived from the stored output when it is written, so the history read by
every generation needs no output document. Existing rows are backfilled from `jit_output`.
`lifter_settings.config_version`: bumped by every write to what a generation caches per lifter,
so a cached copy is used only while it is current, in every worker.
`llm_calls` and `comparison_logs`: `generation_id`, `session_id` and `lifter_id` become
nullable, because `POST /v1/generate` keeps its records too (no session; no lifter for the
admin). The downgrade deletes those rows first.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 16:00:00.000000
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RECORD_TABLES = ("llm_calls", "comparison_logs")
RECORD_OWNERS = ("generation_id", "session_id", "lifter_id")


def _json() -> sa.types.TypeEngine[object]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _prescribed(output: Any) -> dict[str, float]:
    """The rule of `api.persistence.repositories.generations.aux_prescribed_kg`, frozen here
    as it was when this revision was written."""
    if isinstance(output, str):
        output = json.loads(output)
    prescribed: dict[str, float] = {}
    for row in (output or {}).get("auxiliary_work", []):
        sets = row.get("sets") or []
        if sets and not row.get("skipped") and sets[0].get("weight_kg"):
            prescribed[row["exercise"]] = float(sets[0]["weight_kg"])
    return prescribed


def upgrade() -> None:
    with op.batch_alter_table("lifter_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("config_version", sa.Integer(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("training_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("aux_prescribed_kg", _json(), nullable=True))
    sessions = sa.table(
        "training_sessions",
        sa.column("id", sa.String()),
        sa.column("jit_output", _json()),
        sa.column("aux_prescribed_kg", _json()),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(sessions.c.id, sessions.c.jit_output).where(sessions.c.jit_output.is_not(None))
    ).all()
    for session_id, output in rows:
        connection.execute(
            sessions.update()
            .where(sessions.c.id == session_id)
            .values(aux_prescribed_kg=_prescribed(output))
        )
    for table in RECORD_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in RECORD_OWNERS:
                batch_op.alter_column(column, existing_type=sa.String(length=36), nullable=True)


def downgrade() -> None:
    for table in RECORD_TABLES:
        stateless = " OR ".join(f"{column} IS NULL" for column in RECORD_OWNERS)
        op.execute(sa.text(f"DELETE FROM {table} WHERE {stateless}"))
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in RECORD_OWNERS:
                batch_op.alter_column(column, existing_type=sa.String(length=36), nullable=False)
    with op.batch_alter_table("training_sessions", schema=None) as batch_op:
        batch_op.drop_column("aux_prescribed_kg")
    with op.batch_alter_table("lifter_settings", schema=None) as batch_op:
        batch_op.drop_column("config_version")
