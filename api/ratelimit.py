"""Rate limits on generation, per lifter and per token: a fixed one-minute window.

`JIT_RATE_LIMIT__GENERATIONS_PER_MINUTE` (default 30; 0 = off) generations per lifter and per
bearer token in each clock minute (the app's clock, so tests can move it). Both generation
routes (the session's and the stateless `/v1/generate`) count, replays of an idempotent request
included; the request that passes the limit is a 429 `rate_limited` with `Retry-After` (seconds
to the next window) and nothing is generated or stored.

The counters live in the database (`rate_limits`, revision 0007_rate_limits; upserted, see
`api.persistence.repositories.rate_limits`), so the limit holds across worker processes. A
subject is a SHA-256 digest of `lifter:<id>` or `token:<header>`: no id or token is stored in
clear. A fixed window admits at most twice the limit across a window edge; that is the price of
one upsert per request.
"""

from __future__ import annotations

import hashlib

from fastapi import Request

from api.errors import RateLimited
from api.persistence.repositories import rate_limits
from api.state import AppState

__all__ = ["WINDOW_S", "limit_generation", "subject"]

WINDOW_S = 60


def subject(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode("utf-8", "backslashreplace")).hexdigest()


def _hit(state: AppState, subjects: list[str], window_start: int) -> dict[str, int]:
    with state.db.write() as unit:
        return rate_limits.hit(unit, subjects, window_start)


async def limit_generation(state: AppState, request: Request, lifter_id: str | None) -> None:
    """Counts this generation for its lifter and its token; 429 past the limit."""
    per_minute = state.settings.rate_limit.generations_per_minute
    if per_minute <= 0:
        return
    now = int(state.clock().timestamp())
    window_start = now - now % WINDOW_S
    subjects = [subject("token", request.headers.get("authorization", ""))]
    if lifter_id is not None:
        subjects.append(subject("lifter", lifter_id))
    counts = await state.db.run(_hit, state, subjects, window_start)
    if max(counts.values()) > per_minute:
        retry_after = max(1, window_start + WINDOW_S - now)
        raise RateLimited(
            f"more than {per_minute} generations in a minute; try again in {retry_after} s",
            retry_after,
        )
