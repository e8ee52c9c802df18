"""The report's cache tier and stage latencies come from the database (issue 13).

`llm_calls` gains `cache_tier`, the tier that answered a cache hit (memory or database; null
when the record is not a hit); `generations` gains `stage_ms`, the wall-clock milliseconds of the
stages that end before the write (read, assemble, engine, serialise). Rows written before this
revision keep null in both: the report counts their hits as "tier unknown" and leaves them out of
the stage percentiles.

Revision ID: 0021_cache_tier_and_stage_ms
Revises: 0020_rate_limit_window_bigint
Create Date: 2026-11-30 07:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0021_cache_tier_and_stage_ms"
down_revision: str | None = "0020_rate_limit_window_bigint"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
TIERS = "cache_tier IS NULL OR cache_tier IN ('memory', 'database')"


def upgrade() -> None:
    with op.batch_alter_table("llm_calls", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cache_tier", sa.String(length=10), nullable=True))
        batch_op.create_check_constraint("ck_llm_calls_cache_tier", TIERS)
    with op.batch_alter_table("generations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stage_ms", JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("generations", schema=None) as batch_op:
        batch_op.drop_column("stage_ms")
    with op.batch_alter_table("llm_calls", schema=None) as batch_op:
        batch_op.drop_constraint("ck_llm_calls_cache_tier", type_="check")
        batch_op.drop_column("cache_tier")
