"""Phased rollouts with their audit events, and the rollout and arm of each generation (issue 11).

Revision ID: 0012_rollouts
Revises: 0011_generation_route
Create Date: 2026-11-29 21:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0012_rollouts"
down_revision: str | None = "0011_generation_route"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
UTC = sa.DateTime(timezone=True)
PHASES = "'off', 'shadow', 'canary', 'guarded', 'general'"


def _rollouts() -> None:
    op.create_table(
        "rollouts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("scope_key", sa.String(length=60), nullable=False),
        sa.Column("scope", sa.String(length=6), nullable=False),
        sa.Column("lifter_id", sa.String(length=36), nullable=True),
        sa.Column("lift", sa.String(length=10), nullable=True),
        sa.Column("candidate", sa.String(length=8), nullable=False),
        sa.Column("phase", sa.String(length=8), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("auto_advance", sa.Boolean(), nullable=False),
        sa.Column("min_samples", sa.Integer(), nullable=False),
        sa.Column("min_elapsed_s", sa.Float(), nullable=False),
        sa.Column("thresholds", JSON, nullable=False),
        sa.Column("last_verdict", JSON, nullable=True),
        sa.Column("started_at", UTC, nullable=False),
        sa.Column("phase_started_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.CheckConstraint(
            "candidate IN ('formula', 'llm', 'hybrid', 'shadow')", name="ck_rollouts_candidate"
        ),
        sa.CheckConstraint(f"phase IN ({PHASES})", name="ck_rollouts_phase"),
        sa.ForeignKeyConstraint(["lifter_id"], ["lifters.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_rollouts_lifter_id", "rollouts", ["lifter_id"])
    op.create_index(
        "uq_rollouts_active",
        "rollouts",
        ["scope_key"],
        unique=True,
        sqlite_where=sa.text("phase <> 'off'"),
        postgresql_where=sa.text("phase <> 'off'"),
    )


def _events() -> None:
    op.create_table(
        "rollout_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rollout_id", sa.String(length=36), nullable=False),
        sa.Column("from_phase", sa.String(length=8), nullable=False),
        sa.Column("to_phase", sa.String(length=8), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("changed_by", sa.String(length=120), nullable=False),
        sa.Column("verdict", JSON, nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["rollout_id"], ["rollouts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_rollout_events_rollout_id", "rollout_events", ["rollout_id"])


def upgrade() -> None:
    _rollouts()
    _events()
    with op.batch_alter_table("generations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rollout_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("rollout_arm", sa.String(length=10), nullable=True))
        batch_op.create_foreign_key(
            "fk_generations_rollout_id", "rollouts", ["rollout_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_index("ix_generations_rollout", ["rollout_id", "rollout_arm", "created_at"])


def downgrade() -> None:
    with op.batch_alter_table("generations", schema=None) as batch_op:
        batch_op.drop_index("ix_generations_rollout")
        batch_op.drop_constraint("fk_generations_rollout_id", type_="foreignkey")
        batch_op.drop_column("rollout_arm")
        batch_op.drop_column("rollout_id")
    op.drop_table("rollout_events")
    op.drop_table("rollouts")
