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
* **Activation**: only a `validated` rule, with a share of lifters (ADR 0017), at most one
  active per context; rollback sets `rolled_back`, so the context serves what it did before.
  Every change is an event with who and why.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
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
from api.schemas import ChangeNote
from api.services.records import served_tokens
from api.settings import Settings
from api.state import AppState
from shared_types.adjustment import JITAdjustment
from shared_types.bandit import RewardWeights
from shared_types.feedback import SessionOutcome
from shared_types.inputs import JITInput
from shared_types.llm import LlmCallRecord
from shared_types.oracle import (
    CallMetric,
    DistilledRule,
    OracleThresholds,
    Recommendation,
    Validation,
)
from shared_types.outputs import JITOutput
from shared_types.routing import RouteRule
from training_engine.constraints import CONSTRAINT_PREFIX
from training_engine.routing.bandit import context_of
from training_engine.routing.bandit import reward as bandit_reward
from training_engine.routing.oracle import distil, recommend, summarise, validate
from training_engine.routing.rollout import bucket

__all__ = [
    "ORACLE",
    "activate",
    "call_metric",
    "get_rule",
    "get_run",
    "list_rules",
    "list_runs",
    "read_metrics",
    "roll_back",
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
    tokens = served_tokens(_usage(call)) or 0
    violations = sum(w.startswith(CONSTRAINT_PREFIX) for w in warnings)
    return bandit_reward(outcome, tokens=tokens, violations=violations, weights=weights)


def _usage(call: LoggedCall) -> LlmCallRecord:
    """Just what `served_tokens` reads of a call record (the rest is not needed here)."""
    return LlmCallRecord.model_construct(  # type: ignore[call-arg]
        cache_hit=call.cache_hit, input_tokens=call.input_tokens, output_tokens=call.output_tokens
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
) -> OracleRunRow | None:
    """One run in the caller's write unit: read, summarise, recommend, distil and validate, and
    store the run and its rules. None when `run_id` is taken (another worker has the slot)."""
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
    distillations = [
        _distil(unit, row.id, rec, metrics, thresholds, now=now, acts=_acts(rec, trigger))
        for rec in recommendations
        if rec.kind == "distil"
    ]
    row.calls = len(metrics)
    row.thresholds = thresholds.model_dump(mode="json")
    row.summaries = [s.model_dump(mode="json") for s in summaries.values()]
    row.recommendations = [r.model_dump(mode="json") for r in recommendations]
    row.distillations = [d.model_dump(mode="json") for d in distillations]
    unit.add(row)
    unit.flush()
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
) -> OracleRunOut:
    """A manual or CLI run in its own write unit."""
    with database.write() as unit:
        row = run_oracle(unit, settings, trigger=trigger, now=now, since=since, until=until)
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
) -> None:
    """Records one status change (from, to) of a rule with who and why."""
    from_status, to_status = change
    repo.add_event(
        unit,
        DistilledRuleEventRow(
            rule_id=rule_id,
            from_status=from_status,
            to_status=to_status,
            why=why,
            changed_by=changed_by,
            created_at=now,
        ),
    )


def _rule_out(unit: Unit, row: DistilledRuleRow) -> DistilledRuleOut:
    return DistilledRuleOut.model_validate(
        {
            "id": row.id,
            "version": row.version,
            "context": row.context_key,
            "status": row.status,
            "share": row.share,
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
        items = [_rule_out(unit, r) for r in rows]
    return DistilledRulePage(items=items, total=total, limit=limit, offset=offset)


def get_rule(state: AppState, rule_id: str) -> DistilledRuleOut:
    with state.db.read() as unit:
        return _rule_out(unit, _found(unit, rule_id))


def _found(unit: Unit, rule_id: str, *, lock: bool = False) -> DistilledRuleRow:
    row = repo.rule(unit, rule_id, lock=lock)
    if row is None:
        raise NotFound("distilled rule not found")
    return row


def activate(state: AppState, rule_id: str, body: RuleActivation) -> DistilledRuleOut:
    """A validated rule serves its context (to `share` of the lifters); 409 with why for any
    other status or while its context has another active rule."""
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
        row.status, row.share, row.updated_at = "active", body.share, now
        unit.add(row)
        unit.flush()
        why = f"{body.reason} (share {body.share:g})"
        _event(unit, row.id, ("validated", "active"), why, changed_by=body.changed_by, now=now)
        return _rule_out(unit, row)


def roll_back(state: AppState, rule_id: str, body: ChangeNote) -> DistilledRuleOut:
    """An active rule stops serving (its context goes back to the routing it had); 409 when
    it is not active."""
    now = state.clock()
    with state.db.write() as unit:
        row = _found(unit, rule_id, lock=True)
        if row.status != "active":
            raise Conflict(f"only an active rule can be rolled back; this one is {row.status}")
        row.status, row.share, row.updated_at = "rolled_back", None, now
        unit.add(row)
        unit.flush()
        _event(
            unit,
            row.id,
            ("active", "rolled_back"),
            body.reason,
            changed_by=body.changed_by,
            now=now,
        )
        return _rule_out(unit, row)


# --- serving -----------------------------------------------------------------------------------


def serving_rules(
    unit: Unit, lifter_id: str, lift: str, intensity_type: str
) -> dict[str, DistilledRule]:
    """The active rules of the lift and intensity type that serve this lifter, by context key:
    those whose share takes the lifter's bucket in (`rollout.bucket`, salted by the rule id)."""
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
