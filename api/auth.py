"""Bearer tokens: one per lifter (issued once, stored as a SHA-256 hash) and the admin token.

Lifter tokens are 256 random bits, so a fast hash is enough (nothing to brute-force); the hash
is unique-indexed, so a lookup is one indexed read. The admin token comes from settings
(`JIT_ADMIN_TOKEN`) and is compared in constant time; without it, admin routes answer 403.
Known tokens are cached for a few seconds (`api.state.TokenCache`; rotation forgets them), so
most requests authenticate without the database, on the event loop.

    no or unknown token          -> 401
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
from api.persistence.repositories import lifters
from api.state import AppState, app_state

__all__ = [
    "Caller",
    "CurrentLifter",
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


def _is_admin(state: AppState, token: str) -> bool:
    admin = state.settings.admin_token
    return admin is not None and hmac.compare_digest(
        admin.get_secret_value().encode("utf-8"), token.encode("utf-8")
    )


def _lookup(state: AppState, token_hash: str) -> str | None:
    with state.stage("auth"), state.db.read() as unit:
        return lifters.lifter_id_for_token(unit, token_hash)


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
        lifter_id = state.tokens.get(token_hash)
    if lifter_id is None:
        lifter_id = await state.db.run(_lookup, state, token_hash)
        if lifter_id is None:
            raise Unauthorized("unknown token")
        state.tokens.put(token_hash, lifter_id)
    return Caller(lifter_id=lifter_id, is_admin=False)


async def current_lifter(who: Annotated[Caller, Depends(caller)]) -> str:
    if who.lifter_id is None:
        raise Forbidden("this route acts for a lifter; the admin token is not one")
    return who.lifter_id


async def require_admin(who: Annotated[Caller, Depends(caller)]) -> None:
    if not who.is_admin:
        raise Forbidden("admin token required")


CurrentLifter = Annotated[str, Depends(current_lifter)]
RequireAdmin = Depends(require_admin)
AnyCaller = Annotated[Caller, Depends(caller)]
