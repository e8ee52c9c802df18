"""LLM call records and comparison logs; the session row names its current generation.

`llm_calls`: one row per generation that asked a model (or would have), with tokens, cost,
attempts, latency, cache and breaker state, the fallback reason and the adjustment.
`comparison_logs`: the hybrid strategy's comparison (input, both sessions, divergence, what was
served). Both reference `generations.id` and are written in the generation's transaction.
`training_sessions.generation_id`: the generation whose output the row holds.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 21:39:52.926062
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[object]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _owned_by_a_generation() -> list[sa.schema.SchemaItem]:
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("generation_id", sa.String(length=36), nullable=False),
        sa.Column("lifter_id", sa.String(length=36), nullable=False),
        sa.Column("session_id", sa.String(length=36), nullable=False),
        sa.Column("strategy", sa.String(length=10), nullable=False),
    ]


def _references() -> list[sa.schema.SchemaItem]:
    return [
        sa.ForeignKeyConstraint(["generation_id"], ["generations.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["lifter_id"], ["lifters.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["session_id"], ["training_sessions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    ]


def _indexes(table: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(f"ix_{table}_created_at", ["created_at"], unique=False)
        for column in ("generation_id", "lifter_id", "session_id"):
            batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def upgrade() -> None:
    op.create_table(
        "llm_calls",
        *_owned_by_a_generation(),
        sa.Column("provider", sa.String(length=40), nullable=False),
        sa.Column("model", sa.Text(), nullable=False),
        sa.Column("prompt_version", sa.String(length=40), nullable=False),
        sa.Column("prompt_chars", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("latency_ms", sa.Float(), nullable=False),
        sa.Column("deadline_s", sa.Float(), nullable=False),
        sa.Column("input_tokens", sa.Integer(), nullable=True),
        sa.Column("output_tokens", sa.Integer(), nullable=True),
        sa.Column("usage_known", sa.Boolean(), nullable=False),
        sa.Column("cost_usd", sa.Float(), nullable=True),
        sa.Column("cache_hit", sa.Boolean(), nullable=False),
        sa.Column("cache_key", sa.String(length=64), nullable=True),
        sa.Column("breaker_state", sa.String(length=10), nullable=False),
        sa.Column("fallback_reason", sa.String(length=20), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("adjustment", _json(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "breaker_state IN ('closed', 'open', 'half_open')", name="ck_llm_calls_breaker"
        ),
        *_references(),
    )
    _indexes("llm_calls")

    op.create_table(
        "comparison_logs",
        *_owned_by_a_generation(),
        sa.Column("strategy_used", sa.String(length=20), nullable=False),
        sa.Column("shadow", sa.Boolean(), nullable=False),
        sa.Column("fallback_reason", sa.String(length=20), nullable=True),
        sa.Column("should_surface_to_user", sa.Boolean(), nullable=False),
        sa.Column("jit_input", _json(), nullable=False),
        sa.Column("formula_output", _json(), nullable=False),
        sa.Column("llm_output", _json(), nullable=True),
        sa.Column("divergence", _json(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "strategy_used IN ('formula', 'llm', 'hybrid', 'formula_fallback')",
            name="ck_comparison_logs_strategy_used",
        ),
        *_references(),
    )
    _indexes("comparison_logs")

    with op.batch_alter_table("training_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("generation_id", sa.String(length=36), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("training_sessions", schema=None) as batch_op:
        batch_op.drop_column("generation_id")

    for table in ("comparison_logs", "llm_calls"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in ("session_id", "lifter_id", "generation_id"):
                batch_op.drop_index(batch_op.f(f"ix_{table}_{column}"))
            batch_op.drop_index(f"ix_{table}_created_at")
        op.drop_table(table)
