"""`jit-engine`: generate sessions from JSON, and time the engine.

    jit-engine generate [--strategy formula] [--format native|parakeet] [--input FILE]
    jit-engine bench [--input FILE] [--format auto|native|parakeet] [--iterations N]
    jit-engine serve [--host 127.0.0.1] [--port 8000]
    jit-engine bench-api [--db sqlite|postgres] [--clients 20] [--seconds 10] [--database-url URL]

`serve` runs the HTTP API (settings from the environment: JIT_DATABASE_URL, JIT_ADMIN_TOKEN);
the database is created and migrated on start. `bench-api` measures it on loopback.

Exit codes: 0 success; 2 unusable input or arguments (each problem on stderr with its field
path, nothing on stdout); 1 an unexpected internal error (one line on stderr, no traceback).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

import uvicorn

from api.app import create_app
from api.bench import run_bench
from api.bench_api import bench_api
from api.documents import DocumentError, Format, dump_outputs, load_inputs, render_json
from api.settings import Settings
from shared_types.inputs import JITInput
from shared_types.outputs import JITOutput
from shared_types.parakeet import input_from_parakeet
from training_engine.strategies import StrategyRegistry, UnknownStrategyError, default_registry

__all__ = ["main"]

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USAGE = 2
DEFAULT_BENCH_INPUTS = Path("shared") / "acceptance" / "parakeet" / "inputs.json"


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
    generate.add_argument("--strategy", default="formula", help="strategy name (default: formula)")
    generate.add_argument(
        "--format", choices=[f.value for f in Format], default=Format.NATIVE.value
    )
    generate.add_argument("--input", type=Path, help="JSON file (default: standard input)")

    bench = commands.add_parser("bench", help="time in-process formula generation")
    bench.add_argument("--input", type=Path, help="JSON array of inputs (default: parakeet's)")
    bench.add_argument("--format", choices=["auto", "native", "parakeet"], default="auto")
    bench.add_argument("--iterations", type=int, default=200)

    serve = commands.add_parser("serve", help="run the HTTP API with uvicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--quiet", action="store_true", help="no access log")

    bench_api = commands.add_parser("bench-api", help="load-test the HTTP API on loopback")
    bench_api.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    bench_api.add_argument("--clients", type=int, default=20)
    bench_api.add_argument("--seconds", type=float, default=10.0)
    bench_api.add_argument("--database-url", help="PostgreSQL server to use (loopback only)")
    return parser


def _read(path: Path | None, stdin: TextIO) -> str:
    if path is None:
        return stdin.read()
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise _UsageError(f"cannot read {path}: {exc.strerror or exc}") from None


async def _generate_all(
    registry: StrategyRegistry, name: str, inputs: Sequence[JITInput]
) -> list[JITOutput]:
    strategy = registry.create(name)
    return [await strategy.generate(inp) for inp in inputs]


def _cmd_generate(
    args: argparse.Namespace, registry: StrategyRegistry, stdin: TextIO, stdout: TextIO
) -> int:
    fmt = Format(args.format)
    registry.create(args.strategy)  # fail on an unknown name before reading anything
    inputs, as_array = load_inputs(_read(args.input, stdin), fmt)
    outputs = asyncio.run(_generate_all(registry, args.strategy, inputs))
    stdout.write(render_json(dump_outputs(outputs, fmt, as_array)))
    return EXIT_OK


def _default_bench_path() -> Path:
    here = Path(__file__).resolve()
    for folder in (Path.cwd(), *here.parents):
        candidate = folder / DEFAULT_BENCH_INPUTS
        if candidate.is_file():
            return candidate
        sibling = folder.parent / DEFAULT_BENCH_INPUTS
        if sibling.is_file():
            return sibling
    raise _UsageError("parakeet's fixtures were not found beside the project: pass --input FILE")


def _cmd_bench(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
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
    uvicorn.run(
        create_app(Settings()),
        host=args.host,
        port=args.port,
        log_level="warning" if args.quiet else "info",
        access_log=not args.quiet,
    )
    return EXIT_OK


def _cmd_bench_api(args: argparse.Namespace, stdout: TextIO) -> int:
    if not 1 <= args.clients <= 200 or not 0 < args.seconds <= 600:
        raise _UsageError("--clients must be 1-200 and --seconds 0-600")
    try:
        result = bench_api(args.db, args.clients, args.seconds, args.database_url)
    except ValueError as exc:
        raise _UsageError(str(exc)) from None
    stdout.write(json.dumps(result) + "\n")
    return EXIT_OK


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
    registry = registry or default_registry()
    try:
        args = _parser().parse_args(argv)
        if args.command == "generate":
            return _cmd_generate(args, registry, stdin, stdout)
        if args.command == "serve":
            return _cmd_serve(args)
        if args.command == "bench-api":
            return _cmd_bench_api(args, stdout)
        return _cmd_bench(args, stdin, stdout)
    except DocumentError as exc:
        stderr.write(f"jit-engine: invalid input ({len(exc.problems)} problem(s)):\n")
        for problem in exc.problems:
            stderr.write(f"  {problem}\n")
        return EXIT_USAGE
    except (_UsageError, UnknownStrategyError) as exc:
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
