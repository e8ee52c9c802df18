"""The database handle: engine set-up per dialect, units of work, migrations, readiness.

SQLite (the embedded default) runs in WAL mode with foreign keys on. It has one writer at a
time, so write units take the write lock up front (`BEGIN IMMEDIATE`) behind an in-process lock:
writers queue in order instead of spinning on SQLITE_BUSY. Read units use a plain `BEGIN`.
PostgreSQL (psycopg 3) uses a connection pool sized for the server's worker threads (no ping
on checkout: a dropped connection fails one request, and the pool then replaces them all); write
units lock the rows they change (`SELECT ... FOR UPDATE` in the repositories).

`Database.run(fn, ...)` is how async code runs a function that opens units: on PostgreSQL in a
worker thread (network round trips must not stall the event loop); on SQLite inline, because
its units are short local calls that need no thread hand-off (the writer queue is a lock no
thread holds while waiting for the loop).

`execute(unit, statement, params)` runs a prebuilt Core statement of the hot path. On
PostgreSQL it compiles the statement once per dialect and set of parameter names, and runs
that SQL on the driver's cursor of the unit's connection, with SQLAlchemy's own bind and result
processors (the same values in and out, the same exception classes) but without its
per-execution machinery, which costs about twice the driver's own work per statement. SQLite
(and a statement with an expanding `IN`) goes through SQLAlchemy.
"""

from __future__ import annotations

import threading
import weakref
from collections import namedtuple
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import anyio.to_thread
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, Executable, create_engine, event, text
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session

from api.persistence.types import dump_json

__all__ = [
    "MIGRATIONS_DIR",
    "Database",
    "Fetched",
    "Unit",
    "alembic_config",
    "execute",
    "normalise_url",
]

# One unit of work (a transaction). Services hold it and hand it to the repositories; only the
# repositories execute statements on it.
Unit = Session

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000
P = ParamSpec("P")
T = TypeVar("T")


def normalise_url(url: str) -> str:
    """`postgresql://` and `postgres://` mean psycopg 3 here."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


@dataclass(frozen=True)
class Fetched:
    """What one statement returned: its rows (attribute access by column label) and row count."""

    rows: list[Any]
    rowcount: int

    def first(self) -> Any:
        return self.rows[0] if self.rows else None


@dataclass
class _Plan:
    """A statement compiled for one dialect and one set of parameter names."""

    statement: Executable  # kept alive: plans are keyed by its id
    sql: str
    fixed: dict[str, Any]  # the statement's own literal parameters
    binds: tuple[tuple[str, Callable[[Any], Any]], ...]
    row: Callable[..., Any] | None  # a named tuple of the result's labels
    types: tuple[Any, ...]  # each result column's SQLAlchemy type
    # Column index and result processor, from the first result's driver types.
    results: tuple[tuple[int, Callable[[Any], Any]], ...] | None = None


_plans: weakref.WeakKeyDictionary[Dialect, dict[tuple[int, frozenset[str]], _Plan | None]] = (
    weakref.WeakKeyDictionary()
)


def _plan(dialect: Dialect, statement: Executable, names: frozenset[str]) -> _Plan | None:
    """The statement's plan, or None when SQLAlchemy must run it (expanding parameters, or
    column defaults it computes at execution)."""
    plans = _plans.setdefault(dialect, {})
    key = (id(statement), names)
    if key in plans:
        return plans[key]
    compiled = statement.compile(dialect=dialect, column_keys=sorted(names))  # type: ignore[attr-defined]
    plan = None
    if not (
        compiled.post_compile_params
        or compiled.literal_execute_params
        or compiled.insert_prefetch
        or compiled.update_prefetch
    ):
        columns = compiled._result_columns
        plan = _Plan(
            statement=statement,
            sql=compiled.string,
            fixed={
                name: value
                for name, value in compiled.construct_params(_check=False).items()
                if name not in names and not compiled.binds[name].required
            },
            binds=tuple(compiled._bind_processors.items()),
            row=namedtuple("Row", [c.keyname for c in columns], rename=True) if columns else None,
            types=tuple(c.type for c in columns),
        )
    plans[key] = plan
    return plan


def _result_processors(
    dialect: Dialect, types: tuple[Any, ...], description: Any
) -> tuple[tuple[int, Callable[[Any], Any]], ...]:
    return tuple(
        (i, processor)
        for i, (kind, column) in enumerate(zip(types, description, strict=True))
        if (processor := kind._cached_result_processor(dialect, column.type_code)) is not None
    )


def execute(unit: Session, statement: Executable, params: Mapping[str, Any]) -> Fetched:
    """Runs a prebuilt statement in the unit (see the module docstring)."""
    connection = unit.connection()
    dialect = connection.dialect
    plan = None if dialect.name == "sqlite" else _plan(dialect, statement, frozenset(params))
    if plan is None:
        result = connection.execute(statement, dict(params))
        return Fetched(list(result.all()) if result.returns_rows else [], result.rowcount)
    values = {**plan.fixed, **params}
    for name, process in plan.binds:
        if name in values:
            values[name] = process(values[name])
    driver: Any = connection.connection.driver_connection
    try:
        cursor = driver.execute(plan.sql, values)
        rows = cursor.fetchall() if plan.row is not None else []
    except dialect.loaded_dbapi.Error as exc:
        raise DBAPIError.instance(
            plan.sql, values, exc, dialect.loaded_dbapi.Error, dialect=dialect
        ) from exc
    if plan.row is None:
        return Fetched(rows, cursor.rowcount)
    if plan.results is None:  # `description` builds its columns anew on every call
        plan.results = _result_processors(dialect, plan.types, cursor.description)
    if plan.results:
        rows = [list(row) for row in rows]
        for row in rows:
            for i, process in plan.results:
                row[i] = process(row[i])
    make = plan.row
    return Fetched([make(*row) for row in rows], cursor.rowcount)


def _sqlite_engine(url: str) -> Engine:
    connect_args = {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
    if make_url(url).database in (None, "", ":memory:"):
        # One shared connection: every unit of work must see the same in-memory database.
        engine = create_engine(
            url, connect_args=connect_args, poolclass=StaticPool, json_serializer=dump_json
        )
    else:
        engine = create_engine(
            url,
            connect_args=connect_args,
            pool_size=20,
            max_overflow=40,
            json_serializer=dump_json,
        )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        for pragma in (
            "PRAGMA journal_mode=WAL",
            "PRAGMA foreign_keys=ON",
            "PRAGMA synchronous=NORMAL",
            f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}",
        ):
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        write = connection.get_execution_options().get("jit_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def _postgres_engine(url: str) -> Engine:
    return create_engine(
        url,
        pool_size=20,
        max_overflow=40,
        pool_timeout=60,
        pool_recycle=1800,
        json_serializer=dump_json,
    )


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


class Database:
    def __init__(self, url: str) -> None:
        self.url = normalise_url(url)
        self.dialect = make_url(self.url).get_backend_name()
        self.engine = (
            _sqlite_engine(self.url) if self.dialect == "sqlite" else _postgres_engine(self.url)
        )
        self._write_engine = self.engine.execution_options(jit_write=True)
        # Read units on PostgreSQL run in autocommit: under READ COMMITTED each statement sees
        # its own snapshot either way, and BEGIN/COMMIT would be two more round trips.
        self._read_engine = (
            self.engine
            if self.is_sqlite
            else self.engine.execution_options(isolation_level="AUTOCOMMIT")
        )
        self._sqlite_writer = threading.Lock()

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @contextmanager
    def write(self, *, one_statement: bool = False) -> Iterator[Session]:
        """One transaction that may write: committed on success, rolled back on any error.

        `one_statement`: the caller issues a single statement on PostgreSQL, which is atomic by
        itself, so it runs in autocommit (no BEGIN and COMMIT round trips). SQLite ignores it."""
        guard = self._sqlite_writer if self.is_sqlite else nullcontext()
        engine = self._read_engine if one_statement and not self.is_sqlite else self._write_engine
        with (
            guard,
            Session(engine, expire_on_commit=False) as session,
            session.begin(),
        ):
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A unit that only reads (a snapshot on SQLite; autocommit on PostgreSQL)."""
        with Session(self._read_engine, expire_on_commit=False) as session, session.begin():
            yield session

    async def run(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Runs `fn` (which opens units of work) from async code (see the module docstring)."""
        if self.is_sqlite:
            return fn(*args, **kwargs)
        return await anyio.to_thread.run_sync(partial(fn, *args, **kwargs))

    def migrate(self) -> None:
        """Bring the schema to the newest revision (creates a missing SQLite file)."""
        with self.engine.begin() as connection:
            config = alembic_config(self.url)
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def ping(self) -> None:
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()
