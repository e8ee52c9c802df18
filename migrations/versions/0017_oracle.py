"""The optimisation oracle: its runs, the rules it distils and their events (issue 12).

Revision ID: 0017_oracle
Revises: 0016_session_reviews
Create Date: 2026-11-30 05:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0017_oracle"
down_revision: str | None = "0016_session_reviews"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
UTC = sa.DateTime(timezone=True)
STATUSES = "'draft', 'validated', 'failed', 'active', 'rolled_back'"


def upgrade() -> None:
    op.create_table(
        "oracle_runs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("trigger", sa.String(length=10), nullable=False),
        sa.Column("period_start", UTC, nullable=False),
        sa.Column("period_end", UTC, nullable=False),
        sa.Column("calls", sa.Integer(), nullable=False),
        sa.Column("thresholds", JSON, nullable=False),
        sa.Column("summaries", JSON, nullable=False),
        sa.Column("recommendations", JSON, nullable=False),
        sa.Column("distillations", JSON, nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.CheckConstraint(
            "trigger IN ('manual', 'schedule', 'cli')", name="ck_oracle_runs_trigger"
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_oracle_runs_created_at", "oracle_runs", ["created_at"])
    op.create_table(
        "distilled_rules",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.String(length=60), nullable=False),
        sa.Column("context_key", sa.String(length=200), nullable=False),
        sa.Column("lift", sa.String(length=10), nullable=False),
        sa.Column("intensity_type", sa.String(length=10), nullable=False),
        sa.Column("intensity_multiplier", sa.Float(), nullable=False),
        sa.Column("set_delta", sa.Integer(), nullable=False),
        sa.Column("provenance", sa.String(length=64), nullable=False),
        sa.Column("document", JSON, nullable=False),
        sa.Column("validation", JSON, nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("share", sa.Float(), nullable=True),
        sa.Column("run_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.CheckConstraint(f"status IN ({STATUSES})", name="ck_distilled_rules_status"),
        sa.ForeignKeyConstraint(["run_id"], ["oracle_runs.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("context_key", "version", name="uq_distilled_rules_version"),
    )
    op.create_index(
        "uq_distilled_rules_active",
        "distilled_rules",
        ["context_key"],
        unique=True,
        sqlite_where=sa.text("status = 'active'"),
        postgresql_where=sa.text("status = 'active'"),
    )
    op.create_index(
        "ix_distilled_rules_lift", "distilled_rules", ["lift", "intensity_type", "status"]
    )
    op.create_table(
        "distilled_rule_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.String(length=36), nullable=False),
        sa.Column("from_status", sa.String(length=12), nullable=True),
        sa.Column("to_status", sa.String(length=12), nullable=False),
        sa.Column("why", sa.Text(), nullable=False),
        sa.Column("changed_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["rule_id"], ["distilled_rules.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_distilled_rule_events_rule_id", "distilled_rule_events", ["rule_id"])


def downgrade() -> None:
    op.drop_index("ix_distilled_rule_events_rule_id", table_name="distilled_rule_events")
    op.drop_table("distilled_rule_events")
    op.drop_index("ix_distilled_rules_lift", table_name="distilled_rules")
    op.drop_index("uq_distilled_rules_active", table_name="distilled_rules")
    op.drop_table("distilled_rules")
    op.drop_index("ix_oracle_runs_created_at", table_name="oracle_runs")
    op.drop_table("oracle_runs")
