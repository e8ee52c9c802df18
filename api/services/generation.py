"""Generate a session's prescription: read, compute, then write under the lock; idempotent per key.

    read      (read unit)   the session, its lifter, settings and program; the key seen before?
                            same request -> the stored response; another request -> 409.
                            Session still open (planned or generated, no set logged)? else 409.
                            Load the state.
    compute   (no unit)     today's intensity (unending programs), assemble the JITInput, serve
                            the strategy (`training_engine.strategies.serve`): the output, the
                            LLM call record, the hybrid comparison. `auto` decides with the
                            routing facts the read loaded, and reserves and settles the budget
                            in its own short write units (`services.routing`)
    write     (write unit)  update the session row only if it still has the version that was
                            read (status, intensity, program; the update takes the row lock),
                            insert the check-in and the generation row with the response (its
                            key is unique per lifter), the records. Commit. A changed session
                            or a key taken meanwhile writes nothing: read again (a replay, a
                            409, or a new computation; at most ATTEMPTS times)
    review    (background)  a fresh model-served generation starts the review pass and returns
                            without waiting for it (`services.reviews`, ADR 0016)

The wall-clock milliseconds of read, assemble, engine and serialise (the stages that end before
the write) go into the generation row the write stores (`generations.stage_ms`, for the report);
auth and write are timed into /metrics only, as a row cannot hold the time of its own write.

Nothing is held while the strategy runs, so one slow model never blocks other writers; the
re-check keeps "one key, one generation": of 20 concurrent requests with one key, one writes and
the others fail to, read again, find its row and replay its bytes (ADR 0009). A model that
fails is not a failure here: the strategy serves the formula labelled `formula_fallback` with
the reason.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime

from api.assembly import Assembled, LifterState, assemble
from api.errors import Conflict, GenerationFailed
from api.persistence.db import Unit
from api.persistence.repositories import generations
from api.persistence.repositories.generations import CheckInValues, Earlier, Stored
from api.persistence.repositories.reviews import ReviewOwner
from api.persistence.repositories.state import Target, load_standing, load_state
from api.schemas import CheckIn, GenerationOut
from api.services import lifecycle, reviews, rollouts
from api.services.clock import local_now
from api.services.lifecycle import Action
from api.services.programs import unending_signals
from api.services.records import RecordOwner, store_records
from api.services.routing import routing_facts, session_routing
from api.state import AppState
from shared_types.enums import IntensityType, StrategyName, StrategyUsed
from shared_types.inputs import JITInput
from shared_types.llm import GenerationResult
from shared_types.outputs import JITOutput
from shared_types.routing import RoutingFacts
from training_engine.planning import primary_soreness, todays_intensity
from training_engine.ports import Routing

__all__ = ["ATTEMPTS", "StrategyRunner", "Superseded", "generate_session", "request_hash"]

# Serves the named strategy on an input (with `auto`'s routing); returns its result with the
# records to store.
StrategyRunner = Callable[[str, JITInput, Routing | None], Awaitable[GenerationResult]]
StageMs = dict[str, float]  # a stage's wall-clock milliseconds, by its name
AUTO = StrategyName.AUTO.value
ATTEMPTS = 3  # reads and computes; more only when the session keeps changing meanwhile


def request_hash(session_id: str, checkin: CheckIn) -> str:
    canonical = json.dumps(
        {"session_id": session_id, "check_in": checkin.model_dump(mode="json")},
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class _Request:
    lifter_id: str
    session_id: str
    checkin: CheckIn
    key: str
    fingerprint: str


@dataclass(frozen=True)
class _Read:
    target: Target
    state: LifterState
    strategy: str  # the strategy asked for: the check-in's, else the lifter's setting
    routing: RoutingFacts | None  # `auto`'s facts (None for the other strategies)
    rollout: rollouts.Assignment | None  # `auto`'s rollout arm, if a rollout applies


@dataclass(frozen=True)
class _Computed:
    stored: Stored
    result: GenerationResult
    inp: JITInput
    strategy: str  # the strategy that ran (or was asked for)


class _Changed(Exception):
    """The session changed between the read and the write (or the key was just taken)."""


class Superseded(Conflict):
    """The key's generation was replaced by a later one with another key (ADR 0009)."""

    code = "superseded"


def _replay(earlier: Earlier, fingerprint: str) -> tuple[str, bool]:
    if earlier.request_hash != fingerprint:
        raise Conflict("this Idempotency-Key was already used for a different request")
    if earlier.superseded:
        raise Superseded(
            "this Idempotency-Key's prescription was superseded by a regeneration; the "
            f"session now holds generation {earlier.current_generation_id} "
            "(GET the session for it)"
        )
    return earlier.response_json, True


def _todays_intensity(unit: Unit, target: Target, checkin: CheckIn) -> IntensityType:
    """Unending programs choose the day's stimulus with today's soreness (DR §3.20.1)."""
    plan = target.plan
    if plan.program_mode != "unending" or target.is_deload or plan.days_per_week is None:
        return plan.intensity
    soreness = primary_soreness(plan.lift, checkin.soreness)
    signals = unending_signals(unit, target.lifter_id, primary_soreness=soreness)
    intensity = todays_intensity(plan.session_counter, plan.days_per_week, signals)
    return intensity if intensity is not None else plan.intensity


def _read(state: AppState, request: _Request, times: StageMs) -> _Read | tuple[str, bool]:
    """The state to compute from, or the stored answer to this key."""
    with state.stage("read", times), state.db.read() as unit:
        target, earlier = generations.target(
            unit, request.lifter_id, request.session_id, request.key
        )
        if earlier is not None:
            return _replay(earlier, request.fingerprint)
        lifecycle.require(target.status, Action.GENERATE)
        if target.has_sets:
            raise Conflict("sets are already logged for this session; it cannot be regenerated")
        standing = state.standing.get(target.lifter_id, target.config_version)
        if standing is None:
            standing = load_standing(unit, target.lifter_id, target.config_version)
            state.standing.put(target.lifter_id, standing)
        today = replace(target.plan, intensity=_todays_intensity(unit, target, request.checkin))
        strategy = (request.checkin.strategy or StrategyName(target.strategy)).value
        auto = strategy == AUTO
        rollout = rollouts.assignment(unit, target.lifter_id, target.plan.lift) if auto else None
        facts = (
            routing_facts(
                unit,
                target.lifter_id,
                target.plan.lift,
                state.clock(),
                rollout,
                bandit=state.settings.routing.bandit,
                intensity=today.intensity,
            )
            if auto
            else None
        )
        state_now = load_state(unit, replace(target, plan=today), standing)
        return _Read(target, state_now, strategy, facts, rollout)


def _check_in(checkin: CheckIn) -> CheckInValues:
    return CheckInValues(
        id=str(uuid.uuid4()),
        soreness={m.value: v for m, v in checkin.soreness.items()},
        sleep_quality=checkin.sleep_quality,
        energy_level=checkin.energy_level,
        wearables=checkin.wearables.model_dump(exclude_none=True) if checkin.wearables else None,
        strategy_override=checkin.strategy.value if checkin.strategy else None,
    )


def _response(
    request: _Request,
    generation_id: str,
    assembled: Assembled,
    output: JITOutput,
    now: datetime,
    *,
    route: str | None,
) -> str:
    return GenerationOut(
        session_id=request.session_id,
        generation_id=generation_id,
        jit_strategy=output.jit_strategy or StrategyUsed.FORMULA,
        fallback_reason=output.fallback_reason,
        generated_at=output.generated_at or now,
        one_rm_kg=assembled.input.one_rm_kg,
        one_rm_source=assembled.one_rm_source,
        prescription=output.model_copy(update={"trace": None}),
        reasons=list(output.rationale),
        warnings=list(output.warnings),
        notes=list(assembled.notes),
        route=route,
    ).model_dump_json()


def _stored(
    request: _Request,
    read: _Read,
    assembled: Assembled,
    output: JITOutput,
    now: datetime,
    *,
    route: str | None,
    times: StageMs,
) -> Stored:
    """Everything the write stores, serialised here, before the lock is taken. `times` is the
    attempt's stage timings: the serialise stage that runs this adds its own when it ends, before
    the write reads them."""
    generation_id = str(uuid.uuid4())
    return Stored(
        generation_id=generation_id,
        lifter_id=request.lifter_id,
        session_id=request.session_id,
        idempotency_key=request.key,
        request_hash=request.fingerprint,
        check_in=_check_in(request.checkin),
        intensity=read.state.plan.intensity,
        output=output,
        generated_at=output.generated_at or now,
        snapshot_json=assembled.input.model_dump_json(),
        one_rm_kg=assembled.input.one_rm_kg,
        output_json=output.model_dump_json(exclude={"trace"}),
        trace_json=output.trace.model_dump_json() if output.trace is not None else None,
        response_json=_response(request, generation_id, assembled, output, now, route=route),
        now=now,
        route=route,
        rollout_id=None if read.rollout is None else read.rollout.rollout_id,
        rollout_arm=None if read.rollout is None else read.rollout.arm,
        stage_ms=times,
    )


async def _compute(
    state: AppState, run: StrategyRunner, request: _Request, read: _Read, times: StageMs
) -> _Computed:
    """Assemble the input, serve the strategy, and prepare everything the write stores."""
    now = state.clock()
    with state.stage("assemble", times):
        assembled = assemble(read.state, request.checkin, local_now(read.target.timezone, now))
    name = read.strategy
    routing = (
        session_routing(state, request.lifter_id, read.routing)
        if read.routing is not None
        else None
    )
    try:
        with state.stage("engine", times):
            result = await run(name, assembled.input, routing)
    except Exception as exc:
        raise GenerationFailed("the prescription could not be generated") from exc
    with state.stage("serialise", times):
        stored = _stored(
            request, read, assembled, result.output, now, route=result.route, times=times
        )
    return _Computed(stored, result, assembled.input, result.strategy or name)


def _write(state: AppState, read: _Read, computed: _Computed) -> tuple[str, bool]:
    """Store, if the session is as it was read and the key still free; else `_Changed`."""
    stored = computed.stored
    result = computed.result
    # Without records to store, PostgreSQL writes in one statement (`store_generation`).
    alone = (
        result.call is None
        and result.shadow_call is None
        and result.comparison is None
        and result.bandit is None
    )
    with state.stage("write"), state.db.write(one_statement=alone) as unit:
        if not generations.store_generation(unit, stored, generations.version_of(read.target)):
            raise _Changed  # the next read answers: a replay, a 409, or a new computation
        owner = RecordOwner(
            stored.generation_id, stored.lifter_id, stored.session_id, computed.strategy, stored.now
        )
        store_records(unit, computed.result, computed.inp, owner)
    state.metrics.observe_generation(computed.strategy, computed.result)
    return stored.response_json, False


async def generate_session(
    state: AppState,
    run: StrategyRunner,
    *,
    lifter_id: str,
    session_id: str,
    checkin: CheckIn,
    idempotency_key: str,
) -> tuple[str, bool]:
    """The response body (JSON text), and whether it was replayed from an earlier request."""
    if state.stages is not None:
        state.stages.generations += 1
    request = _Request(
        lifter_id, session_id, checkin, idempotency_key, request_hash(session_id, checkin)
    )
    for _ in range(ATTEMPTS):
        times: StageMs = {}  # this attempt's stages: the row it writes holds them
        read = await state.db.run(_read, state, request, times)
        if not isinstance(read, _Read):
            return read  # the stored answer to this key
        computed = await _compute(state, run, request, read, times)
        try:
            answer = await state.db.run(_write, state, read, computed)
        except _Changed:
            continue
        if read.rollout is not None:  # its own write unit; never fails the generation
            await state.db.run(rollouts.check_slo, state, read.rollout.rollout_id)
        stored = computed.stored
        owner = ReviewOwner(stored.generation_id, stored.lifter_id, stored.session_id)
        reviews.schedule_review(state, owner, computed.inp, computed.result.output)  # ADR 0016
        return answer
    raise Conflict("the session kept changing while it was generated; try again")
