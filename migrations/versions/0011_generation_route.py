"""The generation's route: `auto`'s decision and every reason for it (issue 11).

Revision ID: 0011_generation_route
Revises: 0010_budgets_and_cache
Create Date: 2026-11-29 20:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_generation_route"
down_revision: str | None = "0010_budgets_and_cache"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("generations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("route", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("generations", schema=None) as batch_op:
        batch_op.drop_column("route")
