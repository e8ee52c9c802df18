"""`jit-engine`: generate sessions from JSON, show the model's prompt, and time the engine.

    jit-engine generate [--strategy formula|llm|hybrid|auto] [--format native|parakeet]
                        [--input FILE] [--adjustment FILE] [--shadow] [--records FILE]
    jit-engine prompt [--input FILE] [--format native|parakeet] [--stats]
    jit-engine bench [--input FILE] [--format auto|native|parakeet] [--iterations N]
    jit-engine serve [--host 127.0.0.1] [--port 8000] [--workers 1]
    jit-engine bench-api [--db sqlite|postgres] [--clients 20] [--seconds 10]
                         [--database-url URL] [--workers 1]
    jit-engine simulate --out DIR [--lifters 20] [--weeks 12] [--strategy formula|llm|hybrid|auto]
                        [--learning on|off] [--population differs|defaults|mixed] [--seed 0]
                        [--workers 1] [--rpe-table rts|anchored] [--accept-suggestions off|on]
                        [--bandit off|on] [--gate on|off] [--record-rewards off|on]
                        [--keep-db] [--coach v1|v2] [--rule-db PATH --activate-rule ID]
    jit-engine bench-gate [--lifters 200] [--weeks 12] [--seed 7]
    jit-engine evaluate [--candidate greedy|formula|model] [--policy-version V]
                        [--since DATE] [--until DATE] [--seed 0] [--n-boot 1000]
                        [--min-ess 30] [--max-weight 20] [--max-unsupported 0]
                        [--format table|json]
                        [--database-url URL]
    jit-engine oracle [--since DATE] [--until DATE] [--days N] [--format table|json]
                      [--database-url URL]

`serve` runs the HTTP API (settings from the environment: JIT_DATABASE_URL, JIT_ADMIN_TOKEN);
the database is created and migrated on start (`--workers N`, PostgreSQL only: migrated once,
then N uvicorn workers). `bench-api` measures it on loopback. `simulate` drives synthetic
lifters with hidden truths through the real services on temporary databases (simulator/).
`bench-gate` measures `auto`'s confidence gate over the simulator's daily life, with its coach
as the model (benchmarks/routing.py). `evaluate` estimates, from the bandit's logged and
rewarded decisions, what a candidate routing policy would have earned (IPS, self-normalised
IPS, doubly robust, with bootstrap intervals), or says why the logs cannot tell (api/evaluation.py).
`oracle` runs the optimisation oracle on the logged model calls (default the last
JIT_ORACLE__PERIOD_DAYS days): its recommendations with their evidence, and the rules it
distilled with their validation, stored as a run (api/services/oracle.py; nothing is activated).

`llm`, `hybrid` and `auto` use the provider in the environment (`JIT_LLM__*`, see
`api/settings.py`); `--adjustment FILE` replaces the model with a fixed source: one adjustment
for every input, or an array aligned with the inputs (a stored session replayed offline).

Exit codes: 0 success; 2 unusable input or arguments (each problem on stderr with its field
path, nothing on stdout); 3 `evaluate` refused (the logs cannot support the candidate: the
reason on stdout); 1 an unexpected internal error (one line on stderr, no traceback).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

# Each command imports what it needs when it runs: `--help` and the formula load no provider
# SDK, web framework or database layer (tests/cli/test_cli_imports.py).
if TYPE_CHECKING:
    from collections.abc import Callable

    from api.documents import Format
    from shared_types.inputs import JITInput
    from shared_types.llm import GenerationResult
    from training_engine.strategies import StrategyRegistry

__all__ = ["main"]

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USAGE = 2
EXIT_REFUSED = 3
STRATEGY_NAMES = ("formula", "llm", "hybrid", "auto")
FORMATS = ("native", "parakeet")  # api.documents.Format, spelled here so --help loads no model
# Parakeet's 37 inputs, kept in the repository (tests/fixtures/parakeet/README.md).
DEFAULT_BENCH_INPUTS = (
    Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "parakeet" / "inputs.json"
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse would print usage and exit 2 itself
        self.print_usage(sys.stderr)
        raise _UsageError(message)


class _UsageError(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="jit-engine", description=__doc__.splitlines()[0] if __doc__ else None)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    generate = commands.add_parser("generate", help="prescribe sessions from JITInput JSON")
    generate.add_argument(
        "--strategy", default="formula", help="formula | llm | hybrid | auto (default: formula)"
    )
    generate.add_argument("--format", choices=FORMATS, default="native")
    generate.add_argument("--input", type=Path, help="JSON file (default: standard input)")
    generate.add_argument(
        "--adjustment",
        type=Path,
        help="a JITAdjustment (for every input) or an array aligned with the inputs, "
        "used instead of the model",
    )
    generate.add_argument(
        "--shadow", action="store_true", help="hybrid: serve the formula, record the LLM"
    )
    generate.add_argument(
        "--records", type=Path, help="write each generation's call/comparison record (JSONL)"
    )

    prompt = commands.add_parser("prompt", help="print the messages the model would be sent")
    prompt.add_argument("--input", type=Path, help="JSON file (default: standard input)")
    prompt.add_argument("--format", choices=FORMATS, default=None)
    prompt.add_argument(
        "--stats",
        action="store_true",
        help="one line: our context size against parakeet's (default inputs: its 37 fixtures)",
    )

    bench = commands.add_parser("bench", help="time in-process formula generation")
    bench.add_argument("--input", type=Path, help="JSON array of inputs (default: parakeet's)")
    bench.add_argument("--format", choices=["auto", *FORMATS], default="auto")
    bench.add_argument("--iterations", type=int, default=200)

    serve = commands.add_parser("serve", help="run the HTTP API with uvicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--quiet", action="store_true", help="no access log")
    serve.add_argument("--workers", type=int, default=1, help="worker processes (PostgreSQL)")

    bench_api = commands.add_parser("bench-api", help="load-test the HTTP API on loopback")
    bench_api.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    bench_api.add_argument("--clients", type=int, default=20)
    bench_api.add_argument("--seconds", type=float, default=10.0)
    bench_api.add_argument("--database-url", help="PostgreSQL server to use (loopback only)")
    bench_api.add_argument("--workers", type=int, default=1, help="server workers (PostgreSQL)")
    _simulate_parser(commands)
    return parser


def _simulate_parser(commands: Any) -> None:
    gate = commands.add_parser(
        "bench-gate", help="measure the confidence gate over a simulated population"
    )
    gate.add_argument("--lifters", type=int, default=200)
    gate.add_argument("--weeks", type=int, default=12)
    gate.add_argument("--seed", type=int, default=7)
    simulate = commands.add_parser("simulate", help="synthetic lifters through the services")
    simulate.add_argument("--lifters", type=int, default=20)
    simulate.add_argument("--weeks", type=int, default=12)
    simulate.add_argument("--strategy", choices=STRATEGY_NAMES, default="formula")
    simulate.add_argument("--learning", choices=("on", "off"), default="on")
    simulate.add_argument(
        "--population", choices=("differs", "defaults", "mixed"), default="differs"
    )
    simulate.add_argument("--seed", type=int, default=0)
    simulate.add_argument("--out", type=Path, required=True, help="folder for the results")
    simulate.add_argument("--workers", type=int, default=1, help="worker processes")
    simulate.add_argument(
        "--rpe-table",
        choices=("rts", "anchored"),
        default="rts",
        help="the lifters' RPE chart: RTS, or RTS anchored to the formula's targets",
    )
    simulate.add_argument(
        "--accept-suggestions",
        choices=("on", "off"),
        default="off",
        help="the lifters accept every pending load suggestion after each session",
    )
    simulate.add_argument(
        "--bandit",
        choices=("on", "off"),
        default="off",
        help="auto's contextual bandit (seeded by --seed); its posteriors live in each "
        "worker's database, so results depend on --workers: use one worker",
    )
    simulate.add_argument(
        "--gate", choices=("on", "off"), default="on", help="auto's confidence gate"
    )
    simulate.add_argument(
        "--record-rewards",
        choices=("on", "off"),
        default="off",
        help="record each completed session's bandit context and reward (arm_reward)",
    )
    simulate.add_argument(
        "--keep-db",
        action="store_true",
        help="keep the worker databases as OUT/worker-N.db (for jit-engine evaluate)",
    )
    simulate.add_argument(
        "--coach",
        choices=("v1", "v2"),
        default="v1",
        help="the simulated model: simulated-coach-1 (v1) or simulated-coach-2 (v2, "
        "simulator/coach.py)",
    )
    simulate.add_argument(
        "--rule-db",
        type=Path,
        help="a SQLite database holding the distilled rule --activate-rule names",
    )
    simulate.add_argument(
        "--activate-rule",
        metavar="ID",
        help="activate this validated distilled rule (share 1.0) before the first session",
    )

    evaluate = commands.add_parser(
        "evaluate", help="estimate a routing policy offline from the bandit's logged decisions"
    )
    evaluate.add_argument("--candidate", choices=("greedy", "formula", "model"), default="greedy")
    evaluate.add_argument("--policy-version", help="only this policy's decisions (default: all)")
    evaluate.add_argument("--since", type=_date_arg, help="from this UTC date (YYYY-MM-DD)")
    evaluate.add_argument("--until", type=_date_arg, help="before this UTC date (YYYY-MM-DD)")
    evaluate.add_argument("--seed", type=int, default=0, help="the bootstrap's seed")
    evaluate.add_argument("--n-boot", type=int, default=1000, help="bootstrap resamples")
    evaluate.add_argument("--min-ess", type=float, default=30.0)
    evaluate.add_argument("--max-weight", type=float, default=20.0)
    evaluate.add_argument(
        "--max-unsupported",
        type=float,
        default=0.0,
        help="the share of rows whose context never logged the candidate's action that may be "
        "accepted (default 0: refuse)",
    )
    evaluate.add_argument("--format", choices=("table", "json"), default="table")
    evaluate.add_argument("--database-url", help="default: JIT_DATABASE_URL or the embedded file")

    oracle = commands.add_parser(
        "oracle", help="recommend routing changes and distil model rules from the logged calls"
    )
    oracle.add_argument("--since", type=_date_arg, help="from this UTC date (YYYY-MM-DD)")
    oracle.add_argument("--until", type=_date_arg, help="before this UTC date (YYYY-MM-DD)")
    oracle.add_argument(
        "--days", type=int, help="the days before --until (default: JIT_ORACLE__PERIOD_DAYS)"
    )
    oracle.add_argument("--format", choices=("table", "json"), default="table")
    oracle.add_argument("--database-url", help="default: JIT_DATABASE_URL or the embedded file")


def _date_arg(text: str) -> Any:
    from datetime import UTC, datetime  # noqa: PLC0415

    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


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


def _cmd_generate(
    args: argparse.Namespace,
    registry: StrategyRegistry | None,
    stdin: TextIO,
    stdout: TextIO,
) -> int:
    import asyncio  # noqa: PLC0415

    from api.documents import Format, dump_outputs, load_inputs, render_json  # noqa: PLC0415

    fmt = Format(args.format)
    if args.adjustment is None:
        registry = registry or _configured_registry(args.strategy, args.shadow)
        registry.create(args.strategy)  # fail on an unknown name before reading anything
    inputs, as_array = load_inputs(_read(args.input, stdin), fmt)
    if args.adjustment is not None:
        registries = _fixed_registries(args.adjustment, stdin, fmt, len(inputs), args.shadow)
        registries[0].create(args.strategy)
    else:
        assert registry is not None
        registries = [registry] * len(inputs)
    results = asyncio.run(_generate_all(registries, args.strategy, inputs))
    if args.records is not None:
        _write_records(args.records, results)
    stdout.write(render_json(dump_outputs([r.output for r in results], fmt, as_array)))
    return EXIT_OK


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


def _cmd_prompt(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from api.documents import Format, load_inputs, render_json  # noqa: PLC0415

    path = args.input
    if path is None and args.stats:
        path = _default_bench_path()
    text = _read(path, stdin)
    fmt = Format(args.format) if args.format else _guess_format(text)
    inputs, as_array = load_inputs(text, fmt)
    if args.stats:
        stdout.write(json.dumps(_prompt_stats(inputs)) + "\n")
        return EXIT_OK
    documents = [_prompt_document(inp) for inp in inputs]
    stdout.write(render_json(documents if as_array else documents[0]))
    return EXIT_OK


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


def _cmd_bench(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    from api.documents import Format, load_inputs  # noqa: PLC0415
    from benchmarks.engine import run_bench  # noqa: PLC0415
    from shared_types.inputs import JITInput  # noqa: PLC0415
    from shared_types.parakeet import input_from_parakeet  # noqa: PLC0415

    if args.iterations < 1:
        raise _UsageError("--iterations must be at least 1")
    text = _read(args.input or _default_bench_path(), stdin)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _UsageError(f"invalid JSON at line {exc.lineno}, column {exc.colno}") from None
    items = data if isinstance(data, list) else [data]
    if not items or not all(isinstance(item, dict) for item in items):
        raise _UsageError("bench needs a JSON object or a non-empty array of objects")
    fmt = args.format
    if fmt == "auto":
        fmt = "parakeet" if "sessionId" in items[0] else "native"
    # Validate everything first so a bad item is reported like `generate` reports it.
    load_inputs(json.dumps(items), Format(fmt))
    parse = input_from_parakeet if fmt == "parakeet" else JITInput.model_validate
    result = run_bench(items, parse, args.iterations)
    stdout.write(json.dumps(result) + "\n")
    return EXIT_OK


def _cmd_serve(args: argparse.Namespace) -> int:
    if not 0 < args.port < 65536:
        raise _UsageError("--port must be 1-65535")
    if not 1 <= args.workers <= 32:
        raise _UsageError("--workers must be 1-32")
    import uvicorn  # noqa: PLC0415

    from api.app import create_app  # noqa: PLC0415
    from api.settings import Settings  # noqa: PLC0415

    options: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "log_level": "warning" if args.quiet else "info",
        "access_log": not args.quiet,
    }
    if args.workers == 1:
        uvicorn.run(create_app(Settings()), **options)
        return EXIT_OK
    from api.persistence.db import Database  # noqa: PLC0415

    database = Database(Settings().database_url)
    if database.is_sqlite:
        raise _UsageError("--workers needs PostgreSQL: SQLite has a single writer")
    database.migrate()  # once, before the workers start
    database.dispose()
    uvicorn.run("api.app:create_worker_app", factory=True, workers=args.workers, **options)
    return EXIT_OK


def _cmd_bench_api(args: argparse.Namespace, stdout: TextIO) -> int:
    if not 1 <= args.clients <= 200 or not 0 < args.seconds <= 600:
        raise _UsageError("--clients must be 1-200 and --seconds 0-600")
    from benchmarks.api_load import bench_api  # noqa: PLC0415

    try:
        result = bench_api(args.db, args.clients, args.seconds, args.database_url, args.workers)
    except ValueError as exc:
        raise _UsageError(str(exc)) from None
    stdout.write(json.dumps(result) + "\n")
    return EXIT_OK


def _cmd_bench_gate(args: argparse.Namespace, stdout: TextIO) -> int:
    """The gate's savings over the simulator's daily life, with its coach as the model."""
    if not 1 <= args.lifters <= 10_000 or not 1 <= args.weeks <= 52:
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

    result = asyncio.run(
        measure_gate(args.lifters, args.weeks, args.seed, lifter, SimulatedCoach())
    )
    stdout.write(json.dumps(result) + "\n")
    return EXIT_OK


def _cmd_simulate(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    if not 1 <= args.lifters <= 10_000 or not 1 <= args.weeks <= 52:
        raise _UsageError("--lifters must be 1-10000 and --weeks 1-52")
    if not 1 <= args.workers <= 32:
        raise _UsageError("--workers must be 1-32")
    if args.out.exists() and not args.out.is_dir():
        raise _UsageError(f"--out {args.out} exists and is not a folder")
    if (args.rule_db is None) != (args.activate_rule is None):
        raise _UsageError("--rule-db and --activate-rule go together")
    if args.rule_db is not None and not args.rule_db.is_file():
        raise _UsageError(f"--rule-db {args.rule_db} is not a file")
    from simulator.command import simulate_command  # noqa: PLC0415
    from simulator.run import RunConfig  # noqa: PLC0415

    config = RunConfig(
        lifters=args.lifters,
        weeks=args.weeks,
        strategy=args.strategy,
        learning=args.learning == "on",
        population=args.population,
        seed=args.seed,
        workers=min(args.workers, args.lifters),
        rpe_table=args.rpe_table,
        accept_suggestions=args.accept_suggestions == "on",
        bandit=args.bandit == "on",
        gate=args.gate == "on",
        record_rewards=args.record_rewards == "on",
        keep_db=str(args.out) if args.keep_db else None,
        coach=args.coach,
        active_rule=(
            (str(args.rule_db), args.activate_rule) if args.activate_rule is not None else None
        ),
    )
    simulate_command(config, args.out, stdout, stderr)
    return EXIT_OK


def _sqlite_exists(url: str) -> bool:
    from sqlalchemy.engine import make_url  # noqa: PLC0415

    path = make_url(url).database
    return path is None or path in ("", ":memory:") or Path(path).exists()


def _cmd_evaluate(args: argparse.Namespace, stdout: TextIO) -> int:
    if not 1 <= args.n_boot <= 100_000:
        raise _UsageError("--n-boot must be 1-100000")
    if args.min_ess < 0 or args.max_weight <= 0 or not 0 <= args.max_unsupported <= 1:
        raise _UsageError("--min-ess must be >= 0, --max-weight > 0, --max-unsupported 0-1")
    from sqlalchemy.exc import DBAPIError  # noqa: PLC0415

    from api.evaluation import run_evaluation  # noqa: PLC0415
    from api.persistence.db import Database  # noqa: PLC0415
    from api.settings import Settings  # noqa: PLC0415

    url = args.database_url or Settings().database_url
    if url.startswith("sqlite") and not _sqlite_exists(url):
        raise _UsageError(f"no database at {url}")
    database = Database(url)
    try:
        report = run_evaluation(
            database,
            candidate=args.candidate,
            policy_version=args.policy_version,
            since=args.since,
            until=args.until,
            seed=args.seed,
            n_boot=args.n_boot,
            min_ess=args.min_ess,
            max_weight=args.max_weight,
            max_unsupported=args.max_unsupported,
        )
    except DBAPIError as exc:
        raise _UsageError(f"cannot read the bandit's decisions: {exc.orig}") from None
    finally:
        database.dispose()
    if args.format == "json":
        stdout.write(json.dumps(report.document(), indent=2) + "\n")
    else:
        stdout.write(report.table())
    return EXIT_REFUSED if report.evaluation.refused else EXIT_OK


def _cmd_oracle(args: argparse.Namespace, stdout: TextIO) -> int:
    if args.days is not None and not 1 <= args.days <= 366:
        raise _UsageError("--days must be 1-366")
    if args.days is not None and args.since is not None:
        raise _UsageError("give --since or --days, not both")
    from datetime import UTC, datetime, timedelta  # noqa: PLC0415

    from sqlalchemy.exc import DBAPIError  # noqa: PLC0415

    from api.errors import ApiError  # noqa: PLC0415
    from api.persistence.db import Database  # noqa: PLC0415
    from api.services.oracle import run_now, run_table  # noqa: PLC0415
    from api.settings import Settings  # noqa: PLC0415

    settings = Settings()
    url = args.database_url or settings.database_url
    if url.startswith("sqlite") and not _sqlite_exists(url):
        raise _UsageError(f"no database at {url}")
    now = datetime.now(UTC)
    until = args.until or now
    since = args.since or (None if args.days is None else until - timedelta(days=args.days))
    database = Database(url)
    try:
        run = run_now(database, settings, trigger="cli", now=now, since=since, until=until)
    except ApiError as exc:
        raise _UsageError(exc.message) from None
    except DBAPIError as exc:
        raise _UsageError(f"cannot read the logged calls or store the run: {exc.orig}") from None
    finally:
        database.dispose()
    if args.format == "json":
        stdout.write(run.model_dump_json(indent=2) + "\n")
    else:
        stdout.write(run_table(run))
    return EXIT_OK


def _run(
    args: argparse.Namespace,
    registry: StrategyRegistry | None,
    stdin: TextIO,
    stdout: TextIO,
    stderr: TextIO,
) -> int:
    from api.documents import DocumentError  # noqa: PLC0415
    from training_engine.strategies import UnknownStrategyError  # noqa: PLC0415

    try:
        if args.command == "generate":
            return _cmd_generate(args, registry, stdin, stdout)
        if args.command == "prompt":
            return _cmd_prompt(args, stdin, stdout)
        if args.command == "serve":
            return _cmd_serve(args)
        if args.command == "bench-api":
            return _cmd_bench_api(args, stdout)
        if args.command == "simulate":
            return _cmd_simulate(args, stdout, stderr)
        if args.command == "bench-gate":
            return _cmd_bench_gate(args, stdout)
        if args.command == "evaluate":
            return _cmd_evaluate(args, stdout)
        if args.command == "oracle":
            return _cmd_oracle(args, stdout)
        return _cmd_bench(args, stdin, stdout)
    except DocumentError as exc:
        stderr.write(f"jit-engine: invalid input ({len(exc.problems)} problem(s)):\n")
        for problem in exc.problems:
            stderr.write(f"  {problem}\n")
        return EXIT_USAGE
    except UnknownStrategyError as exc:
        raise _UsageError(str(exc)) from None


def main(
    argv: Sequence[str] | None = None,
    *,
    registry: StrategyRegistry | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    try:
        args = _parser().parse_args(argv)
        return _run(args, registry, stdin, stdout, stderr)
    except _UsageError as exc:
        stderr.write(f"jit-engine: {exc}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        stderr.write("jit-engine: interrupted\n")
        return 130
    except Exception as exc:  # the promise: never a traceback
        stderr.write(f"jit-engine: internal error: {type(exc).__name__}: {exc}\n")
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
