"""Daily token and cost budgets (per lifter and global, reserved and settled) and the adjustment
cache's database tier (issue 11).

`budget_days`: one row per budget (`global` or `lifter:<id>`) and UTC day, changed only under a
row lock; money is exact Decimal text. `adjustment_cache`: the cache key -> the adjustment's
JSON text until `expires_at`, shared by every worker.

Revision ID: 0010_budgets_and_cache
Revises: 0009_routing_rules
Create Date: 2026-11-29 19:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_budgets_and_cache"
down_revision: str | None = "0009_routing_rules"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = sa.DateTime(timezone=True)
USD = sa.String(length=40)  # exact Decimal text (api.persistence.tables.DecimalText)


def upgrade() -> None:
    op.create_table(
        "budget_days",
        sa.Column("subject", sa.String(length=43), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("lifter_id", sa.String(length=36), nullable=True),
        sa.Column("used_tokens", sa.BigInteger(), nullable=False),
        sa.Column("reserved_tokens", sa.BigInteger(), nullable=False),
        sa.Column("used_cost", USD, nullable=False),
        sa.Column("reserved_cost", USD, nullable=False),
        sa.CheckConstraint(
            "(subject = 'global' AND lifter_id IS NULL)"
            " OR (lifter_id IS NOT NULL AND subject = 'lifter:' || lifter_id)",
            name="ck_budget_days_subject",
        ),
        sa.ForeignKeyConstraint(["lifter_id"], ["lifters.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("subject", "day"),
    )
    op.create_index("ix_budget_days_lifter_id", "budget_days", ["lifter_id"])
    op.create_table(
        "adjustment_cache",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("adjustment", sa.Text(), nullable=False),
        sa.Column("expires_at", UTC, nullable=False),
        sa.Column("stored_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_adjustment_cache_expires_at", "adjustment_cache", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_adjustment_cache_expires_at", table_name="adjustment_cache")
    op.drop_table("adjustment_cache")
    op.drop_index("ix_budget_days_lifter_id", table_name="budget_days")
    op.drop_table("budget_days")
