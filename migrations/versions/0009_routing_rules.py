"""Routing rules (global, lifter, lift; versioned, with who, when and why) and manual route
triggers (issue 11).

Revision ID: 0009_routing_rules
Revises: 0008_feedback_loop
Create Date: 2026-11-29 19:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009_routing_rules"
down_revision: str | None = "0008_feedback_loop"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
UTC = sa.DateTime(timezone=True)


def _who_and_why() -> list[sa.Column[str]]:
    return [
        sa.Column("changed_by", sa.String(length=120), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
    ]


def _lifter_fk() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["lifter_id"], ["lifters.id"], ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "routing_rules",
        sa.Column("scope_key", sa.String(length=60), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=6), nullable=False),
        sa.Column("lifter_id", sa.String(length=36), nullable=True),
        sa.Column("lift", sa.String(length=10), nullable=True),
        sa.Column("rule", JSON, nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        *_who_and_why(),
        sa.CheckConstraint(
            "(scope = 'global' AND lifter_id IS NULL AND lift IS NULL)"
            " OR (scope = 'lifter' AND lifter_id IS NOT NULL AND lift IS NULL)"
            " OR (scope = 'lift' AND lifter_id IS NOT NULL AND lift IS NOT NULL)",
            name="ck_routing_rules_scope",
        ),
        _lifter_fk(),
        sa.PrimaryKeyConstraint("scope_key", "version"),
    )
    op.create_index("ix_routing_rules_lifter_id", "routing_rules", ["lifter_id"])
    op.create_table(
        "routing_triggers",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("scope_key", sa.String(length=60), nullable=False),
        sa.Column("lifter_id", sa.String(length=36), nullable=False),
        sa.Column("lift", sa.String(length=10), nullable=True),
        sa.Column("strategy", sa.String(length=8), nullable=False),
        *_who_and_why(),
        sa.Column("ended_at", UTC, nullable=True),
        sa.Column("ended_by", sa.String(length=120), nullable=True),
        sa.Column("end_reason", sa.String(length=500), nullable=True),
        sa.CheckConstraint(
            "strategy IN ('formula', 'llm', 'hybrid', 'shadow')",
            name="ck_routing_triggers_strategy",
        ),
        _lifter_fk(),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_routing_triggers_lifter_id", "routing_triggers", ["lifter_id"])
    op.create_index(
        "uq_routing_triggers_active",
        "routing_triggers",
        ["scope_key"],
        unique=True,
        sqlite_where=sa.text("ended_at IS NULL"),
        postgresql_where=sa.text("ended_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_table("routing_triggers")
    op.drop_table("routing_rules")
