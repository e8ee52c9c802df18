"""Next-set advice during a session (issue 10, DR §3.20.3-4): offered with a logged main-lift set,
stored, and decided; accepting it rewrites the remaining prescribed sets."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from api.errors import Conflict, ErrorDetail, InvalidRequest
from api.persistence.db import Unit
from api.persistence.mappers import main_sets
from api.persistence.repositories import feedback
from api.persistence.repositories import sessions as session_repo
from api.persistence.repositories.rows import save
from api.persistence.tables import SessionRow, SetAdviceRow
from api.schemas import AdviceOut
from api.state import AppState
from shared_types.enums import Lift
from shared_types.feedback import SetAdvice
from shared_types.outputs import JITOutput, PlannedSet
from shared_types.trace import PrescriptionTrace
from training_engine.feedback.coaching import SetContext, next_set_advice
from training_engine.formulas.rounding import DEFAULT_INCREMENT_KG

__all__ = ["advise", "decide_advice", "session_advice"]


def _advice_out(row: SetAdviceRow) -> AdviceOut:
    return AdviceOut(
        id=row.id,
        status=row.status,  # type: ignore[arg-type]  # the table's check constraint
        after_set_number=row.after_set_number,
        advice=SetAdvice.model_validate(row.document),
        created_at=row.created_at,
        decided_at=row.decided_at,
    )


def session_advice(unit: Unit, session_id: str) -> list[AdviceOut]:
    return [_advice_out(r) for r in feedback.advice(unit, session_id)]


def advise(unit: Unit, row: SessionRow, set_number: int, now: datetime) -> AdviceOut | None:
    """After a main-lift set: expires the advice still on offer and offers the next, if any."""
    earlier = feedback.advice(unit, row.id)
    for old in earlier:
        if old.status == "offered":
            old.status = "expired"
            old.decided_at = now
            save(unit, old)
    output_doc, trace_doc, snapshot = feedback.prescription_documents(unit, row.id)
    if output_doc is None or snapshot is None:
        return None
    output = JITOutput.model_validate(output_doc)
    trace = PrescriptionTrace.model_validate(trace_doc) if trace_doc is not None else None
    reductions = output.volume_reductions
    context = SetContext(
        lift=Lift(row.primary_lift),
        one_rm_kg=float(snapshot["one_rm_kg"]),
        increment_kg=float(snapshot.get("weight_increment_kg") or DEFAULT_INCREMENT_KG),
        bar_kg=float(snapshot.get("bar_weight_kg") or 20.0),
        prescribed=output.main_lift_sets,
        logged=tuple(main_sets(session_repo.session_sets(unit, row.id))),
        is_deload=row.is_deload,
        recovery_mode=bool(trace is not None and trace.main_lift.is_recovery_mode),
        rehab_capped=bool(output.capped_by_rehab),
        already_adjusted=any(
            a.status == "accepted" and a.kind.startswith("increase") for a in earlier
        ),
        sets_removed=reductions.total_sets_removed if reductions is not None else 0,
        recovery_blocked=bool(reductions is not None and reductions.recovery_blocked),
    )
    advice = next_set_advice(context)
    if advice is None:
        return None
    offered = SetAdviceRow(
        id=str(uuid.uuid4()),
        lifter_id=row.lifter_id,
        session_id=row.id,
        after_set_number=set_number,
        kind=advice.kind,
        document=advice.model_dump(mode="json"),
        created_at=now,
    )
    save(unit, offered)
    return _advice_out(offered)


def decide_advice(
    state: AppState, lifter_id: str, session_id: str, advice_id: str, *, accepted: bool
) -> AdviceOut:
    """Accepting rewrites the session's remaining main sets (and adds the offered ones) in the
    stored prescription, with a rationale line saying so; declining only records it."""
    now = state.clock()
    with state.db.write() as unit:
        row = session_repo.own_session(unit, lifter_id, session_id, lock=True, documents=True)
        offered = feedback.own_advice(unit, lifter_id, session_id, advice_id)
        if offered.status == ("accepted" if accepted else "declined"):
            return _advice_out(offered)
        if offered.status != "offered":
            raise Conflict(f"the advice is {offered.status}: a newer set replaced it")
        if row.status != "in_progress":
            raise Conflict(f"the session is {row.status.replace('_', ' ')}")
        advice = SetAdvice.model_validate(offered.document)
        if accepted:
            if row.jit_output is None:
                raise InvalidRequest(
                    "the session has no prescription",
                    [ErrorDetail(path="session_id", message="generate the session first")],
                )
            row.jit_output = _revised(
                JITOutput.model_validate(row.jit_output), advice, offered.after_set_number
            )
            row.updated_at = now
        offered.status = "accepted" if accepted else "declined"
        offered.decided_at = now
        save(unit, row, offered)
        return _advice_out(offered)


def _revised(output: JITOutput, advice: SetAdvice, after_set: int) -> dict[str, Any]:
    """The stored prescription with the advice applied: remaining sets replaced, offered sets
    appended, the rest before every set after `after_set` adjusted, and a rationale line that
    records the change."""
    replaced = {s.set_number: s for s in advice.remaining_sets}
    sets: list[PlannedSet] = [replaced.get(s.set_number, s) for s in output.main_lift_sets]
    sets.extend(advice.added_sets)
    rest = list(output.rest_recommendations.main_lift)
    base_rest = rest[-1] if rest else 0
    rest.extend([base_rest] * (len(sets) - len(rest)))
    if advice.rest_delta_seconds:
        rest = [
            r + advice.rest_delta_seconds if s.set_number > after_set else r
            for s, r in zip(sets, rest, strict=False)
        ]
    revised = output.model_copy(
        update={
            "main_lift_sets": tuple(sets),
            "rest_recommendations": output.rest_recommendations.model_copy(
                update={"main_lift": tuple(rest)}
            ),
            "rationale": (*output.rationale, f"Adjusted during the session: {advice.message}"),
        }
    )
    return revised.model_dump(mode="json", exclude={"trace"})
