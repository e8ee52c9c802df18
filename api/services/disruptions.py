"""Disruptions (report, update, resolve) and rehab caps (set, end).

A disruption is active or monitoring until resolved; a resolved one is history and cannot be
changed. A rehab cap lasts until ended; one lift has at most one active cap (a partial unique
index enforces it, so two concurrent requests cannot both win).
"""

from __future__ import annotations

import uuid

from api.errors import Conflict, ErrorDetail, InvalidRequest
from api.persistence.db import Unit
from api.persistence.mappers import disruption_out, rehab_cap_out
from api.persistence.repositories import disruptions as repo
from api.persistence.repositories import programs
from api.persistence.repositories.config import bump_config_version
from api.persistence.repositories.lifters import lifter
from api.persistence.repositories.rows import own, save
from api.persistence.tables import DisruptionRow, RehabCapRow
from api.persistence.units import grams
from api.schemas import (
    DisruptionIn,
    DisruptionOut,
    DisruptionPage,
    DisruptionPatch,
    RehabCapIn,
    RehabCapOut,
    RehabCapPage,
)
from api.services.clock import local_today
from api.services.floors import at_least_the_bar
from api.services.idempotency import Answer, Keyed, create_once
from api.state import AppState

__all__ = [
    "end_rehab_cap",
    "list_disruptions",
    "list_rehab_caps",
    "patch_disruption",
    "report_disruption",
    "resolve_disruption",
    "set_rehab_cap",
]


def _ends_before_start() -> InvalidRequest:
    return InvalidRequest(
        "the disruption ends before it starts",
        [ErrorDetail(path="body.affected_date_end", message="is before the start date")],
    )


def report_disruption(
    state: AppState, lifter_id: str, body: DisruptionIn, key: str | None = None
) -> Answer:
    now = state.clock()
    end = body.affected_date_end
    if body.affected_date_start is not None and end is not None and end < body.affected_date_start:
        raise _ends_before_start()

    def create(session: Unit) -> tuple[DisruptionOut, str]:
        start = body.affected_date_start or local_today(lifter(session, lifter_id), now)
        if end is not None and end < start:
            raise _ends_before_start()
        program = programs.active_program(session, lifter_id)
        row = DisruptionRow(
            id=str(uuid.uuid4()),
            lifter_id=lifter_id,
            program_id=program.id if program else None,
            disruption_type=body.disruption_type.value,
            severity=body.severity.value,
            affected_lifts=[lift.value for lift in body.affected_lifts]
            if body.affected_lifts
            else None,
            affected_date_start=start,
            affected_date_end=body.affected_date_end,
            description=body.description,
            event_name=body.event_name,
            status="active",
            reported_at=now,
            updated_at=now,
        )
        save(session, row)
        bump_config_version(session, lifter_id)
        return disruption_out(row), lifter_id

    return create_once(
        state, Keyed(lifter_id, "disruptions", key), body, create, lock_lifter=lifter_id
    )


def list_disruptions(
    state: AppState, lifter_id: str, status: str | None, limit: int, offset: int
) -> DisruptionPage:
    """A lifter has few: one page is sliced from the list."""
    with state.db.read() as session:
        rows = repo.disruptions(session, lifter_id, status)
    return DisruptionPage(
        items=[disruption_out(r) for r in rows[offset : offset + limit]],
        total=len(rows),
        limit=limit,
        offset=offset,
    )


def patch_disruption(
    state: AppState, lifter_id: str, disruption_id: str, body: DisruptionPatch
) -> DisruptionOut:
    sent = body.model_fields_set
    with state.db.write() as session:
        row = own(session, DisruptionRow, lifter_id, disruption_id, lock=True)
        if row.status == "resolved":
            raise Conflict("a resolved disruption cannot be changed")
        if "severity" in sent and body.severity is not None:
            row.severity = body.severity.value
        if "status" in sent and body.status is not None:
            row.status = body.status
        if "affected_lifts" in sent:
            row.affected_lifts = (
                [lift.value for lift in body.affected_lifts] if body.affected_lifts else None
            )
        if "affected_date_end" in sent:
            if (
                body.affected_date_end is not None
                and body.affected_date_end < row.affected_date_start
            ):
                raise _ends_before_start()
            row.affected_date_end = body.affected_date_end
        if "description" in sent:
            row.description = body.description
        row.updated_at = state.clock()
        save(session, row)
        bump_config_version(session, lifter_id)
        return disruption_out(row)


def resolve_disruption(state: AppState, lifter_id: str, disruption_id: str) -> DisruptionOut:
    now = state.clock()
    with state.db.write() as session:
        row = own(session, DisruptionRow, lifter_id, disruption_id, lock=True)
        if row.status != "resolved":
            row.status = "resolved"
            row.resolved_at = now
            row.updated_at = now
            save(session, row)
        bump_config_version(session, lifter_id)
        return disruption_out(row)


def set_rehab_cap(
    state: AppState, lifter_id: str, body: RehabCapIn, key: str | None = None
) -> Answer:
    now = state.clock()
    taken = Conflict(f"{body.lift.value} already has an active rehab cap; end it first")

    def create(session: Unit) -> tuple[RehabCapOut, str]:
        at_least_the_bar(session, lifter_id, body.cap_kg, "body.cap_kg", "the cap")
        if any(c.lift == body.lift.value for c in repo.active_rehab_caps(session, lifter_id)):
            raise taken
        row = RehabCapRow(
            id=str(uuid.uuid4()),
            lifter_id=lifter_id,
            lift=body.lift.value,
            cap_grams=grams(body.cap_kg),
            note=body.note,
            planned_end_date=body.planned_end_date,
            started_at=now,
        )
        if not repo.add_rehab_cap(session, row):
            raise taken
        bump_config_version(session, lifter_id)
        return rehab_cap_out(row), lifter_id

    return create_once(
        state, Keyed(lifter_id, "rehab-caps", key), body, create, lock_lifter=lifter_id
    )


def list_rehab_caps(
    state: AppState, lifter_id: str, active: bool | None, limit: int, offset: int
) -> RehabCapPage:
    """A lifter has few: one page is sliced from the list."""
    with state.db.read() as session:
        rows = repo.rehab_caps(session, lifter_id, active)
    return RehabCapPage(
        items=[rehab_cap_out(r) for r in rows[offset : offset + limit]],
        total=len(rows),
        limit=limit,
        offset=offset,
    )


def end_rehab_cap(state: AppState, lifter_id: str, cap_id: str) -> RehabCapOut:
    with state.db.write() as session:
        row = own(session, RehabCapRow, lifter_id, cap_id, lock=True)
        if row.ended_at is None:
            row.ended_at = state.clock()
            save(session, row)
        bump_config_version(session, lifter_id)
        return rehab_cap_out(row)
