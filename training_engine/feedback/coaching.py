"""In-session coaching: advice for the next main-lift set once a set is logged (DR §3.20.3-4).

One advice at most, first match wins:

1. **Failure adaptation** (sets remain, the last logged set failed). Consecutive failures counted
   back from the last logged set: 1 -> 60 s more rest; 2 -> the remaining sets 5 % lighter;
   3 or more -> 10 % lighter and optional.
2. **Weight autoregulation** (sets remain, the last logged set succeeded with an RPE below its
   target). A gap of 1.0 RPE adds the lift's small step, 1.5 its large step. Not on a deload, in
   recovery mode, under a rehab cap, or once the session was already adjusted.
3. **Volume recovery** (no sets remain). Sets the body-state steps removed are offered back when
   the completed sets averaged 1.5 RPE or more below target, unless rehab or recovery mode.

Every advised weight lies between the floor (40 % of the 1RM rounded up to the increment, or the
bar if heavier) and the ceiling (the largest increment multiple at or below the 1RM; deviation
G1). A prescription already below the floor is left as it is (G4). Constants and deviations:
docs/domain/coaching.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from shared_types.enums import Lift
from shared_types.feedback import AdviceKind, SetAdvice
from shared_types.outputs import PlannedSet
from training_engine.feedback.outcomes import LoggedMainSet
from training_engine.formulas.rounding import (
    floor_to_increment,
    format_kg,
    round_to_increment,
    round_up_to_increment,
)

__all__ = [
    "AUTOREG_LARGE_GAP",
    "AUTOREG_SMALL_GAP",
    "AUTOREG_STEPS_KG",
    "FAILURE_FLOOR_FRACTION",
    "FAILURE_REDUCE_PCT",
    "FAILURE_REST_SECONDS",
    "OPTIONAL_AFTER_FAILURES",
    "VOLUME_RECOVERY_GAP",
    "SetContext",
    "next_set_advice",
]

FAILURE_REST_SECONDS = 60
FAILURE_REDUCE_PCT: Mapping[int, float] = {2: 5.0, 3: 10.0}  # 3 stands for "3 or more"
OPTIONAL_AFTER_FAILURES = 3
FAILURE_FLOOR_FRACTION = 0.40
AUTOREG_SMALL_GAP = 1.0
AUTOREG_LARGE_GAP = 1.5
# (small, large) weight steps in kg, by lift.
AUTOREG_STEPS_KG: Mapping[Lift, tuple[float, float]] = {
    Lift.SQUAT: (5.0, 10.0),
    Lift.BENCH: (2.5, 5.0),
    Lift.DEADLIFT: (5.0, 10.0),
}
VOLUME_RECOVERY_GAP = 1.5


@dataclass(frozen=True)
class SetContext:
    """The session as it stands after a main set was logged."""

    lift: Lift
    one_rm_kg: float
    increment_kg: float
    bar_kg: float
    prescribed: tuple[PlannedSet, ...]  # the session's main sets as now prescribed
    logged: tuple[LoggedMainSet, ...]
    is_deload: bool
    recovery_mode: bool
    rehab_capped: bool
    already_adjusted: bool
    sets_removed: int  # JITOutput.volume_reductions.total_sets_removed (0 without any)
    recovery_blocked: bool  # JITOutput.volume_reductions.recovery_blocked

    def floor_kg(self) -> float:
        """The lightest weight advice may give: 40 % of the 1RM on the increment, or the bar."""
        fraction = round_up_to_increment(self.one_rm_kg * FAILURE_FLOOR_FRACTION, self.increment_kg)
        return max(fraction, self.bar_kg)

    def ceiling_kg(self) -> float:
        """The heaviest weight advice may give: the largest increment multiple within the 1RM."""
        return floor_to_increment(self.one_rm_kg, self.increment_kg)

    def logged_in_order(self) -> tuple[LoggedMainSet, ...]:
        """The logged sets by set number."""
        return tuple(sorted(self.logged, key=lambda logged: logged.set_number))

    def remaining(self) -> tuple[PlannedSet, ...]:
        """The prescribed sets not logged yet, by set number."""
        done = {logged.set_number for logged in self.logged}
        pending = (planned for planned in self.prescribed if planned.set_number not in done)
        return tuple(sorted(pending, key=lambda planned: planned.set_number))

    def target_rpe(self, set_number: int) -> float | None:
        """The RPE target of a prescribed set (None: no target, or not prescribed)."""
        targets = {planned.set_number: planned.rpe_target for planned in self.prescribed}
        return targets.get(set_number)


def next_set_advice(ctx: SetContext) -> SetAdvice | None:
    """The advice for the next set, or None when no rule applies."""
    remaining = ctx.remaining()
    logged = ctx.logged_in_order()
    if not logged:
        return None
    if remaining:
        if logged[-1].failed:
            return _failure_advice(ctx, remaining, _failure_streak(logged))
        return _autoregulation_advice(ctx, remaining, logged[-1])
    if logged[-1].failed:
        return None  # deviation G5: no extra sets offered straight after a failed set
    return _volume_recovery_advice(ctx, logged)


def _failure_streak(logged: tuple[LoggedMainSet, ...]) -> int:
    """Failed sets in a row, counted back from the last logged set."""
    streak = 0
    for logged_set in reversed(logged):
        if not logged_set.failed:
            break
        streak += 1
    return streak


def _failure_advice(ctx: SetContext, remaining: tuple[PlannedSet, ...], failures: int) -> SetAdvice:
    """More rest after one failure; lighter remaining sets after two or more."""
    if failures == 1:
        return SetAdvice(
            kind="failure_rest",
            message=f"Set failed: rest {FAILURE_REST_SECONDS} s longer before the next set.",
            rest_delta_seconds=FAILURE_REST_SECONDS,
            remaining_sets=remaining,
        )
    optional = failures >= OPTIONAL_AFTER_FAILURES
    pct = FAILURE_REDUCE_PCT[min(failures, OPTIONAL_AFTER_FAILURES)]
    lighter = tuple(
        _with_weight(ctx, planned, planned.weight_kg * (1 - pct / 100)) for planned in remaining
    )
    tail = " The remaining sets are optional." if optional else ""
    return SetAdvice(
        kind="failure_optional" if optional else "failure_reduce",
        message=f"{failures} failed sets in a row: the remaining sets {pct:g} % lighter "
        f"({_weights(lighter)} kg).{tail}",
        remaining_sets=lighter,
        optional=optional,
    )


def _autoregulation_advice(
    ctx: SetContext, remaining: tuple[PlannedSet, ...], last: LoggedMainSet
) -> SetAdvice | None:
    """Heavier remaining sets when the last set felt clearly easier than its target."""
    target = ctx.target_rpe(last.set_number)
    if _autoregulation_suppressed(ctx) or target is None or last.rpe is None:
        return None
    gap = target - last.rpe
    small_kg, large_kg = AUTOREG_STEPS_KG[ctx.lift]
    kind: AdviceKind
    if gap >= AUTOREG_LARGE_GAP:
        kind, step_kg = "increase_large", large_kg
    elif gap >= AUTOREG_SMALL_GAP:
        kind, step_kg = "increase_small", small_kg
    else:
        return None
    heavier = tuple(
        _with_weight(ctx, planned, planned.weight_kg + step_kg) for planned in remaining
    )
    if heavier == remaining:
        return None  # already at the ceiling: nothing to advise
    return SetAdvice(
        kind=kind,
        message=f"RPE {last.rpe:g} against a target of {target:g}: add {format_kg(step_kg)} kg "
        f"to the remaining sets ({_weights(heavier)} kg).",
        remaining_sets=heavier,
    )


def _autoregulation_suppressed(ctx: SetContext) -> bool:
    """Days that must not get heavier mid-session, or a session already adjusted once."""
    return ctx.is_deload or ctx.recovery_mode or ctx.rehab_capped or ctx.already_adjusted


def _volume_recovery_advice(ctx: SetContext, logged: tuple[LoggedMainSet, ...]) -> SetAdvice | None:
    """Offer back the removed sets when the finished session was clearly easier than planned."""
    if ctx.rehab_capped or ctx.recovery_blocked or ctx.sets_removed <= 0 or not ctx.prescribed:
        return None
    gaps = [
        target - logged_set.rpe
        for logged_set in logged
        if not logged_set.failed
        and logged_set.rpe is not None
        and (target := ctx.target_rpe(logged_set.set_number)) is not None
    ]
    mean_gap = sum(gaps) / len(gaps) if gaps else 0.0
    if mean_gap < VOLUME_RECOVERY_GAP:
        return None
    last = max(ctx.prescribed, key=lambda planned: planned.set_number)
    template = _with_weight(ctx, last, last.weight_kg)
    first_number = max(last.set_number, logged[-1].set_number) + 1
    added = tuple(
        template.model_copy(update={"set_number": first_number + offset})
        for offset in range(ctx.sets_removed)
    )
    return SetAdvice(
        kind="volume_recovery",
        message=f"The sets averaged {mean_gap:.1f} RPE below target: {ctx.sets_removed} removed "
        f"set(s) can be added back at {format_kg(template.weight_kg)} kg.",
        added_sets=added,
    )


def _with_weight(ctx: SetContext, planned: PlannedSet, proposed_kg: float) -> PlannedSet:
    """The set at the proposed weight, rounded and held between the floor and the ceiling.

    A prescription already below the floor is deliberate (a light day) and stays as it is (G4).
    """
    if planned.weight_kg < ctx.floor_kg():
        return planned
    rounded = round_to_increment(proposed_kg, ctx.increment_kg)
    bounded = min(max(rounded, ctx.floor_kg()), ctx.ceiling_kg())
    return planned.model_copy(update={"weight_kg": bounded})


def _weights(sets: tuple[PlannedSet, ...]) -> str:
    """'100, 100': the sets' weights for a message."""
    return ", ".join(format_kg(planned.weight_kg) for planned in sets)
