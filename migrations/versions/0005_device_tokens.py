"""Per-device tokens with expiry.

`api_tokens.device` (the device a token was issued for; existing tokens are "default"),
`expires_at` (null: never; existing tokens never expire) and `last_used_at`.

Revision ID: 0005_device_tokens
Revises: 0006_custom_exercises_timezone
Create Date: 2026-11-29 17:10:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_device_tokens"
down_revision: str | None = "0006_custom_exercises_timezone"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("device", sa.String(length=60), server_default="default", nullable=False)
        )
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_column("last_used_at")
        batch_op.drop_column("expires_at")
        batch_op.drop_column("device")
