"""`jit-engine simulate`: many synthetic lifters, each through the real services, in workers.

Every worker process gets its own temporary SQLite database (a copy of one migrated template)
and its own `AppState` with a settable clock; lifters are handed out one at a time and each
lifter's run depends only on its configuration (seed, index, population, strategy, learning,
chart, accepting suggestions), so the output does not depend on the number of workers or on
their order: the same seed writes byte-identical `sessions.jsonl`.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from api.clock import FixedClock
from api.llm.runtime import registry_for_source
from api.persistence.db import Database
from api.settings import Settings
from api.state import AppState
from simulator.coach import SimulatedCoach
from simulator.lifter import Population, make_lifter
from simulator.lifter_run import START, LifterResult, RpeTable, simulate_lifter
from training_engine.ports import AlwaysAccepting
from training_engine.strategies import StrategyRegistry, default_registry

__all__ = ["STRATEGIES", "RunConfig", "run_simulation"]

STRATEGIES = ("formula", "llm", "hybrid", "auto")
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RunConfig:
    lifters: int
    weeks: int
    strategy: str = "formula"
    learning: bool = True
    population: Population = "differs"
    seed: int = 0
    workers: int = 1
    rpe_table: RpeTable = "rts"
    accept_suggestions: bool = False  # the lifter accepts every pending load suggestion


def _registry(strategy: str) -> StrategyRegistry:
    """`formula` alone, or every strategy over the simulated coach model."""
    if strategy == "formula":
        return default_registry()
    return registry_for_source(SimulatedCoach(), AlwaysAccepting())


@dataclass(frozen=True)
class _Context:
    state: AppState
    clock: FixedClock
    config: RunConfig


class _Worker:
    """This process's database, app state and run (set by `_start_worker`)."""

    context: _Context | None = None


def _start_worker(database: str, config: RunConfig) -> None:
    clock = FixedClock(START)
    settings = Settings(database_url=f"sqlite:///{database}", calibration_learning=config.learning)
    state = AppState(
        settings=settings,
        db=Database(settings.database_url),
        clock=clock,
        registry=_registry(config.strategy),
    )
    _Worker.context = _Context(state, clock, config)


def _one_lifter(index: int) -> LifterResult:
    context = _Worker.context
    assert context is not None, "the worker was not started"
    config = context.config
    spec = make_lifter(index, config.seed, config.population)
    return asyncio.run(
        simulate_lifter(
            context.state,
            context.clock,
            spec,
            config.weeks,
            config.strategy,
            rpe_table=config.rpe_table,
            accept_suggestions=config.accept_suggestions,
        )
    )


@contextmanager
def _databases(count: int) -> Iterator[list[str]]:
    """`count` copies of one freshly migrated SQLite database, removed afterwards."""
    folder = tempfile.mkdtemp(prefix="jit-sim-")
    try:
        template = Path(folder) / "template.db"
        database = Database(f"sqlite:///{template}")
        database.migrate()
        database.dispose()
        copies = []
        for n in range(count):
            copy = Path(folder) / f"worker-{n}.db"
            shutil.copyfile(template, copy)
            copies.append(str(copy))
        yield copies
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run_simulation(
    config: RunConfig, progress: Progress | None = None
) -> tuple[list[LifterResult], float]:
    """Every lifter's result, in lifter order, and the wall time in seconds."""
    began = time.perf_counter()
    results: list[LifterResult] = []
    with _databases(config.workers) as databases:
        if config.workers == 1:
            _start_worker(databases[0], config)
            for index in range(config.lifters):
                results.append(_one_lifter(index))
                if progress is not None:
                    progress(len(results), config.lifters)
        else:
            results = _in_workers(config, databases, progress)
    results.sort(key=lambda r: r.index)
    return results, time.perf_counter() - began


def _in_workers(
    config: RunConfig, databases: list[str], progress: Progress | None
) -> list[LifterResult]:
    """Each worker process takes its own database from a queue, then lifters one at a time."""
    context = multiprocessing.get_context("spawn")
    handed = context.Queue()
    for database in databases:
        handed.put(database)
    results: list[LifterResult] = []
    with context.Pool(
        config.workers, initializer=_take_database, initargs=(handed, config)
    ) as pool:
        for result in pool.imap_unordered(_one_lifter, range(config.lifters)):
            results.append(result)
            if progress is not None:
                progress(len(results), config.lifters)
    return results


def _take_database(handed: multiprocessing.Queue[str], config: RunConfig) -> None:
    _start_worker(handed.get(), config)
