"""The report (issue 13, `jit-engine report` and the dashboard's overview): what the service did
over a period, from the database alone, as one JSON-serialisable `Report`.

Every figure, its table and its formula: docs/domain/report.md. In short: generations by the
strategy that served, `auto`'s route choice and fallback reason; model calls (records with at
least one request sent to the provider: `attempts > 0`), tokens and cost against the baseline
"every generation asks the model" (the generations times the mean tokens and cost of a model
call in the period; ADR 0018); the adjustment cache's hit rate, overall and per tier
(`llm_calls.cache_tier`); what the confidence gate, the rule thresholds, the budget and the
distilled rules saved; latency percentiles per stage (read, assemble, engine and serialise from
`generations.stage_ms`; the model call, a cache hit and the review from their records); hybrid
divergence; outcome quality per strategy; each rollout's and distilled rule's SLO state; what
waits for a person; and a weekly series for the charts.

What the database does not record is said so (`NOT_RECORDED`, `Report.notes`), never made up:
the auth and write stages are Prometheus metrics of the running app only (api/metrics.py; a
generation's row cannot hold the time of its own write). Rows stored before revision 0021 have
no cache tier (their hits count as tier "unknown") and no stage timings (left out, with a note).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pydantic import BaseModel, Field, field_validator

from api.metrics import NO_LABEL, route_choice
from api.persistence.db import Database, Unit
from api.persistence.repositories import report as repo
from api.persistence.repositories.report import CallFact, GenerationFact, OutcomeFact, Scope
from shared_types.enums import FallbackReason, Lift, StrategyUsed
from training_engine.routing.slo import percentile

__all__ = [
    "CACHE_TIERS",
    "NOT_RECORDED",
    "RECORDED_STAGES",
    "TIER_UNKNOWN",
    "UNRECORDED_STAGES",
    "ArmSlo",
    "CacheReport",
    "DivergenceReport",
    "GenerationCounts",
    "LatencyStage",
    "PendingReport",
    "QualityRow",
    "Report",
    "ReportQuery",
    "RolloutState",
    "RuleState",
    "SavingsReport",
    "SloMetric",
    "SpendReport",
    "WeekRow",
    "build_report",
    "reduction_pct",
]

NOT_RECORDED = "not recorded"
NO_GENERATIONS = "no generations in the period"
CACHE_TIERS = ("memory", "database")
TIER_UNKNOWN = "unknown"  # a hit recorded before revision 0021 stored the tier
CACHE_TIER_NOTE = (
    "cache tier unknown for {n} hit(s): recorded before the tier was stored (revision 0021)"
)
# The stages that end before the write, stored with the generation (`generations.stage_ms`).
RECORDED_STAGES = ("read", "assemble", "engine", "serialise")
UNRECORDED_STAGES = ("auth", "write")
STAGE_NOTE = (
    "stage latency of auth and write: not recorded in the database (auth runs before there is a "
    "generation, and a generation's row cannot hold the time of its own write), only in the "
    "running app's /metrics (jit_generation_stage_seconds)"
)
STAGES_MISSING_NOTE = (
    "stage latency: {n} generation(s) stored before the stage timings were (revision 0021) "
    "are left out"
)
# A formula route stopped by the rule's thresholds (training_engine/routing/decide._thresholds).
_THRESHOLD_MARKS = (" ms budget", " ceiling per call", "model calls today: the limit is")
_GATE_MARK = "gate: formula is confident"


class ReportQuery(BaseModel):
    """The period [since, until) in UTC and the optional filters."""

    since: datetime
    until: datetime
    lifter_id: str | None = None
    lift: Lift | None = None
    rollout_id: str | None = None

    @field_validator("since", "until")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        """A naive time is UTC."""
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class GenerationCounts(BaseModel):
    total: int
    by_strategy: dict[str, int] = Field(description="what served: generations.jit_strategy")
    by_route: dict[str, int] = Field(description="auto's choice (route before ':'); none: not auto")
    by_fallback_reason: dict[str, int] = Field(description="none: no fallback")


class SpendReport(BaseModel):
    """Model calls, tokens and cost against the baseline "every generation asks the model"."""

    records: int = Field(description="model call records of the period's generations")
    model_calls: int = Field(description="records whose request reached the provider")
    shadow_calls: int = Field(description="of which a rollout's shadow call, logged only")
    baseline_calls: int = Field(description="one model call per generation")
    calls_reduction_pct: float | None
    tokens: int | None = Field(description="input + output over the calls with known usage")
    tokens_per_call: float | None
    baseline_tokens: float | None
    tokens_reduction_pct: float | None
    cost_usd: float | None
    cost_per_call_usd: float | None
    baseline_cost_usd: float | None
    cost_reduction_pct: float | None
    headline: str


class CacheReport(BaseModel):
    lookups: int = Field(description="records with a cache key: the cache was asked")
    hits: int
    hit_rate: float | None
    hits_by_tier: dict[str, int] = Field(
        description="the tier that answered (llm_calls.cache_tier): memory, database, and "
        "unknown for a hit recorded before the tier was (revision 0021)"
    )
    hit_rate_by_tier: dict[str, float | None] = Field(
        description="a tier's hits / lookups (the tiers add up to hit_rate); None: no lookups"
    )


class SavingsReport(BaseModel):
    """Generations served without a model call that the baseline would have made one for."""

    gate: int
    thresholds: int
    budget: int
    distilled_rule: int
    calls_avoided: int
    tokens_avoided_est: float | None
    cost_avoided_usd_est: float | None


class LatencyStage(BaseModel):
    stage: str
    n: int
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None


class DivergenceReport(BaseModel):
    comparisons: int
    with_model_session: int
    shadow: int
    surfaced: int
    mean_weight_pct: float | None
    mean_abs_set_delta: float | None
    skip_mismatches: int
    mean_constraint_warnings: float | None


class QualityRow(BaseModel):
    strategy: str
    outcomes: int
    completed: int
    skipped: int
    completion_rate: float | None = Field(description="completed / outcomes")
    mean_completion_ratio: float | None = Field(description="reps done / prescribed, completed")
    mean_abs_rpe_error: float | None = Field(description="mean of |a session's mean RPE error|")
    rpe_n: int


class SloMetric(BaseModel):
    """One SLO of the newest check: both arms' values and the candidate's limit (None: not
    checked, e.g. a formula control with no absolute ceiling)."""

    metric: str
    candidate: float | None
    control: float | None
    limit: float | None
    breached: bool


class ArmSlo(BaseModel):
    n: int
    p99_latency_ms: float
    fallback_rate: float
    cost_per_generation: float
    mean_rpe_error: float | None


class RolloutState(BaseModel):
    id: str
    scope_key: str
    candidate: str
    prompt_version: str | None
    model: str | None
    phase: str
    paused: bool
    generations_in_period: int
    checked: bool
    enough_samples: bool | None
    breached: bool | None
    breaches: list[str]
    candidate_arm: ArmSlo | None
    control_arm: ArmSlo | None
    metrics: list[SloMetric]


class RuleState(BaseModel):
    id: str
    version: str
    context_key: str
    phase: str | None
    paused: bool
    share: float | None
    checked: bool
    enough_samples: bool | None
    breached: bool | None
    breaches: list[str]
    metrics: list[SloMetric]


class PendingReport(BaseModel):
    calibration_recommendations: int
    recommendations_by_source: dict[str, int]
    load_suggestions: int
    suggestions_by_lift: dict[str, int]
    oracle_run_id: str | None
    oracle_run_at: datetime | None
    oracle_recommendations: int | None


class WeekRow(BaseModel):
    week_start: date = Field(description="the Monday (UTC) of the generations' week")
    generations: int
    by_strategy: dict[str, int]
    model_calls: int
    tokens: int
    cost_usd: float
    mean_abs_rpe_error: float | None
    mean_abs_rpe_error_by_strategy: dict[str, float]


class Report(BaseModel):
    period_start: datetime
    period_end: datetime
    generated_at: datetime
    lifter_id: str | None
    lift: str | None
    rollout_id: str | None
    empty: bool
    notes: list[str]
    generations: GenerationCounts
    spend: SpendReport
    cache: CacheReport
    savings: SavingsReport
    latency: list[LatencyStage]
    latency_not_recorded: list[str]
    divergence: DivergenceReport
    quality: list[QualityRow]
    rollouts: list[RolloutState]
    rules: list[RuleState]
    pending: PendingReport
    weeks: list[WeekRow]


def reduction_pct(actual: float | None, baseline: float | None) -> float | None:
    """(actual - baseline) / baseline in per cent, 1 decimal (negative: fewer than the
    baseline); None when either is unknown or the baseline is 0."""
    if actual is None or baseline is None or baseline == 0:
        return None
    return round(100 * (actual - baseline) / baseline, 1)


def _mean(values: Sequence[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


def _tokens(call: CallFact) -> int | None:
    if call.input_tokens is None and call.output_tokens is None:
        return None
    return (call.input_tokens or 0) + (call.output_tokens or 0)


def _week(at: datetime) -> date:
    day = at.astimezone(UTC).date()
    return day - timedelta(days=day.weekday())


def _counts(values: Iterable[str]) -> dict[str, int]:
    return dict(sorted(Counter(values).items()))


def _generations(facts: Sequence[GenerationFact]) -> GenerationCounts:
    return GenerationCounts(
        total=len(facts),
        by_strategy=_counts(g.strategy for g in facts),
        by_route=_counts(route_choice(g.route) for g in facts),
        by_fallback_reason=_counts(g.fallback_reason or NO_LABEL for g in facts),
    )


def _asked(call: CallFact) -> bool:
    """The request reached the provider (a cache hit, an open breaker and a missing provider
    make no attempt)."""
    return call.attempts > 0


def _spend(generations: int, calls: Sequence[CallFact]) -> SpendReport:
    asked = [c for c in calls if _asked(c)]
    served = [c for c in asked if c.strategy != "shadow"]
    known = [t for c in served if (t := _tokens(c)) is not None]
    costs = [c.cost_usd for c in served if c.cost_usd is not None]
    tokens = sum(known) if known or not served else None
    cost = math.fsum(costs) if costs or not served else None
    per_call_tokens = _mean([float(t) for t in known])
    per_call_cost = _mean(costs)
    baseline_tokens = None if per_call_tokens is None else generations * per_call_tokens
    baseline_cost = None if per_call_cost is None else generations * per_call_cost
    calls_pct = reduction_pct(len(served), generations)
    headline = (
        f"model calls {len(served):,} vs {generations:,} if every generation had asked the "
        f"model: {_pct(calls_pct)}"
    )
    return SpendReport(
        records=len(calls),
        model_calls=len(served),
        shadow_calls=len(asked) - len(served),
        baseline_calls=generations,
        calls_reduction_pct=calls_pct,
        tokens=tokens,
        tokens_per_call=per_call_tokens,
        baseline_tokens=baseline_tokens,
        tokens_reduction_pct=reduction_pct(tokens, baseline_tokens),
        cost_usd=cost,
        cost_per_call_usd=per_call_cost,
        baseline_cost_usd=baseline_cost,
        cost_reduction_pct=reduction_pct(cost, baseline_cost),
        headline=headline,
    )


def _pct(value: float | None) -> str:
    return NOT_RECORDED if value is None else f"{value:+.1f} %"


def _cache(calls: Sequence[CallFact]) -> CacheReport:
    lookups = [c for c in calls if c.looked_up]
    tiers = Counter(c.cache_tier or TIER_UNKNOWN for c in lookups if c.cache_hit)
    by_tier = {tier: tiers[tier] for tier in (*CACHE_TIERS, TIER_UNKNOWN)}
    hits = sum(by_tier.values())
    return CacheReport(
        lookups=len(lookups),
        hits=hits,
        hit_rate=hits / len(lookups) if lookups else None,
        hits_by_tier=by_tier,
        hit_rate_by_tier={t: n / len(lookups) if lookups else None for t, n in by_tier.items()},
    )


def _saved_by(fact: GenerationFact) -> str | None:
    """Which step kept a generation from asking the model, when one did."""
    if fact.strategy == StrategyUsed.DISTILLED_RULE.value:
        return "distilled_rule"
    if fact.fallback_reason == FallbackReason.BUDGET_EXHAUSTED.value:
        return "budget"
    if fact.route is None or route_choice(fact.route) != "formula":
        return None
    if any(mark in fact.route for mark in _THRESHOLD_MARKS):
        return "thresholds"
    if _GATE_MARK in fact.route:
        return "gate"
    return None


def _savings(facts: Sequence[GenerationFact], spend: SpendReport) -> SavingsReport:
    saved = Counter(s for f in facts if (s := _saved_by(f)) is not None)
    avoided = sum(saved.values())
    return SavingsReport(
        gate=saved["gate"],
        thresholds=saved["thresholds"],
        budget=saved["budget"],
        distilled_rule=saved["distilled_rule"],
        calls_avoided=avoided,
        tokens_avoided_est=None
        if spend.tokens_per_call is None
        else avoided * spend.tokens_per_call,
        cost_avoided_usd_est=None
        if spend.cost_per_call_usd is None
        else avoided * spend.cost_per_call_usd,
    )


def _stage(stage: str, values: Sequence[float]) -> LatencyStage:
    if not values:
        return LatencyStage(stage=stage, n=0, p50_ms=None, p95_ms=None, p99_ms=None)
    return LatencyStage(
        stage=stage,
        n=len(values),
        p50_ms=percentile(values, 0.50),
        p95_ms=percentile(values, 0.95),
        p99_ms=percentile(values, 0.99),
    )


def _latency(
    facts: Sequence[GenerationFact], calls: Sequence[CallFact], reviews: Sequence[float]
) -> list[LatencyStage]:
    """The stages before the write (generations with stage timings), then the model call, a
    cache hit and the review (their records)."""
    timed = [f.stage_ms for f in facts if f.stage_ms is not None]
    return [
        *(
            _stage(name, [float(ms[name]) for ms in timed if name in ms])
            for name in RECORDED_STAGES
        ),
        _stage("model call", [c.latency_ms for c in calls if _asked(c)]),
        _stage("cache hit", [c.latency_ms for c in calls if c.cache_hit]),
        _stage("review", reviews),
    ]


def _number(divergence: Mapping[str, Any], key: str) -> float | None:
    value = divergence.get(key)
    return float(value) if isinstance(value, int | float) else None


def _divergence(facts: Sequence[repo.ComparisonFact]) -> DivergenceReport:
    found = [f.divergence for f in facts if f.divergence is not None]

    def values(key: str, transform: Callable[[float], float] = float) -> list[float]:
        return [transform(v) for d in found if (v := _number(d, key)) is not None]

    return DivergenceReport(
        comparisons=len(facts),
        with_model_session=len(found),
        shadow=sum(1 for f in facts if f.shadow),
        surfaced=sum(1 for f in facts if f.surfaced),
        mean_weight_pct=_mean(values("weight_pct")),
        mean_abs_set_delta=_mean(values("set_delta", abs)),
        skip_mismatches=sum(1 for d in found if d.get("skip_mismatch") is True),
        mean_constraint_warnings=_mean(values("constraint_warnings")),
    )


def _errors(outcomes: Iterable[OutcomeFact]) -> list[float]:
    return [abs(o.mean_rpe_error) for o in outcomes if o.mean_rpe_error is not None]


def _quality(outcomes: Sequence[OutcomeFact]) -> list[QualityRow]:
    by_strategy: dict[str, list[OutcomeFact]] = defaultdict(list)
    for outcome in outcomes:
        by_strategy[outcome.strategy].append(outcome)
    rows = []
    for strategy, group in sorted(by_strategy.items()):
        done = [o for o in group if o.status == "completed"]
        errors = _errors(group)
        rows.append(
            QualityRow(
                strategy=strategy,
                outcomes=len(group),
                completed=len(done),
                skipped=len(group) - len(done),
                completion_rate=len(done) / len(group),
                mean_completion_ratio=_mean([o.completion_ratio for o in done]),
                mean_abs_rpe_error=_mean(errors),
                rpe_n=len(errors),
            )
        )
    return rows


def _ceiling(control: float, ratio: float, absolute: float | None) -> float | None:
    """The SLO monitor's bound (training_engine/routing/slo.py): the control times the ratio;
    against a control that spent nothing, the absolute ceiling if any."""
    return control * ratio if control > 0 else absolute


def _arm(summary: Mapping[str, Any] | None) -> ArmSlo | None:
    if summary is None:
        return None
    return ArmSlo(
        n=int(summary["n"]),
        p99_latency_ms=float(summary["p99_latency_ms"]),
        fallback_rate=float(summary["fallback_rate"]),
        cost_per_generation=float(summary["cost_per_generation"]),
        mean_rpe_error=summary.get("mean_rpe_error"),
    )


def _slo_metrics(
    candidate: ArmSlo | None, control: ArmSlo | None, thresholds: Mapping[str, Any]
) -> list[SloMetric]:
    """Each SLO of a check with the candidate's limit, as the monitor computes it."""
    if candidate is None or control is None:
        return []
    t = {
        "p99_latency_ratio": 1.10,
        "fallback_rate_points": 0.02,
        "cost_ratio": 1.05,
        "rpe_error_ratio": 1.05,
        **thresholds,
    }
    latency = _ceiling(control.p99_latency_ms, t["p99_latency_ratio"], t.get("max_p99_latency_ms"))
    cost = _ceiling(control.cost_per_generation, t["cost_ratio"], t.get("max_cost_per_generation"))
    rpe = None if control.mean_rpe_error is None else control.mean_rpe_error * t["rpe_error_ratio"]
    rows = (
        ("p99 latency (ms)", candidate.p99_latency_ms, control.p99_latency_ms, latency),
        (
            "fallback rate",
            candidate.fallback_rate,
            control.fallback_rate,
            control.fallback_rate + t["fallback_rate_points"],
        ),
        (
            "cost per generation (USD)",
            candidate.cost_per_generation,
            control.cost_per_generation,
            cost,
        ),
        ("mean |RPE error|", candidate.mean_rpe_error, control.mean_rpe_error, rpe),
    )
    return [
        SloMetric(
            metric=name,
            candidate=cand,
            control=ctrl,
            limit=limit,
            breached=cand is not None and limit is not None and cand > limit,
        )
        for name, cand, ctrl, limit in rows
    ]


def _check_parts(
    check: Mapping[str, Any] | None, thresholds: Mapping[str, Any] | None
) -> dict[str, Any]:
    if not check:
        return {
            "checked": False,
            "enough_samples": None,
            "breached": None,
            "breaches": [],
            "metrics": [],
        }
    verdict = check.get("verdict", {})
    candidate, control = _arm(check.get("candidate")), _arm(check.get("control"))
    return {
        "checked": True,
        "enough_samples": verdict.get("enough_samples"),
        "breached": verdict.get("breached"),
        "breaches": list(verdict.get("breaches", ())),
        "metrics": _slo_metrics(candidate, control, thresholds or {}),
        "candidate_arm": candidate,
        "control_arm": control,
    }


def _rollouts(unit: Unit, scope: Scope, facts: Sequence[GenerationFact]) -> list[RolloutState]:
    assigned = Counter(f.rollout_id for f in facts if f.rollout_id is not None)
    states = []
    for row in repo.rollouts_in_view(unit, scope):
        parts = _check_parts(row.last_verdict, row.thresholds)
        states.append(
            RolloutState(
                id=row.id,
                scope_key=row.scope_key,
                candidate=row.candidate,
                prompt_version=row.prompt_version,
                model=row.model,
                phase=row.phase,
                paused=row.paused,
                generations_in_period=assigned[row.id],
                candidate_arm=parts.pop("candidate_arm", None),
                control_arm=parts.pop("control_arm", None),
                **parts,
            )
        )
    return states


def _rules(unit: Unit, lift: str | None) -> list[RuleState]:
    states = []
    for row in repo.active_rules(unit, lift):
        parts = _check_parts(row.last_check, row.thresholds)
        parts.pop("candidate_arm", None)
        parts.pop("control_arm", None)
        states.append(
            RuleState(
                id=row.id,
                version=row.version,
                context_key=row.context_key,
                phase=row.phase,
                paused=row.paused,
                share=row.share,
                **parts,
            )
        )
    return states


def _pending(unit: Unit, query: ReportQuery) -> PendingReport:
    lift = None if query.lift is None else query.lift.value
    recommendations = repo.pending_recommendations(unit, query.lifter_id)
    suggestions = repo.pending_suggestions(unit, query.lifter_id, lift)
    run = repo.newest_oracle_run(unit)
    return PendingReport(
        calibration_recommendations=sum(recommendations.values()),
        recommendations_by_source=dict(sorted(recommendations.items())),
        load_suggestions=sum(suggestions.values()),
        suggestions_by_lift=dict(sorted(suggestions.items())),
        oracle_run_id=None if run is None else run.id,
        oracle_run_at=None if run is None else run.created_at,
        oracle_recommendations=None if run is None else run.recommendations,
    )


def _weeks(
    facts: Sequence[GenerationFact], calls: Sequence[CallFact], outcomes: Sequence[OutcomeFact]
) -> list[WeekRow]:
    generations: dict[date, list[GenerationFact]] = defaultdict(list)
    for fact in facts:
        generations[_week(fact.created_at)].append(fact)
    asked: dict[date, list[CallFact]] = defaultdict(list)
    for call in calls:
        if _asked(call) and call.strategy != "shadow":
            asked[_week(call.generation_created_at)].append(call)
    finished: dict[date, list[OutcomeFact]] = defaultdict(list)
    for outcome in outcomes:
        finished[_week(outcome.generation_created_at)].append(outcome)
    rows = []
    for week in sorted(generations):
        week_calls = asked[week]
        by_strategy: dict[str, list[OutcomeFact]] = defaultdict(list)
        for outcome in finished[week]:
            by_strategy[outcome.strategy].append(outcome)
        rows.append(
            WeekRow(
                week_start=week,
                generations=len(generations[week]),
                by_strategy=_counts(g.strategy for g in generations[week]),
                model_calls=len(week_calls),
                tokens=sum(t for c in week_calls if (t := _tokens(c)) is not None),
                cost_usd=math.fsum(c.cost_usd for c in week_calls if c.cost_usd is not None),
                mean_abs_rpe_error=_mean(_errors(finished[week])),
                mean_abs_rpe_error_by_strategy={
                    strategy: mean
                    for strategy, group in sorted(by_strategy.items())
                    if (mean := _mean(_errors(group))) is not None
                },
            )
        )
    return rows


def _notes(facts: Sequence[GenerationFact], spend: SpendReport, cache: CacheReport) -> list[str]:
    notes = [] if facts else [NO_GENERATIONS]
    if spend.model_calls and spend.tokens is None:
        notes.append(f"tokens: {NOT_RECORDED} (no model call with known usage)")
    if spend.model_calls and spend.cost_usd is None:
        notes.append(f"cost: {NOT_RECORDED} (no model call with a price)")
    if unknown := cache.hits_by_tier[TIER_UNKNOWN]:
        notes.append(CACHE_TIER_NOTE.format(n=unknown))
    if untimed := sum(1 for f in facts if f.stage_ms is None):
        notes.append(STAGES_MISSING_NOTE.format(n=untimed))
    return [*notes, STAGE_NOTE]


def _report_in(unit: Unit, query: ReportQuery, now: datetime) -> Report:
    lift = None if query.lift is None else query.lift.value
    scope = Scope(query.since, query.until, query.lifter_id, lift, query.rollout_id)
    facts = repo.generation_facts(unit, scope)
    calls = repo.call_facts(unit, scope)
    outcomes = repo.outcome_facts(unit, scope)
    spend = _spend(len(facts), calls)
    cache = _cache(calls)
    return Report(
        period_start=query.since,
        period_end=query.until,
        generated_at=now,
        lifter_id=query.lifter_id,
        lift=lift,
        rollout_id=query.rollout_id,
        empty=not facts,
        notes=_notes(facts, spend, cache),
        generations=_generations(facts),
        spend=spend,
        cache=cache,
        savings=_savings(facts, spend),
        latency=_latency(facts, calls, repo.review_latencies(unit, scope)),
        latency_not_recorded=list(UNRECORDED_STAGES),
        divergence=_divergence(repo.comparison_facts(unit, scope)),
        quality=_quality(outcomes),
        rollouts=_rollouts(unit, scope, facts),
        rules=_rules(unit, lift),
        pending=_pending(unit, query),
        weeks=_weeks(facts, calls, outcomes),
    )


def build_report(database_or_unit: Database | Unit, query: ReportQuery, now: datetime) -> Report:
    """The report over `query`'s period and filters, read in one unit (a new read unit of the
    database, or the caller's). An empty period is a valid report (`empty`, "no generations in
    the period"). `since` must be before `until` (ValueError)."""
    if query.since >= query.until:
        raise ValueError(f"the period is empty: since {query.since} is not before {query.until}")
    if isinstance(database_or_unit, Database):
        with database_or_unit.read() as unit:
            return _report_in(unit, query, now)
    return _report_in(database_or_unit, query, now)
