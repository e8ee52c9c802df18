"""Rollouts of a prompt version or a model: the candidate's variant on the rollout (issue 11).

Revision ID: 0013_rollout_variants
Revises: 0012_rollouts
Create Date: 2026-11-29 23:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_rollout_variants"
down_revision: str | None = "0012_rollouts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("rollouts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prompt_version", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("model", sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("rollouts", schema=None) as batch_op:
        batch_op.drop_column("model")
        batch_op.drop_column("prompt_version")
