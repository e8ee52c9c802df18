"""The report as rich tables, one per section, each with a title. Colour is the caller's
Console's business: a Console writing to a non-terminal (or built with `no_color`) prints plain
text."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.console import Console
from rich.table import Table

from api.services.report import NOT_RECORDED, Report, SloMetric

__all__ = ["render_table"]


def _num(value: float | None, digits: int = 3) -> str:
    if value is None:
        return NOT_RECORDED
    return f"{value:,.{digits}f}"


def _int(value: int | None) -> str:
    return NOT_RECORDED if value is None else f"{value:,}"


def _pct(value: float | None) -> str:
    return NOT_RECORDED if value is None else f"{value:+.1f} %"


def _share(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f} %"


def _table(title: str, columns: Sequence[str], rows: Iterable[Sequence[str]]) -> Table:
    table = Table(title=title, title_justify="left")
    for index, column in enumerate(columns):
        table.add_column(column, justify="left" if index == 0 else "right")
    for row in rows:
        table.add_row(*row)
    return table


def _counts(title: str, counts: dict[str, int], total: int) -> Table:
    return _table(
        title,
        ("value", "generations", "share"),
        ((k, _int(n), _share(n / total if total else None)) for k, n in counts.items()),
    )


def _limit(metric: SloMetric) -> str:
    return "not checked" if metric.limit is None else _num(metric.limit, 4)


def render_table(report: Report, console: Console) -> None:
    """Prints every section of the report on `console`."""
    scope = ", ".join(
        f"{name} {value}"
        for name, value in (
            ("lifter", report.lifter_id),
            ("lift", report.lift),
            ("rollout", report.rollout_id),
        )
        if value is not None
    )
    console.print(
        f"[bold]jit-engine report[/bold] {report.period_start:%Y-%m-%d %H:%M} to "
        f"{report.period_end:%Y-%m-%d %H:%M} UTC" + (f" ({scope})" if scope else "")
    )
    for note in report.notes:
        console.print(f"note: {note}", highlight=False)
    g = report.generations
    console.print(_counts(f"Generations by strategy ({g.total:,})", g.by_strategy, g.total))
    console.print(_counts("Generations by route (auto's choice)", g.by_route, g.total))
    console.print(_counts("Generations by fallback reason", g.by_fallback_reason, g.total))
    s = report.spend
    console.print(
        _table(
            "Model calls, tokens and cost vs every generation asking the model",
            ("measure", "actual", "baseline", "change"),
            (
                (
                    "model calls",
                    _int(s.model_calls),
                    _int(s.baseline_calls),
                    _pct(s.calls_reduction_pct),
                ),
                (
                    "tokens",
                    _int(s.tokens),
                    _num(s.baseline_tokens, 0),
                    _pct(s.tokens_reduction_pct),
                ),
                (
                    "cost (USD)",
                    _num(s.cost_usd, 6),
                    _num(s.baseline_cost_usd, 6),
                    _pct(s.cost_reduction_pct),
                ),
                ("shadow calls (logged only)", _int(s.shadow_calls), "-", "-"),
            ),
        )
    )
    console.print(s.headline, highlight=False)
    c, v = report.cache, report.savings
    console.print(
        _table(
            "Adjustment cache and savings",
            ("measure", "value"),
            (
                ("cache lookups", _int(c.lookups)),
                ("cache hits", _int(c.hits)),
                ("cache hit rate (all tiers)", _share(c.hit_rate)),
                *(
                    (
                        f"cache hits, {tier} tier",
                        f"{_int(n)} ({_share(c.hit_rate_by_tier[tier])})",
                    )
                    for tier, n in c.hits_by_tier.items()
                ),
                ("served by the confidence gate", _int(v.gate)),
                ("stopped by the rule's thresholds", _int(v.thresholds)),
                ("stopped by the budget", _int(v.budget)),
                ("served by a distilled rule", _int(v.distilled_rule)),
                ("model calls avoided", _int(v.calls_avoided)),
                ("tokens avoided (est.)", _num(v.tokens_avoided_est, 0)),
                ("cost avoided (est., USD)", _num(v.cost_avoided_usd_est, 6)),
            ),
        )
    )
    console.print(
        _table(
            "Latency per stage (ms)",
            ("stage", "n", "p50", "p95", "p99"),
            [
                *(
                    (r.stage, _int(r.n), _num(r.p50_ms, 1), _num(r.p95_ms, 1), _num(r.p99_ms, 1))
                    for r in report.latency
                ),
                *((stage, NOT_RECORDED, "-", "-", "-") for stage in report.latency_not_recorded),
            ],
        )
    )
    d = report.divergence
    console.print(
        _table(
            "Hybrid divergence",
            ("measure", "value"),
            (
                ("comparisons", _int(d.comparisons)),
                ("with the model's session", _int(d.with_model_session)),
                ("shadow", _int(d.shadow)),
                ("surfaced to the lifter", _int(d.surfaced)),
                ("mean weight difference", _share(d.mean_weight_pct)),
                ("mean |set delta|", _num(d.mean_abs_set_delta, 2)),
                ("skip mismatches", _int(d.skip_mismatches)),
                ("mean constraint fixes", _num(d.mean_constraint_warnings, 2)),
            ),
        )
    )
    console.print(
        _table(
            "Outcome quality by strategy",
            ("strategy", "outcomes", "completed", "skipped", "completion", "mean |RPE error|"),
            (
                (
                    q.strategy,
                    _int(q.outcomes),
                    _int(q.completed),
                    _int(q.skipped),
                    _share(q.completion_rate),
                    _num(q.mean_abs_rpe_error),
                )
                for q in report.quality
            ),
        )
    )
    rows: list[tuple[str, ...]] = []
    for r in report.rollouts:
        state = "not checked" if not r.checked else ("BREACHED" if r.breached else "within SLOs")
        if r.checked and not r.enough_samples:
            state += " (too few samples)"
        name = f"rollout {r.id[:8]} {r.candidate} @ {r.scope_key}"
        rows.append((name, r.phase + (" paused" if r.paused else ""), state, "; ".join(r.breaches)))
    for rule in report.rules:
        state = (
            "not checked" if not rule.checked else ("BREACHED" if rule.breached else "within SLOs")
        )
        name = f"rule {rule.version} in {rule.context_key}"
        phase = (rule.phase or "-") + (" paused" if rule.paused else "")
        rows.append((name, phase, state, "; ".join(rule.breaches)))
    console.print(
        _table(
            "SLO state of rollouts and distilled rules", ("what", "phase", "SLOs", "breaches"), rows
        )
    )
    p = report.pending
    console.print(
        _table(
            "Waiting for a person",
            ("what", "count"),
            (
                ("calibration recommendations", _int(p.calibration_recommendations)),
                ("load suggestions", _int(p.load_suggestions)),
                (
                    "newest oracle run's recommendations",
                    "no run"
                    if p.oracle_recommendations is None
                    else _int(p.oracle_recommendations),
                ),
            ),
        )
    )
    console.print(
        _table(
            "Weekly",
            ("week of", "generations", "model calls", "tokens", "cost (USD)", "mean |RPE error|"),
            (
                (
                    f"{w.week_start}",
                    _int(w.generations),
                    _int(w.model_calls),
                    _int(w.tokens),
                    _num(w.cost_usd, 6),
                    _num(w.mean_abs_rpe_error) if w.mean_abs_rpe_error is not None else "-",
                )
                for w in report.weeks
            ),
        )
    )
