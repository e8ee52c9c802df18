"""The body of `jit-engine report` (the CLI's `report` command calls `run_report`): read the
report from the database, print it as tables or JSON, optionally write the charts.

Bad arguments raise `ValueError` with a message (the CLI maps it to exit 2); an unreadable
database is a `ValueError` too, never a traceback. Database handling follows `oracle`'s:
`Settings().database_url` by default, a SQLite file that does not exist is refused (it would be
created empty)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

__all__ = ["DEFAULT_DAYS", "EXIT_OK", "FORMATS", "run_report"]

EXIT_OK = 0
FORMATS = ("table", "json")
DEFAULT_DAYS = 28  # without --since or --days: the last four weeks
MAX_DAYS = 3660


def _sqlite_exists(url: str) -> bool:
    from sqlalchemy.engine import make_url  # noqa: PLC0415

    path = make_url(url).database
    return path is None or path in ("", ":memory:") or Path(path).exists()


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _period(
    since: datetime | None, until: datetime | None, days: int | None, now: datetime
) -> tuple[datetime, datetime]:
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise ValueError(f"--days must be 1-{MAX_DAYS}")
    if days is not None and since is not None:
        raise ValueError("give --since or --days, not both")
    end = _utc(until) or now
    start = _utc(since) or end - timedelta(days=days if days is not None else DEFAULT_DAYS)
    if start >= end:
        raise ValueError(f"--since ({start:%Y-%m-%d %H:%M}) must be before --until")
    return start, end


def run_report(
    *,
    database_url: str | None,
    since: datetime | None,
    until: datetime | None,
    days: int | None,
    lifter: str | None,
    lift: str | None,
    rollout: str | None,
    fmt: str,
    plots_dir: Path | None,
    stdout: TextIO,
    color: bool,
) -> int:
    """Prints the report of the period ([since, until), or the `days` before `until`; default
    the last 28 days up to now) and filters as tables (`fmt` "table") or JSON, and writes the
    charts into `plots_dir` when given (their paths listed after the report). Returns 0."""
    if fmt not in FORMATS:
        raise ValueError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    from pydantic import ValidationError  # noqa: PLC0415
    from sqlalchemy.exc import DBAPIError  # noqa: PLC0415

    from api.persistence.db import Database  # noqa: PLC0415
    from api.services.report import ReportQuery, build_report  # noqa: PLC0415
    from api.settings import Settings  # noqa: PLC0415

    now = datetime.now(UTC)
    start, end = _period(since, until, days, now)
    try:
        query = ReportQuery.model_validate(
            {"since": start, "until": end, "lifter_id": lifter, "lift": lift, "rollout_id": rollout}
        )
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ValueError(f"bad filter: {problems}") from None
    url = database_url or Settings().database_url
    if url.startswith("sqlite") and not _sqlite_exists(url):
        raise ValueError(f"no database at {url}")
    database = Database(url)
    try:
        report = build_report(database, query, now)
    except DBAPIError as exc:
        raise ValueError(f"cannot read the report from the database: {exc.orig}") from None
    finally:
        database.dispose()
    if fmt == "json":
        stdout.write(report.model_dump_json(indent=2) + "\n")
    else:
        from rich.console import Console  # noqa: PLC0415

        from api.reporting.render import render_table  # noqa: PLC0415

        console = Console(
            file=stdout, force_terminal=color, no_color=not color, width=120, highlight=False
        )
        render_table(report, console)
    if plots_dir is not None:
        from api.reporting.plots import write_report_plots  # noqa: PLC0415

        paths = write_report_plots(report, plots_dir)
        if fmt == "table":  # JSON output stays one document
            stdout.write("".join(f"chart: {path}\n" for path in paths))
    return EXIT_OK
