"""`jit-engine bench-api`: requests per second and latency of the HTTP API, loopback only.

Starts the server (`jit-engine serve`) in a child process on 127.0.0.1 against a fresh
database (a temporary SQLite file, or a temporary PostgreSQL database created beside the one
named by `--database-url` / `JIT_DATABASE_URL`, dropped afterwards), provisions one lifter per
client, then runs two timed phases with `--clients` concurrent clients each:

    generate  POST /v1/me/sessions/{id}/generate, strategy formula, a new Idempotency-Key
              each time (so every request generates and stores, in one transaction)
    healthz   GET /healthz, a trivial JSON endpoint of the same app, for comparison

and prints one JSON object. Every loop is bounded by `--seconds`; nothing leaves the machine.

`cpu_ms_per_generation` is the server's CPU per generation: `total` from /proc (every server
process, user + system, during the generate phase) and the stages the server timed itself
(`JIT_STAGE_TIMES_FILE`: auth, read, assemble, engine, serialise, write; `other` is the rest:
HTTP, routing, request validation, the thread hand-offs). `--workers N` runs N uvicorn workers
(PostgreSQL only: SQLite has one writer).
"""

from __future__ import annotations

import asyncio
import contextlib
import glob
import json
import math
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
from sqlalchemy.engine import make_url

from api.persistence.db import normalise_url

__all__ = ["LOOPBACK_HOSTS", "bench_api", "temporary_database"]

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
STARTUP_TIMEOUT_S = 60.0
STAGES = ("auth", "read", "assemble", "engine", "serialise", "write")


@dataclass(frozen=True)
class Phase:
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    def summary(self) -> dict[str, Any]:
        ordered = sorted(self.latencies_ms)

        def pct(p: float) -> float:
            if not ordered:
                return 0.0
            return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))], 2)

        return {
            "requests": self.requests,
            "errors": self.errors,
            "rps": round(self.requests / self.seconds, 1) if self.seconds else 0.0,
            "p50_ms": pct(0.50),
            "p99_ms": pct(0.99),
        }


def _process_tree(pid: int) -> list[int]:
    """The process and its descendants (Linux /proc)."""
    tree = [pid]
    for tid in glob.glob(f"/proc/{pid}/task/*/children"):
        with contextlib.suppress(OSError), open(tid, encoding="ascii") as children:
            for child in children.read().split():
                tree.extend(_process_tree(int(child)))
    return tree


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of the process tree so far (0.0 where /proc is not available)."""
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total = 0
    for member in _process_tree(pid):
        with contextlib.suppress(OSError), open(f"/proc/{member}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _require_loopback(url: str) -> None:
    host = make_url(url).host
    if host not in LOOPBACK_HOSTS:
        raise ValueError(f"the benchmark only talks to loopback databases, not {host!r}")


@contextlib.contextmanager
def temporary_database(base_url: str, prefix: str = "jit_tmp") -> Iterator[str]:
    """A new empty PostgreSQL database beside `base_url`'s, dropped on exit."""
    url = make_url(normalise_url(base_url))
    _require_loopback(str(url))
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class _Connection:
    """A minimal HTTP/1.1 keep-alive client for loopback load (httpx would be the bottleneck).

    It writes one request and reads one response with a Content-Length body; the server is ours.
    """

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, headers: dict[str, str], body: bytes = b""
    ) -> int:
        if self.writer is None or self.reader is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(body)}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("ascii") + body)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        if length:
            await self.reader.readexactly(length)
        return status

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()


async def _timed(clients: int, seconds: float, request: Callable[[int], Awaitable[bool]]) -> Phase:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def client(index: int) -> None:
        nonlocal errors
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            ok = await request(index)
            latencies.append((time.perf_counter() - start) * 1000)
            errors += 0 if ok else 1

    began = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(clients)))
    return Phase(len(latencies), errors, time.perf_counter() - began, latencies)


async def _tick(progress: Callable[[int, int], None], total: int) -> None:
    """Whole seconds elapsed of the phases' planned `total`, every quarter second."""
    began = time.perf_counter()
    while True:
        progress(min(int(time.perf_counter() - began), total - 1), total)
        await asyncio.sleep(0.25)


async def _run_load(
    base: str,
    port: int,
    admin: str,
    clients: int,
    seconds: float,
    *,
    server: int,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=base, timeout=30.0) as http:
        tokens: list[str] = []
        sessions: list[str] = []
        for i in range(clients):
            made = await http.post(
                "/v1/lifters",
                json={"name": f"bench-{i}", "biological_sex": "male" if i % 2 else "female"},
                headers={"Authorization": f"Bearer {admin}"},
            )
            made.raise_for_status()
            auth = {"Authorization": f"Bearer {made.json()['token']}"}
            (
                await http.put("/v1/me/maxes/squat", json={"one_rm_kg": 140}, headers=auth)
            ).raise_for_status()
            (
                await http.post("/v1/me/programs", json={"total_weeks": 4}, headers=auth)
            ).raise_for_status()
            page = await http.get("/v1/me/sessions", params={"limit": 1}, headers=auth)
            page.raise_for_status()
            tokens.append(made.json()["token"])
            sessions.append(page.json()["items"][0]["id"])
    checkin = json.dumps(
        {"soreness": {"quads": 3}, "sleep_quality": 4, "strategy": "formula"}
    ).encode("utf-8")
    connections = [_Connection(port) for _ in range(clients)]

    async def generate(i: int) -> bool:
        status = await connections[i].request(
            "POST",
            f"/v1/me/sessions/{sessions[i]}/generate",
            {
                "Authorization": f"Bearer {tokens[i]}",
                "Idempotency-Key": secrets.token_hex(8),
                "Content-Type": "application/json",
            },
            checkin,
        )
        return status == 200

    async def healthz(i: int) -> bool:
        return await connections[i].request("GET", "/healthz", {}) == 200

    planned = math.ceil(min(1.0, seconds) + 2 * seconds)
    ticker = None if progress is None else asyncio.create_task(_tick(progress, planned))
    try:
        await _timed(clients, min(1.0, seconds), generate)  # warm-up, not reported
        cpu_before = _cpu_seconds(server)
        gen = await _timed(clients, seconds, generate)
        cpu_s = _cpu_seconds(server) - cpu_before
        health = await _timed(clients, seconds, healthz)
    finally:
        if ticker is not None:
            ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ticker
        for connection in connections:
            await connection.close()
    if progress is not None:
        progress(planned, planned)
    total_ms = round(1000 * cpu_s / gen.requests, 3) if gen.requests else 0.0
    return {"generate": gen.summary(), "healthz": health.summary(), "cpu_total_ms": total_ms}


def _stage_report(path: str, total_ms: float) -> dict[str, float]:
    """CPU ms per generation by stage, summed over the workers' files."""
    generations = 0
    cpu_s = dict.fromkeys(STAGES, 0.0)
    for name in glob.glob(f"{path}.*"):
        report = json.loads(Path(name).read_text(encoding="utf-8"))
        generations += report["generations"]
        for stage, seconds in report["cpu_s"].items():
            cpu_s[stage] = cpu_s.get(stage, 0.0) + seconds
    if not generations:
        return {"total": total_ms}
    stages = {stage: round(1000 * s / generations, 3) for stage, s in cpu_s.items()}
    return {"total": total_ms, **stages, "other": round(total_ms - sum(stages.values()), 3)}


def _wait_ready(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the server exited during start-up")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base}/readyz", timeout=1.0).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError("the server did not become ready in time")


def _serve_and_load(
    url: str,
    clients: int,
    seconds: float,
    workers: int,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    port = _free_port()
    admin = secrets.token_hex(16)
    with tempfile.TemporaryDirectory(prefix="jit-stages-") as folder:
        stages = str(Path(folder) / "stages")
        env = {
            **os.environ,
            "JIT_DATABASE_URL": url,
            "JIT_ADMIN_TOKEN": admin,
            "JIT_STAGE_TIMES_FILE": stages,
            "JIT_RATE_LIMIT__GENERATIONS_PER_MINUTE": "0",  # the load test is one client's flood
        }
        command = [sys.executable, "-m", "api.cli", "serve", "--port", str(port), "--quiet"]
        command += ["--workers", str(workers)] if workers > 1 else []
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_ready(base, process)
            result = asyncio.run(
                _run_load(
                    base, port, admin, clients, seconds, server=process.pid, progress=progress
                )
            )
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        total_ms = result.pop("cpu_total_ms")
        return {**result, "cpu_ms_per_generation": _stage_report(stages, total_ms)}


def bench_api(
    db: str,
    clients: int,
    seconds: float,
    database_url: str | None,
    workers: int = 1,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Run both phases against a fresh database of the given kind; the measured numbers.
    `progress(done, total)` gets the whole seconds elapsed of the timed phases (warm-up
    included) while they run."""
    if db == "sqlite":
        if workers != 1:
            raise ValueError("--workers needs --db postgres (SQLite has a single writer)")
        with tempfile.TemporaryDirectory(prefix="jit-bench-") as folder:
            url = f"sqlite:///{Path(folder) / 'bench.db'}"
            result = _serve_and_load(url, clients, seconds, workers, progress)
    else:
        base = database_url or os.environ.get("JIT_DATABASE_URL") or ""
        if not base.startswith(("postgres", "postgresql")):
            raise ValueError("--db postgres needs --database-url or JIT_DATABASE_URL (PostgreSQL)")
        with temporary_database(base, prefix="jit_bench") as url:
            result = _serve_and_load(url, clients, seconds, workers, progress)
    return {"db": db, "clients": clients, "workers": workers, "seconds": seconds, **result}
