"""Bearer tokens: a lifter's, one or more per device (issued once, stored as a SHA-256 hash,
optionally expiring), and the admin token.

Lifter tokens are 256 random bits, so a fast hash is enough (nothing to brute-force); the hash
is unique-indexed, so a lookup is one indexed read. The admin token comes from settings
(`JIT_ADMIN_TOKEN`) and is compared in constant time; without it, admin routes answer 401
"admin routes are off". Known tokens are cached for a few seconds (`api.state.TokenCache`;
rotation, revocation and deletion forget them), so most requests authenticate without the
database, on the event loop. A token's expiry is checked on every request, cached or not.

    no or unknown token          -> 401
    expired token                -> 401 (the message says it expired)
    admin route, no admin token set -> 401 "admin routes are off"
    admin token on a lifter route -> 403 (the admin is not a lifter)
    lifter token on an admin route -> 403
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.errors import Forbidden, Unauthorized
from api.persistence.repositories import tokens
from api.state import AppState, CachedToken, app_state

__all__ = [
    "Caller",
    "CurrentLifter",
    "CurrentToken",
    "RequireAdmin",
    "hash_token",
    "new_token",
]

TOKEN_PREFIX = "jit_"
_bearer = HTTPBearer(auto_error=False, description="A lifter's token, or the admin token.")


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Caller:
    lifter_id: str | None
    is_admin: bool
    token: CachedToken | None = None  # the lifter's token (its id, device and expiry)


def _is_admin(state: AppState, token: str) -> bool:
    admin = state.settings.admin_token
    return admin is not None and hmac.compare_digest(
        admin.get_secret_value().encode("utf-8"), token.encode("utf-8")
    )


def _lookup(state: AppState, token_hash: str) -> CachedToken | None:
    with state.stage("auth"):
        with state.db.read() as unit:
            row = tokens.live_token(unit, token_hash)
            if row is None:
                return None
            found = CachedToken(row.lifter_id, row.id, row.device, row.expires_at)
            stale = (
                row.last_used_at is None or row.last_used_at < state.clock() - tokens.TOUCH_EVERY
            )
        if stale:
            with state.db.write() as unit:
                tokens.touch(unit, found.token_id, state.clock())
        return found


async def caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    if credentials is None or not credentials.credentials:
        raise Unauthorized("a bearer token is required")
    state = app_state(request)
    token = credentials.credentials
    with state.stage("auth"):
        if _is_admin(state, token):
            return Caller(lifter_id=None, is_admin=True)
        if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            raise Unauthorized("unknown token")
        token_hash = hash_token(token)
        found = state.tokens.get(token_hash)
    if found is None:
        found = await state.db.run(_lookup, state, token_hash)
        if found is None:
            raise Unauthorized("unknown token")
        state.tokens.put(token_hash, found)
    if found.expires_at is not None and found.expires_at <= state.clock():
        raise Unauthorized(
            f"the token expired at {found.expires_at.isoformat()}; ask for a new one"
        )
    return Caller(lifter_id=found.lifter_id, is_admin=False, token=found)


async def current_lifter(who: Annotated[Caller, Depends(caller)]) -> str:
    if who.lifter_id is None:
        raise Forbidden("this route acts for a lifter; the admin token is not one")
    return who.lifter_id


async def current_token(who: Annotated[Caller, Depends(caller)]) -> CachedToken:
    if who.token is None:
        raise Forbidden("this route acts for a lifter; the admin token is not one")
    return who.token


def admin_on(request: Request) -> None:
    """Admin routes are off (401) while no admin token is configured."""
    if app_state(request).settings.admin_token is None:
        raise Unauthorized("admin routes are off: the server has no JIT_ADMIN_TOKEN set")


async def require_admin(
    _on: Annotated[None, Depends(admin_on)], who: Annotated[Caller, Depends(caller)]
) -> None:
    if not who.is_admin:
        raise Forbidden("admin token required")


CurrentLifter = Annotated[str, Depends(current_lifter)]
CurrentToken = Annotated[CachedToken, Depends(current_token)]
RequireAdmin = Depends(require_admin)
AnyCaller = Annotated[Caller, Depends(caller)]
