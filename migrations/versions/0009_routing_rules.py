"""Routing rules (global, lifter, lift; versioned, with who, when and why) and manual route
triggers (issue 11).

Revision ID: 0009_routing_rules
Revises: 0008_feedback_loop
Create Date: 2026-11-29 19:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0009_routing_rules"
down_revision: str | None = "0008_feedback_loop"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
