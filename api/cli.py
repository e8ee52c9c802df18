"""`jit-engine`: generate sessions from JSON, show the model's prompt, time the engine, run the
service, simulate lifters, and evaluate and report on what the service logged.

    jit-engine generate [--strategy formula|llm|hybrid|auto] [--format native|parakeet]
                        [--input FILE] [--adjustment FILE] [--shadow] [--records FILE]
    jit-engine prompt [--input FILE] [--format native|parakeet] [--stats]
    jit-engine bench [--input FILE] [--format auto|native|parakeet] [--iterations N]
    jit-engine serve [--host 127.0.0.1] [--port 8000] [--workers 1] [--quiet]
    jit-engine bench-api [--db sqlite|postgres] [--clients 20] [--seconds 10]
                         [--database-url URL] [--workers 1]
    jit-engine simulate --out DIR [--lifters 20] [--weeks 12] [--strategy formula|llm|hybrid|auto]
                        [--learning on|off] [--population differs|defaults|mixed] [--seed 0]
                        [--workers 1] [--rpe-table rts|anchored] [--accept-suggestions off|on]
                        [--bandit off|on] [--gate on|off] [--record-rewards off|on]
                        [--keep-db] [--coach v1|v2] [--rule-db PATH --activate-rule ID]
                        [--compare DIR ...] [--plots/--no-plots]
    jit-engine bench-gate [--lifters 200] [--weeks 12] [--seed 7]
    jit-engine evaluate [--candidate greedy|formula|model] [--policy-version V]
                        [--since DATE] [--until DATE] [--seed 0] [--n-boot 1000]
                        [--min-ess 30] [--max-weight 20] [--max-unsupported 0]
                        [--format table|json] [--database-url URL]
    jit-engine oracle [--since DATE] [--until DATE] [--days N] [--format table|json]
                      [--database-url URL]
    jit-engine report [--since DATE] [--until DATE] [--days N] [--lifter ID]
                      [--lift squat|bench|deadlift] [--rollout ID] [--format table|json]
                      [--plots DIR] [--database-url URL]

One typer app (ADR 0020); `jit-engine COMMAND --help` describes each command with examples.
`serve` runs the HTTP API (settings from the environment: JIT_DATABASE_URL, JIT_ADMIN_TOKEN);
the database is created and migrated on start (`--workers N`, PostgreSQL only: migrated once,
then N uvicorn workers). `bench-api` measures it on loopback. `simulate` drives synthetic
lifters with hidden truths through the real services on temporary databases (simulator/) and
draws its charts (api/reporting/plots.py). `bench-gate` measures `auto`'s confidence gate over
the simulator's daily life, with its coach as the model (benchmarks/routing.py). `evaluate`
estimates, from the bandit's logged and rewarded decisions, what a candidate routing policy
would have earned (IPS, self-normalised IPS, doubly robust, with bootstrap intervals), or says
why the logs cannot tell (api/evaluation.py). `oracle` runs the optimisation oracle on the
logged model calls (default the last JIT_ORACLE__PERIOD_DAYS days): its recommendations with
their evidence, and the rules it distilled with their validation, stored as a run
(api/services/oracle.py; nothing is activated). `report` summarises a period from the database
(api/reporting/command.py): a table, JSON, and PNG charts with `--plots DIR`.

`llm`, `hybrid` and `auto` use the provider in the environment (`JIT_LLM__*`, see
`api/settings.py`); `--adjustment FILE` replaces the model with a fixed source: one adjustment
for every input, or an array aligned with the inputs (a stored session replayed offline).

Long work shows a progress bar on standard error when it is a terminal (simulate, evaluate,
oracle, bench, bench-api); `simulate` writes plain progress lines when it is not. Colour only
on a terminal, never with NO_COLOR set.

Exit codes: 0 success; 2 unusable input or arguments (each problem on stderr with its field
path, nothing on stdout); 3 `evaluate` refused (the logs cannot support the candidate: the
reason on stdout); 1 an unexpected internal error (one line on stderr, no traceback); 130
interrupted.
"""

from __future__ import annotations

import contextlib
import inspect
import json
import os
import statistics
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, TextIO, TypeVar, get_args

import typer

# Each command imports what it needs when it runs: `--help` and the formula load no provider
# SDK, web framework, database layer or plotting library (tests/cli/test_cli_imports.py).
if TYPE_CHECKING:
    from rich.console import Console

    from api.documents import Format
    from shared_types.inputs import JITInput
    from shared_types.llm import GenerationResult
    from training_engine.strategies import StrategyRegistry

__all__ = ["main"]

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USAGE = 2
EXIT_REFUSED = 3
EXIT_INTERRUPTED = 130
PROG = "jit-engine"
STRATEGY_NAMES = ("formula", "llm", "hybrid", "auto")
FORMATS = ("native", "parakeet")  # api.documents.Format, spelled here so --help loads no model
# Parakeet's 37 inputs, kept in the repository (tests/fixtures/parakeet/README.md).
DEFAULT_BENCH_INPUTS = (
    Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "parakeet" / "inputs.json"
)

Progress = Callable[[int, int], None]
# simulator.run's Population, RpeTable and Coach, spelled here so --help loads no simulator.
PopulationName = Literal["differs", "defaults", "mixed"]
RpeTableName = Literal["rts", "anchored"]
CoachName = Literal["v1", "v2"]


class _UsageError(Exception):
    """Unusable arguments or input found by a command: exit 2, the message on stderr."""


@dataclass(frozen=True)
class _Streams:
    """What `main` was given, handed to every command through the typer context."""

    registry: StrategyRegistry | None
    stdin: TextIO
    stdout: TextIO
    stderr: TextIO


def _streams(ctx: typer.Context) -> _Streams:
    streams = ctx.find_root().obj
    assert isinstance(streams, _Streams)
    return streams


# --- terminal output: colour and progress only on a terminal ----------------------------------


def _no_color() -> bool:
    """https://no-color.org: any non-empty NO_COLOR turns colour off."""
    return os.environ.get("NO_COLOR", "") != ""


def _console(stream: TextIO) -> Console:
    """A rich console on the given stream: a terminal only if the stream is one (a StringIO or a
    pipe gets plain text), no colour when NO_COLOR is set."""
    from rich.console import Console  # noqa: PLC0415

    return Console(file=stream, force_terminal=None, no_color=_no_color() or None, highlight=False)


class _BarProgress:
    """A rich progress bar, started on the first report (work with nothing to count shows no
    bar) and stopped when done reaches the total, so what the command prints next is not drawn
    over."""

    def __init__(self, console: Console, label: str, unit: str) -> None:
        self._console = console
        self._label = label
        self._unit = unit
        self._bar: Any = None
        self._task: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            from rich.progress import (  # noqa: PLC0415
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn(self._unit),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=self._console,
                redirect_stdout=False,
                redirect_stderr=False,
            )
            self._bar.start()
            self._task = self._bar.add_task(self._label, total=total)
        self._bar.update(self._task, completed=done, total=total)
        if done >= total:
            self.close()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()


@contextlib.contextmanager
def _progress(stream: TextIO, label: str, unit: str = "") -> Iterator[Progress | None]:
    """A progress callback `(done, total)` for long work when `stream` is a terminal: a bar.
    Otherwise None: the command's default (plain lines for `simulate`, nothing for the others,
    as before), so a log or a pipe keeps readable lines."""
    console = _console(stream)
    if not console.is_terminal:
        yield None
        return
    bar = _BarProgress(console, label, unit)
    try:
        yield bar
    finally:
        bar.close()


def _error(stream: TextIO, message: str) -> None:
    """One `jit-engine: ...` line; the prefix in red on a terminal."""
    console = _console(stream)
    if console.is_terminal and not console.no_color:
        from rich.markup import escape  # noqa: PLC0415

        console.print(f"[bold red]{PROG}:[/] {escape(message)}", soft_wrap=True)
    else:
        stream.write(f"{PROG}: {message}\n")


# --- option parsers: argparse's messages, kept so scripts and tests read the same errors -------


def _choice(*names: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if value in names:
            return value
        listed = ", ".join(repr(name) for name in names)
        raise typer.BadParameter(f"invalid choice: {value!r} (choose from {listed})")

    return parse


def _int(value: str | int) -> int:
    if isinstance(value, int):
        return value
    try:
        return int(value)
    except ValueError:
        raise typer.BadParameter(f"invalid int value: {value!r}") from None


def _float(value: str | float) -> float:
    if isinstance(value, float | int):
        return float(value)
    try:
        return float(value)
    except ValueError:
        raise typer.BadParameter(f"invalid float value: {value!r}") from None


def _date(value: str | datetime) -> datetime:
    if isinstance(value, datetime):
        return value
    from datetime import UTC  # noqa: PLC0415

    try:
        return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


SHORT_CHOICES = 12  # longer lists go in the help text, so 80 columns keep the option names whole


def _choice_option(help_text: str, *names: str, flag: str | None = None) -> Any:
    decls = (flag,) if flag else ()
    listed = "|".join(names)
    if len(listed) > SHORT_CHOICES:
        return typer.Option(
            *decls,
            parser=_choice(*names),
            metavar="NAME",
            help=f"{help_text} One of: {', '.join(names)}.",
        )
    return typer.Option(*decls, parser=_choice(*names), metavar=listed, help=help_text)


def _int_option(help_text: str, *, metavar: str = "N", flag: str | None = None) -> Any:
    decls = (flag,) if flag else ()
    return typer.Option(*decls, parser=_int, metavar=metavar, help=help_text)


def _float_option(help_text: str, *, metavar: str = "X") -> Any:
    return typer.Option(parser=_float, metavar=metavar, help=help_text)


def _date_option(help_text: str) -> Any:
    return typer.Option(parser=_date, metavar="DATE", help=help_text)


def _examples(*commands: str) -> str:
    """A help epilog: one example command a line."""
    return "Examples:\n" + "\n".join(f"  {command}" for command in commands)


F = TypeVar("F", bound=Callable[..., int])


def _command(*examples: str, name: str | None = None) -> Callable[[F], F]:
    """Register a command: its help is its docstring with each paragraph on one line (rich
    keeps a docstring's line breaks), its epilog the examples."""

    def register(func: F) -> F:
        paragraphs = inspect.cleandoc(func.__doc__ or "").split("\n\n")
        text = "\n\n".join(" ".join(p.split()) for p in paragraphs)
        app.command(name, help=text, epilog=_examples(*examples))(func)
        return func

    return register


DATABASE_URL_HELP = "The database to read (default: JIT_DATABASE_URL or the embedded file)."

app = typer.Typer(
    name=PROG,
    help="Generate training sessions just in time, run the service, and measure it.\n\n"
    "Exit codes: 0 ok; 2 unusable arguments or input (each problem on stderr, nothing on "
    "stdout); 3 evaluate refused; 1 internal error (one line, no traceback); 130 interrupted.",
    epilog=_examples(
        "jit-engine generate --input examples/squat-heavy.json",
        "jit-engine serve --port 8000",
        "jit-engine simulate --out runs/a --lifters 50",
        "jit-engine report --days 7",
    ),
    add_completion=False,
    no_args_is_help=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


def _read(path: Path | None, stdin: TextIO) -> str:
    if path is None:
        return stdin.read()
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise _UsageError(f"cannot read {path}: {exc.strerror or exc}") from None


async def _generate_all(
    registries: Sequence[StrategyRegistry], name: str, inputs: Sequence[JITInput]
) -> list[GenerationResult]:
    from training_engine.strategies import serve  # noqa: PLC0415

    results = []
    for registry, inp in zip(registries, inputs, strict=True):
        results.append(await serve(registry, name, inp))
    return results


def _fixed_registries(
    path: Path, stdin: TextIO, fmt: Format, count: int, shadow: bool
) -> list[StrategyRegistry]:
    """One registry per input over a fixed adjustment. Each adjustment is validated when it is
    used, like a model's answer: one outside the schema's bounds is an `invalid_response`."""
    from api.documents import Format  # noqa: PLC0415
    from api.llm.runtime import registry_for_source  # noqa: PLC0415
    from shared_types.adjustment import JITAdjustment  # noqa: PLC0415
    from shared_types.parakeet import adjustment_from_parakeet  # noqa: PLC0415
    from training_engine.ports import AlwaysAccepting, FixedAdjustmentSource  # noqa: PLC0415

    try:
        data = json.loads(_read(path, stdin))
    except json.JSONDecodeError as exc:
        raise _UsageError(
            f"{path}: invalid JSON at line {exc.lineno}, column {exc.colno}"
        ) from None
    items = data if isinstance(data, list) else [data] * count
    if len(items) != count or not all(isinstance(item, dict) for item in items):
        raise _UsageError(f"{path}: expected one adjustment object or an array of {count} objects")
    parse: Callable[[object], JITAdjustment] = (
        adjustment_from_parakeet if fmt is Format.PARAKEET else JITAdjustment.model_validate
    )
    return [
        registry_for_source(FixedAdjustmentSource(item, parse), AlwaysAccepting(), shadow=shadow)
        for item in items
    ]


def _configured_registry(name: str, shadow: bool) -> StrategyRegistry:
    """The core's own registry for a strategy it offers (the formula); otherwise the one the
    provider settings in the environment give (the only path that loads a provider SDK)."""
    from training_engine.strategies import default_registry  # noqa: PLC0415

    core = default_registry()
    if name in core.names:
        return core
    from pydantic import ValidationError  # noqa: PLC0415

    from api.llm.runtime import build_runtime, registry_for_source  # noqa: PLC0415
    from api.settings import Settings  # noqa: PLC0415
    from training_engine.routing.gate import GateConfig  # noqa: PLC0415

    try:
        settings = Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"JIT_{'__'.join(str(p).upper() for p in e['loc'])}: {e['msg']}"
            for e in exc.errors(include_url=False)
        )
        raise _UsageError(f"invalid settings: {problems}") from None
    runtime = build_runtime(settings.llm)
    return registry_for_source(
        runtime.source,
        runtime.health(),
        shadow=shadow or settings.llm.hybrid_shadow,
        gate=GateConfig(enabled=settings.routing.gate_enabled),
    )


def _write_records(path: Path, results: Sequence[GenerationResult]) -> None:
    from training_engine.prompt import compact_json  # noqa: PLC0415

    lines = []
    for result in results:
        record = result.model_dump(mode="json", exclude={"output"})
        lines.append(compact_json({"session_id": result.output.session_id, **record}))
    try:
        path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    except OSError as exc:
        raise _UsageError(f"cannot write {path}: {exc.strerror or exc}") from None


def _prompt_document(inp: JITInput) -> dict[str, Any]:
    from training_engine.prompt import build_prompt, compact_json, parakeet_context  # noqa: PLC0415
    from training_engine.session import formula_run  # noqa: PLC0415

    prompt = build_prompt(formula_run(inp))
    reference = len(compact_json(parakeet_context(inp)))
    return {
        "session_id": inp.session_id,
        "prompt_version": prompt.version,
        "messages": prompt.messages(),
        "chars": {
            "system": len(prompt.system),
            "context": len(prompt.user),
            "total": prompt.chars,
            "parakeet_context": reference,
            "context_ratio": round(len(prompt.user) / reference, 4),
        },
    }


def _prompt_stats(inputs: Sequence[JITInput]) -> dict[str, Any]:
    from training_engine.prompt import (  # noqa: PLC0415
        PROMPT_VERSION,
        SYSTEM_PROMPT,
        build_prompt,
        compact_json,
        parakeet_context,
    )
    from training_engine.session import formula_run  # noqa: PLC0415

    ours = [len(build_prompt(formula_run(inp)).user) for inp in inputs]
    theirs = [len(compact_json(parakeet_context(inp))) for inp in inputs]
    ratios = [a / b for a, b in zip(ours, theirs, strict=True)]
    return {
        "inputs": len(inputs),
        "prompt_version": PROMPT_VERSION,
        "context_chars": sum(ours),
        "parakeet_context_chars": sum(theirs),
        "ratio": round(sum(ours) / sum(theirs), 4),
        "ratio_median": round(statistics.median(ratios), 4),
        "ratio_max": round(max(ratios), 4),
        "system_chars": len(SYSTEM_PROMPT),
    }


def _guess_format(text: str) -> Format:
    from api.documents import Format  # noqa: PLC0415

    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return Format.NATIVE  # load_inputs reports the error
    first = data[0] if isinstance(data, list) and data else data
    return Format.PARAKEET if isinstance(first, dict) and "sessionId" in first else Format.NATIVE


def _default_bench_path() -> Path:
    if not DEFAULT_BENCH_INPUTS.is_file():  # an installed package carries no test fixtures
        raise _UsageError(
            f"default inputs {DEFAULT_BENCH_INPUTS} not found (run from a checkout): "
            "pass --input FILE"
        )
    return DEFAULT_BENCH_INPUTS


def _sqlite_exists(url: str) -> bool:
    from sqlalchemy.engine import make_url  # noqa: PLC0415

    path = make_url(url).database
    return path is None or path in ("", ":memory:") or Path(path).exists()


# --- commands ----------------------------------------------------------------------------------


@_command(
    "jit-engine generate --input examples/squat-heavy.json",
    "jit-engine generate --format parakeet < inputs.json",
    "jit-engine generate --strategy hybrid --adjustment adj.json --input in.json",
)
def generate(
    ctx: typer.Context,
    *,
    strategy: Annotated[
        str, typer.Option(metavar="NAME", help="formula | llm | hybrid | auto.")
    ] = "formula",
    fmt: Annotated[
        str, _choice_option("The JSON shape read and written.", *FORMATS, flag="--format")
    ] = "native",
    input_path: Annotated[
        Path | None,
        typer.Option("--input", metavar="FILE", help="A JSON file (default: standard input)."),
    ] = None,
    adjustment: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE",
            help="A JITAdjustment (for every input) or an array aligned with the inputs, "
            "used instead of the model.",
        ),
    ] = None,
    shadow: Annotated[
        bool, typer.Option("--shadow", help="hybrid: serve the formula, record the LLM.")
    ] = False,
    records: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE", help="Write each generation's call/comparison record (JSONL)."
        ),
    ] = None,
) -> int:
    """Prescribe sessions from JITInput JSON (one object, or an array in the same order)."""
    import asyncio  # noqa: PLC0415

    from api.documents import Format, dump_outputs, load_inputs, render_json  # noqa: PLC0415

    io = _streams(ctx)
    form = Format(fmt)
    registry = io.registry
    if adjustment is None:
        registry = registry or _configured_registry(strategy, shadow)
        registry.create(strategy)  # fail on an unknown name before reading anything
    inputs, as_array = load_inputs(_read(input_path, io.stdin), form)
    if adjustment is not None:
        registries = _fixed_registries(adjustment, io.stdin, form, len(inputs), shadow)
        registries[0].create(strategy)
    else:
        assert registry is not None
        registries = [registry] * len(inputs)
    results = asyncio.run(_generate_all(registries, strategy, inputs))
    if records is not None:
        _write_records(records, results)
    io.stdout.write(render_json(dump_outputs([r.output for r in results], form, as_array)))
    return EXIT_OK


@_command("jit-engine prompt --input examples/squat-heavy.json", "jit-engine prompt --stats")
def prompt(
    ctx: typer.Context,
    *,
    input_path: Annotated[
        Path | None,
        typer.Option("--input", metavar="FILE", help="A JSON file (default: standard input)."),
    ] = None,
    fmt: Annotated[
        str | None,
        _choice_option(
            "The input's JSON shape (default: guessed from the keys).", *FORMATS, flag="--format"
        ),
    ] = None,
    stats: Annotated[
        bool,
        typer.Option(
            "--stats",
            help="One line: our context size against parakeet's (default inputs: its 37 fixtures).",
        ),
    ] = False,
) -> int:
    """Print the messages the model would be sent."""
    from api.documents import Format, load_inputs, render_json  # noqa: PLC0415

    io = _streams(ctx)
    path = input_path
    if path is None and stats:
        path = _default_bench_path()
    text = _read(path, io.stdin)
    form = Format(fmt) if fmt else _guess_format(text)
    inputs, as_array = load_inputs(text, form)
    if stats:
        io.stdout.write(json.dumps(_prompt_stats(inputs)) + "\n")
        return EXIT_OK
    documents = [_prompt_document(inp) for inp in inputs]
    io.stdout.write(render_json(documents if as_array else documents[0]))
    return EXIT_OK


@_command("jit-engine bench", "jit-engine bench --input in.json --iterations 50")
def bench(
    ctx: typer.Context,
    *,
    input_path: Annotated[
        Path | None,
        typer.Option(
            "--input", metavar="FILE", help="A JSON array of inputs (default: parakeet's 37)."
        ),
    ] = None,
    fmt: Annotated[
        str,
        _choice_option(
            "The inputs' JSON shape (auto: parakeet's if it has sessionId).",
            "auto",
            *FORMATS,
            flag="--format",
        ),
    ] = "auto",
    iterations: Annotated[int, _int_option("Timed rounds over the inputs per measurement.")] = 200,
) -> int:
    """Time in-process formula generation; prints one JSON line (microseconds per session)."""
    from api.documents import Format, load_inputs  # noqa: PLC0415
    from benchmarks.engine import run_bench  # noqa: PLC0415
    from shared_types.inputs import JITInput  # noqa: PLC0415
    from shared_types.parakeet import input_from_parakeet  # noqa: PLC0415

    io = _streams(ctx)
    if iterations < 1:
        raise _UsageError("--iterations must be at least 1")
    text = _read(input_path or _default_bench_path(), io.stdin)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _UsageError(f"invalid JSON at line {exc.lineno}, column {exc.colno}") from None
    items = data if isinstance(data, list) else [data]
    if not items or not all(isinstance(item, dict) for item in items):
        raise _UsageError("bench needs a JSON object or a non-empty array of objects")
    if fmt == "auto":
        fmt = "parakeet" if "sessionId" in items[0] else "native"
    # Validate everything first so a bad item is reported like `generate` reports it.
    load_inputs(json.dumps(items), Format(fmt))
    parse = input_from_parakeet if fmt == "parakeet" else JITInput.model_validate
    with _progress(io.stderr, "bench", "rounds") as progress:
        result = run_bench(items, parse, iterations, progress=progress)
    io.stdout.write(json.dumps(result) + "\n")
    return EXIT_OK


@_command(
    "JIT_ADMIN_TOKEN=change-me jit-engine serve",
    "JIT_DATABASE_URL=postgresql+psycopg://... jit-engine serve --host 0.0.0.0 --workers 4",
)
def serve(
    host: Annotated[
        str, typer.Option(help="The address to listen on.", metavar="ADDRESS")
    ] = "127.0.0.1",
    port: Annotated[int, _int_option("The port to listen on.", flag="--port")] = 8000,
    quiet: Annotated[bool, typer.Option("--quiet", help="No access log.")] = False,
    workers: Annotated[int, _int_option("Worker processes (PostgreSQL only).")] = 1,
) -> int:
    """Run the HTTP API with uvicorn (settings from JIT_* environment variables)."""
    if not 0 < port < 65536:
        raise _UsageError("--port must be 1-65535")
    if not 1 <= workers <= 32:
        raise _UsageError("--workers must be 1-32")
    import uvicorn  # noqa: PLC0415

    from api.app import create_app  # noqa: PLC0415
    from api.settings import Settings  # noqa: PLC0415

    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": "warning" if quiet else "info",
        "access_log": not quiet,
    }
    if workers == 1:
        uvicorn.run(create_app(Settings()), **options)
        return EXIT_OK
    from api.persistence.db import Database  # noqa: PLC0415

    database = Database(Settings().database_url)
    if database.is_sqlite:
        raise _UsageError("--workers needs PostgreSQL: SQLite has a single writer")
    database.migrate()  # once, before the workers start
    database.dispose()
    uvicorn.run("api.app:create_worker_app", factory=True, workers=workers, **options)
    return EXIT_OK


@_command(
    "jit-engine bench-api --seconds 5",
    "jit-engine bench-api --db postgres --database-url postgresql+psycopg://... --workers 2",
    name="bench-api",
)
def bench_api(
    ctx: typer.Context,
    *,
    db: Annotated[
        str, _choice_option("The database kind (a fresh one per run).", "sqlite", "postgres")
    ] = "sqlite",
    clients: Annotated[int, _int_option("Concurrent clients (1-200).")] = 20,
    seconds: Annotated[
        float, _float_option("Seconds per measured phase (0-600).", metavar="S")
    ] = 10.0,
    database_url: Annotated[
        str | None,
        typer.Option(metavar="URL", help="The PostgreSQL server to use (loopback only)."),
    ] = None,
    workers: Annotated[int, _int_option("Server workers (PostgreSQL only).")] = 1,
) -> int:
    """Load-test the HTTP API on loopback; prints one JSON line (requests, latencies, CPU)."""
    if not 1 <= clients <= 200 or not 0 < seconds <= 600:
        raise _UsageError("--clients must be 1-200 and --seconds 0-600")
    from benchmarks.api_load import bench_api as run_bench_api  # noqa: PLC0415

    io = _streams(ctx)
    try:
        with _progress(io.stderr, "bench-api", "s") as progress:
            result = run_bench_api(db, clients, seconds, database_url, workers, progress=progress)
    except ValueError as exc:
        raise _UsageError(str(exc)) from None
    io.stdout.write(json.dumps(result) + "\n")
    return EXIT_OK


@_command("jit-engine bench-gate --lifters 50 --weeks 4 --seed 1", name="bench-gate")
def bench_gate(
    ctx: typer.Context,
    *,
    lifters: Annotated[int, _int_option("Simulated lifters (1-10000).")] = 200,
    weeks: Annotated[int, _int_option("Weeks per lifter (1-52).")] = 12,
    seed: Annotated[int, _int_option("The population's seed.")] = 7,
) -> int:
    """Measure auto's confidence gate over a simulated population (its coach as the model)."""
    if not 1 <= lifters <= 10_000 or not 1 <= weeks <= 52:
        raise _UsageError("--lifters must be 1-10000 and --weeks 1-52")
    import asyncio  # noqa: PLC0415
    import random  # noqa: PLC0415

    from benchmarks.routing import SimulatedLifter, measure_gate  # noqa: PLC0415
    from simulator.coach import SimulatedCoach  # noqa: PLC0415
    from simulator.daily import DailyLife  # noqa: PLC0415
    from simulator.lifter import make_lifter  # noqa: PLC0415

    def lifter(index: int, seed: int) -> SimulatedLifter:
        spec = make_lifter(index, seed, "mixed")
        life = DailyLife.start(spec.persona, random.Random(f"{spec.seed}:life"))
        return SimulatedLifter(spec.persona.sex, spec.persona.one_rm_kg, life)

    result = asyncio.run(measure_gate(lifters, weeks, seed, lifter, SimulatedCoach()))
    _streams(ctx).stdout.write(json.dumps(result) + "\n")
    return EXIT_OK


ON_OFF = ("on", "off")
OFF_ON = ("off", "on")


@_command(
    "jit-engine simulate --out runs/learn --lifters 50",
    "jit-engine simulate --out runs/no-learn --learning off --compare runs/learn",
    "jit-engine simulate --out runs/auto --strategy auto --bandit on --keep-db --no-plots",
)
def simulate(
    ctx: typer.Context,
    *,
    out: Annotated[
        Path,
        typer.Option(
            metavar="DIR",
            help="The folder for the results (sessions.jsonl, summary.json, charts).",
        ),
    ],
    lifters: Annotated[int, _int_option("Synthetic lifters (1-10000).")] = 20,
    weeks: Annotated[int, _int_option("Weeks per lifter (1-52).")] = 12,
    strategy: Annotated[
        str, _choice_option("The strategy every session asks for.", *STRATEGY_NAMES)
    ] = "formula",
    learning: Annotated[str, _choice_option("Outcomes teach the calibrations.", *ON_OFF)] = "on",
    population: Annotated[
        PopulationName,
        _choice_option(
            "The lifters' hidden truths: differing from the defaults, the defaults, or a mix.",
            *get_args(PopulationName),
        ),
    ] = "differs",
    seed: Annotated[int, _int_option("The population's seed.")] = 0,
    workers: Annotated[int, _int_option("Worker processes (1-32).")] = 1,
    rpe_table: Annotated[
        RpeTableName,
        _choice_option(
            "The lifters' RPE chart: RTS, or RTS anchored to the formula's targets.",
            *get_args(RpeTableName),
        ),
    ] = "rts",
    accept_suggestions: Annotated[
        str,
        _choice_option(
            "The lifters accept every pending load suggestion after each session.", *ON_OFF
        ),
    ] = "off",
    bandit: Annotated[
        str,
        _choice_option(
            "auto's contextual bandit (seeded by --seed); its posteriors live in each worker's "
            "database, so results depend on --workers: use one worker.",
            *ON_OFF,
        ),
    ] = "off",
    gate: Annotated[str, _choice_option("auto's confidence gate.", *ON_OFF)] = "on",
    record_rewards: Annotated[
        str,
        _choice_option(
            "Record each completed session's bandit context and reward (arm_reward).", *ON_OFF
        ),
    ] = "off",
    keep_db: Annotated[
        bool,
        typer.Option(
            "--keep-db",
            help="Keep the worker databases as OUT/worker-N.db (for jit-engine evaluate).",
        ),
    ] = False,
    coach: Annotated[
        CoachName,
        _choice_option(
            "The simulated model: simulated-coach-1 (v1) or simulated-coach-2 (v2, "
            "simulator/coach.py).",
            *get_args(CoachName),
        ),
    ] = "v1",
    rule_db: Annotated[
        Path | None,
        typer.Option(
            metavar="PATH",
            help="A SQLite database holding the distilled rule --activate-rule names.",
        ),
    ] = None,
    activate_rule: Annotated[
        str | None,
        typer.Option(
            metavar="ID",
            help="Activate this validated distilled rule (share 1.0) before the first session.",
        ),
    ] = None,
    compare: Annotated[
        list[Path] | None,
        typer.Option(
            metavar="DIR",
            help="An earlier simulate --out folder to overlay on the charts (repeatable).",
        ),
    ] = None,
    plots: Annotated[
        bool,
        typer.Option("--plots/--no-plots", help="Write PNG charts into --out after the run."),
    ] = True,
) -> int:
    """Drive synthetic lifters with hidden truths through the real services.

    Prints the weekly table and the summary; writes sessions.jsonl, summary.json and the PNG
    charts into --out (the chart paths on stderr). Progress: a bar on a terminal, plain lines
    otherwise."""
    if not 1 <= lifters <= 10_000 or not 1 <= weeks <= 52:
        raise _UsageError("--lifters must be 1-10000 and --weeks 1-52")
    if not 1 <= workers <= 32:
        raise _UsageError("--workers must be 1-32")
    if out.exists() and not out.is_dir():
        raise _UsageError(f"--out {out} exists and is not a folder")
    if (rule_db is None) != (activate_rule is None):
        raise _UsageError("--rule-db and --activate-rule go together")
    if rule_db is not None and not rule_db.is_file():
        raise _UsageError(f"--rule-db {rule_db} is not a file")
    earlier = list(compare or ())
    for folder in earlier:
        if not (folder / "summary.json").is_file():
            raise _UsageError(f"--compare {folder} holds no summary.json (a simulate --out)")
    from simulator.command import simulate_command  # noqa: PLC0415
    from simulator.run import RunConfig  # noqa: PLC0415

    io = _streams(ctx)
    config = RunConfig(
        lifters=lifters,
        weeks=weeks,
        strategy=strategy,
        learning=learning == "on",
        population=population,
        seed=seed,
        workers=min(workers, lifters),
        rpe_table=rpe_table,
        accept_suggestions=accept_suggestions == "on",
        bandit=bandit == "on",
        gate=gate == "on",
        record_rewards=record_rewards == "on",
        keep_db=str(out) if keep_db else None,
        coach=coach,
        active_rule=(str(rule_db), activate_rule) if activate_rule is not None else None,
    )
    with _progress(io.stderr, "lifters") as progress:
        simulate_command(config, out, io.stdout, io.stderr, progress=progress)
    if plots:
        from api.reporting.plots import write_simulation_plots  # noqa: PLC0415

        for chart in write_simulation_plots(out, earlier):
            io.stderr.write(f"chart {chart}\n")
    return EXIT_OK


@_command(
    "jit-engine evaluate --candidate formula",
    "jit-engine evaluate --database-url sqlite:///runs/auto/worker-0.db --format json",
)
def evaluate(
    ctx: typer.Context,
    *,
    candidate: Annotated[
        str,
        _choice_option(
            "The routing policy to estimate: the bandit's greedy choice, always the formula, "
            "or always the model.",
            "greedy",
            "formula",
            "model",
        ),
    ] = "greedy",
    policy_version: Annotated[
        str | None,
        typer.Option(metavar="V", help="Only this policy's decisions (default: all)."),
    ] = None,
    since: Annotated[datetime | None, _date_option("From this UTC date (YYYY-MM-DD).")] = None,
    until: Annotated[datetime | None, _date_option("Before this UTC date (YYYY-MM-DD).")] = None,
    seed: Annotated[int, _int_option("The bootstrap's seed.")] = 0,
    n_boot: Annotated[int, _int_option("Bootstrap resamples (1-100000).")] = 1000,
    min_ess: Annotated[float, _float_option("Refuse below this effective sample size.")] = 30.0,
    max_weight: Annotated[
        float, _float_option("Refuse when a row's importance weight is above this.")
    ] = 20.0,
    max_unsupported: Annotated[
        float,
        _float_option(
            "The share of rows whose context never logged the candidate's action that may be "
            "accepted (default 0: refuse)."
        ),
    ] = 0.0,
    fmt: Annotated[
        str, _choice_option("A table or a JSON document.", "table", "json", flag="--format")
    ] = "table",
    database_url: Annotated[str | None, typer.Option(metavar="URL", help=DATABASE_URL_HELP)] = None,
) -> int:
    """Estimate a routing policy offline from the bandit's logged decisions.

    IPS, self-normalised IPS and doubly robust, with bootstrap intervals; or why the logs cannot
    tell (exit 3, the reason on stdout)."""
    if not 1 <= n_boot <= 100_000:
        raise _UsageError("--n-boot must be 1-100000")
    if min_ess < 0 or max_weight <= 0 or not 0 <= max_unsupported <= 1:
        raise _UsageError("--min-ess must be >= 0, --max-weight > 0, --max-unsupported 0-1")
    from sqlalchemy.exc import DBAPIError  # noqa: PLC0415

    from api.evaluation import run_evaluation  # noqa: PLC0415
    from api.persistence.db import Database  # noqa: PLC0415
    from api.settings import Settings  # noqa: PLC0415

    io = _streams(ctx)
    url = database_url or Settings().database_url
    if url.startswith("sqlite") and not _sqlite_exists(url):
        raise _UsageError(f"no database at {url}")
    database = Database(url)
    try:
        with _progress(io.stderr, "bootstrap", "resamples") as progress:
            report = run_evaluation(
                database,
                candidate=candidate,
                policy_version=policy_version,
                since=since,
                until=until,
                seed=seed,
                n_boot=n_boot,
                min_ess=min_ess,
                max_weight=max_weight,
                max_unsupported=max_unsupported,
                progress=progress,
            )
    except DBAPIError as exc:
        raise _UsageError(f"cannot read the bandit's decisions: {exc.orig}") from None
    finally:
        database.dispose()
    if fmt == "json":
        io.stdout.write(json.dumps(report.document(), indent=2) + "\n")
    else:
        io.stdout.write(report.table())
    return EXIT_REFUSED if report.evaluation.refused else EXIT_OK


@_command(
    "jit-engine oracle",
    "jit-engine oracle --days 7 --format json",
    "jit-engine oracle --since 2026-01-01 --until 2026-02-01",
)
def oracle(
    ctx: typer.Context,
    *,
    since: Annotated[datetime | None, _date_option("From this UTC date (YYYY-MM-DD).")] = None,
    until: Annotated[datetime | None, _date_option("Before this UTC date (YYYY-MM-DD).")] = None,
    days: Annotated[
        int | None,
        _int_option("The days before --until (1-366; default: JIT_ORACLE__PERIOD_DAYS)."),
    ] = None,
    fmt: Annotated[
        str, _choice_option("A table or a JSON document.", "table", "json", flag="--format")
    ] = "table",
    database_url: Annotated[str | None, typer.Option(metavar="URL", help=DATABASE_URL_HELP)] = None,
) -> int:
    """Recommend routing changes and distil model rules from the logged model calls.

    Stored as a run with its evidence; nothing is activated."""
    if days is not None and not 1 <= days <= 366:
        raise _UsageError("--days must be 1-366")
    if days is not None and since is not None:
        raise _UsageError("give --since or --days, not both")
    from datetime import UTC, timedelta  # noqa: PLC0415

    from sqlalchemy.exc import DBAPIError  # noqa: PLC0415

    from api.errors import ApiError  # noqa: PLC0415
    from api.persistence.db import Database  # noqa: PLC0415
    from api.services.oracle import run_now, run_table  # noqa: PLC0415
    from api.settings import Settings  # noqa: PLC0415

    io = _streams(ctx)
    settings = Settings()
    url = database_url or settings.database_url
    if url.startswith("sqlite") and not _sqlite_exists(url):
        raise _UsageError(f"no database at {url}")
    now = datetime.now(UTC)
    end = until or now
    start = since or (None if days is None else end - timedelta(days=days))
    database = Database(url)
    try:
        with _progress(io.stderr, "oracle", "contexts") as progress:
            run = run_now(
                database,
                settings,
                trigger="cli",
                now=now,
                since=start,
                until=end,
                progress=progress,
            )
    except ApiError as exc:
        raise _UsageError(exc.message) from None
    except DBAPIError as exc:
        raise _UsageError(f"cannot read the logged calls or store the run: {exc.orig}") from None
    finally:
        database.dispose()
    if fmt == "json":
        io.stdout.write(run.model_dump_json(indent=2) + "\n")
    else:
        io.stdout.write(run_table(run))
    return EXIT_OK


@_command(
    "jit-engine report --days 7",
    "jit-engine report --since 2026-01-01 --lift squat --format json",
    "jit-engine report --rollout R --plots charts/",
)
def report(
    ctx: typer.Context,
    *,
    since: Annotated[datetime | None, _date_option("From this UTC date (YYYY-MM-DD).")] = None,
    until: Annotated[datetime | None, _date_option("Before this UTC date (YYYY-MM-DD).")] = None,
    days: Annotated[int | None, _int_option("The days before --until.")] = None,
    lifter: Annotated[
        str | None, typer.Option(metavar="ID", help="Only this lifter's generations.")
    ] = None,
    lift: Annotated[
        str | None, _choice_option("Only this main lift.", "squat", "bench", "deadlift")
    ] = None,
    rollout: Annotated[
        str | None, typer.Option(metavar="ID", help="Only this rollout's generations.")
    ] = None,
    fmt: Annotated[
        str,
        _choice_option("A terminal table or a JSON document.", "table", "json", flag="--format"),
    ] = "table",
    plots: Annotated[
        Path | None,
        typer.Option(metavar="DIR", help="Also write the report's PNG charts into this folder."),
    ] = None,
    database_url: Annotated[str | None, typer.Option(metavar="URL", help=DATABASE_URL_HELP)] = None,
) -> int:
    """Summarise a period from the database: cost, routes, latency, quality, rollouts.

    Generations by strategy, route and fallback; model calls, tokens and cost against an
    always-llm baseline; cache hits; latency per stage; outcome quality; each rollout's SLOs."""
    from api.reporting.command import run_report  # noqa: PLC0415

    io = _streams(ctx)
    console = _console(io.stdout)
    try:
        return run_report(
            database_url=database_url,
            since=since,
            until=until,
            days=days,
            lifter=lifter,
            lift=lift,
            rollout=rollout,
            fmt=fmt,
            plots_dir=plots,
            stdout=io.stdout,
            color=console.is_terminal and not console.no_color,
        )
    except ValueError as exc:
        raise _UsageError(str(exc)) from None


# --- the entry point ---------------------------------------------------------------------------


def _usage_error(exc: Any, stderr: TextIO) -> None:
    """A typer/click usage error as argparse printed it: the problem, then the usage line and
    where the help is."""
    _error(stderr, exc.format_message())
    context = getattr(exc, "ctx", None)
    if context is not None:
        stderr.write(f"{context.get_usage()}\n")
        stderr.write(f"Try '{context.command_path} --help' for help.\n")


def main(
    argv: Sequence[str] | None = None,
    *,
    registry: StrategyRegistry | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run one command; the exit code (never raises, never prints a traceback)."""
    streams = _Streams(
        registry=registry,
        stdin=stdin or sys.stdin,
        stdout=stdout or sys.stdout,
        stderr=stderr or sys.stderr,
    )
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        from api.documents import DocumentError  # noqa: PLC0415
        from training_engine.strategies import UnknownStrategyError  # noqa: PLC0415

        command = typer.main.get_command(app)
        try:
            # --help is printed on sys.stdout by typer: send it to the given stream.
            with contextlib.redirect_stdout(streams.stdout):
                code = command.main(args, prog_name=PROG, standalone_mode=False, obj=streams)
        except DocumentError as exc:
            streams.stderr.write(f"{PROG}: invalid input ({len(exc.problems)} problem(s)):\n")
            for problem in exc.problems:
                streams.stderr.write(f"  {problem}\n")
            return EXIT_USAGE
        except UnknownStrategyError as exc:
            raise _UsageError(str(exc)) from None
    except _UsageError as exc:
        _error(streams.stderr, str(exc))
        return EXIT_USAGE
    except typer.TyperException as exc:  # click's usage errors (exit 2) and its others (1)
        _usage_error(exc, streams.stderr)
        return EXIT_USAGE if exc.exit_code == EXIT_USAGE else EXIT_INTERNAL
    except (KeyboardInterrupt, typer.Abort):
        code = EXIT_INTERRUPTED
    except Exception as exc:  # the promise: never a traceback
        _error(streams.stderr, f"internal error: {type(exc).__name__}: {exc}")
        return EXIT_INTERNAL
    if code == EXIT_INTERRUPTED:  # typer turns an interrupt inside a command into Exit(130)
        _error(streams.stderr, "interrupted")
    return int(code) if code is not None else EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
