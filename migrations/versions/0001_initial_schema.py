"""Initial schema: lifters, tokens, maxes, configs, programs, sessions, check-ins,
generations, set logs, disruptions, rehab caps.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-21 21:03:04.078488
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "lifters",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("biological_sex", sa.String(length=6), nullable=True),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("bodyweight_grams", sa.Integer(), nullable=True),
        sa.Column("bar_weight_grams", sa.Integer(), nullable=True),
        sa.Column(
            "plates_grams",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("biological_sex IN ('female', 'male')", name="ck_lifters_sex"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("lifter_id", sa.String(length=36), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["lifter_id"], ["lifters.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_tokens_lifter_id"), ["lifter_id"], unique=False)

    op.create_table(
        "lifter_maxes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lifter_id", sa.String(length=36), nullable=False),
        sa.Column("lift", sa.String(length=10), nullable=False),
        sa.Column("one_rm_grams", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("input_weight_grams", sa.Integer(), nullable=True),
        sa.Column("input_reps", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["lifter_id"], ["lifters.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("lifter_maxes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lifter_maxes_lifter_id"), ["lifter_id"], unique=False)
        batch_op.create_index(
            "ix_lifter_maxes_lifter_lift", ["lifter_id", "lift", "id"], unique=False
        )

    op.create_table(
        "lifter_settings",
        sa.Column("lifter_id", sa.String(length=36), nullable=False),
        sa.Column("jit_strategy", sa.String(length=10), nullable=False),
        sa.Column(
            "formula_overrides",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("formula_version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "jit_strategy IN ('auto', 'formula', 'llm', 'hybrid')", name="ck_settings_strategy"
        ),
        sa.ForeignKeyConstraint(["lifter_id"], ["lifters.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("lifter_id"),
    )
    op.create_table(
        "muscle_volume_configs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lifter_id", sa.String(length=36), nullable=False),
        sa.Column("muscle", sa.String(length=12), nullable=False),
        sa.Column("mev_sets", sa.Float(), nullable=False),
        sa.Column("mrv_sets", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["lifter_id"], ["lifters.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("lifter_id", "muscle", name="uq_volume_lifter_muscle"),
    )
    with op.batch_alter_table("muscle_volume_configs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_muscle_volume_configs_lifter_id"), ["lifter_id"], unique=False
        )

    op.create_table(
        "programs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("lifter_id", sa.String(length=36), nullable=False),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("training_days_per_week", sa.Integer(), nullable=False),
        sa.Column("total_weeks", sa.Integer(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column(
            "weekdays",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("session_counter", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["lifter_id"], ["lifters.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("programs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_programs_lifter_id"), ["lifter_id"], unique=False)

    op.create_table(
        "rehab_caps",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("lifter_id", sa.String(length=36), nullable=False),
        sa.Column("lift", sa.String(length=10), nullable=False),
        sa.Column("cap_grams", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("planned_end_date", sa.Date(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["lifter_id"], ["lifters.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("rehab_caps", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rehab_caps_lifter_id"), ["lifter_id"], unique=False)
        batch_op.create_index(
            "uq_rehab_caps_one_active",
            ["lifter_id", "lift"],
            unique=True,
            sqlite_where=sa.text("ended_at IS NULL"),
            postgresql_where=sa.text("ended_at IS NULL"),
        )

    op.create_table(
        "rest_configs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lifter_id", sa.String(length=36), nullable=False),
        sa.Column("lift", sa.String(length=10), nullable=True),
        sa.Column("intensity_type", sa.String(length=10), nullable=True),
        sa.Column("rest_seconds", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["lifter_id"], ["lifters.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("rest_configs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rest_configs_lifter_id"), ["lifter_id"], unique=False)

    op.create_table(
        "warmup_configs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lifter_id", sa.String(length=36), nullable=False),
        sa.Column("lift", sa.String(length=10), nullable=False),
        sa.Column(
            "protocol",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["lifter_id"], ["lifters.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("lifter_id", "lift", name="uq_warmup_lifter_lift"),
    )
    with op.batch_alter_table("warmup_configs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_warmup_configs_lifter_id"), ["lifter_id"], unique=False
        )

    op.create_table(
        "disruptions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("lifter_id", sa.String(length=36), nullable=False),
        sa.Column("program_id", sa.String(length=36), nullable=True),
        sa.Column("disruption_type", sa.String(length=24), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column(
            "affected_lifts",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("affected_date_start", sa.Date(), nullable=False),
        sa.Column("affected_date_end", sa.Date(), nullable=True),
        sa.Column("description", sa.String(length=2000), nullable=True),
        sa.Column("event_name", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["lifter_id"], ["lifters.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["program_id"], ["programs.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("disruptions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_disruptions_lifter_id"), ["lifter_id"], unique=False)

    op.create_table(
        "training_sessions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("lifter_id", sa.String(length=36), nullable=False),
        sa.Column("program_id", sa.String(length=36), nullable=True),
        sa.Column("week_number", sa.Integer(), nullable=False),
        sa.Column("day_number", sa.Integer(), nullable=False),
        sa.Column("block_number", sa.Integer(), nullable=False),
        sa.Column("planned_date", sa.Date(), nullable=False),
        sa.Column("primary_lift", sa.String(length=10), nullable=False),
        sa.Column("intensity_type", sa.String(length=10), nullable=False),
        sa.Column("is_deload", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("jit_strategy", sa.String(length=20), nullable=True),
        sa.Column("fallback_reason", sa.String(length=20), nullable=True),
        sa.Column("jit_generated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "jit_input_snapshot",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "jit_output",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "jit_output_trace",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("target_rpe", sa.Float(), nullable=True),
        sa.Column("planned_weight_grams", sa.Integer(), nullable=True),
        sa.Column("session_rpe", sa.Float(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("skip_reason", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "jit_strategy IS NULL OR jit_strategy IN "
            "('formula', 'llm', 'hybrid', 'formula_fallback')",
            name="ck_sessions_strategy",
        ),
        sa.CheckConstraint(
            "status IN ('planned', 'generated', 'in_progress', 'completed', 'skipped')",
            name="ck_sessions_status",
        ),
        sa.ForeignKeyConstraint(["lifter_id"], ["lifters.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["program_id"], ["programs.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("training_sessions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_sessions_lifter_date", ["lifter_id", "planned_date"], unique=False
        )
        batch_op.create_index(
            "ix_sessions_program_week", ["program_id", "week_number"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_training_sessions_lifter_id"), ["lifter_id"], unique=False
        )

    op.create_table(
        "check_ins",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("lifter_id", sa.String(length=36), nullable=False),
        sa.Column("session_id", sa.String(length=36), nullable=False),
        sa.Column(
            "soreness",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("sleep_quality", sa.Integer(), nullable=True),
        sa.Column("energy_level", sa.Integer(), nullable=True),
        sa.Column(
            "wearables",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("strategy_override", sa.String(length=10), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["lifter_id"], ["lifters.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["session_id"], ["training_sessions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("check_ins", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_check_ins_lifter_id"), ["lifter_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_check_ins_session_id"), ["session_id"], unique=False)

    op.create_table(
        "set_logs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("lifter_id", sa.String(length=36), nullable=False),
        sa.Column("session_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("exercise", sa.String(length=120), nullable=False),
        sa.Column("set_number", sa.Integer(), nullable=False),
        sa.Column("weight_grams", sa.Integer(), nullable=False),
        sa.Column("reps", sa.Integer(), nullable=False),
        sa.Column("rpe", sa.Float(), nullable=True),
        sa.Column("failed", sa.Boolean(), nullable=False),
        sa.Column("pain_limited", sa.Boolean(), nullable=False),
        sa.Column("during_rehab", sa.Boolean(), nullable=False),
        sa.Column("logged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('primary', 'auxiliary')", name="ck_set_logs_kind"),
        sa.ForeignKeyConstraint(["lifter_id"], ["lifters.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["session_id"], ["training_sessions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "session_id", "kind", "exercise", "set_number", name="uq_set_logs_natural_key"
        ),
    )
    with op.batch_alter_table("set_logs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_set_logs_lifter_id"), ["lifter_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_set_logs_session_id"), ["session_id"], unique=False)

    op.create_table(
        "generations",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("lifter_id", sa.String(length=36), nullable=False),
        sa.Column("session_id", sa.String(length=36), nullable=False),
        sa.Column("check_in_id", sa.String(length=36), nullable=True),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("jit_strategy", sa.String(length=20), nullable=False),
        sa.Column("fallback_reason", sa.String(length=20), nullable=True),
        sa.Column("response_json", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["check_in_id"], ["check_ins.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["lifter_id"], ["lifters.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["session_id"], ["training_sessions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("lifter_id", "idempotency_key", name="uq_generations_lifter_key"),
    )
    with op.batch_alter_table("generations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_generations_lifter_id"), ["lifter_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_generations_session_id"), ["session_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("generations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_generations_session_id"))
        batch_op.drop_index(batch_op.f("ix_generations_lifter_id"))

    op.drop_table("generations")
    with op.batch_alter_table("set_logs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_set_logs_session_id"))
        batch_op.drop_index(batch_op.f("ix_set_logs_lifter_id"))

    op.drop_table("set_logs")
    with op.batch_alter_table("check_ins", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_check_ins_session_id"))
        batch_op.drop_index(batch_op.f("ix_check_ins_lifter_id"))

    op.drop_table("check_ins")
    with op.batch_alter_table("training_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_sessions_lifter_id"))
        batch_op.drop_index("ix_sessions_program_week")
        batch_op.drop_index("ix_sessions_lifter_date")

    op.drop_table("training_sessions")
    with op.batch_alter_table("disruptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disruptions_lifter_id"))

    op.drop_table("disruptions")
    with op.batch_alter_table("warmup_configs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_warmup_configs_lifter_id"))

    op.drop_table("warmup_configs")
    with op.batch_alter_table("rest_configs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rest_configs_lifter_id"))

    op.drop_table("rest_configs")
    with op.batch_alter_table("rehab_caps", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_rehab_caps_one_active",
            sqlite_where=sa.text("ended_at IS NULL"),
            postgresql_where=sa.text("ended_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_rehab_caps_lifter_id"))

    op.drop_table("rehab_caps")
    with op.batch_alter_table("programs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programs_lifter_id"))

    op.drop_table("programs")
    with op.batch_alter_table("muscle_volume_configs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_muscle_volume_configs_lifter_id"))

    op.drop_table("muscle_volume_configs")
    op.drop_table("lifter_settings")
    with op.batch_alter_table("lifter_maxes", schema=None) as batch_op:
        batch_op.drop_index("ix_lifter_maxes_lifter_lift")
        batch_op.drop_index(batch_op.f("ix_lifter_maxes_lifter_id"))

    op.drop_table("lifter_maxes")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_tokens_lifter_id"))

    op.drop_table("api_tokens")
    op.drop_table("lifters")
