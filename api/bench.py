"""`jit-engine bench`: in-process formula generation timing over a set of inputs."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

from shared_types.inputs import JITInput
from training_engine.session import formula_session

__all__ = ["run_bench"]

WARMUP_ROUNDS = 3


def _percentile(samples: Sequence[float], pct: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def _time_each(items: Sequence[Any], work: Callable[[Any], object], rounds: int) -> list[float]:
    samples: list[float] = []
    clock = time.perf_counter_ns
    for _ in range(rounds):
        for item in items:
            start = clock()
            work(item)
            samples.append((clock() - start) / 1000)
    return samples


def run_bench(
    raw_items: Sequence[Any],
    parse: Callable[[Any], JITInput],
    iterations: int,
) -> dict[str, float | int]:
    """Median and p99 microseconds per session, from validated inputs and from raw JSON."""
    inputs = [parse(raw) for raw in raw_items]
    _time_each(inputs, formula_session, WARMUP_ROUNDS)
    generate = _time_each(inputs, formula_session, iterations)
    parse_and_generate = _time_each(raw_items, lambda raw: formula_session(parse(raw)), iterations)
    return {
        "sessions": len(inputs),
        "median_us": round(statistics.median(generate), 1),
        "p99_us": round(_percentile(generate, 99), 1),
        "parse_median_us": round(statistics.median(parse_and_generate), 1),
    }
