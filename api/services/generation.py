"""Generate a session's prescription: one transaction, idempotent per key.

    lock the session row            (PostgreSQL: SELECT ... FOR UPDATE; SQLite: the write lock)
    key seen before?                same request -> the stored response, nothing regenerated
                                    another request with that key -> 409
    session still open?             planned or generated, no set logged; otherwise 409
    load state, assemble JITInput   (clock from the app)
    serve the strategy              `training_engine.strategies.serve`: the output, the LLM
                                    call record, the hybrid comparison (a strategy the registry
                                    lacks: the formula, labelled formula_fallback / disabled)
    store check-in, session output + trace + snapshot, generation row with the response,
          the call record (llm_calls) and the comparison (comparison_logs), both keyed by the
          generation
    commit                          any failure before this point writes nothing

Holding the row lock while the strategy runs is what makes concurrent requests with one key
produce exactly one generation: the others wait, then find the key. A model that fails is not
a failure here: the strategy serves the formula labelled `formula_fallback` with the reason,
and its call record says what happened.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from api.assembly import assemble
from api.errors import Conflict, GenerationFailed
from api.persistence import repositories as repo
from api.persistence.tables import (
    CheckInRow,
    ComparisonLogRow,
    GenerationRow,
    LifterRow,
    LlmCallRow,
    ProgramRow,
    SessionRow,
)
from api.persistence.units import grams
from api.schemas import CheckIn, GenerationOut
from api.services.programs import unending_signals
from api.state import AppState
from shared_types.enums import Lift, StrategyName
from shared_types.inputs import JITInput
from shared_types.llm import ComparisonRecord, GenerationResult, LlmCallRecord
from shared_types.outputs import JITOutput
from training_engine.planning import primary_soreness, todays_intensity

__all__ = [
    "RecordOwner",
    "StrategyRunner",
    "comparison_row",
    "generate_session",
    "llm_call_row",
    "request_hash",
]

# Serves the named strategy on an input from the worker thread that holds the transaction (the
# route hands `serve`'s coroutine to the event loop) and returns its result with records.
StrategyRunner = Callable[[str, JITInput], GenerationResult]
OPEN_STATUSES = ("planned", "generated")


def request_hash(session_id: str, checkin: CheckIn) -> str:
    canonical = json.dumps(
        {"session_id": session_id, "check_in": checkin.model_dump(mode="json")},
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _repick_unending_intensity(
    session: Session, lifter_id: str, row: SessionRow, checkin: CheckIn
) -> None:
    """Unending programs choose the day's stimulus with today's soreness (DR §3.20.1)."""
    program = session.get(ProgramRow, row.program_id) if row.program_id else None
    if program is None or program.mode != "unending" or row.is_deload:
        return
    soreness = primary_soreness(Lift(row.primary_lift), checkin.soreness)
    signals = unending_signals(session, lifter_id, primary_soreness=soreness)
    intensity = todays_intensity(program.session_counter, program.training_days_per_week, signals)
    if intensity is not None:
        row.intensity_type = intensity.value


@dataclass(frozen=True)
class RecordOwner:
    """Where a generation's records belong, and when they were written."""

    generation_id: str
    lifter_id: str
    session_id: str
    strategy: str
    created_at: datetime


def llm_call_row(record: LlmCallRecord, owner: RecordOwner) -> LlmCallRow:
    return LlmCallRow(
        generation_id=owner.generation_id,
        lifter_id=owner.lifter_id,
        session_id=owner.session_id,
        strategy=owner.strategy,
        provider=record.provider,
        model=record.model,
        prompt_version=record.prompt_version,
        prompt_chars=record.prompt_chars,
        attempts=record.attempts,
        latency_ms=record.latency_ms,
        deadline_s=record.deadline_s,
        input_tokens=record.input_tokens,
        output_tokens=record.output_tokens,
        usage_known=record.usage_known,
        cost_usd=record.cost_usd,
        cache_hit=record.cache_hit,
        cache_key=record.cache_key,
        breaker_state=record.breaker_state,
        fallback_reason=record.fallback_reason.value if record.fallback_reason else None,
        detail=record.detail,
        adjustment=record.adjustment.model_dump(mode="json") if record.adjustment else None,
        created_at=owner.created_at,
    )


def comparison_row(record: ComparisonRecord, inp: JITInput, owner: RecordOwner) -> ComparisonLogRow:
    return ComparisonLogRow(
        generation_id=owner.generation_id,
        lifter_id=owner.lifter_id,
        session_id=owner.session_id,
        strategy=owner.strategy,
        strategy_used=record.served.value,
        shadow=record.shadow,
        fallback_reason=record.fallback_reason.value if record.fallback_reason else None,
        should_surface_to_user=record.should_surface_to_user,
        jit_input=inp.model_dump(mode="json"),
        formula_output=record.formula_output.model_dump(mode="json", exclude={"trace"}),
        llm_output=(
            record.llm_output.model_dump(mode="json", exclude={"trace"})
            if record.llm_output is not None
            else None
        ),
        divergence=record.divergence.model_dump(mode="json") if record.divergence else None,
        created_at=owner.created_at,
    )


def _check_in_row(checkin: CheckIn, lifter_id: str, session_id: str, now: datetime) -> CheckInRow:
    return CheckInRow(
        id=str(uuid.uuid4()),
        lifter_id=lifter_id,
        session_id=session_id,
        soreness={m.value: v for m, v in checkin.soreness.items()},
        sleep_quality=checkin.sleep_quality,
        energy_level=checkin.energy_level,
        wearables=checkin.wearables.model_dump(exclude_none=True) if checkin.wearables else None,
        strategy_override=checkin.strategy.value if checkin.strategy else None,
        recorded_at=now,
    )


def _store_output(
    row: SessionRow, output: JITOutput, inp: JITInput, generated_at: datetime, now: datetime
) -> None:
    """The session row holds the served output, its trace and the input snapshot."""
    main = output.main_lift_sets
    row.status = "generated"
    row.jit_strategy = output.jit_strategy.value if output.jit_strategy else None
    row.fallback_reason = output.fallback_reason.value if output.fallback_reason else None
    row.jit_generated_at = generated_at
    row.jit_input_snapshot = inp.model_dump(mode="json")
    row.jit_output = output.model_dump(mode="json", exclude={"trace"})
    row.jit_output_trace = output.trace.model_dump(mode="json") if output.trace else None
    row.target_rpe = main[0].rpe_target if main else None
    row.planned_weight_grams = grams(main[0].weight_kg) if main else None
    row.updated_at = now


def generate_session(
    state: AppState,
    run: StrategyRunner,
    *,
    lifter_id: str,
    session_id: str,
    checkin: CheckIn,
    idempotency_key: str,
) -> tuple[str, bool]:
    """The response body (JSON text), and whether it was replayed from an earlier request."""
    fingerprint = request_hash(session_id, checkin)
    with state.db.write() as session:
        row = repo.own_session(session, lifter_id, session_id, lock=True)
        earlier = repo.find_generation(session, lifter_id, idempotency_key)
        if earlier is not None:
            if earlier.request_hash != fingerprint:
                raise Conflict("this Idempotency-Key was already used for a different request")
            return earlier.response_json, True
        if row.status not in OPEN_STATUSES:
            raise Conflict(
                f"the session is {row.status.replace('_', ' ')}; it cannot be regenerated"
            )
        if repo.session_sets(session, row.id):
            raise Conflict("sets are already logged for this session; it cannot be regenerated")

        now = state.clock()
        lifter = session.get(LifterRow, lifter_id)
        assert lifter is not None
        settings = repo.settings_row(session, lifter_id)
        _repick_unending_intensity(session, lifter_id, row, checkin)
        assembled = assemble(repo.load_state(session, lifter, row), checkin, now)
        name = (checkin.strategy or StrategyName(settings.jit_strategy)).value
        try:
            result = run(name, assembled.input)
            output = result.output
        except Exception as exc:
            raise GenerationFailed("the prescription could not be generated") from exc

        check_in = _check_in_row(checkin, lifter_id, row.id, now)
        generated_at = output.generated_at or now
        _store_output(row, output, assembled.input, generated_at, now)
        generation_id = str(uuid.uuid4())
        row.generation_id = generation_id
        body = GenerationOut(
            session_id=row.id,
            generation_id=generation_id,
            jit_strategy=row.jit_strategy or "formula",
            fallback_reason=row.fallback_reason,
            generated_at=generated_at,
            one_rm_kg=assembled.input.one_rm_kg,
            one_rm_source=assembled.one_rm_source,
            prescription=output.model_copy(update={"trace": None}),
            reasons=list(output.rationale),
            warnings=list(output.warnings),
            notes=list(assembled.notes),
        )
        text = body.model_dump_json()
        session.add(check_in)
        session.flush()
        session.add(
            GenerationRow(
                id=generation_id,
                lifter_id=lifter_id,
                session_id=row.id,
                check_in_id=check_in.id,
                idempotency_key=idempotency_key,
                request_hash=fingerprint,
                jit_strategy=body.jit_strategy,
                fallback_reason=row.fallback_reason,
                response_json=text,
                created_at=now,
            )
        )
        session.flush()  # the records reference the generation row
        owner = RecordOwner(generation_id, lifter_id, row.id, result.strategy or name, now)
        if result.call is not None:
            session.add(llm_call_row(result.call, owner))
        if result.comparison is not None:
            session.add(comparison_row(result.comparison, assembled.input, owner))
        session.add(row)
    return text, False
