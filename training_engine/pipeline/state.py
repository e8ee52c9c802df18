"""The values a pipeline run threads through its steps.

`SessionContext` is computed once from the input and never changes; `PipelineState` is what the
steps change. Both are frozen: a step returns a new state (via the helpers below, which also
record the trace entry and the reason), so the order of steps is the only order of effects.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from shared_types.base import trusted
from shared_types.enums import IntensityType, MuscleGroup, Severity, Sex
from shared_types.inputs import JITInput, RecentSessionSummary, TrainingDisruption
from shared_types.outputs import PlannedSet, VolumeReductionSourceName
from shared_types.trace import ModifierSource, ModifierTrace, VolumeChangeSource, VolumeChangeTrace
from training_engine.formulas.base_sets import (
    FormulaBase,
    base_for,
    cycled_block,
    main_increment_kg,
)
from training_engine.muscles import PRIMARY_MUSCLES

__all__ = ["PipelineState", "SessionContext", "initial_state", "new_context"]


@dataclass(frozen=True)
class SessionContext:
    inp: JITInput
    base: FormulaBase
    increment_kg: float
    cycled_block: int
    primary_muscles: tuple[MuscleGroup, ...]
    worst_soreness: int
    # Read by most steps: worked out once (`new_context`), not per read.
    is_deload: bool
    is_female: bool
    rehab_cap_applies: bool  # a rehab cap on today's lift
    # Recent logs that carry an RPE and were not done under a rehab cap (newest first).
    usable: tuple[RecentSessionSummary, ...]

    @property
    def major_disruption(self) -> TrainingDisruption | None:
        """A major disruption affecting today's lift, if any (the first reported)."""
        lift = self.inp.primary_lift
        return next(
            (
                d
                for d in self.inp.active_disruptions
                if d.severity is Severity.MAJOR and d.affects(lift)
            ),
            None,
        )

    def recent_rpe_deviation(self) -> float | None:
        """Mean (actual - target) RPE over the two newest usable logs; None with fewer than two."""
        logs = self.usable
        if len(logs) < 2:
            return None
        newest, previous = logs[0], logs[1]
        # `sum(...) / len(...)` over the two, added in the same order (`sum` starts at 0).
        total = 0 + (_rpe(newest) - newest.target_rpe) + (_rpe(previous) - previous.target_rpe)
        return total / 2

    def rpe_gap(self) -> float:
        """Mean (target - actual) RPE over every usable log (positive = sessions felt easy)."""
        logs = self.usable
        if len(logs) < 2:
            return 0.0
        total: float = 0  # `sum(...)`, in the same order
        for log in logs:
            total += log.target_rpe - _rpe(log)
        return total / len(logs)

    def calibration(self, source: str) -> float | None:
        calibrations = self.inp.modifier_calibrations
        # The keys are StrEnum members: a member hashes and compares as its value.
        return calibrations.get(source) if calibrations else None  # type: ignore[call-overload]


@dataclass(frozen=True)
class PipelineState:
    sets: tuple[PlannedSet, ...]
    planned_count: int
    intensity_multiplier: float = 1.0
    recovery_mode: bool = False
    skipped: bool = False
    rep_override: int | None = None
    rationale: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    modifiers: tuple[ModifierTrace, ...] = ()
    volume_changes: tuple[VolumeChangeTrace, ...] = ()
    sets_removed: tuple[tuple[VolumeReductionSourceName, int], ...] = field(default=())
    rehab_cap_kg: float | None = None
    # Why the main lift is not served today (the first step that skipped it says it).
    skip_reason: str | None = None

    def evolve(self, **changes: Any) -> PipelineState:
        """A copy with `changes`: `dataclasses.replace` without re-running `__init__` (a step
        changes state several times per session; the fields are plain values)."""
        if not changes.keys() <= _STATE_FIELDS:
            raise TypeError(f"not PipelineState fields: {sorted(changes.keys() - _STATE_FIELDS)}")
        return self._with(changes)

    def _with(self, changes: dict[str, Any]) -> PipelineState:
        """`evolve` for the helpers below, whose field names are known: no check, no keyword
        packing (they run several times per session)."""
        new = _new(PipelineState)
        values = new.__dict__
        values.update(self.__dict__)
        values.update(changes)
        return new

    def say(self, reason: str) -> PipelineState:
        return self._with({"rationale": (*self.rationale, reason)})

    def skip(self, reason: str) -> PipelineState:
        """No main lift today: the first reason given is the one the session leads with."""
        return self.evolve(skipped=True, skip_reason=self.skip_reason or reason)

    def warn(self, warning: str) -> PipelineState:
        return self._with({"warnings": (*self.warnings, warning)})

    def scale_intensity(
        self, source: ModifierSource, default: float, applied: float, reason: str
    ) -> PipelineState:
        """Multiply the intensity by `applied`; the trace records the uncalibrated `default`."""
        modifier = trusted(ModifierTrace, source=source, multiplier=default, reason=reason)
        return self._with(
            {
                "intensity_multiplier": self.intensity_multiplier * applied,
                "modifiers": (*self.modifiers, modifier),
            }
        )

    def set_count(self, source: VolumeChangeSource, count: int, reason: str) -> PipelineState:
        """Change the planned set count, recording the change when there is one."""
        if count == self.planned_count:
            return self
        change = trusted(
            VolumeChangeTrace,
            source=source,
            sets_before=self.planned_count,
            sets_after=count,
            reason=reason,
        )
        return self._with(
            {"planned_count": count, "volume_changes": (*self.volume_changes, change)}
        )

    def record_removed(self, source: VolumeReductionSourceName, before: int) -> PipelineState:
        """Book the sets a body-state signal removed (for the intra-session 'add back' offer)."""
        removed = before - self.planned_count
        if removed <= 0:
            return self
        return self._with({"sets_removed": (*self.sets_removed, (source, removed))})


_STATE_FIELDS = frozenset(f.name for f in fields(PipelineState))
_new = object.__new__


def _rpe(log: RecentSessionSummary) -> float:
    assert log.actual_rpe is not None
    return log.actual_rpe


def new_context(inp: JITInput) -> SessionContext:
    primary = PRIMARY_MUSCLES[inp.primary_lift]
    ratings = inp.soreness_ratings
    worst = 0
    for muscle in primary:
        rating = ratings.get(muscle, 1)  # `inp.soreness`: an unrated muscle is fresh (1)
        if rating > worst:  # noqa: PLR1730 - a comparison costs less than a `max` call
            worst = rating
    increment = main_increment_kg(inp)
    block = cycled_block(inp.block_number)
    cap = inp.active_rehab_cap
    # A frozen dataclass's `__init__` sets each field through `object.__setattr__`; the context
    # is built once per generation, here, so its fields are set in one go (every field given).
    ctx = _new(SessionContext)
    ctx.__dict__.update(
        inp=inp,
        base=base_for(inp, increment, block),
        increment_kg=increment,
        cycled_block=block,
        primary_muscles=primary,
        worst_soreness=worst,
        is_deload=inp.intensity_type is IntensityType.DELOAD,
        is_female=inp.biological_sex is Sex.FEMALE,
        rehab_cap_applies=cap is not None and cap.lift is inp.primary_lift,
        usable=tuple(
            [
                log
                for log in inp.recent_logs
                if log.actual_rpe is not None and not log.contained_rehab_sets
            ]
        ),
    )
    return ctx


_UNTOUCHED = PipelineState(sets=(), planned_count=0)


def initial_state(ctx: SessionContext) -> PipelineState:
    return _UNTOUCHED._with({"sets": ctx.base.sets, "planned_count": ctx.base.count})
