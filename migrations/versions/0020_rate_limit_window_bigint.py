"""The rate limiter's window start is a 64-bit integer.

`rate_limits.window_start` holds Unix seconds; a 32-bit integer overflows on 2038-01-19, and
PostgreSQL then refuses every generation's rate-limit upsert (found by a test whose clock runs in
2101). SQLite's INTEGER is already 64-bit; the batch rewrite keeps the two schemas the same.

Revision ID: 0020_rate_limit_window_bigint
Revises: 0019_distilled_rule_phases
Create Date: 2026-11-30 06:10:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_rate_limit_window_bigint"
down_revision: str | None = "0019_distilled_rule_phases"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("rate_limits", schema=None) as batch_op:
        batch_op.alter_column(
            "window_start", existing_type=sa.Integer(), type_=sa.BigInteger(), nullable=False
        )


def downgrade() -> None:
    with op.batch_alter_table("rate_limits", schema=None) as batch_op:
        batch_op.alter_column(
            "window_start", existing_type=sa.BigInteger(), type_=sa.Integer(), nullable=False
        )
