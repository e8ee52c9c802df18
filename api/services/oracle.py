"""The optimisation oracle in the shell (issue 12, part C): read the logged model calls, run the
core (`training_engine.routing.oracle`), store the run and the rules it distils, and let an
admin activate a validated rule or roll it back.

* **Metrics**: one `CallMetric` per model call of a generation its session still holds
  (`repositories.oracle.logged_calls`), over a period (default the last
  `settings.oracle.period_days` days up to the injected clock). The context is the bandit's
  (`routing.bandit.context_of` on the session's input snapshot); the outcome's reward is the
  bandit's own (`routing.bandit.reward`, with the settings' weights, the call's served tokens
  and the served output's constraint warnings, as `services.feedback` rewards a decision); the
  formula's reward is unknown in production (None: only the simulator knows it).
* **Runs**: summaries, recommendations and, for each `distil` recommendation that may act
  (always on a manual or CLI run; on a scheduled run only when `action_allowed`, so with
  `prefer_llm_for_flexibility` the schedule only recommends), `distil` then `validate` on its
  held-out cases; each fitted rule is stored `validated` or `failed`, never active.
* **Schedule**: `scheduled_run` claims the interval's slot by inserting the run row with an id
  derived from the slot (a second worker's insert fails on the primary key and it skips), so
  two workers never both run the oracle in one interval.
* **Activation**: only a `validated` rule, at most one active per context, in a rollout phase
  (canary unless the admin names one; ADR 0017): it serves the lifters whose bucket is below the
  phase's share (`rollout.SHARE`). `advance` moves canary -> guarded -> general, `pause` serves
  no one (share 0, still active) until `resume`; rollback sets `rolled_back` from any phase, so
  the context serves what it did before. Every change is an event with who, why, from and to.
* **The SLO guard**: on each oracle run, each advance and each completion of a session a rule
  served (that lift and day's rules), the rule's finished sessions since its
  phase began are judged against the model's in the same context (since the oracle's period
  before the activation) by the rollouts' SLO code path (`rollouts.slo_check`); a breach pauses
  the rule (event by `slo-monitor` with the breach), and an advance is refused (409) while it
  stands or before both sides hold the rule's `min_samples`.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from itertools import islice
from typing import Any

from api.errors import Conflict, InvalidRequest, NotFound
from api.oracle_schemas import (
    Distillation,
    DistilledRuleOut,
    DistilledRulePage,
    OracleRunIn,
    OracleRunOut,
    OracleRunPage,
    RuleActivation,
    RuleEventOut,
    RuleStatus,
    Trigger,
)
from api.persistence.db import Database, Unit
from api.persistence.repositories import oracle as repo
from api.persistence.repositories import routing_rules
from api.persistence.repositories.oracle import LoggedCall
from api.persistence.tables import DistilledRuleEventRow, DistilledRuleRow, OracleRunRow
from api.schemas import ROLLOUT_WINDOW, ChangeNote, SloCheck
from api.services.records import spent_tokens
from api.services.rollouts import MONITOR, slo_check
from api.settings import Settings
from api.state import AppState
from shared_types.adjustment import JITAdjustment
from shared_types.bandit import RewardWeights
from shared_types.feedback import SessionOutcome
from shared_types.inputs import JITInput
from shared_types.oracle import (
    CallMetric,
    DistilledRule,
    OracleThresholds,
    Recommendation,
    Validation,
)
from shared_types.outputs import JITOutput
from shared_types.routing import Phase, RouteRule, SloThresholds
from training_engine.constraints import constraint_violations
from training_engine.routing.bandit import context_of
from training_engine.routing.bandit import reward as bandit_reward
from training_engine.routing.oracle import distil, recommend, summarise, validate
from training_engine.routing.rollout import SHARE, bucket, next_phase

__all__ = [
    "ORACLE",
    "activate",
    "advance",
    "call_metric",
    "get_rule",
    "get_run",
    "guard_rules",
    "list_rules",
    "list_runs",
    "pause",
    "read_metrics",
    "resume",
    "roll_back",
    "rule_window",
    "run_now",
    "run_oracle",
    "run_table",
    "schedule_loop",
    "scheduled_run",
    "serving_rules",
    "slot_id",
    "start_manual_run",
]

ORACLE = "oracle"  # who the oracle's own rule events name
_log = logging.getLogger(__name__)
_SLOT_NAMESPACE = uuid.UUID("6f1d3c52-0b7e-4c59-9a43-0e0f8c7d2a11")


# --- metrics -----------------------------------------------------------------------------------


def call_metric(call: LoggedCall, weights: RewardWeights) -> CallMetric | None:
    """The oracle's view of one logged call; None when the session kept no input snapshot (no
    context to group it by)."""
    if call.snapshot is None:
        return None
    context = context_of(JITInput.model_validate(call.snapshot)).key
    fell_back = call.fallback_reason is not None
    adjustment = (
        JITAdjustment.model_validate(call.adjustment) if call.adjustment is not None else None
    )
    weight = call.divergence.get("weight_pct") if call.divergence is not None else None
    return CallMetric(
        context=context,
        lifter_id=call.lifter_id,
        session_id=call.session_id,
        latency_ms=call.latency_ms,
        input_tokens=call.input_tokens,
        output_tokens=call.output_tokens,
        cost_usd=call.cost_usd,
        fell_back=fell_back,
        adjustment=adjustment,
        divergence=None if weight is None else abs(float(weight)),
        outcome_reward=_reward(call, weights),
        day=call.created_at.date(),
    )


def _reward(call: LoggedCall, weights: RewardWeights) -> float | None:
    """The bandit's reward of the served session (`routing.bandit.reward`), once its outcome is
    in: the same weights, the call's served tokens, the constraint warnings of what served."""
    if call.outcome is None:
        return None
    outcome = SessionOutcome.model_validate(call.outcome)
    warnings = JITOutput.model_validate(call.output).warnings if call.output is not None else ()
    tokens = spent_tokens(call.cache_hit, call.input_tokens, call.output_tokens) or 0
    return bandit_reward(
        outcome, tokens=tokens, violations=constraint_violations(warnings), weights=weights
    )


def read_metrics(
    unit: Unit, since: datetime, until: datetime, weights: RewardWeights
) -> list[CallMetric]:
    """Every model-served generation's `CallMetric` in [since, until), oldest first."""
    metrics = (call_metric(c, weights) for c in repo.logged_calls(unit, since, until))
    return [m for m in metrics if m is not None]


def _period(
    settings: Settings, now: datetime, since: datetime | None, until: datetime | None
) -> tuple[datetime, datetime]:
    end = until or now
    start = since or end - timedelta(days=settings.oracle.period_days)
    if start >= end:
        raise InvalidRequest(f"the period is empty: since {start} is not before until {end}")
    return start, end


# --- runs --------------------------------------------------------------------------------------


def _thresholds(unit: Unit, settings: Settings) -> OracleThresholds:
    """The configured thresholds, with `prefer_llm_for_flexibility` from the global routing rule
    when it sets one (docs/domain/routing.md: the flag is the rule's)."""
    configured = settings.oracle.thresholds
    row = routing_rules.current_version(unit, routing_rules.GLOBAL)
    if row is None or row.deleted or row.rule is None:
        return configured
    flag = RouteRule.model_validate(row.rule).prefer_llm_for_flexibility
    if flag is None:
        return configured
    return configured.model_copy(update={"prefer_llm_for_flexibility": flag})


def _acts(recommendation: Recommendation, trigger: Trigger) -> bool:
    """A manual or CLI run acts on every distil recommendation; the schedule only where the
    core allows it (severe, or `prefer_llm_for_flexibility` off)."""
    return trigger != "schedule" or recommendation.action_allowed


def run_oracle(
    unit: Unit,
    settings: Settings,
    *,
    trigger: Trigger,
    now: datetime,
    since: datetime | None = None,
    until: datetime | None = None,
    run_id: str | None = None,
    guard: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> OracleRunRow | None:
    """One run in the caller's write unit: read, summarise, recommend, distil and validate, and
    store the run and its rules; then (`guard`) the SLO guard of every active rule
    (`guard_rules`). None when `run_id` is taken (another worker has the slot).
    `progress(done, total)` is told after each context it distils."""
    start, end = _period(settings, now, since, until)
    row = OracleRunRow(
        id=run_id or str(uuid.uuid4()),
        trigger=trigger,
        period_start=start,
        period_end=end,
        calls=0,
        thresholds={},
        summaries=[],
        recommendations=[],
        distillations=[],
        created_at=now,
    )
    if not repo.add_run(unit, row):
        return None
    thresholds = _thresholds(unit, settings)
    metrics = read_metrics(unit, start, end, settings.routing.bandit.rewards)
    summaries = summarise(metrics, thresholds)
    recommendations = recommend(summaries, thresholds)
    to_distil = [rec for rec in recommendations if rec.kind == "distil"]
    distillations = []
    for done, rec in enumerate(to_distil, start=1):
        acts = _acts(rec, trigger)
        distillations.append(_distil(unit, row.id, rec, metrics, thresholds, now=now, acts=acts))
        if progress is not None:
            progress(done, len(to_distil))
    row.calls = len(metrics)
    row.thresholds = thresholds.model_dump(mode="json")
    row.summaries = [s.model_dump(mode="json") for s in summaries.values()]
    row.recommendations = [r.model_dump(mode="json") for r in recommendations]
    row.distillations = [d.model_dump(mode="json") for d in distillations]
    unit.add(row)
    unit.flush()
    if guard:
        guard_rules(unit, settings, now)
    return row


def _distil(
    unit: Unit,
    run_id: str,
    rec: Recommendation,
    metrics: list[CallMetric],
    thresholds: OracleThresholds,
    *,
    now: datetime,
    acts: bool,
) -> Distillation:
    context = rec.context
    if not acts:
        return Distillation(
            context=context,
            rule_id=None,
            version=None,
            status=None,
            reason="recommended only: prefer_llm_for_flexibility holds on a scheduled run "
            "and the evidence is not severe",
            validation=None,
        )
    version = f"v{repo.next_version(unit, context)}"
    fitted = distil(metrics, thresholds, version=version, context=context)
    if fitted.rule is None:
        return Distillation(
            context=context,
            rule_id=None,
            version=None,
            status=None,
            reason=fitted.reason,
            validation=None,
        )
    rule = fitted.rule
    validation = validate(rule, rule.cases)
    status: RuleStatus = "validated" if validation.passed else "failed"
    lift, intensity = context.split("|")[:2]
    row = DistilledRuleRow(
        id=str(uuid.uuid4()),
        version=version,
        context_key=context,
        lift=lift,
        intensity_type=intensity,
        intensity_multiplier=rule.intensity_multiplier,
        set_delta=rule.set_delta,
        provenance=rule.provenance,
        document=rule.model_dump(mode="json"),
        validation=validation.model_dump(mode="json"),
        status=status,
        run_id=run_id,
        created_at=now,
        updated_at=now,
    )
    if not repo.add_rule(unit, row):
        raise Conflict(f"{context} {version} was distilled meanwhile; run the oracle again")
    _event(
        unit,
        row.id,
        (None, status),
        f"{fitted.reason}; {validation.reason}",
        changed_by=ORACLE,
        now=now,
    )
    return Distillation(
        context=context,
        rule_id=row.id,
        version=version,
        status=status,
        reason=fitted.reason,
        validation=validation,
    )


def _run_out(row: OracleRunRow) -> OracleRunOut:
    return OracleRunOut.model_validate(
        {
            "id": row.id,
            "trigger": row.trigger,
            "period_start": row.period_start,
            "period_end": row.period_end,
            "calls": row.calls,
            "thresholds": row.thresholds,
            "summaries": row.summaries,
            "recommendations": row.recommendations,
            "distillations": row.distillations,
            "created_at": row.created_at,
        }
    )


def run_now(
    database: Database,
    settings: Settings,
    *,
    trigger: Trigger,
    now: datetime,
    since: datetime | None = None,
    until: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> OracleRunOut:
    """A manual or CLI run in its own write unit (`progress`: see `run_oracle`)."""
    with database.write() as unit:
        row = run_oracle(
            unit, settings, trigger=trigger, now=now, since=since, until=until, progress=progress
        )
        assert row is not None  # a fresh uuid is never taken
        return _run_out(row)


def start_manual_run(state: AppState, body: OracleRunIn) -> OracleRunOut:
    return run_now(
        state.db,
        state.settings,
        trigger="manual",
        now=state.clock(),
        since=body.since,
        until=body.until,
    )


def get_run(state: AppState, run_id: str) -> OracleRunOut:
    with state.db.read() as unit:
        row = repo.run(unit, run_id)
        if row is None:
            raise NotFound("oracle run not found")
        return _run_out(row)


def list_runs(state: AppState, limit: int, offset: int) -> OracleRunPage:
    with state.db.read() as unit:
        total, rows = repo.run_page(unit, limit, offset)
        items = [_run_out(r) for r in rows]
    return OracleRunPage(items=items, total=total, limit=limit, offset=offset)


# --- the schedule ------------------------------------------------------------------------------


def slot_id(now: datetime, interval_s: float) -> str:
    """The run id of the interval `now` falls in: the same in every worker."""
    slot = int(now.timestamp() // interval_s)
    return str(uuid.uuid5(_SLOT_NAMESPACE, f"{interval_s!r}:{slot}"))


def scheduled_run(state: AppState) -> OracleRunRow | None:
    """The scheduled run of the current interval, unless another worker has made it."""
    interval = state.settings.oracle.interval_s
    if interval is None:
        return None
    now = state.clock()
    slot = slot_id(now, interval)
    try:
        with state.db.write() as unit:
            if repo.run(unit, slot) is not None:
                return None
            row = run_oracle(unit, state.settings, trigger="schedule", now=now, run_id=slot)
            if row is None:
                raise _Taken  # the failed insert spoiled the unit: end it without a commit
            return row
    except _Taken:
        return None


class _Taken(Exception):
    """Another worker inserted this interval's run first."""


async def schedule_loop(
    state: AppState, *, sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep
) -> None:
    """Runs the oracle every `settings.oracle.interval_s` seconds until cancelled; a failed run
    is logged and the loop goes on."""
    interval = state.settings.oracle.interval_s
    if interval is None:
        return
    while True:
        await sleep(interval)
        try:
            await state.db.run(scheduled_run, state)
        except Exception:  # the schedule must outlive one bad run
            _log.exception("the scheduled oracle run failed")


# --- rules -------------------------------------------------------------------------------------


def _event(
    unit: Unit,
    rule_id: str,
    change: tuple[str | None, str],
    why: str,
    *,
    changed_by: str,
    now: datetime,
    phases: tuple[str | None, str | None] = (None, None),
) -> None:
    """Records one status change (from, to) of a rule, and its phase before and after, with who
    and why."""
    from_status, to_status = change
    from_phase, to_phase = phases
    repo.add_event(
        unit,
        DistilledRuleEventRow(
            rule_id=rule_id,
            from_status=from_status,
            to_status=to_status,
            from_phase=from_phase,
            to_phase=to_phase,
            why=why,
            changed_by=changed_by,
            created_at=now,
        ),
    )


def _rule_out(unit: Unit, row: DistilledRuleRow, settings: Settings) -> DistilledRuleOut:
    window = rule_window(unit, row, settings) if _phased(row) else None
    return DistilledRuleOut.model_validate(
        {
            "id": row.id,
            "version": row.version,
            "context": row.context_key,
            "status": row.status,
            "share": row.share,
            "phase": row.phase,
            "paused": row.paused,
            "min_samples": row.min_samples,
            "thresholds": row.thresholds,
            "phase_started_at": row.phase_started_at,
            "window": window,
            "last_check": row.last_check,
            "rule": row.document,
            "validation": row.validation,
            "run_id": row.run_id,
            "events": [
                RuleEventOut.model_validate(e, from_attributes=True)
                for e in repo.rule_events(unit, row.id)
            ],
            "created_at": row.created_at,
            "updated_at": row.updated_at,
        }
    )


def list_rules(state: AppState, status: str | None, limit: int, offset: int) -> DistilledRulePage:
    with state.db.read() as unit:
        total, rows = repo.rule_page(unit, status, limit, offset)
        items = [_rule_out(unit, r, state.settings) for r in rows]
    return DistilledRulePage(items=items, total=total, limit=limit, offset=offset)


def get_rule(state: AppState, rule_id: str) -> DistilledRuleOut:
    with state.db.read() as unit:
        return _rule_out(unit, _found(unit, rule_id), state.settings)


def _found(unit: Unit, rule_id: str, *, lock: bool = False) -> DistilledRuleRow:
    row = repo.rule(unit, rule_id, lock=lock)
    if row is None:
        raise NotFound("distilled rule not found")
    return row


def activate(state: AppState, rule_id: str, body: RuleActivation) -> DistilledRuleOut:
    """A validated rule serves its context in a phase (canary unless `body` names one: the
    lifters whose bucket is below the phase's share); 409 with why for any other status or while
    its context has another active rule."""
    now = state.clock()
    with state.db.write() as unit:
        row = _found(unit, rule_id, lock=True)
        if row.status != "validated":
            why = Validation.model_validate(row.validation).reason
            raise Conflict(
                f"only a validated rule can be activated; this one is {row.status}"
                + (f" ({why})" if row.status == "failed" else "")
            )
        other = repo.active_in_context(unit, row.context_key)
        if other is not None:
            raise Conflict(
                f"{row.context_key} already serves rule {other.version} ({other.id}); "
                "roll it back first"
            )
        phase = body.starts_in
        row.status, row.phase, row.paused, row.share = "active", phase.value, False, SHARE[phase]
        row.min_samples = body.min_samples
        row.thresholds = body.thresholds.model_dump(mode="json")
        row.last_check = None
        row.activated_at = row.phase_started_at = row.updated_at = now
        unit.add(row)
        unit.flush()
        why = f"{body.reason} (started in {phase}, share {SHARE[phase]:g})"
        _event(
            unit,
            row.id,
            ("validated", "active"),
            why,
            changed_by=body.changed_by,
            now=now,
            phases=(None, phase.value),
        )
        return _rule_out(unit, row, state.settings)


def roll_back(state: AppState, rule_id: str, body: ChangeNote) -> DistilledRuleOut:
    """An active rule stops serving from any phase, paused or not (its context goes back to the
    routing it had); 409 when it is not active."""
    now = state.clock()
    with state.db.write() as unit:
        row = _found(unit, rule_id, lock=True)
        if row.status != "active":
            raise Conflict(f"only an active rule can be rolled back; this one is {row.status}")
        was = row.phase
        row.status, row.share, row.phase, row.paused = "rolled_back", None, None, False
        row.updated_at = now
        unit.add(row)
        unit.flush()
        _event(
            unit,
            row.id,
            ("active", "rolled_back"),
            body.reason if was is None else f"rolled back from {was}: {body.reason}",
            changed_by=body.changed_by,
            now=now,
            phases=(was, None),
        )
        return _rule_out(unit, row, state.settings)


# --- phases and the SLO guard ------------------------------------------------------------------


def _phased(row: DistilledRuleRow) -> bool:
    return row.status == "active" and row.phase is not None


def _phase(row: DistilledRuleRow) -> Phase:
    """The phase of an active rule; 409 for a rule that is not active, or was activated with a
    free share before the phases (revision 0019)."""
    if row.status != "active":
        raise Conflict(f"only an active rule moves through the phases; this one is {row.status}")
    if row.phase is None:
        raise Conflict(
            f"this rule was activated with a free share ({row.share}) before the phases; "
            "roll it back and activate it again"
        )
    return Phase(row.phase)


def _context(snapshot: dict[str, Any] | None) -> str | None:
    return None if snapshot is None else context_of(JITInput.model_validate(snapshot)).key


def rule_window(unit: Unit, row: DistilledRuleRow, settings: Settings) -> SloCheck:
    """The guard's windows of an active rule, judged: the newest `ROLLOUT_WINDOW` finished
    sessions the rule served since its phase began, against the newest `ROLLOUT_WINDOW` finished
    model-served sessions in its context since the oracle's period before its activation (the
    evidence it was distilled from, and what the model serves beside it after)."""
    assert row.phase_started_at is not None  # both set when a rule is activated in a phase
    assert row.activated_at is not None
    ruled = repo.rule_samples(
        unit, row.version, row.context_key, since=row.phase_started_at, size=ROLLOUT_WINDOW
    )
    since = row.activated_at - timedelta(days=settings.oracle.period_days)
    # The context is read from each input: only as many as the window needs, newest first.
    in_context = (
        m.sample
        for m in repo.model_samples(unit, row.lift, row.intensity_type, since=since)
        if _context(m.snapshot) == row.context_key
    )
    model = list(islice(in_context, ROLLOUT_WINDOW))
    thresholds = SloThresholds.model_validate(row.thresholds or {})
    return slo_check(ruled, model, thresholds, row.min_samples or 1)


def _guard(unit: Unit, row: DistilledRuleRow, settings: Settings, now: datetime) -> SloCheck:
    """Judges the (locked, phased) rule's windows and keeps the check; a breach pauses it, with
    the breach as the event's why."""
    check = rule_window(unit, row, settings)
    row.last_check = check.model_dump(mode="json")
    if check.verdict.breached and not row.paused:
        phase = _phase(row)
        row.paused, row.share, row.updated_at = True, 0.0, now
        why = f"SLO breach ({'; '.join(check.verdict.breaches)}): paused in {phase}"
        _event(
            unit,
            row.id,
            ("active", "active"),
            why,
            changed_by=MONITOR,
            now=now,
            phases=(phase.value, phase.value),
        )
    unit.add(row)
    unit.flush()
    return check


def guard_rules(
    unit: Unit,
    settings: Settings,
    now: datetime,
    *,
    lift: str | None = None,
    intensity_type: str | None = None,
) -> list[str]:
    """The SLO guard over every active rule that serves (in a phase, not paused), or only those
    of one lift and intensity type, in the caller's write unit: the ids of the rules a breach
    paused."""
    paused = []
    for row in repo.guarded_rules(unit, lift=lift, intensity_type=intensity_type):
        if _guard(unit, row, settings, now).verdict.breached:
            paused.append(row.id)
    return paused


def _refusal(check: SloCheck, row: DistilledRuleRow, phase: Phase) -> str | None:
    """Why the rule may not advance, or None."""
    if check.verdict.breached:
        return (
            f"the SLO guard found a breach ({'; '.join(check.verdict.breaches)}): the rule is "
            f"paused in {phase}; resume it to judge new sessions, or roll it back"
        )
    if not check.verdict.enough_samples:
        return (
            f"not enough finished sessions to judge the rule: {check.candidate.n} of "
            f"{row.min_samples} served by the rule in {phase}, {check.control.n} of "
            f"{row.min_samples} served by the model in {row.context_key}"
        )
    return None


def advance(state: AppState, rule_id: str, body: ChangeNote) -> DistilledRuleOut:
    """canary -> guarded -> general, once the guard judges the rule's phase within its SLOs;
    409 with why while paused, at general, on a breach (which pauses the rule: that pause is
    kept) or before both sides hold `min_samples` finished sessions."""
    now = state.clock()
    with state.db.write() as unit:
        row = _found(unit, rule_id, lock=True)
        phase = _phase(row)
        if row.paused:
            raise Conflict(f"the rule is paused in {phase}; resume it first")
        if phase is Phase.GENERAL:
            raise Conflict("the rule is already general")
        check = _guard(unit, row, state.settings, now)
        refusal = _refusal(check, row, phase)
        if refusal is None:
            forward = next_phase(phase)
            row.phase, row.share = forward.value, SHARE[forward]
            row.phase_started_at = row.updated_at = now
            unit.add(row)
            unit.flush()
            _event(
                unit,
                row.id,
                ("active", "active"),
                f"advanced {phase} -> {forward} (share {SHARE[forward]:g}): {body.reason}",
                changed_by=body.changed_by,
                now=now,
                phases=(phase.value, forward.value),
            )
            return _rule_out(unit, row, state.settings)
    raise Conflict(refusal)  # after the unit: a pause the guard made is kept


def pause(state: AppState, rule_id: str, body: ChangeNote) -> DistilledRuleOut:
    """The rule serves no one (share 0) but stays active in its phase, so its context is routed
    as before until it is resumed or rolled back; 409 when it is not serving."""
    return _pause_or_resume(state, rule_id, body, pausing=True)


def resume(state: AppState, rule_id: str, body: ChangeNote) -> DistilledRuleOut:
    """A paused rule serves its phase's share again, with a fresh window (the guard judges the
    sessions from now on); 409 when it is not paused."""
    return _pause_or_resume(state, rule_id, body, pausing=False)


def _pause_or_resume(
    state: AppState, rule_id: str, body: ChangeNote, *, pausing: bool
) -> DistilledRuleOut:
    now = state.clock()
    with state.db.write() as unit:
        row = _found(unit, rule_id, lock=True)
        phase = _phase(row)
        if row.paused == pausing:
            raise Conflict(f"the rule is {'already' if pausing else 'not'} paused")
        row.paused, row.share, row.updated_at = pausing, 0.0 if pausing else SHARE[phase], now
        if not pausing:
            row.phase_started_at = now
        unit.add(row)
        unit.flush()
        what = f"paused in {phase}" if pausing else f"resumed in {phase} (a fresh window)"
        _event(
            unit,
            row.id,
            ("active", "active"),
            f"{what}: {body.reason}",
            changed_by=body.changed_by,
            now=now,
            phases=(phase.value, phase.value),
        )
        return _rule_out(unit, row, state.settings)


# --- serving -----------------------------------------------------------------------------------


def serving_rules(
    unit: Unit, lifter_id: str, lift: str, intensity_type: str
) -> dict[str, DistilledRule]:
    """The active rules of the lift and intensity type that serve this lifter, by context key:
    those whose share (their phase's, 0 while paused) takes the lifter's bucket in
    (`rollout.bucket`, salted by the rule id; the shares only grow, so a lifter in at canary
    stays in)."""
    return {
        row.context_key: DistilledRule.model_validate(row.document)
        for row in repo.active_rules(unit, lift, intensity_type)
        if row.share is not None and bucket(lifter_id, row.id) < row.share
    }


# --- the CLI's table ---------------------------------------------------------------------------


def run_table(run: OracleRunOut) -> str:
    """A run for a terminal: the period, each recommendation with its evidence sentence, and
    each distillation with its validation (the failed cases named)."""
    lines = [
        f"oracle run {run.id} ({run.trigger}): {run.calls} model-served generations in "
        f"{len(run.summaries)} contexts, {run.period_start:%Y-%m-%d %H:%M} to "
        f"{run.period_end:%Y-%m-%d %H:%M} UTC",
        "",
        f"recommendations ({len(run.recommendations)}):",
    ]
    if not run.recommendations:
        lines.append(f"  none: no context has {run.thresholds.min_calls} calls")
    for rec in run.recommendations:
        acts = "may act" if rec.action_allowed else "recommend only"
        severe = ", severe" if rec.severe else ""
        lines.append(f"  [{rec.kind}{severe}, {acts}] {rec.message}")
    lines += ["", f"distilled rules ({len(run.distillations)}):"]
    if not run.distillations:
        lines.append("  none")
    for d in run.distillations:
        if d.rule_id is None:
            lines.append(f"  {d.context}: no rule: {d.reason}")
            continue
        assert d.validation is not None  # a stored rule always has one
        lines.append(
            f"  {d.context} {d.version} {d.status} (rule {d.rule_id}): {d.reason}; "
            f"{d.validation.reason}"
        )
        lines.extend(f"    case {f.session_id}: {f.why}" for f in d.validation.failed)
    return "\n".join(lines) + "\n"
