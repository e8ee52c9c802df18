"""A session's outcome: each prescribed main set against what was logged for it.

The outcome is the reward every learning step reads (calibration learning, load suggestions).
Rules and their reasons are in docs/domain/feedback.md ("Session outcomes"):

* a set is done when it was logged with reps or logged as failed (a failed set is a set done,
  with a failure);
* reps done are summed as logged, without a per-set cap; the completion ratio is capped at 1.0;
* the RPE error is actual - target per set; without any set RPE, a session RPE stands in for
  the whole session against the mean target (the reference's session-level bias);
* an outcome that cannot say how hard the prescription was is not learnable, with one reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import fmean

from shared_types.enums import IntensityType, Lift
from shared_types.feedback import ExclusionReason, SessionOutcome, SetOutcome
from shared_types.outputs import PlannedSet

__all__ = ["LoggedMainSet", "session_outcome"]


@dataclass(frozen=True)
class LoggedMainSet:
    """One main-lift set as the lifter logged it."""

    set_number: int
    weight_kg: float
    reps: int
    rpe: float | None
    failed: bool = False
    pain_limited: bool = False
    during_rehab: bool = False

    @property
    def done(self) -> bool:
        """Logged with reps, or attempted and failed."""
        return self.reps > 0 or self.failed


def session_outcome(
    *,
    session_id: str,
    lift: Lift,
    intensity_type: IntensityType,
    prescribed: Sequence[PlannedSet],
    logged: Sequence[LoggedMainSet],
    skipped: bool,
    skip_reason: str | None = None,
    session_rpe: float | None = None,
    is_deload: bool = False,
    rehab_capped: bool = False,
) -> SessionOutcome:
    """Compare the prescribed main sets with the logged ones (a skipped session logs nothing)."""
    kept = () if skipped else tuple(logged)
    sets = _set_outcomes(prescribed, kept)
    errors = [s.rpe_error for s in sets if s.rpe_error is not None]
    if not errors:
        errors = _session_level_error(prescribed, None if skipped else session_rpe)
    reps_prescribed = sum(p.reps for p in prescribed)
    reps_done = sum(s.reps for s in kept if s.done)
    sets_done = sum(1 for s in kept if s.done)
    exclusion = _exclusion(
        skipped=skipped,
        rehab=rehab_capped or any(s.during_rehab for s in kept),
        pain_limited=any(s.pain_limited for s in kept),
        deload=is_deload or intensity_type is IntensityType.DELOAD,
        sets_done=sets_done,
        has_error=bool(errors),
    )
    return SessionOutcome(
        session_id=session_id,
        lift=lift,
        intensity_type=intensity_type,
        status="skipped" if skipped else "completed",
        skip_reason=skip_reason if skipped else None,
        sets=sets,
        sets_prescribed=len(prescribed),
        sets_done=sets_done,
        reps_prescribed=reps_prescribed,
        reps_done=reps_done,
        failures=sum(1 for s in kept if s.failed),
        mean_rpe_error=fmean(errors) if errors else None,
        worst_rpe_error=max(errors, key=abs) if errors else None,
        completion_ratio=_completion(reps_done, reps_prescribed),
        learnable=exclusion is None,
        excluded_because=exclusion,
    )


def _set_outcomes(
    prescribed: Sequence[PlannedSet], logged: Sequence[LoggedMainSet]
) -> tuple[SetOutcome, ...]:
    """One row per prescribed set (matched by set number, first log wins), then the other logs."""
    remaining = list(logged)
    rows: list[SetOutcome] = []
    for plan in prescribed:
        match = next((s for s in remaining if s.set_number == plan.set_number), None)
        if match is not None:
            remaining.remove(match)
        rows.append(_set_outcome(plan, match))
    rows.extend(_set_outcome(None, extra) for extra in remaining)
    return tuple(rows)


def _set_outcome(plan: PlannedSet | None, log: LoggedMainSet | None) -> SetOutcome:
    target = plan.rpe_target if plan is not None else None
    rpe = log.rpe if log is not None else None
    return SetOutcome(
        set_number=plan.set_number if plan is not None else _logged(log).set_number,
        prescribed_weight_kg=plan.weight_kg if plan is not None else None,
        prescribed_reps=plan.reps if plan is not None else None,
        target_rpe=target,
        done=log is not None and log.done,
        weight_kg=log.weight_kg if log is not None else None,
        reps=log.reps if log is not None else None,
        rpe=rpe,
        rpe_error=rpe - target if rpe is not None and target is not None else None,
        failed=log is not None and log.failed,
        pain_limited=log is not None and log.pain_limited,
        rehab=log is not None and log.during_rehab,
    )


def _logged(log: LoggedMainSet | None) -> LoggedMainSet:
    """A row without a prescribed set always has a log."""
    assert log is not None
    return log


def _session_level_error(
    prescribed: Sequence[PlannedSet], session_rpe: float | None
) -> list[float]:
    """The session RPE against the mean prescribed target ([] when either is missing)."""
    targets = [p.rpe_target for p in prescribed if p.rpe_target is not None]
    if session_rpe is None or not targets:
        return []
    return [session_rpe - fmean(targets)]


def _completion(reps_done: int, reps_prescribed: int) -> float:
    """Reps done over reps prescribed, capped at 1.0 (0 when nothing was prescribed)."""
    if reps_prescribed <= 0:
        return 0.0
    return min(1.0, reps_done / reps_prescribed)


def _exclusion(
    *, skipped: bool, rehab: bool, pain_limited: bool, deload: bool, sets_done: int, has_error: bool
) -> ExclusionReason | None:
    """The first reason, in this order, why the outcome must not teach anything."""
    reasons: tuple[tuple[bool, ExclusionReason], ...] = (
        (skipped, "skipped"),
        (rehab, "rehab"),
        (pain_limited, "pain_limited"),
        (deload, "deload"),
        (sets_done == 0, "no_main_sets"),
        (not has_error, "no_rpe"),
    )
    return next((reason for hit, reason in reasons if hit), None)
