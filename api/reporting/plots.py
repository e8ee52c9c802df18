"""Headless charts (matplotlib's Agg backend, no display needed; ADR 0018) of the report and of
a simulation's output folder. This module is imported only when a chart is drawn, so the CLI's
`--help` never loads matplotlib.

Every chart has a title, axis labels with units and a legend, at 10 x 5 inches and 100 dpi (the
volume grid is taller: one panel per muscle). Where there is nothing to draw the chart still
gets written, saying so, so a page that shows it never breaks.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from statistics import fmean
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from api.services.report import Report, RolloutState, RuleState

__all__ = ["FIGSIZE", "write_report_plots", "write_simulation_plots"]

FIGSIZE = (10.0, 5.0)
DPI = 100


def _save(figure: Figure, path: Path) -> Path:
    """Writes the PNG with the figure's title (its suptitle, else its first axes' title) in the
    file's `Title` text chunk, so a reader (and the tests) can tell what it shows."""
    titles = [figure.get_suptitle(), *(axes.get_title() for axes in figure.axes)]
    title = next((t for t in titles if t), None)
    if title is None:
        raise ValueError(f"{path.name}: a chart without a title")
    figure.tight_layout()
    figure.savefig(path, dpi=DPI, format="png", metadata={"Title": title})
    plt.close(figure)
    return path


def _nothing(axes: Axes, what: str) -> None:
    axes.text(0.5, 0.5, what, ha="center", va="center", transform=axes.transAxes, fontsize=12)


def _stacked(axes: Axes, labels: Sequence[str], series: dict[str, list[float]]) -> None:
    """Stacked bars per x label, one colour per series."""
    bottom = [0.0] * len(labels)
    for name, values in series.items():
        axes.bar(labels, values, bottom=bottom, label=name)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]


# --- the report ----------------------------------------------------------------------------------


def _strategy_mix_and_cost(report: Report, path: Path) -> Path:
    figure, axes = plt.subplots(figsize=FIGSIZE)
    axes.set_title("Strategy mix and model cost per week")
    axes.set_xlabel("week starting (Monday, UTC)")
    axes.set_ylabel("generations (count)")
    if not report.weeks:
        _nothing(axes, "no generations in the period")
    else:
        labels = [w.week_start.isoformat() for w in report.weeks]
        strategies = sorted({s for w in report.weeks for s in w.by_strategy})
        _stacked(
            axes,
            labels,
            {s: [float(w.by_strategy.get(s, 0)) for w in report.weeks] for s in strategies},
        )
        handles, names = axes.get_legend_handles_labels()
        if report.spend.cost_usd is None:  # no call with a price: no line at zero
            axes.set_title("Strategy mix per week (model cost: not recorded)")
        else:
            cost = axes.twinx()
            cost.plot(labels, [w.cost_usd for w in report.weeks], "k-o", label="model cost (USD)")
            cost.set_ylabel("model cost (USD)")
            cost.set_ylim(bottom=0)
            more, more_names = cost.get_legend_handles_labels()
            handles, names = handles + more, names + more_names
        axes.legend(handles, names, loc="upper left")
        axes.tick_params(axis="x", rotation=30)
    return _save(figure, path)


def _rpe_error_by_strategy(report: Report, path: Path) -> Path:
    figure, axes = plt.subplots(figsize=FIGSIZE)
    axes.set_title("Mean |RPE error| per week by strategy")
    axes.set_xlabel("week starting (Monday, UTC)")
    axes.set_ylabel("mean |RPE error| (RPE points)")
    strategies = sorted({s for w in report.weeks for s in w.mean_abs_rpe_error_by_strategy})
    if not strategies:
        _nothing(axes, "no finished session with an RPE error in the period")
    else:
        labels = [w.week_start.isoformat() for w in report.weeks]
        for strategy in strategies:
            values = [w.mean_abs_rpe_error_by_strategy.get(strategy) for w in report.weeks]
            axes.plot(
                labels, [float("nan") if v is None else v for v in values], "-o", label=strategy
            )
        axes.set_ylim(bottom=0)
        axes.legend(title="served by")
        axes.tick_params(axis="x", rotation=30)
    return _save(figure, path)


def _slo_rows(report: Report) -> list[tuple[str, RolloutState | RuleState]]:
    rows: list[tuple[str, RolloutState | RuleState]] = [
        (f"rollout {r.candidate} @ {r.scope_key} ({r.phase})", r) for r in report.rollouts
    ]
    rows += [(f"rule {r.version} ({r.phase or '-'})", r) for r in report.rules]
    return [(name, r) for name, r in rows if r.metrics]


def _rollout_slos(report: Report, path: Path) -> Path:
    rows = _slo_rows(report)
    if not rows:
        figure, axes = plt.subplots(figsize=FIGSIZE)
        axes.set_title("Rollout arms' SLO metrics")
        axes.set_axis_off()
        _nothing(axes, "no rollout or distilled rule has an SLO check yet")
        return _save(figure, path)
    metrics = ("p99 latency (ms)", "fallback rate", "cost per generation (USD)", "mean |RPE error|")
    figure, grid = plt.subplots(1, len(metrics), figsize=FIGSIZE, squeeze=False)
    figure.suptitle("Rollout arms' SLO metrics (dashed: the candidate's breach line)")
    for axes, metric in zip(grid[0], metrics, strict=True):
        axes.set_title(metric, fontsize=9)
        axes.set_ylabel(metric)
        axes.set_xlabel("rollout or rule")
        for index, (_name, row) in enumerate(rows):
            found = next(m for m in row.metrics if m.metric == metric)
            candidate = found.candidate or 0.0
            control = found.control or 0.0
            axes.bar(
                index - 0.2,
                control,
                width=0.4,
                color="tab:blue",
                label="control" if index == 0 else None,
            )
            axes.bar(
                index + 0.2,
                candidate,
                width=0.4,
                color="tab:red" if found.breached else "tab:green",
                label="candidate" if index == 0 else None,
            )
            if found.limit is not None:
                axes.hlines(
                    found.limit,
                    index - 0.45,
                    index + 0.45,
                    colors="black",
                    linestyles="dashed",
                    label="breach line" if index == 0 else None,
                )
        axes.set_xticks(range(len(rows)), [str(i + 1) for i in range(len(rows))])
        axes.legend(fontsize=7)
    figure.text(
        0.01,
        0.01,
        "  ".join(f"{i + 1}: {name}" for i, (name, _r) in enumerate(rows)),
        fontsize=7,
    )
    return _save(figure, path)


def write_report_plots(report: Report, out_dir: Path) -> list[Path]:
    """The report's charts as PNG files in `out_dir` (created): the strategy mix and cost per
    week, |RPE error| per week by strategy, and the rollouts' SLO metrics with the breach line."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return [
        _strategy_mix_and_cost(report, out_dir / "strategy_mix_and_cost.png"),
        _rpe_error_by_strategy(report, out_dir / "rpe_error_by_strategy.png"),
        _rollout_slos(report, out_dir / "rollout_slos.png"),
    ]


# --- a simulation's output folder ----------------------------------------------------------------


def _lines(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _summary(folder: Path) -> dict[str, Any]:
    path = folder / "summary.json"
    if not path.exists():
        raise ValueError(
            f"{folder} holds no summary.json (not a `jit-engine simulate --out` folder)"
        )
    summary: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return summary


def _label(folder: Path, summary: dict[str, Any]) -> str:
    config = summary.get("config", {})
    learning = "learning on" if config.get("learning", True) else "learning off"
    return f"{config.get('strategy', '?')}, {learning} ({folder.name})"


def _volume(weeks: list[dict[str, Any]], path: Path) -> Path:
    by_muscle: dict[str, dict[int, list[list[float]]]] = defaultdict(lambda: defaultdict(list))
    for row in weeks:
        for muscle, values in row["volume"].items():
            by_muscle[muscle][row["week"]].append(values)
    muscles = sorted(by_muscle)
    columns = 4
    rows = max(1, -(-len(muscles) // columns))
    figure, grid = plt.subplots(
        rows, columns, figsize=(FIGSIZE[0] * 1.2, 2.4 * rows), squeeze=False, sharex=True
    )
    figure.suptitle("Weekly volume per muscle against MEV / MRV (mean over lifters)")
    if not muscles:
        _nothing(grid[0][0], "no weekly volume recorded (weeks.jsonl missing)")
    for index, axes in enumerate(grid.flat):
        if index >= len(muscles):
            axes.set_visible(bool(not muscles and index == 0))
            continue
        muscle = muscles[index]
        numbers = sorted(by_muscle[muscle])
        sets = [fmean(v[0] for v in by_muscle[muscle][w]) for w in numbers]
        mev = [fmean(v[1] for v in by_muscle[muscle][w]) for w in numbers]
        mrv = [fmean(v[2] for v in by_muscle[muscle][w]) for w in numbers]
        axes.fill_between(numbers, mev, mrv, color="tab:green", alpha=0.2, label="MEV-MRV")
        axes.plot(numbers, sets, "-o", color="tab:blue", markersize=3, label="sets")
        axes.set_title(muscle, fontsize=9)
        axes.set_xlabel("week")
        axes.set_ylabel("sets / week")
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.legend(fontsize=6, loc="upper left")
    return _save(figure, path)


def _main_lift(sessions: list[dict[str, Any]], path: Path) -> Path:
    """One lifter's (the first's) main lifts: a mean over lifters would mix lifters of different
    strength as the days rotate the lifts, so one real trajectory is drawn."""
    done = [s for s in sessions if s.get("status") == "completed" and s.get("main_sets")]
    lifter = min((s["lifter"] for s in done), default=None)
    mine = [s for s in done if s["lifter"] == lifter]
    lifts = sorted({s["lift"] for s in mine})
    figure, grid = plt.subplots(1, max(1, len(lifts)), figsize=FIGSIZE, squeeze=False)
    figure.suptitle(f"Main-lift load and 1RM per week (lifter {lifter})")
    if not lifts:
        _nothing(grid[0][0], "no completed session with main sets")
        grid[0][0].set_xlabel("week")
        grid[0][0].set_ylabel("kg")
    for axes, lift in zip(grid[0], lifts, strict=False):
        rows: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for s in mine:
            if s["lift"] == lift:
                rows[s["week"]].append(s)
        weeks = sorted(rows)
        load = [max(m["weight_kg"] for s in rows[w] for m in s["main_sets"]) for w in weeks]
        true = [rows[w][-1]["true_one_rm_kg"] for w in weeks]
        engine = [rows[w][-1]["engine_one_rm_kg"] for w in weeks]
        axes.plot(weeks, true, "-o", color="black", markersize=3, label="true 1RM")
        axes.plot(weeks, engine, "--o", color="tab:orange", markersize=3, label="estimated 1RM")
        axes.plot(weeks, load, "-o", color="tab:blue", markersize=3, label="top main-set load")
        axes.set_title(lift)
        axes.set_xlabel("week")
        axes.set_ylabel("kg")
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.legend(fontsize=7)
    return _save(figure, path)


def _rpe_error(runs: Iterable[tuple[str, dict[str, Any]]], path: Path) -> Path:
    figure, axes = plt.subplots(figsize=FIGSIZE)
    axes.set_title("Mean |RPE error| per week")
    axes.set_xlabel("week")
    axes.set_ylabel("mean |RPE error| (RPE points)")
    drawn = 0
    for label, summary in runs:
        rows = [w for w in summary.get("weeks", []) if w.get("mean_abs_rpe_error") is not None]
        if rows:
            axes.plot(
                [w["week"] for w in rows],
                [w["mean_abs_rpe_error"] for w in rows],
                "-o",
                label=label,
            )
            drawn += 1
    if not drawn:
        _nothing(axes, "no completed main set with an RPE error")
    else:
        axes.set_ylim(bottom=0)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.legend(title="run")
    return _save(figure, path)


def _strategy_mix(sessions: list[dict[str, Any]], path: Path) -> Path:
    figure, axes = plt.subplots(figsize=FIGSIZE)
    axes.set_title("Strategy mix per week")
    axes.set_xlabel("week")
    axes.set_ylabel("sessions served (count)")
    served = [s for s in sessions if s.get("status") == "completed" and s.get("strategy")]
    if not served:
        _nothing(axes, "no generated session")
    else:
        weeks = sorted({s["week"] for s in served})
        strategies = sorted({s["strategy"] for s in served})
        counts = {
            name: [
                float(sum(1 for s in served if s["week"] == w and s["strategy"] == name))
                for w in weeks
            ]
            for name in strategies
        }
        labels = [str(w) for w in weeks]
        _stacked(axes, labels, counts)
        axes.margins(y=0.3)  # room for the legend above the bars
        handles, names = axes.get_legend_handles_labels()
        # the simulated model's tokens are in each session's arm reward (--record-rewards on)
        priced = [s for s in served if s.get("arm_reward") is not None]
        if priced:
            axes.set_title("Strategy mix and simulated model tokens per week")
            tokens = axes.twinx()
            per_week = [
                sum(s["arm_reward"]["tokens"] for s in priced if s["week"] == w) for w in weeks
            ]
            tokens.plot(labels, per_week, "k-o", label="model tokens")
            tokens.set_ylabel("model tokens (count)")
            tokens.set_ylim(bottom=0, top=max(per_week, default=0) * 1.3 or 1)
            more, more_names = tokens.get_legend_handles_labels()
            handles, names = handles + more, names + more_names
        else:
            axes.set_title("Strategy mix per week (model tokens: run with --record-rewards on)")
        axes.legend(handles, names, loc="upper center", ncol=len(names))
    return _save(figure, path)


def write_simulation_plots(out_dir: Path, compare: Sequence[Path] = ()) -> list[Path]:
    """The charts of a `jit-engine simulate --out` folder, written into it: weekly volume per
    muscle against MEV/MRV, main-lift load with true and estimated 1RM, |RPE error| per week
    (each `compare` folder's run overlaid, labelled by its strategy and learning switch), and
    the strategy mix per week. A folder without summary.json is a ValueError."""
    summary = _summary(out_dir)
    others = [(folder, _summary(folder)) for folder in compare]
    sessions = _lines(out_dir / "sessions.jsonl")
    return [
        _volume(_lines(out_dir / "weeks.jsonl"), out_dir / "volume_vs_landmarks.png"),
        _main_lift(sessions, out_dir / "main_lift_load_and_1rm.png"),
        _rpe_error(
            [(_label(out_dir, summary), summary), *((_label(f, s), s) for f, s in others)],
            out_dir / "rpe_error.png",
        ),
        _strategy_mix(sessions, out_dir / "strategy_mix.png"),
    ]
