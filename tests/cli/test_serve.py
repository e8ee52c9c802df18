"""`jit-engine serve` really serves over loopback, and `bench-api` measures it (briefly)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

import httpx
import pytest

from api.cli import main

pytestmark = pytest.mark.allow_hosts(["127.0.0.1"])


def free_port() -> int:
    """A loopback port nothing listens on now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.slow
def test_serve_starts_on_the_sqlite_default_and_answers(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "JIT_ADMIN_TOKEN": "t"}
    env.pop("JIT_DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port), "--quiet"],
        cwd=tmp_path,
        env=env,
    )
    try:
        for _ in range(300):  # polls for up to about 60 s (a loaded 2-core machine is slow)
            if process.poll() is not None:
                pytest.fail(f"the server exited with {process.returncode} before answering")
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            pytest.fail("the server did not start")
        assert response.json() == {"status": "ready"}
        spec = httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=5).json()
        assert "/v1/me/sessions/{session_id}/generate" in spec["paths"]
    finally:
        process.terminate()
        process.wait(timeout=15)
    assert (tmp_path / "jit-engine.db").is_file()  # created and migrated on start


@pytest.mark.slow
def test_bench_api_prints_both_phases(tmp_path: Path) -> None:
    out = StringIO()
    code = main(["bench-api", "--db", "sqlite", "--clients", "2", "--seconds", "0.5"], stdout=out)
    assert code == 0
    result = json.loads(out.getvalue())
    assert result["generate"]["requests"] > 0
    assert result["generate"]["errors"] == 0
    assert result["healthz"]["requests"] > result["generate"]["requests"]
    stages = result["cpu_ms_per_generation"]
    assert set(stages) == {
        "total",
        "auth",
        "read",
        "assemble",
        "engine",
        "serialise",
        "write",
        "other",
    }
    assert stages["engine"] > 0


def test_serve_refuses_several_workers_on_sqlite(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIT_DATABASE_URL", "sqlite:///./never-created.db")
    err = StringIO()
    assert main(["serve", "--workers", "2"], stderr=err) == 2
    assert "single writer" in err.getvalue()


def test_bench_api_refuses_several_workers_on_sqlite() -> None:
    err = StringIO()
    code = main(["bench-api", "--db", "sqlite", "--workers", "2"], stderr=err)
    assert code == 2
    assert "--workers" in err.getvalue()


def test_bench_api_refuses_a_database_off_the_machine() -> None:
    err = StringIO()
    code = main(
        ["bench-api", "--db", "postgres", "--database-url", "postgresql://db.example.com/x"],
        stderr=err,
    )
    assert code == 2
    assert "loopback" in err.getvalue()
