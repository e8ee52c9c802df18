"""The body of `jit-engine simulate`: run, report progress on stderr, write and print results.

The CLI passes a rich progress bar when stderr is a terminal; otherwise the plain lines below
report it, so a log stays readable."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TextIO

from simulator.report import summarise, weekly_table, write_outputs
from simulator.run import Progress, RunConfig, run_simulation

__all__ = ["PROGRESS_STEPS", "simulate_command"]

PROGRESS_STEPS = 20  # progress lines per run (every 5 %), plus the last


class _Progress:
    """`lifters 37/200 (18%), 41.2s` lines on stderr: plain lines, so no terminal is needed."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._began = time.perf_counter()
        self._shown = -1

    def __call__(self, done: int, total: int) -> None:
        step = done * PROGRESS_STEPS // total
        if step == self._shown and done != total:
            return
        self._shown = step
        elapsed = time.perf_counter() - self._began
        self._stream.write(f"lifters {done}/{total} ({100 * done // total}%), {elapsed:.1f}s\n")
        self._stream.flush()


def simulate_command(
    config: RunConfig,
    out: Path,
    stdout: TextIO,
    stderr: TextIO,
    progress: Progress | None = None,
) -> None:
    """Run the simulation, write `out/sessions.jsonl` and `out/summary.json`, print the weekly
    table and the summary (without the weekly rows and the lifters, which are in the file).
    Progress goes to `progress`, or as plain lines on `stderr` when none is given."""
    results, seconds = run_simulation(config, progress or _Progress(stderr))
    summary = summarise(config, results, seconds)
    write_outputs(out, results, summary)
    stdout.write(weekly_table(summary["weeks"]) + "\n")
    brief = {k: v for k, v in summary.items() if k not in ("weeks", "lifters")}
    stdout.write(json.dumps(brief, indent=2) + "\n")
