"""What a run writes and prints: `sessions.jsonl`, `summary.json` and the weekly table.

Per week: sessions completed and skipped, mean |RPE error| and mean signed RPE error over the
main sets (actual - target), the same split into days with and without a day-capacity modifier
(readiness, cycle phase, soreness, disruption), the mean |modifier-driven RPE error| on modifier
days (the part of the error the mismatch between the engine's applied multipliers and the
lifter's true ones makes, noiseless: what calibration learning can remove), sessions with a
main set above the lifter's true 1RM, the share of muscle-weeks below MEV / above MRV, and the
mean true-1RM progress. `weeks.jsonl` keeps each lifter's week: the volume per muscle against
its MEV and MRV, for the charts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from simulator.invariants import ERRORS, WARNINGS
from simulator.lifter_run import LifterResult
from simulator.run import RunConfig

__all__ = ["LATE_WEEKS", "summarise", "weekly_rows", "weekly_table", "write_outputs"]

LATE_WEEKS = (9, 12)  # the experiment's window, inclusive
# (key, title, decimals: None for a count)
COLUMNS: tuple[tuple[str, str, int | None], ...] = (
    ("week", "week", None),
    ("completed", "done", None),
    ("skipped", "skip", None),
    ("mean_abs_rpe_error", "|err|", 3),
    ("mean_rpe_error", "err", 3),
    ("mean_abs_rpe_error_modifier_days", "|err|mod", 3),
    ("mean_abs_rpe_error_neutral_days", "|err|neu", 3),
    ("mean_abs_modifier_rpe_error", "|moderr|", 3),
    ("above_true_one_rm", ">1RM", None),
    ("below_mev_share", "<MEV", 2),
    ("above_mrv_share", ">MRV", 2),
    ("true_one_rm_progress_pct", "1RM%", 2),
)


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


def _errors(sessions: Iterable[dict[str, Any]]) -> list[float]:
    return [
        s["rpe_error"]
        for session in sessions
        for s in session["main_sets"]
        if s["rpe_error"] is not None
    ]


def _modifier_errors(sessions: Iterable[dict[str, Any]]) -> list[float]:
    return [abs(s["modifier_rpe_error"]) for session in sessions for s in session["main_sets"]]


def _modifier_day(session: dict[str, Any]) -> bool:
    return any(row[1] != 1.0 for row in session["modifiers"])


def _week_row(
    week: int, sessions: list[dict[str, Any]], weeks: list[dict[str, Any]]
) -> dict[str, Any]:
    done = [s for s in sessions if s["status"] == "completed"]
    errors = _errors(done)
    muscles = sum(w["muscles"] for w in weeks)
    return {
        "week": week,
        "completed": len(done),
        "skipped": len(sessions) - len(done),
        "main_sets": len(errors),
        "mean_abs_rpe_error": _mean([abs(e) for e in errors]),
        "mean_rpe_error": _mean(errors),
        "mean_abs_rpe_error_modifier_days": _mean(
            [abs(e) for e in _errors(s for s in done if _modifier_day(s))]
        ),
        "mean_abs_rpe_error_neutral_days": _mean(
            [abs(e) for e in _errors(s for s in done if not _modifier_day(s))]
        ),
        "mean_abs_modifier_rpe_error": _mean(_modifier_errors(s for s in done if _modifier_day(s))),
        "above_true_one_rm": sum(1 for s in done if s["above_true_one_rm"]),
        "below_mev_share": round(sum(w["below_mev"] for w in weeks) / muscles, 4)
        if muscles
        else 0.0,
        "above_mrv_share": round(sum(w["above_mrv"] for w in weeks) / muscles, 4)
        if muscles
        else 0.0,
        "true_one_rm_progress_pct": round(
            100 * sum(w["true_one_rm_progress"] for w in weeks) / len(weeks), 3
        )
        if weeks
        else 0.0,
    }


def weekly_rows(results: Sequence[LifterResult]) -> list[dict[str, Any]]:
    sessions = [s for r in results for s in r.sessions]
    weeks = [w for r in results for w in r.weeks]
    numbers = sorted({w["week"] for w in weeks} | {s["week"] for s in sessions})
    return [
        _week_row(n, [s for s in sessions if s["week"] == n], [w for w in weeks if w["week"] == n])
        for n in numbers
    ]


def _kinds(results: Sequence[LifterResult], key: str, known: Sequence[str]) -> dict[str, int]:
    counts = dict.fromkeys(known, 0)
    for result in results:
        for item in (*result.sessions, *result.weeks):
            for kind in item[key]:
                counts[kind] = counts.get(kind, 0) + 1
    return counts


def summarise(config: RunConfig, results: Sequence[LifterResult], seconds: float) -> dict[str, Any]:
    """The run's summary: its configuration, the weekly rows, the late-window means, the
    invariant counts, the time taken and each lifter's truths."""
    rows = weekly_rows(results)
    first, last = LATE_WEEKS
    late = [s for r in results for s in r.sessions if first <= s["week"] <= last]
    late_errors = _errors(s for s in late if s["status"] == "completed")
    errors = _kinds(results, "errors", ERRORS)
    return {
        "config": vars(config),
        "seconds": round(seconds, 1),
        "sessions": sum(len(r.sessions) for r in results),
        "late_weeks": list(LATE_WEEKS),
        "late_mean_abs_rpe_error": _mean([abs(e) for e in late_errors]),
        "late_mean_rpe_error": _mean(late_errors),
        "late_mean_abs_modifier_rpe_error": _mean(
            _modifier_errors(s for s in late if s["status"] == "completed" and _modifier_day(s))
        ),
        "mean_abs_rpe_error": _mean(
            [
                abs(e)
                for e in _errors(
                    s for r in results for s in r.sessions if s["status"] == "completed"
                )
            ]
        ),
        "violations": errors,
        "violations_total": sum(errors.values()),
        "warnings": _kinds(results, "warnings", WARNINGS),
        "weeks": rows,
        "lifters": [r.lifter for r in results],
    }


def _cell(value: float | None, decimals: int | None, width: int) -> str:
    if value is None:
        return "-".rjust(width)
    return (f"{value:.{decimals}f}" if decimals is not None else str(value)).rjust(width)


def weekly_table(rows: Sequence[dict[str, Any]]) -> str:
    """One line per week, columns as `COLUMNS` (right-aligned, at least 6 wide)."""
    widths = [max(6, len(title)) for _key, title, _decimals in COLUMNS]
    lines = [" ".join(title.rjust(w) for (_k, title, _d), w in zip(COLUMNS, widths, strict=True))]
    for row in rows:
        cells = (
            _cell(row[key], decimals, w)
            for (key, _title, decimals), w in zip(COLUMNS, widths, strict=True)
        )
        lines.append(" ".join(cells))
    return "\n".join(lines)


def write_outputs(out: Path, results: Sequence[LifterResult], summary: dict[str, Any]) -> None:
    """`sessions.jsonl` (one line per session, lifter then day order), `summary.json`, and
    `weeks.jsonl` (one line per lifter and week: each muscle's [effective sets, MEV, MRV] and
    the true-1RM progress; read by `api.reporting.plots.write_simulation_plots`)."""
    out.mkdir(parents=True, exist_ok=True)
    with (out / "sessions.jsonl").open("w", encoding="utf-8") as handle:
        for result in results:
            for session in result.sessions:
                handle.write(json.dumps(session, sort_keys=True, separators=(",", ":")) + "\n")
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    with (out / "weeks.jsonl").open("w", encoding="utf-8") as handle:
        for result in results:
            for week in result.weeks:
                row = {
                    "lifter": week["lifter"],
                    "week": week["week"],
                    "volume": week["volume"],
                    "true_one_rm_progress": round(week["true_one_rm_progress"], 6),
                }
                handle.write(json.dumps(row, sort_keys=True, separators=(",", ":")) + "\n")
