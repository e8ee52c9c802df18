"""The dashboard's login session and CSRF tokens (ADR 0019), with no new secret and no storage.

A session is a cookie `<session id>.<expiry, unix seconds>.<signature>`: the signature is
HMAC-SHA256 over the id and expiry, keyed from the admin token (`signing_key`), so changing
`JIT_ADMIN_TOKEN` ends every session at once, and nothing is stored on the server. A form that
changes something carries the CSRF token `HMAC(key, "csrf:" + session id)`: only a page served to
this session can know it. Every comparison is constant-time (`hmac.compare_digest`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = [
    "COOKIE",
    "SESSION_TTL",
    "AdminSession",
    "csrf_token",
    "csrf_valid",
    "new_session",
    "read_session",
    "signing_key",
    "token_matches",
]

COOKIE = "jit_admin"
SESSION_TTL = timedelta(hours=12)
_KEY_LABEL = b"jit-session-engine/admin-dashboard/session/v1"


@dataclass(frozen=True)
class AdminSession:
    """A signed-in admin's session: its random id and when it ends."""

    session_id: str
    expires_at: int  # unix seconds

    @property
    def cookie(self) -> str:
        return f"{self.session_id}.{self.expires_at}"


def signing_key(admin_token: str) -> bytes:
    """The key sessions and CSRF tokens are signed with: derived from the admin token, so the
    token itself never signs anything and no second secret is configured."""
    return hmac.new(admin_token.encode("utf-8"), _KEY_LABEL, hashlib.sha256).digest()


def token_matches(admin_token: str, given: str) -> bool:
    """The login form's token against the configured one, in constant time (as api/auth.py)."""
    return hmac.compare_digest(admin_token.encode("utf-8"), given.encode("utf-8"))


def _sign(key: bytes, message: str) -> str:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


def new_session(key: bytes, now: datetime) -> tuple[AdminSession, str]:
    """A fresh session ending `SESSION_TTL` from `now`, and its cookie value."""
    session = AdminSession(
        session_id=secrets.token_urlsafe(24),
        expires_at=int((now + SESSION_TTL).timestamp()),
    )
    return session, f"{session.cookie}.{_sign(key, session.cookie)}"


def read_session(key: bytes, cookie: str | None, now: datetime) -> AdminSession | None:
    """The session a cookie holds, or None when it is missing, malformed, forged or expired."""
    if not cookie or len(cookie) > 200:
        return None
    parts = cookie.split(".")
    if len(parts) != 3:  # id, expiry, signature
        return None
    session_id, expires, signature = parts
    if not hmac.compare_digest(_sign(key, f"{session_id}.{expires}"), signature):
        return None
    if not expires.isdigit() or int(expires) <= now.timestamp():
        return None
    return AdminSession(session_id=session_id, expires_at=int(expires))


def csrf_token(key: bytes, session: AdminSession) -> str:
    """The token every changing form of this session carries."""
    return _sign(key, f"csrf:{session.session_id}")


def csrf_valid(key: bytes, session: AdminSession, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(csrf_token(key, session), given)
