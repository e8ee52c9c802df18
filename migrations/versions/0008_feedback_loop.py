"""The feedback loop: session outcomes, learned calibrations, their recommendations, load
suggestions and next-set advice (issue 10); and the prescribed reps and 1RM of each generated
session, which the working 1RM reads past sets against (P13).

Revision ID: 0008_feedback_loop
Revises: 0007_rate_limits
Create Date: 2026-11-29 19:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008_feedback_loop"
down_revision: str | None = "0007_rate_limits"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
UTC = sa.DateTime(timezone=True)


def _lifter() -> sa.Column[str]:
    return sa.Column("lifter_id", sa.String(length=36), nullable=False)


def _lifter_fk() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["lifter_id"], ["lifters.id"], ondelete="CASCADE")


def _decided(table: str, statuses: str) -> list[sa.SchemaItem]:
    return [
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("document", JSON, nullable=False),
        sa.CheckConstraint(f"status IN ({statuses})", name=f"ck_{table}_status"),
    ]


def upgrade() -> None:
    # What the working 1RM reads each past set against (deviation P13).
    with op.batch_alter_table("training_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("planned_reps", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("one_rm_grams", sa.Integer(), nullable=True))
    op.create_table(
        "session_outcomes",
        sa.Column("session_id", sa.String(length=36), nullable=False),
        _lifter(),
        sa.Column("lift", sa.String(length=10), nullable=False),
        sa.Column("intensity_type", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("learnable", sa.Boolean(), nullable=False),
        sa.Column("neutral", sa.Boolean(), nullable=True),
        sa.Column("mean_rpe_error", sa.Float(), nullable=True),
        sa.Column("completion_ratio", sa.Float(), nullable=False),
        sa.Column("outcome", JSON, nullable=False),
        sa.Column("recorded_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["training_sessions.id"], ondelete="CASCADE"),
        _lifter_fk(),
        sa.PrimaryKeyConstraint("session_id"),
    )
    op.create_index("ix_session_outcomes_lifter_id", "session_outcomes", ["lifter_id"])
    op.create_index(
        "ix_session_outcomes_lifter_time", "session_outcomes", ["lifter_id", "recorded_at"]
    )
    op.create_table(
        "modifier_calibrations",
        _lifter(),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("applied_adjustment", sa.Float(), nullable=True),
        sa.Column("confidence", sa.String(length=10), nullable=False),
        sa.Column("samples", sa.Integer(), nullable=False),
        sa.Column("document", JSON, nullable=False),
        sa.Column("dismissed_at_samples", sa.Integer(), nullable=True),
        sa.Column("updated_at", UTC, nullable=False),
        _lifter_fk(),
        sa.PrimaryKeyConstraint("lifter_id", "source"),
    )
    pending = ("'pending', 'accepted', 'dismissed', 'superseded'",)
    op.create_table(
        "calibration_recommendations",
        sa.Column("id", sa.String(length=36), nullable=False),
        _lifter(),
        sa.Column("source", sa.String(length=20), nullable=False),
        *_decided("calibration_recommendations", pending[0]),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("decided_at", UTC, nullable=True),
        _lifter_fk(),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_calibration_recommendations_lifter_id", "calibration_recommendations", ["lifter_id"]
    )
    op.create_index(
        "uq_calibration_recommendations_pending",
        "calibration_recommendations",
        ["lifter_id", "source"],
        unique=True,
        sqlite_where=sa.text("status = 'pending'"),
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_table(
        "load_suggestions",
        sa.Column("id", sa.String(length=36), nullable=False),
        _lifter(),
        sa.Column("lift", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        *_decided("load_suggestions", pending[0]),
        sa.Column("max_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("decided_at", UTC, nullable=True),
        _lifter_fk(),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_load_suggestions_lifter_id", "load_suggestions", ["lifter_id"])
    op.create_index(
        "uq_load_suggestions_pending",
        "load_suggestions",
        ["lifter_id", "lift"],
        unique=True,
        sqlite_where=sa.text("status = 'pending'"),
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_table(
        "set_advice",
        sa.Column("id", sa.String(length=36), nullable=False),
        _lifter(),
        sa.Column("session_id", sa.String(length=36), nullable=False),
        sa.Column("after_set_number", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("document", JSON, nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("decided_at", UTC, nullable=True),
        sa.CheckConstraint(
            "status IN ('offered', 'accepted', 'declined', 'expired')", name="ck_set_advice_status"
        ),
        sa.ForeignKeyConstraint(["session_id"], ["training_sessions.id"], ondelete="CASCADE"),
        _lifter_fk(),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_set_advice_lifter_id", "set_advice", ["lifter_id"])
    op.create_index("ix_set_advice_session_id", "set_advice", ["session_id"])


def downgrade() -> None:
    for table in (
        "set_advice",
        "load_suggestions",
        "calibration_recommendations",
        "modifier_calibrations",
        "session_outcomes",
    ):
        op.drop_table(table)
    with op.batch_alter_table("training_sessions", schema=None) as batch_op:
        batch_op.drop_column("one_rm_grams")
        batch_op.drop_column("planned_reps")
