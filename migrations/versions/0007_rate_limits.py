"""Rate limits: one fixed-window counter per subject (a lifter or a token, hashed) and window.

`rate_limits`: upserted by every generation (api/ratelimit.py), so the limit holds across
workers; a subject's older windows are deleted as it writes.

Revision ID: 0007_rate_limits
Revises: 0005_device_tokens
Create Date: 2026-11-29 17:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_rate_limits"
down_revision: str | None = "0005_device_tokens"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rate_limits",
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("window_start", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("subject", "window_start"),
    )


def downgrade() -> None:
    op.drop_table("rate_limits")
