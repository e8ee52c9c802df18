"""Load suggestions (issue 10, DR §3.20.2): recomputed from the newest outcomes after each
completed session, at most one pending per lift; accepting one records the suggested max."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from api.persistence.db import Unit
from api.persistence.mappers import lifter_sex, max_out
from api.persistence.repositories import config, feedback, lifters
from api.persistence.repositories.rows import save
from api.persistence.tables import LoadSuggestionRow, MaxRow
from api.persistence.units import grams, kg
from api.schemas import SuggestionOut
from api.services.floors import at_least_the_bar
from api.state import AppState
from shared_types.enums import Lift
from shared_types.feedback import LoadSuggestion, SessionOutcome
from training_engine.feedback.suggestions import load_suggestions, unused
from training_engine.formulas.rounding import DEFAULT_INCREMENT_KG, plate_step_kg

__all__ = [
    "SUGGESTION_LOOKBACK",
    "SUGGESTION_OUTCOMES_MAX",
    "decide_suggestion",
    "list_suggestions",
    "refresh_suggestions",
]

# How far back a suggestion may look (G10): a 12-week program, in which a lift and intensity
# type recurs every few weeks (every fourth week on a 3-day program), so N sessions in a row of
# one group fit; and at most this many completed outcomes (six days a week for 12 weeks).
SUGGESTION_LOOKBACK = timedelta(weeks=12)
SUGGESTION_OUTCOMES_MAX = 72


def refresh_suggestions(unit: Unit, lifter_id: str, now: datetime) -> None:
    """Replaces each lift's pending suggestion with what the newest outcomes support now (a
    suggestion the evidence no longer supports is superseded). Only outcomes recorded since the
    lift's current max count (a session prescribed from an older max says nothing about this
    one), and none a decided suggestion already used (G11)."""
    lifter = lifters.lifter(unit, lifter_id)
    current = lifters.current_maxes(unit, lifter_id)
    maxes = {lift: kg(m.one_rm_grams) for lift, m in current.items()}
    rows = feedback.recent_outcomes(
        unit, lifter_id, SUGGESTION_OUTCOMES_MAX, since=now - SUGGESTION_LOOKBACK
    )
    outcomes = unused(
        [
            SessionOutcome.model_validate(o.outcome)
            for o in rows
            if Lift(o.lift) not in current or o.recorded_at >= current[Lift(o.lift)].recorded_at
        ],
        feedback.decided_evidence(unit, lifter_id, since=now - SUGGESTION_LOOKBACK),
    )
    increment = (
        plate_step_kg([kg(g) for g in lifter.plates_grams])
        if lifter.plates_grams
        else DEFAULT_INCREMENT_KG
    )
    fresh = {
        s.lift: s
        for s in load_suggestions(
            outcomes, sex=lifter_sex(lifter), current_maxes=maxes, increment_kg=increment
        )
    }
    for old in feedback.pending_suggestions(unit, lifter_id):
        new = fresh.get(Lift(old.lift))
        if new is not None and LoadSuggestion.model_validate(old.document) == new:
            del fresh[new.lift]  # still the same suggestion
            continue
        old.status = "superseded"
        old.decided_at = now
        save(unit, old)
    for suggestion in fresh.values():
        save(
            unit,
            LoadSuggestionRow(
                id=str(uuid.uuid4()),
                lifter_id=lifter_id,
                lift=suggestion.lift.value,
                kind=suggestion.kind,
                document=suggestion.model_dump(mode="json"),
                created_at=now,
            ),
        )


def _suggestion_out(row: LoadSuggestionRow, made: MaxRow | None = None) -> SuggestionOut:
    return SuggestionOut(
        id=row.id,
        status=row.status,  # type: ignore[arg-type]  # the table's check constraint
        suggestion=LoadSuggestion.model_validate(row.document),
        created_at=row.created_at,
        decided_at=row.decided_at,
        max=max_out(made) if made is not None else None,
    )


def list_suggestions(state: AppState, lifter_id: str) -> list[SuggestionOut]:
    """The pending load suggestions (at most one per lift)."""
    with state.db.read() as unit:
        return [_suggestion_out(r) for r in feedback.pending_suggestions(unit, lifter_id)]


def decide_suggestion(
    state: AppState, lifter_id: str, suggestion_id: str, *, accepted: bool
) -> SuggestionOut:
    """Accepting a load change appends the suggested max (source `load_suggestion`; the
    suggestion keeps its id); a completion flag has no max to set and is only acknowledged."""
    now = state.clock()
    with state.db.write() as unit:
        row = feedback.own_suggestion(unit, lifter_id, suggestion_id)
        if row.status == ("accepted" if accepted else "dismissed"):
            return _suggestion_out(row)
        feedback.still_pending(row.status, "suggestion")
        suggestion = LoadSuggestion.model_validate(row.document)
        made = None
        if accepted and suggestion.suggested_max_kg is not None:
            at_least_the_bar(
                unit, lifter_id, suggestion.suggested_max_kg, "suggestion", "the suggested max"
            )
            made = MaxRow(
                lifter_id=lifter_id,
                lift=suggestion.lift.value,
                one_rm_grams=grams(suggestion.suggested_max_kg),
                source="load_suggestion",
                recorded_at=now,
            )
            save(unit, made)
            row.max_id = made.id
            config.bump_config_version(unit, lifter_id)
        row.status = "accepted" if accepted else "dismissed"
        row.decided_at = now
        save(unit, row)
        return _suggestion_out(row, made)
