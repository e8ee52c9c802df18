"""A lifter's bearer tokens, one or more per device (revision 0005): find, list, revoke, touch."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import col, select, update

from api.errors import NotFound
from api.persistence.db import Unit
from api.persistence.tables import ApiTokenRow

__all__ = [
    "TOUCH_EVERY",
    "all_hashes",
    "live_token",
    "live_tokens",
    "own_live_token",
    "revoke",
    "revoke_device",
    "touch",
]

TOUCH_EVERY = timedelta(hours=1)  # `last_used_at` is written at most this often per token


def live_token(unit: Unit, token_hash: str) -> ApiTokenRow | None:
    """The token with this hash, unless revoked (an expired one is returned: the caller says so)."""
    return unit.exec(
        select(ApiTokenRow).where(
            ApiTokenRow.token_hash == token_hash, col(ApiTokenRow.revoked_at).is_(None)
        )
    ).first()


def touch(unit: Unit, token_id: str, now: datetime) -> None:
    """Records a use, unless one was recorded within `TOUCH_EVERY`."""
    unit.exec(
        update(ApiTokenRow)
        .where(
            col(ApiTokenRow.id) == token_id,
            col(ApiTokenRow.last_used_at).is_(None)
            | (col(ApiTokenRow.last_used_at) < now - TOUCH_EVERY),
        )
        .values(last_used_at=now)
    )


def live_tokens(unit: Unit, lifter_id: str) -> list[ApiTokenRow]:
    """The lifter's unrevoked tokens (expired ones included), oldest first (then by device)."""
    return list(
        unit.exec(
            select(ApiTokenRow)
            .where(ApiTokenRow.lifter_id == lifter_id, col(ApiTokenRow.revoked_at).is_(None))
            .order_by(col(ApiTokenRow.created_at), col(ApiTokenRow.device), col(ApiTokenRow.id))
        ).all()
    )


def own_live_token(unit: Unit, lifter_id: str, token_id: str) -> ApiTokenRow:
    """One of the lifter's unrevoked tokens, or 404 (another lifter's is indistinguishable)."""
    row = unit.exec(
        select(ApiTokenRow).where(
            ApiTokenRow.id == token_id,
            ApiTokenRow.lifter_id == lifter_id,
            col(ApiTokenRow.revoked_at).is_(None),
        )
    ).first()
    if row is None:
        raise NotFound("token not found")
    return row


def revoke(unit: Unit, row: ApiTokenRow, now: datetime) -> str:
    """Revokes one token; its hash (to forget a cached lookup)."""
    row.revoked_at = now
    unit.add(row)
    unit.flush()
    return row.token_hash


def revoke_device(unit: Unit, lifter_id: str, device: str, now: datetime) -> list[str]:
    """Revokes the lifter's live tokens of one device; their hashes."""
    return [revoke(unit, row, now) for row in live_tokens(unit, lifter_id) if row.device == device]


def all_hashes(unit: Unit, lifter_id: str) -> list[str]:
    """Every token hash of the lifter, revoked or not (to forget them when it is deleted)."""
    return list(
        unit.exec(select(ApiTokenRow.token_hash).where(ApiTokenRow.lifter_id == lifter_id)).all()
    )
