"""DR §9.10's simulation invariants, as far as they apply to our outputs, counted per kind.

Errors (a wrong prescription):
  too_many_sets            more than 35 working sets in a session (main + accessory)
  no_working_set           a non-deload session without a main set, and not skipped
  main_weight_invalid      a main set at 0 kg or not a multiple of 2.5 kg
  above_one_rm             a main set above the 1RM the engine was given
  deload_too_heavy         a deload main weight above 70 % of the lifter's mean regular main
                           weight on that lift so far (regular: not a deload, and not cut by
                           a disruption or recovery mode, which are not the lifter's usual
                           loads)
  major_not_skipped        a major disruption of today's lift, and the main lift not skipped
  moderate_no_rationale    a moderate disruption of today's lift without its rationale line
                           (recovery mode excepted: it is lighter still, deviation D10)
  cycle_no_rationale       a menstrual or late-luteal day without a cycle-phase line
  top_up_without_reason    a volume top-up without its reason
  mrv_two_weeks            a muscle above its MRV two weeks in a row
Warnings (flags, as §9.10 calls them):
  too_many_exercises       more than 6 exercises in a session
  repeated_aux             the same configured accessory in 3 sessions in a row
  rpe_drift                the mean main-set RPE error of the last 3 sessions > +1.5 or < -2.0
  muscle_uncovered         a muscle with no sets in a week
Deload sessions are exempt from the disruption and cycle checks: the engine leaves deloads as
planned (DR §3.7, §3.10).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from shared_types.enums import CyclePhase, IntensityType, Lift, MuscleGroup, Severity
from shared_types.inputs import JITInput
from shared_types.outputs import JITOutput

__all__ = ["ERRORS", "WARNINGS", "LifterChecker", "MuscleWeek", "session_findings"]

ERRORS = (
    "too_many_sets",
    "no_working_set",
    "main_weight_invalid",
    "above_one_rm",
    "deload_too_heavy",
    "major_not_skipped",
    "moderate_no_rationale",
    "cycle_no_rationale",
    "top_up_without_reason",
    "mrv_two_weeks",
)
WARNINGS = ("too_many_exercises", "repeated_aux", "rpe_drift", "muscle_uncovered")
MAX_WORKING_SETS = 35
MAX_EXERCISES = 6
PLATE_STEP_KG = 2.5
DELOAD_SHARE = 0.70
DRIFT_WINDOW = 3
DRIFT_HIGH = 1.5
DRIFT_LOW = -2.0
REPEATS = 3
_CYCLE_LINE_PHASES = (CyclePhase.MENSTRUAL, CyclePhase.LATE_LUTEAL)


@dataclass(frozen=True)
class MuscleWeek:
    muscle: MuscleGroup
    sets: float
    mev: float
    mrv: float


def _on_plates(weight_kg: float) -> bool:
    steps = weight_kg / PLATE_STEP_KG
    return weight_kg > 0 and math.isclose(steps, round(steps), abs_tol=1e-6)


def _volume_errors(output: JITOutput) -> list[str]:
    served = [a for a in output.auxiliary_work if not a.skipped]
    found = []
    if len(output.main_lift_sets) + sum(len(a.sets) for a in served) > MAX_WORKING_SETS:
        found.append("too_many_sets")
    if any(a.is_top_up and not a.top_up_reason for a in served):
        found.append("top_up_without_reason")
    return found


def _main_errors(inp: JITInput, output: JITOutput, regular_mean_kg: float | None) -> list[str]:
    found = []
    deload = inp.intensity_type is IntensityType.DELOAD
    sets = output.main_lift_sets
    if not deload and not output.skipped_main_lift and not sets:
        found.append("no_working_set")
    if any(not _on_plates(s.weight_kg) for s in sets):
        found.append("main_weight_invalid")
    if any(s.weight_kg > inp.one_rm_kg + 1e-9 for s in sets):
        found.append("above_one_rm")
    heaviest = max((s.weight_kg for s in sets), default=0.0)
    if deload and regular_mean_kg is not None and heaviest > DELOAD_SHARE * regular_mean_kg + 1e-9:
        found.append("deload_too_heavy")
    return found


def _signal_errors(inp: JITInput, output: JITOutput) -> list[str]:
    if inp.intensity_type is IntensityType.DELOAD:
        return []
    found = []
    lines = [line.lower() for line in output.rationale]
    severities = {d.severity for d in inp.active_disruptions if d.affects(inp.primary_lift)}
    recovery = output.trace is not None and output.trace.main_lift.is_recovery_mode
    if Severity.MAJOR in severities and not output.skipped_main_lift:
        found.append("major_not_skipped")
    elif (
        Severity.MODERATE in severities
        and Severity.MAJOR not in severities
        and not recovery
        and not any("(moderate)" in line for line in lines)
    ):
        found.append("moderate_no_rationale")
    if inp.cycle_phase in _CYCLE_LINE_PHASES and not any("phase" in line for line in lines):
        found.append("cycle_no_rationale")
    return found


def _warnings(output: JITOutput) -> list[str]:
    served = [a for a in output.auxiliary_work if not a.skipped]
    exercises = len(served) + (0 if output.skipped_main_lift else 1)
    return ["too_many_exercises"] if exercises > MAX_EXERCISES else []


def _regular(inp: JITInput, output: JITOutput) -> bool:
    """A session at the lifter's usual loads: no deload, disruption ceiling or recovery mode."""
    if inp.intensity_type is IntensityType.DELOAD or output.trace is None:
        return False
    main = output.trace.main_lift
    derivation = main.weight_derivation
    disrupted = derivation is not None and any(
        m.source == "disruption" for m in derivation.modifiers
    )
    return not (disrupted or main.is_recovery_mode)


def session_findings(
    inp: JITInput, output: JITOutput, regular_mean_kg: float | None
) -> tuple[list[str], list[str]]:
    """(errors, warnings) of one served session taken on its own."""
    errors = _volume_errors(output) + _main_errors(inp, output, regular_mean_kg)
    return errors + _signal_errors(inp, output), _warnings(output)


@dataclass
class LifterChecker:
    """The per-lifter history the invariants across sessions and weeks need."""

    regular_weights: dict[Lift, list[float]] = field(default_factory=dict)
    recent_aux: deque[frozenset[str]] = field(default_factory=lambda: deque(maxlen=REPEATS))
    recent_errors: deque[float] = field(default_factory=lambda: deque(maxlen=DRIFT_WINDOW))
    over_mrv_last_week: frozenset[MuscleGroup] = frozenset()

    def session(self, inp: JITInput, output: JITOutput) -> tuple[list[str], list[str]]:
        weights = self.regular_weights.setdefault(inp.primary_lift, [])
        mean = sum(weights) / len(weights) if weights else None
        errors, warnings = session_findings(inp, output, mean)
        if _regular(inp, output):
            weights.extend(s.weight_kg for s in output.main_lift_sets)
        configured = frozenset(
            a.exercise for a in output.auxiliary_work if not a.skipped and not a.is_top_up
        )
        self.recent_aux.append(configured)
        if len(self.recent_aux) == REPEATS and frozenset.intersection(*self.recent_aux):
            warnings.append("repeated_aux")
        return errors, warnings

    def rpe_drift(self, mean_error: float | None) -> list[str]:
        """A completed session's mean main-set RPE error (None: none logged)."""
        if mean_error is None:
            return []
        self.recent_errors.append(mean_error)
        if len(self.recent_errors) < DRIFT_WINDOW:
            return []
        drift = sum(self.recent_errors) / DRIFT_WINDOW
        return ["rpe_drift"] if drift > DRIFT_HIGH or drift < DRIFT_LOW else []

    def week(self, muscles: Iterable[MuscleWeek]) -> tuple[list[str], list[str]]:
        listed = list(muscles)
        over = frozenset(m.muscle for m in listed if m.sets > m.mrv)
        errors = ["mrv_two_weeks"] * len(over & self.over_mrv_last_week)
        self.over_mrv_last_week = over
        return errors, ["muscle_uncovered"] * sum(1 for m in listed if m.sets <= 0)
