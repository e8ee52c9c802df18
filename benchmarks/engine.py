"""`jit-engine bench`: in-process formula generation timing over a set of inputs.

Timings: the inputs as given (also split by class: with an `auxiliary_pool` or without), parsing
alone (`parse_median_us`: raw JSON document to a validated `JITInput`), parsing then generating,
and the inputs as the API builds them (every input's
`auxiliary_pool` set to the full catalog top-up pool, `planning.top_up_pool`).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any

from shared_types.inputs import JITInput
from training_engine.planning import top_up_pool
from training_engine.session import formula_session

__all__ = ["run_bench"]

WARMUP_ROUNDS = 3


def _percentile(samples: Sequence[float], pct: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def _time_each(
    items: Sequence[Any],
    work: Callable[[Any], object],
    rounds: int,
    tick: Callable[[], None] | None = None,
) -> list[float]:
    samples: list[float] = []
    clock = time.perf_counter_ns
    for _ in range(rounds):
        for item in items:
            start = clock()
            work(item)
            samples.append((clock() - start) / 1000)
        if tick is not None:  # after the round, outside the timed calls
            tick()
    return samples


def _summary(prefix: str, samples: Sequence[float]) -> dict[str, float | None]:
    """Median and p99 microseconds (None for a class without inputs)."""
    if not samples:
        return {f"{prefix}median_us": None, f"{prefix}p99_us": None}
    return {
        f"{prefix}median_us": round(statistics.median(samples), 1),
        f"{prefix}p99_us": round(_percentile(samples, 99), 1),
    }


def _per_second(samples: Sequence[float]) -> float:
    return round(len(samples) / (sum(samples) / 1e6), 1)


def _timed(
    inputs: Sequence[JITInput], iterations: int, tick: Callable[[], None] | None = None
) -> list[float]:
    _time_each(inputs, formula_session, WARMUP_ROUNDS)
    return _time_each(inputs, formula_session, iterations, tick)


class _Rounds:
    """Counts the timed rounds of every measurement for a `progress(done, total)` callback."""

    def __init__(self, total: int, progress: Callable[[int, int], None] | None) -> None:
        self.total = total
        self.done = 0
        self._progress = progress

    def __call__(self) -> None:
        self.done += 1
        if self._progress is not None:
            self._progress(self.done, self.total)


def run_bench(
    raw_items: Sequence[Any],
    parse: Callable[[Any], JITInput],
    iterations: int,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, float | int | None]:
    """Microseconds per session (median, p99) from validated inputs, per input class (with or
    without an auxiliary pool), from raw JSON, and on API-shaped inputs with the full pool.
    `progress(done, total)` is told after each timed round over the inputs (warm-ups uncounted)."""
    inputs = [parse(raw) for raw in raw_items]
    pooled = [inp for inp in inputs if inp.auxiliary_pool]
    unpooled = [inp for inp in inputs if not inp.auxiliary_pool]
    measurements = 4 + (1 if pooled else 0) + (1 if unpooled else 0)
    tick = _Rounds(measurements * iterations, progress)
    generate = _timed(inputs, iterations, tick)
    with_pool = _timed(pooled, iterations, tick) if pooled else []
    without_pool = _timed(unpooled, iterations, tick) if unpooled else []
    _time_each(raw_items, parse, WARMUP_ROUNDS)
    parsing = _time_each(raw_items, parse, iterations, tick)
    parse_and_generate = _time_each(
        raw_items, lambda raw: formula_session(parse(raw)), iterations, tick
    )
    pool = top_up_pool()
    api_shaped = [inp.model_copy(update={"auxiliary_pool": pool}) for inp in inputs]
    api = _timed(api_shaped, iterations, tick)
    return {
        "sessions": len(inputs),
        **_summary("", generate),
        "parse_median_us": round(statistics.median(parsing), 1),
        "parse_p99_us": round(_percentile(parsing, 99), 1),
        "parse_and_generate_median_us": round(statistics.median(parse_and_generate), 1),
        "sessions_per_s": _per_second(generate),
        "sessions_with_pool": len(pooled),
        **_summary("with_pool_", with_pool),
        **_summary("without_pool_", without_pool),
        "api_pool_size": len(pool),
        **_summary("api_pool_", api),
        "api_pool_sessions_per_s": _per_second(api),
    }
