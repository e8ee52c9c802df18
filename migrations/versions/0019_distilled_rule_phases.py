"""A distilled rule goes through the rollout phases, watched by the SLO guard (issue 12).

`distilled_rules` gains the phase an active rule serves in (canary, guarded, general), whether
it is paused, the guard's minimum samples, thresholds and newest check, and when the rule was
activated and its phase began; `distilled_rule_events` gains the phase before and after a
change. A rule activated before this revision keeps its free share and has no phase.

Revision ID: 0019_distilled_rule_phases
Revises: 0018_distilled_rule_strategy
Create Date: 2026-11-30 05:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0019_distilled_rule_phases"
down_revision: str | None = "0018_distilled_rule_strategy"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
UTC = sa.DateTime(timezone=True)
PHASES = "phase IS NULL OR phase IN ('canary', 'guarded', 'general')"


def upgrade() -> None:
    with op.batch_alter_table("distilled_rules", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phase", sa.String(length=8), nullable=True))
        batch_op.add_column(
            sa.Column("paused", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("min_samples", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("thresholds", JSON, nullable=True))
        batch_op.add_column(sa.Column("last_check", JSON, nullable=True))
        batch_op.add_column(sa.Column("activated_at", UTC, nullable=True))
        batch_op.add_column(sa.Column("phase_started_at", UTC, nullable=True))
        batch_op.create_check_constraint("ck_distilled_rules_phase", PHASES)
    with op.batch_alter_table("distilled_rule_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("from_phase", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("to_phase", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("distilled_rule_events", schema=None) as batch_op:
        batch_op.drop_column("to_phase")
        batch_op.drop_column("from_phase")
    with op.batch_alter_table("distilled_rules", schema=None) as batch_op:
        batch_op.drop_constraint("ck_distilled_rules_phase", type_="check")
        batch_op.drop_column("phase_started_at")
        batch_op.drop_column("activated_at")
        batch_op.drop_column("last_check")
        batch_op.drop_column("thresholds")
        batch_op.drop_column("min_samples")
        batch_op.drop_column("paused")
        batch_op.drop_column("phase")
