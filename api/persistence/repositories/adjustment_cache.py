"""The adjustment cache's database tier (revision 0010): key -> adjustment JSON text, with an
expiry. Reading never validates (the cache does, and treats a bad entry as a miss); storing
replaces whatever the key held, so a corrupt entry is overwritten by the next answer.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text, bindparam, text

from api.persistence.db import Unit
from api.persistence.types import UtcDateTime

__all__ = ["load", "store"]

# Times go through `UtcDateTime` both ways, as with the ORM (naive UTC on SQLite).
_NOW = bindparam("now", type_=UtcDateTime())
_LOAD = text("SELECT adjustment, expires_at FROM adjustment_cache WHERE key = :key").columns(
    adjustment=Text(), expires_at=UtcDateTime()
)
_PURGE = text("DELETE FROM adjustment_cache WHERE expires_at <= :now").bindparams(_NOW)
_STORE = text(
    "INSERT INTO adjustment_cache (key, adjustment, expires_at, stored_at)"
    " VALUES (:key, :adjustment, :expires_at, :now)"
    " ON CONFLICT (key) DO UPDATE SET adjustment = excluded.adjustment,"
    " expires_at = excluded.expires_at, stored_at = excluded.stored_at"
).bindparams(_NOW, bindparam("expires_at", type_=UtcDateTime()))


def load(unit: Unit, key: str, now: datetime) -> tuple[str, datetime] | None:
    """The stored text under `key` and its expiry, unless missing or expired at `now`."""
    row = unit.connection().execute(_LOAD, {"key": key}).one_or_none()
    if row is None:
        return None
    adjustment, expires_at = row
    return None if expires_at <= now else (adjustment, expires_at)


def store(unit: Unit, key: str, adjustment_json: str, now: datetime, expires_at: datetime) -> None:
    """Upsert the entry, and delete every entry expired at `now` on the way (the table holds
    only entries that can still be served)."""
    connection = unit.connection()
    connection.execute(_PURGE, {"now": now})
    params = {"key": key, "adjustment": adjustment_json, "expires_at": expires_at, "now": now}
    connection.execute(_STORE, params)
