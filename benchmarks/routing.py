"""The confidence gate measured over a simulated population (issue 11, "A confidence gate").

Every session of every lifter is assembled by Perceive (`perceive.assemble`) from the lifter's
daily life (check-in signals, missed days, injuries and travel) and run two ways: through
`hybrid` (the formula and the model's adjustment of the same formula pass, compared by
`training_engine.divergence`) and through the gate (`routing.confidence_gate`). The result says
how many model calls the gate saves, which conditions fail how often, and how far the model's
session was from the formula's on the inputs the gate serves with the formula alone.

The tool stays beside the service and beside the simulator (the two never import each other):
the CLI hands it the simulator's daily life (`LifeFactory`) and its coach (an
`AdjustmentSource`). The lifter trains the formula's session (the one the gate would serve),
and logs each main set at its target RPE plus Gaussian noise (`RPE_NOISE_SD`, rounded to a
half point): a plain stand-in for the simulator's hidden-strength RPE, enough for the RPE-drift
condition to fire as it would in life. The same seed gives the same JSON.

Run it: `jit-engine bench-gate [--lifters 200] [--weeks 12] [--seed 7]`.
"""

from __future__ import annotations

import random
import statistics
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol

from shared_types.enums import CyclePhase, DisruptionType, Lift, MuscleGroup, Severity, Sex
from shared_types.inputs import JITInput, TrainingDisruption
from shared_types.llm import Divergence
from shared_types.outputs import JITOutput
from training_engine.perceive import (
    DailyCheckIn,
    LifterProfile,
    LifterState,
    PastSession,
    SessionPlan,
    WeekSession,
    WeekSet,
    assemble,
)
from training_engine.planning import (
    DEFAULT_WEEKDAYS,
    LoggedSet,
    PlannedSlot,
    planned_dates,
    scheduled_program,
)
from training_engine.ports import AdjustmentSource
from training_engine.routing.gate import GateConfig, confidence_gate
from training_engine.session import formula_run
from training_engine.strategies.hybrid import HybridStrategy
from training_engine.strategies.llm import LlmStrategy

__all__ = [
    "CONDITIONS",
    "Day",
    "Event",
    "Life",
    "LifeFactory",
    "SimulatedLifter",
    "measure_gate",
]

START = date(2026, 1, 5)  # a Monday
SESSION_TIME = time(17, 0)
DAYS_PER_WEEK = 3
RPE_NOISE_SD = 0.6
RPE_MIN, RPE_MAX = 5.0, 10.0

# Each gate condition and the config that checks it alone (for the per-condition counts).
_ALL_OFF = GateConfig(
    check_disruption=False,
    check_soreness=False,
    check_readiness=False,
    check_rpe_drift=False,
    check_wearables=False,
    check_deload=False,
)
CONDITIONS: Mapping[str, GateConfig] = {
    name: _ALL_OFF.model_copy(update={f"check_{name}": True})
    for name in ("disruption", "soreness", "readiness", "rpe_drift", "wearables", "deload")
}


class Event(Protocol):
    """A disruption of the simulated life, reported on its first day."""

    @property
    def kind(self) -> DisruptionType: ...
    @property
    def severity(self) -> Severity: ...
    @property
    def lift(self) -> Lift | None: ...
    @property
    def end_day(self) -> int: ...


class Day(Protocol):
    """One day's check-in signals, whether the session is missed, and the new disruptions."""

    @property
    def sleep(self) -> int: ...
    @property
    def energy(self) -> int: ...
    @property
    def soreness(self) -> Mapping[MuscleGroup, int]: ...
    @property
    def cycle_phase(self) -> CyclePhase | None: ...
    @property
    def skip(self) -> bool: ...
    @property
    def started(self) -> Sequence[Event]: ...


class Life(Protocol):
    """A lifter's seeded daily life (`simulator.daily.DailyLife` is one)."""

    def day(self, number: int) -> Day: ...
    def trained(self, lift: Lift, main_sets: int, aux_sets: int) -> None: ...
    def next_day(self) -> None: ...


@dataclass(frozen=True)
class SimulatedLifter:
    """Who the lifter is (sex and stored maxes) and the life they live."""

    sex: Sex
    one_rm_kg: Mapping[Lift, float]
    life: Life


LifeFactory = Callable[[int, int], SimulatedLifter]  # (lifter index, seed) -> a fresh lifter


@dataclass
class _Tally:
    """What the population's inputs showed, gathered as they run."""

    inputs: int = 0
    gated: int = 0
    failing: Counter[str] = field(default_factory=Counter)
    gated_divergences: list[Divergence] = field(default_factory=list)
    ungated_divergences: list[Divergence] = field(default_factory=list)
    # On gated inputs whose main lift diverged: the formula's own load modifiers there (which
    # the model's adjusted session, built on the formula's base, does not carry).
    gated_modifier_sources: Counter[str] = field(default_factory=Counter)
    model_failures: int = 0


@dataclass
class _History:
    """What one lifter has done: the sessions Perceive reads back."""

    recent: list[PastSession] = field(default_factory=list)  # newest first
    last_by_lift: dict[Lift, datetime] = field(default_factory=dict)
    week_sets: dict[int, list[WeekSet]] = field(default_factory=dict)
    disruptions: list[tuple[int, TrainingDisruption]] = field(default_factory=list)  # (end, d)
    statuses: dict[int, str] = field(default_factory=dict)  # slot index -> completed / skipped


async def measure_gate(
    lifters: int, weeks: int, seed: int, factory: LifeFactory, model: AdjustmentSource
) -> dict[str, object]:
    """The gate's savings and the divergence on gated inputs, as one JSON-ready object."""
    hybrid = HybridStrategy(LlmStrategy(model))
    tally = _Tally()
    for index in range(lifters):
        await _lifter(
            factory(index, seed), random.Random(f"{seed}:{index}:rpe"), weeks, hybrid, tally
        )
    return _summary(lifters, weeks, seed, tally)


async def _lifter(
    lifter: SimulatedLifter,
    rng: random.Random,
    weeks: int,
    hybrid: HybridStrategy,
    tally: _Tally,
) -> None:
    """Live `weeks` weeks day by day; train on the program's days unless the day is missed."""
    slots = scheduled_program(weeks, DAYS_PER_WEEK)
    dates = planned_dates(START, DEFAULT_WEEKDAYS[DAYS_PER_WEEK], len(slots))
    by_date = dict(zip(dates, range(len(slots)), strict=True))
    history = _History()
    for number in range(weeks * 7):
        today = lifter.life.day(number)
        _track_disruptions(history, today, number)
        index = by_date.get(START + timedelta(days=number))
        if index is not None and today.skip:
            history.statuses[index] = "skipped"
        elif index is not None:
            when = datetime.combine(START + timedelta(days=number), SESSION_TIME, tzinfo=UTC)
            inp = assemble(_state(lifter, slots, index, history), _checkin(today), when).input
            output = await _judge(inp, hybrid, tally)
            _log(lifter, history, output, inp, when, rng=rng, week=slots[index].week_number)
            history.statuses[index] = "completed"
        lifter.life.next_day()


def _track_disruptions(history: _History, today: Day, number: int) -> None:
    for event in today.started:
        lifts = (event.lift,) if event.lift is not None else None
        disruption = TrainingDisruption(
            disruption_type=event.kind, severity=event.severity, affected_lifts=lifts
        )
        history.disruptions.append((event.end_day, disruption))
    history.disruptions = [(end, d) for end, d in history.disruptions if end >= number]


def _checkin(today: Day) -> DailyCheckIn:
    return DailyCheckIn(
        soreness=dict(today.soreness),
        sleep_quality=today.sleep,
        energy_level=today.energy,
        cycle_phase=today.cycle_phase,
    )


def _state(
    lifter: SimulatedLifter, slots: Sequence[PlannedSlot], index: int, history: _History
) -> LifterState:
    """The stored state the API would load for session `index` (this week's sets included)."""
    slot = slots[index]
    return LifterState(
        profile=LifterProfile(sex=lifter.sex),
        plan=SessionPlan(
            session_id=f"s{index}",
            week_number=slot.week_number,
            day_number=slot.day_number,
            block_number=slot.block_number,
            lift=slot.primary_lift,
            intensity=slot.intensity_type,
            program_mode="scheduled",
            days_per_week=DAYS_PER_WEEK,
        ),
        stored_maxes=lifter.one_rm_kg,
        formula_overrides={},
        landmark_overrides={},
        warmup=None,
        rest_overrides=(),
        recent=tuple(history.recent),
        last_completed_at=history.last_by_lift.get(slot.primary_lift),
        week_sets=tuple(history.week_sets.get(slot.week_number, ())),
        week_sessions=tuple(  # the whole week, today's session included, as the API loads it
            WeekSession(s.day_number, s.primary_lift, history.statuses.get(i, "planned"))
            for i, s in enumerate(slots)
            if s.week_number == slot.week_number
        ),
        disruptions=tuple(d for _, d in history.disruptions),
        rehab_caps=(),
    )


async def _judge(inp: JITInput, hybrid: HybridStrategy, tally: _Tally) -> JITOutput:
    """Run `hybrid` and the gate on one input; return the formula's session."""
    run = formula_run(inp)
    comparison = (await hybrid.compare(run)).comparison
    gated = confidence_gate(inp, GateConfig()).confident
    tally.inputs += 1
    tally.gated += gated
    tally.failing.update(
        name for name, config in CONDITIONS.items() if not confidence_gate(inp, config).confident
    )
    divergence = comparison.divergence if comparison is not None else None
    if divergence is None:
        tally.model_failures += 1
    elif gated:
        tally.gated_divergences.append(divergence)
        if _diverged(divergence):
            tally.gated_modifier_sources.update(_modifier_sources(run.output))
    else:
        tally.ungated_divergences.append(divergence)
    return run.output


def _diverged(divergence: Divergence) -> bool:
    """The main lift differs: its first working weight, its set count, or whether it is skipped."""
    return divergence.weight_pct > 0 or divergence.set_delta != 0 or divergence.skip_mismatch


def _modifier_sources(output: JITOutput) -> set[str]:
    """The formula's own load modifiers on this session (RPE history aside: not today's state)."""
    trace = output.trace
    derivation = trace.main_lift.weight_derivation if trace is not None else None
    if derivation is None:
        return set()
    return {
        m.source for m in derivation.modifiers if m.multiplier != 1.0 and m.source != "rpe_history"
    }


def _log(
    lifter: SimulatedLifter,
    history: _History,
    output: JITOutput,
    inp: JITInput,
    when: datetime,
    *,
    rng: random.Random,
    week: int,
) -> None:
    """The lifter trains the session: every set as prescribed, the main sets at a noisy RPE."""
    lift = inp.primary_lift
    main = output.main_lift_sets
    rpes = [_noisy(s.rpe_target, rng) for s in main]
    aux = [(row.exercise, s) for row in output.auxiliary_work if not row.skipped for s in row.sets]
    week_sets = history.week_sets.setdefault(week, [])
    week_sets.extend(WeekSet(lift, "primary", lift.value, rpe) for rpe in rpes)
    week_sets.extend(WeekSet(lift, "auxiliary", name, s.rpe_target) for name, s in aux)
    history.recent.insert(
        0,
        PastSession(
            session_id=output.session_id,
            lift=lift,
            completed_at=when,
            target_rpe=main[0].rpe_target if main else None,
            session_rpe=_half(statistics.fmean(rpes)) if rpes else None,
            planned_weight_kg=main[0].weight_kg if main else None,
            primary_sets=tuple(
                LoggedSet(s.weight_kg, s.reps, rpe) for s, rpe in zip(main, rpes, strict=True)
            ),
            planned_reps=main[0].reps if main else None,
            one_rm_kg=inp.one_rm_kg,
        ),
    )
    history.last_by_lift[lift] = when
    lifter.life.trained(lift, len(main), len(aux))


def _noisy(target: float | None, rng: random.Random) -> float:
    """A logged RPE: the target (8 when there is none) plus noise, within the RPE scale."""
    value = (target if target is not None else 8.0) + rng.gauss(0.0, RPE_NOISE_SD)
    return _half(min(RPE_MAX, max(RPE_MIN, value)))


def _half(value: float) -> float:
    return float(int(value * 2 + 0.5)) / 2


def _stats(divergences: Sequence[Divergence]) -> dict[str, object]:
    """How often and how far the model's sessions differed from the formula's."""
    weights = [d.weight_pct for d in divergences]
    return {
        "inputs": len(divergences),
        "diverged": sum(_diverged(d) for d in divergences),
        "weight_diverged": sum(w > 0 for w in weights),
        "weight_pct_mean": round(statistics.fmean(weights), 4) if weights else 0.0,
        "weight_pct_max": round(max(weights), 4) if weights else 0.0,
        "set_delta": {
            str(k): v for k, v in sorted(Counter(d.set_delta for d in divergences).items())
        },
        "skip_mismatch": sum(d.skip_mismatch for d in divergences),
        "aux_rows_changed": sum(d.aux_rows_changed > 0 for d in divergences),
    }


def _summary(lifters: int, weeks: int, seed: int, tally: _Tally) -> dict[str, object]:
    return {
        "lifters": lifters,
        "weeks": weeks,
        "seed": seed,
        "inputs": tally.inputs,
        "gated": tally.gated,
        "gated_share": round(tally.gated / tally.inputs, 4) if tally.inputs else 0.0,
        "model_calls_saved": tally.gated,
        "failing": {name: tally.failing[name] for name in CONDITIONS},
        "model_failures": tally.model_failures,
        "gated_divergence": _stats(tally.gated_divergences),
        "gated_diverged_formula_modifiers": dict(sorted(tally.gated_modifier_sources.items())),
        "ungated_divergence": _stats(tally.ungated_divergences),
    }
