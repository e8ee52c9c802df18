"""Idempotency-Key on the POSTs that create something (programs, disruptions, rehab caps,
lifters).

The header is optional: without it a request creates, as before. With it, the first response is
stored under (caller, route, key) in the transaction that created what the request made; the
same key and body then replays that response (same status and body, `Idempotent-Replayed:
true`), and the same key with another body is 409. Two requests with one key at once: the
second to store the key fails, its transaction (and what it created) rolls back, and it reads
again and replays the first one's response (ADR 0009).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from pydantic import BaseModel

from api.errors import Conflict
from api.persistence.db import Unit
from api.persistence.repositories import idempotency, lifters
from api.persistence.repositories.idempotency import KeyedResponse, KeyTaken
from api.state import AppState

__all__ = ["ADMIN_SCOPE", "ATTEMPTS", "Answer", "Keyed", "body_hash", "create_once"]

ADMIN_SCOPE = "admin"
ATTEMPTS = 3


@dataclass(frozen=True)
class Keyed:
    """Who asked (`scope`: a lifter's id or `admin`), on which route, under which key."""

    scope: str
    route: str
    key: str | None


@dataclass(frozen=True)
class Answer:
    status_code: int
    body: str  # the JSON text of the response
    replayed: bool | None  # None: no key was sent


def body_hash(body: BaseModel) -> str:
    canonical = json.dumps(body.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# Creates what the request makes, in the unit: the response, and the lifter that owns the key
# (deleting that lifter deletes the key).
Create = Callable[[Unit], tuple[BaseModel, str]]
# Turns a stored response into the replayed one (in the unit); the identity by default.
Replay = Callable[[Unit, KeyedResponse], str]


def _stored(_unit: Unit, earlier: KeyedResponse) -> str:
    return earlier.response_json


def create_once(
    state: AppState,
    keyed: Keyed,
    body: BaseModel,
    create: Create,
    *,
    status_code: int = 201,
    lock_lifter: str | None = None,
    stored_text: Callable[[str], str] = lambda text: text,
    replay: Replay = _stored,
) -> Answer:
    """Runs `create` once per key. `lock_lifter` locks that lifter's row first (the lifter's
    writes that must not interleave); `stored_text` is what is kept of the response (a secret
    left out), `replay` what a repeat answers."""
    fingerprint = body_hash(body)
    for _ in range(ATTEMPTS):
        try:
            with state.db.write() as unit:
                if lock_lifter is not None:
                    lifters.lock_lifter(unit, lock_lifter)
                if keyed.key is not None:
                    earlier = idempotency.find(unit, keyed.scope, keyed.route, keyed.key)
                    if earlier is not None:
                        if earlier.request_hash != fingerprint:
                            raise Conflict(
                                "this Idempotency-Key was already used for a different request"
                            )
                        return Answer(earlier.status_code, replay(unit, earlier), replayed=True)
                out, owner = create(unit)
                text = out.model_dump_json()
                if keyed.key is None:
                    return Answer(status_code, text, replayed=None)
                idempotency.store(
                    unit,
                    scope=keyed.scope,
                    lifter_id=owner,
                    route=keyed.route,
                    key=keyed.key,
                    request_hash=fingerprint,
                    status_code=status_code,
                    response_json=stored_text(text),
                    now=state.clock(),
                )
                return Answer(status_code, text, replayed=False)
        except KeyTaken:
            continue  # another request stored the key first: read again and replay it
    raise Conflict("this Idempotency-Key is being used by another request; try again")
