"""A session served by an active distilled rule is labelled `distilled_rule` (issue 12).

The rule's adjustment runs through the LLM path's apply and constraint pass, but no model is
called, so the session row says so instead of `llm`.

Revision ID: 0018_distilled_rule_strategy
Revises: 0017_oracle
Create Date: 2026-11-30 05:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0018_distilled_rule_strategy"
down_revision: str | None = "0017_oracle"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BEFORE = "('formula', 'llm', 'hybrid', 'formula_fallback')"
_AFTER = "('formula', 'llm', 'hybrid', 'formula_fallback', 'distilled_rule')"


def _strategies(allowed: str) -> None:
    with op.batch_alter_table("training_sessions", schema=None) as batch_op:
        batch_op.drop_constraint("ck_sessions_strategy", type_="check")
        batch_op.create_check_constraint(
            "ck_sessions_strategy", f"jit_strategy IS NULL OR jit_strategy IN {allowed}"
        )


def upgrade() -> None:
    _strategies(_AFTER)


def downgrade() -> None:
    # Rows served by a rule become `llm` again (the closest earlier label: the LLM path served).
    op.execute(
        "UPDATE training_sessions SET jit_strategy = 'llm' WHERE jit_strategy = 'distilled_rule'"
    )
    _strategies(_BEFORE)
