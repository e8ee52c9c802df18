"""Phased rollouts with SLO monitoring (issue 11): the admin's controls, the arm a generation
gets, and the monitor that runs after each generation of a rollout.

A rollout moves a candidate strategy through the core's phases (`training_engine.routing.rollout`)
for one scope (global, a lifter's, one lift of a lifter's; the most specific active one
applies). Every change is an audit event with who and why: the admin's `changed_by`, or
`slo-monitor` with the check that moved it.

Choices (docs/domain/routing.md has the core's rules):

* **Pause** keeps the phase, serves every lifter as the control (the formula) and stops the
  monitor, so nothing moves until an admin resumes, advances after resuming, rolls back or
  stops. A paused rollout's generations are recorded in the control arm.
* **The window**: the candidate's newest `ROLLOUT_WINDOW` generations since its phase began (a
  rollback and a new advance start afresh, and `min_samples` counts the phase's own), against
  the control's newest `ROLLOUT_WINDOW` of the whole rollout (the baseline, which general, with
  no control lifters left, still has). The shadow phase serves everyone the control with the
  candidate beside it (arm `shadow`): it has no candidate arm to judge, so no verdict, and
  leaving it is the admin's call.
* **The monitor** runs in its own short write unit after the generation's write and locks the
  rollout row; any failure there is logged and never fails the generation.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from api.errors import Conflict, ErrorDetail, InvalidRequest, NotFound
from api.persistence.db import Unit
from api.persistence.repositories import rollouts as repo
from api.persistence.repositories.lifters import lifter
from api.persistence.repositories.routing_rules import GLOBAL, ScopeKind, trigger_key
from api.persistence.tables import RolloutEventRow, RolloutRow
from api.schemas import (
    ROLLOUT_WINDOW,
    CandidateStrategy,
    ChangeNote,
    RolloutEventOut,
    RolloutEventPage,
    RolloutOut,
    RolloutPage,
    RolloutStart,
    SloCheck,
)
from api.state import AppState
from shared_types.enums import Lift
from shared_types.routing import (
    ModelVariant,
    Phase,
    RolloutArm,
    RouteStrategy,
    RuleSource,
    SloSample,
    SloThresholds,
)
from training_engine.routing.rollout import next_phase, previous_phase, serving_arm
from training_engine.routing.slo import after_verdict, evaluate, summarise

__all__ = [
    "MONITOR",
    "Assignment",
    "advance",
    "assignment",
    "check_slo",
    "events",
    "get",
    "listing",
    "pause",
    "resume",
    "roll_back",
    "slo_check",
    "start",
    "stop",
]

MONITOR = "slo-monitor"  # who the monitor's events name
_log = logging.getLogger(__name__)
_SPECIFICITY: dict[str, int] = {"global": 0, "lifter": 1, "lift": 2}


@dataclass(frozen=True)
class Assignment:
    """A lifter's place in the rollout that applies to it: the arm `auto` is told, what the
    candidate serves, the rollout's scope (where the candidate's strategy comes from), and the
    candidate's prompt and model (None: a rollout of a strategy)."""

    rollout_id: str
    arm: RolloutArm
    candidate: RouteStrategy
    scope: RuleSource
    variant: ModelVariant | None = None


def assignment(unit: Unit, lifter_id: str, lift: Lift) -> Assignment | None:
    """The arm of the most specific active rollout for this lifter and lift (the core's
    `serving_arm`; the control while paused), or None without one."""
    keys = [GLOBAL.key, trigger_key(lifter_id, None), trigger_key(lifter_id, lift.value)]
    rows = repo.active_rollouts(unit, keys)
    if not rows:
        return None
    row = max(rows, key=lambda r: _SPECIFICITY[r.scope])
    arm = "control" if row.paused else serving_arm(lifter_id, row.id, Phase(row.phase))
    if arm is None:  # not reached: an active rollout is never off
        return None
    return Assignment(row.id, arm, _candidate(row), _scope(row), _variant(row))


def _variant(row: RolloutRow) -> ModelVariant | None:
    if row.prompt_version is None and row.model is None:
        return None
    return ModelVariant.model_validate({"prompt_version": row.prompt_version, "model": row.model})


def _scope(row: RolloutRow) -> ScopeKind:
    scopes: dict[str, ScopeKind] = {"global": "global", "lifter": "lifter", "lift": "lift"}
    return scopes[row.scope]


def _candidate(row: RolloutRow) -> CandidateStrategy:
    candidates: dict[str, CandidateStrategy] = {
        "llm": "llm",
        "hybrid": "hybrid",
        "shadow": "shadow",
    }
    return candidates[row.candidate]


# ---- status -----------------------------------------------------------------------------


def _window_check(unit: Unit, row: RolloutRow) -> SloCheck:
    """The current window per arm (module docstring), evaluated against the thresholds."""
    return slo_check(
        repo.window(unit, row.id, "candidate", since=row.phase_started_at, size=ROLLOUT_WINDOW),
        repo.window(unit, row.id, "control", since=None, size=ROLLOUT_WINDOW),
        SloThresholds.model_validate(row.thresholds),
        row.min_samples,
    )


def slo_check(
    candidate: Sequence[SloSample],
    control: Sequence[SloSample],
    thresholds: SloThresholds,
    min_samples: int,
) -> SloCheck:
    """Both arms' windows summarised (`slo.summarise`) and judged (`slo.evaluate`): the one SLO
    code path of rollouts and of the oracle's distilled-rule guard."""
    cand, ctrl = summarise(candidate), summarise(control)
    verdict = evaluate(cand, ctrl, thresholds, min_samples)
    return SloCheck(verdict=verdict, candidate=cand, control=ctrl)


def _out(unit: Unit, row: RolloutRow) -> RolloutOut:
    last = None if row.last_verdict is None else SloCheck.model_validate(row.last_verdict)
    variant = _variant(row) or ModelVariant()
    return RolloutOut(
        id=row.id,
        scope=_scope(row),
        lifter_id=row.lifter_id,
        lift=None if row.lift is None else Lift(row.lift),
        candidate=_candidate(row),
        prompt_version=variant.prompt_version,
        model=variant.model,
        phase=Phase(row.phase),
        paused=row.paused,
        auto_advance=row.auto_advance,
        min_samples=row.min_samples,
        min_elapsed_s=row.min_elapsed_s,
        thresholds=SloThresholds.model_validate(row.thresholds),
        started_at=row.started_at,
        phase_started_at=row.phase_started_at,
        updated_at=row.updated_at,
        window=_window_check(unit, row),
        last_check=last,
    )


def _found(unit: Unit, rollout_id: str, *, lock: bool = False) -> RolloutRow:
    row = repo.rollout(unit, rollout_id, lock=lock)
    if row is None:
        raise NotFound("rollout not found")
    return row


def get(state: AppState, rollout_id: str) -> RolloutOut:
    with state.db.read() as unit:
        return _out(unit, _found(unit, rollout_id))


def listing(state: AppState, active_only: bool, limit: int, offset: int) -> RolloutPage:
    with state.db.read() as unit:
        total, rows = repo.rollout_page(unit, active_only=active_only, limit=limit, offset=offset)
        items = [_out(unit, r) for r in rows]
    return RolloutPage(items=items, total=total, limit=limit, offset=offset)


def events(state: AppState, rollout_id: str, limit: int, offset: int) -> RolloutEventPage:
    with state.db.read() as unit:
        _found(unit, rollout_id)
        total, rows = repo.event_page(unit, rollout_id, limit, offset)
    items = [
        RolloutEventOut(
            id=r.id or 0,
            rollout_id=r.rollout_id,
            from_phase=Phase(r.from_phase),
            to_phase=Phase(r.to_phase),
            why=r.why,
            changed_by=r.changed_by,
            check=None if r.verdict is None else SloCheck.model_validate(r.verdict),
            created_at=r.created_at,
        )
        for r in rows
    ]
    return RolloutEventPage(items=items, total=total, limit=limit, offset=offset)


# ---- changes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Move:
    """A change of a rollout: its phase and pause after it, and what happened."""

    phase: Phase
    paused: bool
    what: str


def _event(
    row: RolloutRow,
    to: Phase,
    why: str,
    who: str,
    *,
    check: SloCheck | None = None,
    now: datetime,
) -> RolloutEventRow:
    """The audit event of a move of `row` (still in its old phase) to `to`."""
    return RolloutEventRow(
        rollout_id=row.id,
        from_phase=row.phase,
        to_phase=to.value,
        why=why,
        changed_by=who,
        verdict=None if check is None else check.model_dump(mode="json"),
        created_at=now,
    )


def _record(
    unit: Unit, row: RolloutRow, move: _Move, event: RolloutEventRow, now: datetime
) -> None:
    """Applies `move` to the (locked) row and writes its audit event; a new phase restarts the
    phase's clock and window."""
    if move.phase.value != row.phase:
        row.phase_started_at = now
    row.phase, row.paused, row.updated_at = move.phase.value, move.paused, now
    unit.add(row)
    repo.add_event(unit, event)


def start(state: AppState, body: RolloutStart) -> RolloutOut:
    """Starts a rollout in shadow (an event from off); 409 while its scope has an active one,
    422 for a model the price table does not know (its cost SLO could not be judged)."""
    prices = state.settings.llm.prices
    if body.model is not None and body.model not in prices:
        priced = ", ".join(sorted(prices)) or "none"
        message = (
            f"model {body.model!r} has no price, so its cost per generation cannot be judged "
            f"against the control's; priced models: {priced}"
        )
        raise InvalidRequest(message, [ErrorDetail(path="body.model", message=message)])
    now = state.clock()
    lift = None if body.lift is None else body.lift.value
    scope = "global" if body.lifter_id is None else "lift" if lift else "lifter"
    with state.db.write() as unit:
        if body.lifter_id is not None:
            lifter(unit, body.lifter_id)
        row = RolloutRow(
            id=str(uuid.uuid4()),
            scope_key=GLOBAL.key if body.lifter_id is None else trigger_key(body.lifter_id, lift),
            scope=scope,
            lifter_id=body.lifter_id,
            lift=lift,
            candidate=body.candidate,
            prompt_version=body.prompt_version,
            model=body.model,
            phase=Phase.SHADOW.value,
            auto_advance=body.auto_advance,
            min_samples=body.min_samples,
            min_elapsed_s=body.min_elapsed_s,
            thresholds=body.thresholds.model_dump(mode="json"),
            started_at=now,
            phase_started_at=now,
            updated_at=now,
        )
        if not repo.add_rollout(unit, row):
            raise Conflict(f"the {scope} scope already has an active rollout; stop it first")
        started = _event(
            row, Phase.SHADOW, f"started in shadow: {body.reason}", body.changed_by, now=now
        )
        started.from_phase = Phase.OFF.value
        repo.add_event(unit, started)
        return _out(unit, row)


def _active(row: RolloutRow) -> Phase:
    phase = Phase(row.phase)
    if phase is Phase.OFF:
        raise Conflict("the rollout has ended (off); start a new one")
    return phase


def _advance(row: RolloutRow) -> _Move:
    phase = _active(row)
    if row.paused:
        raise Conflict("the rollout is paused; resume it first")
    if phase is Phase.GENERAL:
        raise Conflict("the rollout is already general")
    forward = next_phase(phase)
    return _Move(forward, False, f"advanced {phase} -> {forward}")


def _roll_back(row: RolloutRow) -> _Move:
    phase = _active(row)
    back = previous_phase(phase)
    return _Move(back, row.paused, f"rolled back {phase} -> {back}")


def _stop(row: RolloutRow) -> _Move:
    phase = _active(row)
    return _Move(Phase.OFF, False, f"stopped in {phase}")


def _pause(row: RolloutRow) -> _Move:
    phase = _active(row)
    if row.paused:
        raise Conflict("the rollout is already paused")
    return _Move(phase, True, f"paused in {phase}: every lifter is served as the control")


def _resume(row: RolloutRow) -> _Move:
    phase = _active(row)
    if not row.paused:
        raise Conflict("the rollout is not paused")
    return _Move(phase, False, f"resumed in {phase}")


def _change(
    step: Callable[[RolloutRow], _Move],
) -> Callable[[AppState, str, ChangeNote], RolloutOut]:
    """An admin change: lock the rollout (404), decide the move (409 when it cannot be made),
    apply it with its event."""

    def change(state: AppState, rollout_id: str, note: ChangeNote) -> RolloutOut:
        with state.db.write() as unit:
            row = _found(unit, rollout_id, lock=True)
            move, now = step(row), state.clock()
            event = _event(row, move.phase, f"{move.what}: {note.reason}", note.changed_by, now=now)
            _record(unit, row, move, event, now)
            return _out(unit, row)

    change.__doc__ = step.__doc__
    return change


advance = _change(_advance)
roll_back = _change(_roll_back)
stop = _change(_stop)
pause = _change(_pause)
resume = _change(_resume)


# ---- the SLO monitor --------------------------------------------------------------------


def check_slo(state: AppState, rollout_id: str) -> None:
    """After a generation of the rollout: evaluate the window and move the rollout as the
    core's `after_verdict` says (a breach rolls back at once). Never raises: the generation is
    already stored, and a failed check is logged and waits for the next generation."""
    try:
        with state.db.write() as unit:
            _monitor(unit, rollout_id, state.clock())
    except Exception:
        _log.exception("the SLO check of rollout %s failed; the generation stands", rollout_id)


def _monitor(unit: Unit, rollout_id: str, now: datetime) -> None:
    row = repo.rollout(unit, rollout_id, lock=True)
    if row is None or row.paused or row.phase == Phase.OFF.value:
        return
    check = _window_check(unit, row)
    phase = Phase(row.phase)
    moved_to, why = after_verdict(
        phase,
        check.verdict,
        row.auto_advance,
        check.candidate.n,
        now - row.phase_started_at,
        min_samples=row.min_samples,
        min_elapsed=timedelta(seconds=row.min_elapsed_s),
    )
    row.last_verdict = check.model_dump(mode="json")
    unit.add(row)
    if moved_to is not phase:
        event = _event(row, moved_to, why, MONITOR, check=check, now=now)
        _record(unit, row, _Move(moved_to, False, why), event, now)
