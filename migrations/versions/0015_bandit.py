"""The contextual bandit of `auto`: logged decisions and shared posteriors (issue 12).

Revision ID: 0015_bandit
Revises: 0014_load_calibrations
Create Date: 2026-11-30 02:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0015_bandit"
down_revision: str | None = "0014_load_calibrations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
UTC = sa.DateTime(timezone=True)


def _owner(column: str, target: str) -> list[sa.SchemaItem]:
    return [
        sa.Column(column, sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint([column], [target], ondelete="CASCADE"),
    ]


def upgrade() -> None:
    op.create_table(
        "bandit_decisions",
        sa.Column("id", sa.String(length=36), nullable=False),
        *_owner("generation_id", "generations.id"),
        *_owner("lifter_id", "lifters.id"),
        *_owner("session_id", "training_sessions.id"),
        sa.Column("context_key", sa.String(length=200), nullable=False),
        sa.Column("chosen", sa.String(length=100), nullable=False),
        sa.Column("propensity", sa.Float(), nullable=False),
        sa.Column("policy_version", sa.String(length=100), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("document", JSON, nullable=False),
        sa.Column("tokens", sa.Integer(), nullable=True),
        sa.Column("reward", sa.Float(), nullable=True),
        sa.Column("rewarded_at", UTC, nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    for column in ("generation_id", "lifter_id", "session_id"):
        op.create_index(f"ix_bandit_decisions_{column}", "bandit_decisions", [column])
    op.create_index(
        "ix_bandit_decisions_policy", "bandit_decisions", ["policy_version", "created_at"]
    )
    op.create_table(
        "bandit_posteriors",
        sa.Column("policy_version", sa.String(length=100), nullable=False),
        sa.Column("context_key", sa.String(length=200), nullable=False),
        sa.Column("arm", sa.String(length=100), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("document", JSON, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("policy_version", "context_key", "arm"),
    )


def downgrade() -> None:
    op.drop_table("bandit_posteriors")
    op.drop_index("ix_bandit_decisions_policy", table_name="bandit_decisions")
    for column in ("generation_id", "lifter_id", "session_id"):
        op.drop_index(f"ix_bandit_decisions_{column}", table_name="bandit_decisions")
    op.drop_table("bandit_decisions")
