"""Lifters, their bearer tokens and their maxes (append-only)."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import col, select

from api.errors import NotFound
from api.persistence.db import Unit
from api.persistence.tables import LifterRow, MaxRow
from shared_types.enums import Lift

__all__ = [
    "current_maxes",
    "lifter",
    "lifter_page",
    "lock_lifter",
    "max_history",
    "max_page",
]


def lifter(unit: Unit, lifter_id: str) -> LifterRow:
    row = unit.get(LifterRow, lifter_id)
    if row is None:
        raise NotFound("lifter not found")
    return row


def lock_lifter(unit: Unit, lifter_id: str) -> LifterRow:
    """The lifter's row, locked until the unit ends (or 404): the per-lifter mutex of writes
    that must not interleave (a new program, a token rotation, a config replacement).
    PostgreSQL takes `FOR NO KEY UPDATE`, which does not block rows that reference the lifter
    being inserted meanwhile; SQLite's write units already hold the database lock."""
    row = unit.exec(
        select(LifterRow).where(LifterRow.id == lifter_id).with_for_update(key_share=True)
    ).first()
    if row is None:
        raise NotFound("lifter not found")
    return row


def lifter_page(unit: Unit, limit: int, offset: int) -> tuple[int, list[LifterRow]]:
    total = unit.exec(select(func.count()).select_from(LifterRow)).one()
    rows = unit.exec(
        select(LifterRow)
        .order_by(col(LifterRow.created_at), col(LifterRow.id))
        .offset(offset)
        .limit(limit)
    ).all()
    return total, list(rows)


def current_maxes(unit: Unit, lifter_id: str) -> dict[Lift, MaxRow]:
    """The newest row per lift (maxes are append-only)."""
    newest = (
        select(MaxRow.lift, func.max(MaxRow.id).label("newest"))
        .where(MaxRow.lifter_id == lifter_id)
        .group_by(col(MaxRow.lift))
        .subquery()
    )
    rows = unit.exec(select(MaxRow).join(newest, col(MaxRow.id) == newest.c.newest)).all()
    return {Lift(row.lift): row for row in rows}


def max_history(unit: Unit, lifter_id: str, limit: int = 200) -> list[MaxRow]:
    return list(
        unit.exec(
            select(MaxRow)
            .where(MaxRow.lifter_id == lifter_id)
            .order_by(col(MaxRow.id).desc())
            .limit(limit)
        ).all()
    )


def max_page(
    unit: Unit, lifter_id: str, lift: Lift | None, limit: int, offset: int
) -> tuple[int, list[MaxRow]]:
    """The lifter's recorded maxes (of `lift`, if given), newest first: one page and the count."""
    conditions = [MaxRow.lifter_id == lifter_id]
    if lift is not None:
        conditions.append(MaxRow.lift == lift.value)
    total = unit.exec(select(func.count()).select_from(MaxRow).where(*conditions)).one()
    rows = unit.exec(
        select(MaxRow)
        .where(*conditions)
        .order_by(col(MaxRow.id).desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return total, list(rows)
