"""Learnt load corrections per lifter and intensity type (issue 10, deviation F9).

Revision ID: 0014_load_calibrations
Revises: 0013_rollout_variants
Create Date: 2026-11-30 02:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0014_load_calibrations"
down_revision: str | None = "0013_rollout_variants"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
UTC = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "load_calibrations",
        sa.Column("lifter_id", sa.String(length=36), nullable=False),
        sa.Column("intensity_type", sa.String(length=10), nullable=False),
        sa.Column("applied_adjustment", sa.Float(), nullable=True),
        sa.Column("confidence", sa.String(length=10), nullable=False),
        sa.Column("samples", sa.Integer(), nullable=False),
        sa.Column("document", JSON, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["lifter_id"], ["lifters.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("lifter_id", "intensity_type"),
    )


def downgrade() -> None:
    op.drop_table("load_calibrations")
