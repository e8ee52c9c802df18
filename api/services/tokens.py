"""A lifter's own tokens, one or more per device: issue, list, refresh, revoke (revision 0005).

Each token belongs to a device (a name the app chooses, e.g. "pixel-8"); refreshing revokes
only the calling device's tokens, so the lifter's other devices stay signed in. A token may
expire (`expires_in_days`); an expired one is refused with a 401 that says so. Revoking (or
refreshing) forgets the cached lookup in this process at once (`api.state.TokenCache`).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from pydantic import BaseModel, Field

from api.auth import hash_token, new_token
from api.errors import Conflict
from api.persistence.db import Unit
from api.persistence.repositories import lifters, tokens
from api.persistence.repositories.rows import save
from api.persistence.tables import ApiTokenRow
from api.schemas import Page
from api.state import AppState, CachedToken

__all__ = [
    "DEFAULT_DEVICE",
    "MAX_LIVE_TOKENS",
    "TokenCreate",
    "TokenIssued",
    "TokenList",
    "TokenOut",
    "TokenRefresh",
    "issue",
    "issue_token",
    "list_tokens",
    "refresh",
    "revoke",
]

DEFAULT_DEVICE = "default"
MAX_LIVE_TOKENS = 20  # per lifter: a device per token, and a bound on what a lifter can pile up

Device = Field(min_length=1, max_length=60, pattern=r"^[^\x00-\x1f\x7f]+$")
Days = Field(default=None, ge=1, le=3650, description="Days until it expires; none: never.")


class TokenCreate(BaseModel, extra="forbid"):
    device: str = Device
    expires_in_days: int | None = Days


class TokenRefresh(BaseModel, extra="forbid"):
    expires_in_days: int | None = Field(
        default=None,
        ge=1,
        le=3650,
        description="Days until the new token expires; none: the calling token's lifetime.",
    )


class TokenOut(BaseModel):
    id: str
    device: str
    created_at: datetime
    last_used_at: datetime | None = Field(description="Recorded at most once an hour.")
    expires_at: datetime | None
    expired: bool
    current: bool = Field(description="The token this request was made with.")


class TokenIssued(BaseModel):
    id: str
    device: str
    token: str = Field(description="The bearer token. Shown once; only a hash is kept.")
    created_at: datetime
    expires_at: datetime | None


class TokenList(Page[TokenOut]):
    """The lifter's live tokens, a page at a time like every list (issue 9)."""


def issue_token(
    unit: Unit, lifter_id: str, now: datetime, device: str, days: int | None
) -> tuple[ApiTokenRow, str]:
    """A new token row (the caller has locked the lifter's row) and its clear text."""
    token = new_token()
    row = ApiTokenRow(
        id=str(uuid.uuid4()),
        lifter_id=lifter_id,
        token_hash=hash_token(token),
        device=device,
        created_at=now,
        expires_at=now + timedelta(days=days) if days is not None else None,
    )
    save(unit, row)
    return row, token


def _issued(row: ApiTokenRow, token: str) -> TokenIssued:
    return TokenIssued(
        id=row.id,
        device=row.device,
        token=token,
        created_at=row.created_at,
        expires_at=row.expires_at,
    )


def issue(state: AppState, lifter_id: str, body: TokenCreate) -> TokenIssued:
    """A new token for a device; the lifter's other tokens, that device's included, stay."""
    now = state.clock()
    with state.db.write() as unit:
        lifters.lock_lifter(unit, lifter_id)
        if len(tokens.live_tokens(unit, lifter_id)) >= MAX_LIVE_TOKENS:
            raise Conflict(
                f"a lifter holds at most {MAX_LIVE_TOKENS} tokens; revoke one first "
                "(DELETE /v1/me/tokens/{id})"
            )
        row, token = issue_token(unit, lifter_id, now, body.device, body.expires_in_days)
    return _issued(row, token)


def list_tokens(
    state: AppState, lifter_id: str, current: CachedToken, limit: int, offset: int
) -> TokenList:
    """A page of the lifter's live tokens, oldest first; `current` marks the calling one.
    A lifter holds at most `MAX_LIVE_TOKENS`, so the page is sliced from the list."""
    now = state.clock()
    with state.db.read() as unit:
        rows = tokens.live_tokens(unit, lifter_id)
    return TokenList(
        items=[_out(r, now, current) for r in rows[offset : offset + limit]],
        total=len(rows),
        limit=limit,
        offset=offset,
    )


def _out(row: ApiTokenRow, now: datetime, current: CachedToken) -> TokenOut:
    return TokenOut(
        id=row.id,
        device=row.device,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        expires_at=row.expires_at,
        expired=row.expires_at is not None and row.expires_at <= now,
        current=row.id == current.token_id,
    )


def refresh(state: AppState, current: CachedToken, body: TokenRefresh) -> TokenIssued:
    """A new token for the calling token's device; that device's earlier tokens stop working,
    the lifter's other devices keep theirs."""
    now = state.clock()
    with state.db.write() as unit:
        lifters.lock_lifter(unit, current.lifter_id)
        days = body.expires_in_days
        if days is None and current.expires_at is not None:
            calling = tokens.own_live_token(unit, current.lifter_id, current.token_id)
            assert calling.expires_at is not None
            days = max(1, (calling.expires_at - calling.created_at).days)
        revoked = tokens.revoke_device(unit, current.lifter_id, current.device, now)
        row, token = issue_token(unit, current.lifter_id, now, current.device, days)
    state.tokens.forget(revoked)
    return _issued(row, token)


def revoke(state: AppState, lifter_id: str, token_id: str) -> None:
    """Revokes one of the lifter's tokens (the calling one too, if named): it stops at once."""
    now = state.clock()
    with state.db.write() as unit:
        row = tokens.own_live_token(unit, lifter_id, token_id)
        revoked = tokens.revoke(unit, row, now)
    state.tokens.forget([revoked])
