"""`jit-engine simulate`: many synthetic lifters, each through the real services, in workers.

Every worker process gets its own temporary SQLite database (a copy of one migrated template)
and its own `AppState` with a settable clock; lifters are handed out one at a time and each
lifter's run depends only on its configuration (seed, index, population, strategy, learning,
chart, accepting suggestions), so the output does not depend on the number of workers or on
their order: the same seed writes byte-identical `sessions.jsonl`. The service's random ids
(`uuid.uuid4`) are drawn from a generator seeded per lifter while it runs (`_seeded_ids`): a
session's id seeds the bandit's draw and decides whether the oracle holds it out.

Except with `auto`'s bandit on (`bandit=True`): its posteriors live in each worker's database,
shared by the lifters that worker runs, so a lifter's arms depend on the lifters before it in
the same worker. A bandit run's results depend on `workers`; run the experiment with one
worker (every lifter then learns from all those before it, in lifter order).

`active_rule`: a distilled rule (database, id) activated for every lifter before the first
session (`simulator.rules`), to measure what the rule does to model calls and outcomes.

`keep_db`: a folder the worker databases are copied to when the run ends (`worker-0.db`, ...),
so `jit-engine evaluate --database-url sqlite:///.../worker-0.db` can read the bandit's logs.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import random
import shutil
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from api.clock import FixedClock
from api.llm.runtime import registry_for_source
from api.persistence.db import Database
from api.settings import BanditSettings, RoutingSettings, Settings
from api.state import AppState
from simulator.coach import Coach, SimulatedCoach
from simulator.lifter import Population, make_lifter
from simulator.lifter_run import START, LifterResult, RpeTable, simulate_lifter
from simulator.rules import install_rule
from training_engine.ports import AlwaysAccepting
from training_engine.routing.gate import GateConfig
from training_engine.strategies import StrategyRegistry, default_registry

__all__ = ["STRATEGIES", "RunConfig", "run_simulation", "settings_for"]

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
    bandit: bool = False  # auto's contextual bandit (JIT_ROUTING__BANDIT__ENABLED), seeded by seed
    gate: bool = True  # auto's confidence gate (JIT_ROUTING__GATE_ENABLED)
    record_rewards: bool = False  # each completed session's bandit context and reward
    keep_db: str | None = None  # a folder to copy the worker databases to at the end
    coach: Coach = "v1"  # the simulated model: simulated-coach-1 or -2 (simulator/coach.py)
    # A distilled rule to serve from the start: (database holding it, rule id); simulator/rules.py
    active_rule: tuple[str, str] | None = None


def settings_for(config: RunConfig, database: str) -> Settings:
    """The service's settings in one worker: its database, learning, and `auto`'s routing
    switches (the bandit seeded with the run's seed)."""
    routing = RoutingSettings(
        gate_enabled=config.gate,
        bandit=BanditSettings(enabled=config.bandit, seed=config.seed),
    )
    return Settings(
        database_url=f"sqlite:///{database}",
        calibration_learning=config.learning,
        routing=routing,
    )


def _registry(strategy: str, gate: bool, coach: Coach = "v1") -> StrategyRegistry:
    """`formula` alone, or every strategy over the simulated coach model `coach` (`gate`:
    whether `auto`'s confidence gate is on, as the service builds it from
    `routing.gate_enabled`)."""
    if strategy == "formula":
        return default_registry()
    return registry_for_source(
        SimulatedCoach(coach), AlwaysAccepting(), gate=GateConfig(enabled=gate)
    )


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
    settings = settings_for(config, database)
    state = AppState(
        settings=settings,
        db=Database(settings.database_url),
        clock=clock,
        registry=_registry(config.strategy, config.gate, config.coach),
    )
    _Worker.context = _Context(state, clock, config)


def _stop_worker() -> None:
    """Close this process's database connections (before the database is copied or removed)."""
    if _Worker.context is not None:
        _Worker.context.state.db.dispose()
        _Worker.context = None


@contextmanager
def _seeded_ids(seed: str) -> Iterator[None]:
    """While one lifter runs, the service's random ids (`uuid.uuid4`) come from a generator
    seeded per lifter: a session's id seeds the bandit's draw and picks the oracle's held-out
    cases, so without this the same seed gave other draws and splits on every run."""
    draws = random.Random(seed)
    original = uuid.uuid4
    uuid.uuid4 = lambda: uuid.UUID(int=draws.getrandbits(128), version=4)
    try:
        yield
    finally:
        uuid.uuid4 = original


def _one_lifter(index: int) -> LifterResult:
    context = _Worker.context
    assert context is not None, "the worker was not started"
    config = context.config
    spec = make_lifter(index, config.seed, config.population)
    with _seeded_ids(f"{config.seed}:ids:{index}"):
        return asyncio.run(
            simulate_lifter(
                context.state,
                context.clock,
                spec,
                config.weeks,
                config.strategy,
                rpe_table=config.rpe_table,
                accept_suggestions=config.accept_suggestions,
                record_rewards=config.record_rewards,
            )
        )


@contextmanager
def _databases(
    count: int, keep: str | None = None, rule: tuple[str, str] | None = None
) -> Iterator[list[str]]:
    """`count` copies of one freshly migrated SQLite database (with `rule`, a (database, rule
    id), copied in and active: `simulator.rules`), copied to `keep` (if given) when the run
    ends well, then removed."""
    folder = tempfile.mkdtemp(prefix="jit-sim-")
    try:
        template = Path(folder) / "template.db"
        database = Database(f"sqlite:///{template}")
        database.migrate()
        database.dispose()
        if rule is not None:
            install_rule(template, Path(rule[0]), rule[1], FixedClock(START))
        copies = []
        for n in range(count):
            copy = Path(folder) / f"worker-{n}.db"
            shutil.copyfile(template, copy)
            copies.append(str(copy))
        yield copies
        if keep is not None:
            _keep(copies, Path(keep))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _keep(databases: list[str], folder: Path) -> None:
    """Copy each worker database to `folder` with SQLite's backup API (the write-ahead log's
    pages included), as `worker-<n>.db`, replacing an earlier copy."""
    folder.mkdir(parents=True, exist_ok=True)
    for n, database in enumerate(databases):
        target = folder / f"worker-{n}.db"
        target.unlink(missing_ok=True)
        source, copy = sqlite3.connect(database), sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()


def run_simulation(
    config: RunConfig, progress: Progress | None = None
) -> tuple[list[LifterResult], float]:
    """Every lifter's result, in lifter order, and the wall time in seconds."""
    began = time.perf_counter()
    results: list[LifterResult] = []
    with _databases(config.workers, config.keep_db, config.active_rule) as databases:
        if config.workers == 1:
            _start_worker(databases[0], config)
            for index in range(config.lifters):
                results.append(_one_lifter(index))
                if progress is not None:
                    progress(len(results), config.lifters)
            _stop_worker()
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
