"""One synthetic lifter's weeks, driven through the real service functions (no HTTP).

Each day the simulator sets the app's clock, draws the lifter's day (`daily.DailyLife`),
reports and resolves disruptions, and for each session planned that day either skips it or
generates it (`services.generation.generate_session`, the route's own path), performs every
main set against the lifter's hidden capacity (`rpe.perform_set`), logs the main and accessory
sets (`services.sessions.log_set`) and completes it with a session RPE; with
`accept_suggestions` it then accepts every pending load suggestion
(`services.suggestions.decide_suggestion`). At each week's end it reads the weekly volume
(`services.sessions.weekly_volume_report`).

With `auto`'s bandit on, a session's record gets `bandit`: the decision the service logged
(context key, chosen arm, propensity, from the generation's result) and the reward the
completion stored on it (`bandit_decisions.reward`; null when the outcome is not rewarded, e.g.
a deload). With `record_rewards`, every completed session gets `arm_reward`: its bandit context
key, the served call's tokens and the reward the bandit would give it (the core's `reward` over
the outcome the service stored), whatever strategy served: the constant-arm runs' truth.
Neither field is written otherwise, so a default run's records are as before.

The day's true capacity is the true 1RM times, for each modifier the engine's trace records
(`trace.main_lift.weight_derivation.modifiers`, the defaults before calibration), the default
multiplier raised to the lifter's gain for that source. Sources without a gain (RPE history)
are the engine's own choice, not the lifter's state: they do not change the capacity.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from sqlmodel import col, select

from api.clock import FixedClock
from api.persistence.repositories import feedback as feedback_repo
from api.persistence.tables import BanditDecisionRow
from api.schemas import (
    CheckIn,
    CompleteRequest,
    DisruptionIn,
    LifterCreate,
    MaxIn,
    ProgramIn,
    SessionStatus,
    SetLogIn,
    SkipRequest,
)
from api.services import disruptions, lifters, programs, sessions, suggestions
from api.services.generation import generate_session
from api.services.records import served_tokens
from api.state import AppState
from shared_types.bandit import BanditDecision
from shared_types.enums import CalibrationSource, Lift, StrategyName
from shared_types.feedback import SessionOutcome
from shared_types.inputs import JITInput
from shared_types.llm import GenerationResult
from shared_types.outputs import JITOutput
from simulator.daily import DailyLife, Day, Event
from simulator.invariants import LifterChecker, MuscleWeek
from simulator.lifter import Gains, LifterSpec, TrueStrength
from simulator.rpe import (
    RPE_MAX,
    RPE_MIN,
    SetResult,
    noiseless_rpe,
    perform_set,
    raw_rpe,
    to_half,
)
from training_engine.constraints import constraint_violations
from training_engine.feedback.suggestions import LIFT_ORDER
from training_engine.muscles import PRIMARY_MUSCLES
from training_engine.pipeline.steps.calibration import calibrated
from training_engine.ports import Routing
from training_engine.routing.bandit import context_of, reward
from training_engine.strategies import serve

__all__ = ["START", "DayTruth", "LifterResult", "RpeTable", "day_truth", "simulate_lifter"]

# `rts`: the RTS chart as it is. `anchored`: the chart shifted, per set, so that the set's base
# weight (before any modifier) at the engine's 1RM reads exactly the formula's target RPE: the
# neutral-day bias of the formula's tables against the chart is removed (a sensitivity arm).
RpeTable = Literal["rts", "anchored"]

START = datetime(2026, 1, 5, 7, 0, tzinfo=UTC)  # a Monday, 07:00 UTC
RPE_NOISE_SD = 0.5
# Trace modifier source -> the calibration it is adjusted by (the disruption is not calibrated).
_CALIBRATION_KEYS = {
    "readiness": CalibrationSource.READINESS,
    "wearable-readiness": CalibrationSource.READINESS,
    "cycle_phase": CalibrationSource.CYCLE_PHASE,
    "soreness": CalibrationSource.SORENESS,
}
AUX_DEFAULT_RPE = 7.5
DAYS_PER_WEEK = 7


@dataclass
class LifterResult:
    index: int
    sessions: list[dict[str, Any]] = field(default_factory=list)
    weeks: list[dict[str, Any]] = field(default_factory=list)
    lifter: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class _Done:
    """One main set as prescribed and as performed."""

    set_number: int
    weight_kg: float
    reps: int
    target_rpe: float | None
    offset: float  # the chart's offset for this set (0 on the RTS table)
    result: SetResult


@dataclass
class _Captured:
    """The generation the service ran, seen through the runner it was handed."""

    inputs: list[JITInput] = field(default_factory=list)
    results: list[GenerationResult] = field(default_factory=list)


@dataclass
class _Lifter:
    state: AppState
    clock: FixedClock
    spec: LifterSpec
    lifter_id: str
    strength: TrueStrength
    life: DailyLife
    strategy: str
    rpe_table: RpeTable
    accept_suggestions: bool = False
    record_rewards: bool = False
    checker: LifterChecker = field(default_factory=LifterChecker)
    open_events: dict[int, tuple[Event, str]] = field(default_factory=dict)  # end day -> id
    captured: _Captured = field(default_factory=_Captured)


@dataclass(frozen=True)
class DayTruth:
    """The day's capacity multipliers over the sources the lifter responds to.

    `true`: the lifter's (each default raised to its gain); `applied`: the engine's (each
    default after the lifter's calibration, `calibrated`); `rows`: [source, default, applied,
    true] per modifier. With perfect calibration `applied == true`.
    """

    true: float
    applied: float
    rows: list[list[Any]]


# The engine's reactions to past sessions, not the lifter's state today: no capacity change.
_ENGINE_REACTIONS = frozenset({"rpe_history", "load_calibration"})


def day_truth(output: JITOutput, gains: Gains, inp: JITInput) -> DayTruth:
    """Read the trace's modifiers (defaults before calibration); RPE history and the learnt load
    correction are left out (`_ENGINE_REACTIONS`)."""
    trace = output.trace
    derivation = trace.main_lift.weight_derivation if trace is not None else None
    if derivation is None:
        return DayTruth(1.0, 1.0, [])
    sent = inp.modifier_calibrations or {}
    true_product, applied_product, rows = 1.0, 1.0, []
    for modifier in derivation.modifiers:
        if modifier.source in _ENGINE_REACTIONS:
            continue
        default = modifier.multiplier
        key = _CALIBRATION_KEYS.get(modifier.source)
        applied = calibrated(default, sent.get(key)) if key is not None else default
        true = default ** gains.for_source(modifier.source)
        true_product *= true
        applied_product *= applied
        rows.append([modifier.source, round(default, 4), round(applied, 4), round(true, 4)])
    return DayTruth(true_product, applied_product, rows)


def _when(day: int) -> datetime:
    return START + timedelta(days=day)


async def _provision(state: AppState, spec: LifterSpec, weeks: int) -> str:
    persona = spec.persona
    answer = lifters.create_lifter(
        state,
        LifterCreate(
            name=f"sim-{spec.index}-{persona.name}",
            biological_sex=persona.sex,
            date_of_birth=date(START.year - persona.age, 6, 1),
        ),
    )
    lifter_id: str = json.loads(answer.body)["lifter"]["id"]
    for lift, kg in persona.one_rm_kg.items():
        lifters.put_max(state, lifter_id, lift, MaxIn(one_rm_kg=kg))
    programs.create_program(state, lifter_id, ProgramIn(total_weeks=weeks, start_date=START.date()))
    return lifter_id


def _disruption_body(event: Event, today: date, day: int) -> DisruptionIn:
    return DisruptionIn(
        disruption_type=event.kind,
        severity=event.severity,
        affected_lifts=[event.lift] if event.lift is not None else None,
        affected_date_start=today,
        affected_date_end=today + timedelta(days=event.end_day - day),
        description=f"simulated {event.kind.value}",
    )


def _events(lifter: _Lifter, day: int, today: Day) -> None:
    """Resolve the disruptions that ended yesterday; report today's new ones."""
    for end in [e for e in lifter.open_events if e < day]:
        _event, disruption_id = lifter.open_events.pop(end)
        disruptions.resolve_disruption(lifter.state, lifter.lifter_id, disruption_id)
    for event in today.started:
        body = _disruption_body(event, _when(day).date(), day)
        answer = disruptions.report_disruption(lifter.state, lifter.lifter_id, body)
        end = event.end_day
        while end in lifter.open_events:  # two events ending the same day: keep both
            end += 1
        lifter.open_events[end] = (event, json.loads(answer.body)["id"])


def _runner(lifter: _Lifter) -> Any:
    async def run(name: str, inp: JITInput, routing: Routing | None) -> GenerationResult:
        result = await serve(lifter.state.registry, name, inp, routing)
        lifter.captured.inputs.append(inp)
        lifter.captured.results.append(result)
        return result

    return run


def _aux_rpe(target: float | None, rng: random.Random) -> float:
    """Accessories have no hidden capacity: the RPE is the target (7.5 if none) plus noise."""
    rpe = (target if target is not None else AUX_DEFAULT_RPE) + rng.gauss(0.0, RPE_NOISE_SD)
    return to_half(min(RPE_MAX, max(RPE_MIN, rpe)))


def _offset(lifter: _Lifter, output: JITOutput, reps: int, target: float | None) -> float:
    """The anchored chart's shift for a set: target - RTS RPE of the base weight at the
    engine's 1RM (0 on the RTS table, or without a target or a weight derivation)."""
    trace = output.trace
    derivation = trace.main_lift.weight_derivation if trace is not None else None
    if lifter.rpe_table == "rts" or target is None or derivation is None:
        return 0.0
    return target - raw_rpe(derivation.base_weight_kg, reps, derivation.one_rm_kg)


def _log_main(
    lifter: _Lifter, session_id: str, output: JITOutput, capacity: float, rng: random.Random
) -> list[_Done]:
    done = []
    for planned in output.main_lift_sets:
        offset = _offset(lifter, output, planned.reps, planned.rpe_target)
        result = perform_set(
            planned.weight_kg, planned.reps, capacity, rng, RPE_NOISE_SD, offset=offset
        )
        body = SetLogIn(
            kind="primary",
            set_number=planned.set_number,
            weight_kg=planned.weight_kg,
            reps=result.reps_done,
            rpe=result.rpe,
            failed=result.failed,
        )
        sessions.log_set(lifter.state, lifter.lifter_id, session_id, body)
        done.append(
            _Done(
                planned.set_number,
                planned.weight_kg,
                planned.reps,
                planned.rpe_target,
                offset,
                result,
            )
        )
    return done


def _log_aux(lifter: _Lifter, session_id: str, output: JITOutput, rng: random.Random) -> int:
    logged = 0
    for work in output.auxiliary_work:
        if work.skipped:
            continue
        for planned in work.sets:
            body = SetLogIn(
                kind="auxiliary",
                exercise=work.exercise,
                set_number=planned.set_number,
                weight_kg=planned.weight_kg,
                reps=planned.reps,
                rpe=_aux_rpe(planned.rpe_target, rng),
            )
            sessions.log_set(lifter.state, lifter.lifter_id, session_id, body)
            logged += 1
    return logged


def _set_rows(
    done: list[_Done], capacity: float, applied_capacity: float
) -> tuple[list[dict[str, Any]], list[float]]:
    """Each set's record, and the RPE errors (actual - target). `modifier_rpe_error` is the
    part of the error the modifiers' mismatch makes: the noiseless RPE at the true capacity
    minus the one at the capacity the engine assumed (`applied_capacity`)."""
    rows, errors = [], []
    for d in done:
        result = d.result
        error = result.rpe - d.target_rpe if d.target_rpe is not None else None
        if error is not None:
            errors.append(error)
        assumed = noiseless_rpe(d.weight_kg, d.reps, applied_capacity, d.offset)
        rows.append(
            {
                "set": d.set_number,
                "weight_kg": d.weight_kg,
                "reps": d.reps,
                "target_rpe": d.target_rpe,
                "reps_done": result.reps_done,
                "rpe": result.rpe,
                "true_rpe": round(result.true_rpe, 3),
                "modifier_rpe_error": round(
                    noiseless_rpe(d.weight_kg, d.reps, capacity, d.offset) - assumed, 3
                ),
                "failed": result.failed,
                "rpe_error": error,
            }
        )
    return rows, errors


def _accept_suggestions(lifter: _Lifter) -> list[dict[str, Any]]:
    """Accept every pending load suggestion through the service (the route's own call), in
    lift order; what was accepted, and the max each recorded."""
    pending = suggestions.list_suggestions(lifter.state, lifter.lifter_id)
    pending.sort(key=lambda p: LIFT_ORDER.index(p.suggestion.lift))
    accepted = []
    for item in pending:
        decided = suggestions.decide_suggestion(
            lifter.state, lifter.lifter_id, item.id, accepted=True
        )
        suggestion = item.suggestion
        accepted.append(
            {
                "lift": suggestion.lift.value,
                "intensity": suggestion.intensity_type.value,
                "kind": suggestion.kind,
                "change_pct": suggestion.change_pct,
                "current_max_kg": suggestion.current_max_kg,
                "suggested_max_kg": suggestion.suggested_max_kg,
                "mean_rpe_deviation": suggestion.mean_rpe_deviation,
                "evidence_sessions": len(suggestion.sessions),
                "max_recorded_kg": decided.max.one_rm_kg if decided.max is not None else None,
            }
        )
    return accepted


def _bandit_record(lifter: _Lifter, session_id: str, decision: BanditDecision) -> dict[str, Any]:
    """The logged decision, with the reward the completion stored on it (None: not rewarded)."""
    with lifter.state.db.read() as unit:
        stored = unit.exec(
            select(BanditDecisionRow.reward)
            .where(BanditDecisionRow.session_id == session_id)
            .order_by(col(BanditDecisionRow.created_at).desc())
            .limit(1)
        ).first()
    return {
        "context_key": decision.context_key,
        "chosen": decision.chosen,
        "propensity": decision.propensity,
        "reward": stored,
    }


def _arm_reward(
    lifter: _Lifter, session_id: str, inp: JITInput, result: GenerationResult
) -> dict[str, Any]:
    """What the bandit would score this session: its context, the call's tokens, and the core's
    reward over the outcome the service stored (None when the outcome teaches nothing)."""
    with lifter.state.db.read() as unit:
        row = feedback_repo.outcome(unit, session_id)
        outcome = SessionOutcome.model_validate(row.outcome) if row is not None else None
    tokens = served_tokens(result.call)
    violations = constraint_violations(result.output.warnings)
    value = (
        reward(
            outcome,
            tokens=tokens or 0,
            violations=violations,
            weights=lifter.state.settings.routing.bandit.rewards,
        )
        if outcome is not None
        else None
    )
    return {"context_key": context_of(inp).key, "tokens": tokens, "reward": value}


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _record_base(lifter: _Lifter, day: int, row: Any) -> dict[str, Any]:
    return {
        "lifter": lifter.spec.index,
        "persona": lifter.spec.persona.name,
        "day": day,
        "date": _when(day).date().isoformat(),
        "week": row.week_number,
        "lift": row.primary_lift,
        "intensity": row.intensity_type,
        "block": row.block_number,
    }


async def _train(lifter: _Lifter, day: int, today: Day, row: Any) -> dict[str, Any]:
    """Generate, perform, log and complete one planned session; its JSONL record."""
    spec, state = lifter.spec, lifter.state
    lift = Lift(row.primary_lift)
    checkin = CheckIn(
        soreness=today.soreness,
        sleep_quality=today.sleep,
        energy_level=today.energy,
        cycle_phase=today.cycle_phase,
        strategy=StrategyName(lifter.strategy),
    )
    await generate_session(
        state,
        _runner(lifter),
        lifter_id=lifter.lifter_id,
        session_id=row.id,
        checkin=checkin,
        idempotency_key=f"sim-{day}-{row.id}",
    )
    inp, result = lifter.captured.inputs[-1], lifter.captured.results[-1]
    output = result.output
    truth = day_truth(output, spec.gains, inp)
    true_one_rm = lifter.strength.one_rm(lift)
    capacity = true_one_rm * truth.true
    rng = random.Random(f"{spec.seed}:noise:{day}")
    done = _log_main(lifter, row.id, output, capacity, rng)
    aux_sets = _log_aux(lifter, row.id, output, rng)
    set_rows, errors = _set_rows(done, capacity, true_one_rm * truth.applied)
    main_rpes = [d.result.rpe for d in done]
    session_rpe = to_half(_mean(main_rpes) or AUX_DEFAULT_RPE)
    sessions.complete_session(
        state, lifter.lifter_id, row.id, CompleteRequest(session_rpe=session_rpe)
    )
    accepted = _accept_suggestions(lifter) if lifter.accept_suggestions else None
    bandit = _bandit_record(lifter, row.id, result.bandit) if result.bandit is not None else None
    arm_reward = _arm_reward(lifter, row.id, inp, result) if lifter.record_rewards else None
    lifter.strength.train(lift, sum(d.result.reps_done * d.weight_kg for d in done) / true_one_rm)
    lifter.life.trained(lift, len(done), aux_sets)
    found_errors, found_warnings = lifter.checker.session(inp, output)
    mean_error = _mean(errors)
    found_warnings += lifter.checker.rpe_drift(mean_error)
    soreness = max(today.soreness.get(m, 1) for m in PRIMARY_MUSCLES[lift])
    return {
        **_record_base(lifter, day, row),
        "status": "completed",
        "strategy": output.jit_strategy.value if output.jit_strategy else None,
        "fallback_reason": output.fallback_reason.value if output.fallback_reason else None,
        "checkin": {
            "sleep": today.sleep,
            "energy": today.energy,
            "primary_soreness": soreness,
            "cycle_phase": today.cycle_phase.value if today.cycle_phase else None,
            "disruptions": [
                f"{d.disruption_type.value}:{d.severity.value}" for d in inp.active_disruptions
            ],
        },
        "engine_one_rm_kg": inp.one_rm_kg,
        "true_one_rm_kg": round(true_one_rm, 3),
        "true_multiplier": round(truth.true, 4),
        "applied_multiplier": round(truth.applied, 4),
        "modifiers": truth.rows,
        "calibrations": {
            k.value: round(v, 4) for k, v in sorted((inp.modifier_calibrations or {}).items())
        },
        "load_calibrations": {
            k.value: round(v, 4) for k, v in sorted((inp.load_calibrations or {}).items())
        },
        "skipped_main_lift": output.skipped_main_lift,
        "main_sets": set_rows,
        "aux_sets": aux_sets,
        "session_rpe": session_rpe,
        "mean_rpe_error": mean_error,
        "mean_abs_rpe_error": _mean([abs(e) for e in errors]),
        "above_true_one_rm": any(d.weight_kg > true_one_rm for d in done),
        "errors": found_errors,
        "warnings": found_warnings,
        # only with the option on, so the default output stays as it was
        **({"accepted_suggestions": accepted} if accepted is not None else {}),
        **({"bandit": bandit} if bandit is not None else {}),
        **({"arm_reward": arm_reward} if arm_reward is not None else {}),
    }


def _skip(lifter: _Lifter, day: int, row: Any) -> dict[str, Any]:
    sessions.skip_session(
        lifter.state, lifter.lifter_id, row.id, SkipRequest(reason="missed (simulated)")
    )
    return {**_record_base(lifter, day, row), "status": "skipped", "errors": [], "warnings": []}


def _week_end(lifter: _Lifter, week: int) -> dict[str, Any]:
    """The week's volume per muscle against MEV/MRV, its checks, and the true-1RM progress."""
    report = sessions.weekly_volume_report(lifter.state, lifter.lifter_id, week)
    muscles = [MuscleWeek(m.muscle, m.sets, m.mev, m.mrv) for m in report.muscles]
    errors, warnings = lifter.checker.week(muscles)
    factors = [lifter.strength.factor(lift) for lift in lifter.strength.lifts]
    return {
        "lifter": lifter.spec.index,
        "week": week,
        "muscles": len(muscles),
        "below_mev": sum(1 for m in muscles if m.sets < m.mev),
        "above_mrv": sum(1 for m in muscles if m.sets > m.mrv),
        "true_one_rm_progress": sum(factors) / len(factors) - 1.0,
        # per muscle: [effective sets, MEV, MRV] (weeks.jsonl; the volume chart)
        "volume": {m.muscle.value: [m.sets, m.mev, m.mrv] for m in muscles},
        "errors": errors,
        "warnings": warnings,
    }


async def _day(lifter: _Lifter, day: int) -> list[dict[str, Any]]:
    lifter.clock.set(_when(day))
    today = lifter.life.day(day)
    _events(lifter, day, today)
    on = _when(day).date()
    page = sessions.list_sessions(
        lifter.state,
        lifter.lifter_id,
        status=SessionStatus.PLANNED,
        date_from=on,
        date_to=on,
        limit=10,
        offset=0,
    )
    records = []
    for row in page.items:
        if today.skip:
            records.append(_skip(lifter, day, row))
        else:
            records.append(await _train(lifter, day, today, row))
    return records


async def simulate_lifter(
    state: AppState,
    clock: FixedClock,
    spec: LifterSpec,
    weeks: int,
    strategy: str,
    *,
    rpe_table: RpeTable = "rts",
    accept_suggestions: bool = False,
    record_rewards: bool = False,
) -> LifterResult:
    """Provision the lifter (maxes, a `weeks`-week program from `START`) and live its weeks.

    `accept_suggestions`: after each completed session the lifter accepts every pending load
    suggestion (`services.suggestions.decide_suggestion`), recorded as `accepted_suggestions`.
    `record_rewards`: each completed session records `arm_reward` (the module docstring).
    """
    clock.set(START)
    persona = spec.persona
    lifter = _Lifter(
        state=state,
        clock=clock,
        spec=spec,
        lifter_id=await _provision(state, spec, weeks),
        strength=TrueStrength.starting_at(persona.one_rm_kg, persona.k_fitness),
        life=DailyLife.start(persona, random.Random(f"{spec.seed}:life")),
        strategy=strategy,
        rpe_table=rpe_table,
        accept_suggestions=accept_suggestions,
        record_rewards=record_rewards,
    )
    result = LifterResult(spec.index)
    for day in range(weeks * DAYS_PER_WEEK):
        result.sessions.extend(await _day(lifter, day))
        if day % DAYS_PER_WEEK == DAYS_PER_WEEK - 1:
            result.weeks.append(_week_end(lifter, day // DAYS_PER_WEEK + 1))
        lifter.strength.next_day()
        lifter.life.next_day()
    result.lifter = {
        "lifter": spec.index,
        "persona": persona.name,
        "sex": persona.sex.value,
        "gains": {k: round(v, 4) for k, v in vars(spec.gains).items()},
        "initial_one_rm_kg": {lift.value: kg for lift, kg in persona.one_rm_kg.items()},
        "final_true_one_rm_kg": {
            lift.value: round(lifter.strength.one_rm(lift), 3) for lift in persona.one_rm_kg
        },
    }
    return result
