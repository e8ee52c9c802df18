"""What every aggregate needs: store rows, and find a lifter's own row by id."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from api.errors import NotFound
from api.persistence.db import Unit
from api.persistence.tables import DisruptionRow, RehabCapRow

__all__ = ["OwnedRow", "insert_unique", "own", "save"]

OwnedRow = TypeVar("OwnedRow", DisruptionRow, RehabCapRow)  # sessions: `sessions.own_session`


def save(unit: Unit, *rows: object) -> None:
    """Writes new or changed rows now (inside the unit's transaction), so later statements and
    rows that reference them see them."""
    unit.add_all(rows)
    unit.flush()


def insert_unique(unit: Unit, row: object) -> bool:
    """Stores a new row; False when a unique constraint or index refuses it (the database
    decides, so two concurrent requests cannot both win). After False the unit's transaction is
    spoiled: the caller must end it with an error."""
    unit.add(row)
    try:
        unit.flush()
    except IntegrityError:
        return False
    return True


def own(
    unit: Unit, table: type[OwnedRow], lifter_id: str, row_id: str, *, lock: bool = False
) -> OwnedRow:
    """A row of this lifter, or 404 (another lifter's row is indistinguishable from none)."""
    query = select(table).where(table.id == row_id, table.lifter_id == lifter_id)
    if lock:
        query = query.with_for_update()
    row = unit.exec(query).first()
    if row is None:
        raise NotFound(f"{table.__tablename__.removesuffix('s').replace('_', ' ')} not found")
    return row
