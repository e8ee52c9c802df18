"""Idempotency keys of the creating POSTs: the first response under a key, and storing it.

A key is unique per scope (the lifter's id, or `admin`), route and key. The row is written in
the transaction that created what the request made, so a response is stored exactly when its
effects are (ADR 0009).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from api.persistence.db import Unit
from api.persistence.tables import IdempotencyKeyRow

__all__ = ["KeyTaken", "KeyedResponse", "find", "store"]


@dataclass(frozen=True)
class KeyedResponse:
    request_hash: str
    status_code: int
    response_json: str
    lifter_id: str | None


class KeyTaken(Exception):
    """Another request stored this key meanwhile; the unit is spoiled and must end."""


def find(unit: Unit, scope: str, route: str, key: str) -> KeyedResponse | None:
    row = unit.exec(
        select(IdempotencyKeyRow).where(
            IdempotencyKeyRow.scope == scope,
            IdempotencyKeyRow.route == route,
            IdempotencyKeyRow.idempotency_key == key,
        )
    ).first()
    if row is None:
        return None
    return KeyedResponse(row.request_hash, row.status_code, row.response_json, row.lifter_id)


def store(
    unit: Unit,
    *,
    scope: str,
    lifter_id: str | None,
    route: str,
    key: str,
    request_hash: str,
    status_code: int,
    response_json: str,
    now: datetime,
) -> None:
    """Stores the response under the key; `KeyTaken` when another request stored it first."""
    unit.add(
        IdempotencyKeyRow(
            scope=scope,
            lifter_id=lifter_id,
            route=route,
            idempotency_key=key,
            request_hash=request_hash,
            status_code=status_code,
            response_json=response_json,
            created_at=now,
        )
    )
    try:
        unit.flush()
    except IntegrityError as exc:
        raise KeyTaken from exc
