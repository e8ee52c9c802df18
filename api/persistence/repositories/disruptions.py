"""Disruptions and rehab caps of a lifter."""

from __future__ import annotations

from sqlmodel import col, select

from api.persistence.db import Unit
from api.persistence.repositories.rows import insert_unique
from api.persistence.tables import DisruptionRow, RehabCapRow

__all__ = [
    "active_disruptions",
    "active_rehab_caps",
    "add_rehab_cap",
    "disruptions",
    "rehab_caps",
]


def disruptions(unit: Unit, lifter_id: str, status: str | None) -> list[DisruptionRow]:
    """Newest first; all of them, or those with `status`."""
    query = select(DisruptionRow).where(DisruptionRow.lifter_id == lifter_id)
    if status is not None:
        query = query.where(DisruptionRow.status == status)
    return list(
        unit.exec(query.order_by(col(DisruptionRow.reported_at).desc(), col(DisruptionRow.id)))
    )


def active_disruptions(unit: Unit, lifter_id: str) -> list[DisruptionRow]:
    """Not yet resolved, oldest first."""
    return list(
        unit.exec(
            select(DisruptionRow)
            .where(DisruptionRow.lifter_id == lifter_id, DisruptionRow.status != "resolved")
            .order_by(col(DisruptionRow.reported_at), col(DisruptionRow.id))
        ).all()
    )


def active_rehab_caps(unit: Unit, lifter_id: str) -> list[RehabCapRow]:
    return list(
        unit.exec(
            select(RehabCapRow).where(
                RehabCapRow.lifter_id == lifter_id, col(RehabCapRow.ended_at).is_(None)
            )
        ).all()
    )


def rehab_caps(unit: Unit, lifter_id: str, active: bool | None) -> list[RehabCapRow]:
    """Newest first; all of them, the active ones (True) or the ended ones (False)."""
    query = select(RehabCapRow).where(RehabCapRow.lifter_id == lifter_id)
    if active is True:
        query = query.where(col(RehabCapRow.ended_at).is_(None))
    elif active is False:
        query = query.where(col(RehabCapRow.ended_at).is_not(None))
    return list(unit.exec(query.order_by(col(RehabCapRow.started_at).desc(), col(RehabCapRow.id))))


def add_rehab_cap(unit: Unit, row: RehabCapRow) -> bool:
    """Stores the cap; False when the lift already has an active one (the partial unique
    index decides, so two concurrent requests cannot both win). After False the unit's
    transaction is spoiled (`rows.insert_unique`)."""
    return insert_unique(unit, row)
