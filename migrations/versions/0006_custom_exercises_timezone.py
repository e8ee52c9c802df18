"""Custom exercises per lifter and a lifter timezone.

`custom_exercises`: a lifter's own exercises (muscles with contributions, lift, equipment, type)
that the assembly hands to the engine; `lifters.timezone`: the lifter's IANA zone (default UTC).

Revision ID: 0006_custom_exercises_timezone
Revises: 0004
Create Date: 2026-11-29 17:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006_custom_exercises_timezone"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("lifters", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("timezone", sa.String(length=64), server_default="UTC", nullable=False)
        )
    op.create_table(
        "custom_exercises",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("lifter_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column(
            "muscles",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("lift", sa.String(length=10), nullable=True),
        sa.Column("equipment", sa.String(length=60), nullable=True),
        sa.Column("exercise_type", sa.String(length=12), nullable=False),
        sa.Column("accessory", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["lifter_id"], ["lifters.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("lifter_id", "name", name="uq_custom_exercises_name"),
    )
    with op.batch_alter_table("custom_exercises", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_custom_exercises_lifter_id"), ["lifter_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("custom_exercises", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_custom_exercises_lifter_id"))
    op.drop_table("custom_exercises")
    with op.batch_alter_table("lifters", schema=None) as batch_op:
        batch_op.drop_column("timezone")
