"""The contextual bandit's rows (issue 12): decisions logged with their generation, rewards
joined when the session is completed, and the posteriors every worker shares.

A posterior row is created on first use with the prior (`INSERT ... ON CONFLICT DO NOTHING`, so
two workers cannot both create it) and then read under a row lock for its update, so concurrent
rewards of one context and arm are applied one after the other, none lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select

from api.persistence.db import Unit
from api.persistence.tables import BanditDecisionRow, BanditPosteriorRow
from shared_types.bandit import ArmPosterior

__all__ = [
    "locked_posterior",
    "open_decision",
    "posteriors_for",
    "posteriors_of",
    "rewarded_decisions",
]

_POSTERIORS = BanditPosteriorRow.__table__  # type: ignore[attr-defined]


def posteriors_for(
    unit: Unit, policy_version: str, lift: str, intensity_type: str
) -> dict[str, dict[str, ArmPosterior]]:
    """The stored posteriors of every context of one lift and intensity type (the contexts a
    generation of that day may fall in), by context key, then arm."""
    prefix = col(BanditPosteriorRow.context_key).startswith(f"{lift}|{intensity_type}|")
    return _by_context(unit, policy_version, prefix)


def posteriors_of(unit: Unit, policy_version: str) -> dict[str, dict[str, ArmPosterior]]:
    """Every stored posterior of a policy version, by context key, then arm."""
    return _by_context(unit, policy_version)


def _by_context(
    unit: Unit, policy_version: str, *conditions: ColumnElement[bool]
) -> dict[str, dict[str, ArmPosterior]]:
    rows = unit.exec(
        select(BanditPosteriorRow).where(
            BanditPosteriorRow.policy_version == policy_version, *conditions
        )
    ).all()
    found: dict[str, dict[str, ArmPosterior]] = {}
    for row in rows:
        found.setdefault(row.context_key, {})[row.arm] = ArmPosterior.model_validate(row.document)
    return found


def locked_posterior(
    unit: Unit, policy_version: str, context_key: str, *, prior: ArmPosterior, now: datetime
) -> BanditPosteriorRow:
    """The posterior row of (`context_key`, `prior.arm`), created with `prior` if missing,
    locked."""
    values: dict[str, Any] = {
        "policy_version": policy_version,
        "context_key": context_key,
        "arm": prior.arm,
        "n": prior.n,
        "document": prior.model_dump(mode="json"),
        "updated_at": now,
    }
    dialect = unit.connection().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    unit.connection().execute(insert(_POSTERIORS).values(**values).on_conflict_do_nothing())
    query = (
        select(BanditPosteriorRow)
        .where(
            BanditPosteriorRow.policy_version == policy_version,
            BanditPosteriorRow.context_key == context_key,
            BanditPosteriorRow.arm == prior.arm,
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return unit.exec(query).one()


def open_decision(unit: Unit, session_id: str) -> BanditDecisionRow | None:
    """The session's newest decision still waiting for its reward (None: none)."""
    return unit.exec(
        select(BanditDecisionRow)
        .where(BanditDecisionRow.session_id == session_id, col(BanditDecisionRow.reward).is_(None))
        .order_by(col(BanditDecisionRow.created_at).desc(), col(BanditDecisionRow.id).desc())
        .limit(1)
        .with_for_update()
    ).first()


def rewarded_decisions(
    unit: Unit, *, policy_version: str | None, since: datetime | None, until: datetime | None
) -> Sequence[BanditDecisionRow]:
    """Every decision with its reward, oldest first (what offline evaluation reads)."""
    query = select(BanditDecisionRow).where(col(BanditDecisionRow.reward).is_not(None))
    if policy_version is not None:
        query = query.where(BanditDecisionRow.policy_version == policy_version)
    if since is not None:
        query = query.where(BanditDecisionRow.created_at >= since)
    if until is not None:
        query = query.where(BanditDecisionRow.created_at < until)
    return unit.exec(
        query.order_by(col(BanditDecisionRow.created_at), col(BanditDecisionRow.id))
    ).all()
