"""Deleting what a lifter owns (ADR 0011). Every table references the lifter with ON DELETE
CASCADE, and every table that references a session with ON DELETE CASCADE too, so deleting a
lifter's row, or a session's, takes everything hanging off it (check-ins, generations, set
logs, LLM call records, comparison logs, idempotency keys); these functions delete the roots."""

from __future__ import annotations

from sqlmodel import col, delete, select

from api.errors import NotFound
from api.persistence.db import Unit
from api.persistence.tables import (
    DisruptionRow,
    IdempotencyKeyRow,
    LifterRow,
    MaxRow,
    ProgramRow,
    RehabCapRow,
    SessionRow,
    SetLogRow,
)
from shared_types.enums import Lift

__all__ = [
    "delete_keys_naming",
    "delete_lifter",
    "delete_newest_max",
    "delete_program",
    "delete_row",
    "delete_set",
    "program_to_delete",
]


def delete_lifter(unit: Unit, lifter: LifterRow) -> None:
    """The lifter's row, and by cascade every row that references it or its sessions."""
    unit.delete(lifter)
    unit.flush()


def delete_row(unit: Unit, row: DisruptionRow | RehabCapRow) -> None:
    unit.delete(row)
    unit.flush()


def delete_set(unit: Unit, lifter_id: str, session_id: str, set_id: str) -> SetLogRow:
    """One logged set of the lifter's session, or 404."""
    row = unit.exec(
        select(SetLogRow).where(
            SetLogRow.id == set_id,
            SetLogRow.session_id == session_id,
            SetLogRow.lifter_id == lifter_id,
        )
    ).first()
    if row is None:
        raise NotFound("set not found")
    unit.delete(row)
    unit.flush()
    return row


def delete_newest_max(unit: Unit, lifter_id: str, lift: Lift) -> MaxRow:
    """The lift's current max (the newest row), so the one before it is current again; or 404."""
    row = unit.exec(
        select(MaxRow)
        .where(MaxRow.lifter_id == lifter_id, MaxRow.lift == lift.value)
        .order_by(col(MaxRow.id).desc())
        .limit(1)
    ).first()
    if row is None:
        raise NotFound(f"no {lift.value} max recorded")
    unit.delete(row)
    unit.flush()
    return row


def program_to_delete(unit: Unit, lifter_id: str, program_id: str) -> ProgramRow:
    """The lifter's program, locked, or 404 (another lifter's is indistinguishable from none)."""
    row = unit.exec(
        select(ProgramRow)
        .where(ProgramRow.id == program_id, ProgramRow.lifter_id == lifter_id)
        .with_for_update()
    ).first()
    if row is None:
        raise NotFound("program not found")
    return row


def delete_program(unit: Unit, program: ProgramRow) -> int:
    """The program and its sessions (and by cascade their check-ins, generations, set logs and
    records); disruptions that named it keep existing without it. The number of sessions."""
    deleted = unit.exec(delete(SessionRow).where(col(SessionRow.program_id) == program.id)).rowcount
    unit.delete(program)
    unit.flush()
    return int(deleted)


def delete_keys_naming(unit: Unit, scope: str, route: str, row_id: str) -> None:
    """Forgets the Idempotency-Keys whose stored response created the deleted row, so a key
    never replays something that is gone."""
    unit.exec(
        delete(IdempotencyKeyRow).where(
            col(IdempotencyKeyRow.scope) == scope,
            col(IdempotencyKeyRow.route) == route,
            col(IdempotencyKeyRow.response_json).contains(f'"id":"{row_id}"'),
        )
    )
