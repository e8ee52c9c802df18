"""Two uvicorn workers share one daily model budget through PostgreSQL (issue 11, "Scale").

`jit-engine serve --workers 2` runs against a temporary PostgreSQL database, with the
OpenAI-compatible provider pointed at a fake model server on loopback. One lifter, whose
per-day token budget holds three calls and a half, asks for generations of twelve sessions at
once, each over its own connection (so the kernel hands them to either worker), with a check-in
that fails the confidence gate (sleep 1/5), so `auto` asks the model every time. The fake model
reports exactly the reserved estimate as its usage, so a settled call frees nothing and the
number of granted calls does not depend on timing: exactly floor(limit / estimate) model calls
reach the model, every other generation falls back labelled `budget_exhausted`, and the admin's
view of the budget never shows used + reserved above the limit.

PostgreSQL only (SQLite has one writer): it runs where TEST_DATABASE_URL is set (CI sets it) and
is skipped only where it is not.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from api.services.budgets import call_estimate
from api.services.routing import PROMPT_CHARS_ESTIMATE
from api.settings import LlmSettings
from benchmarks.api_load import temporary_database
from tests.api.llm_payloads import ADJUSTMENT, openai_completion
from tests.cli.test_serve import free_port
from tests.databases import postgres_base_url

pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.enable_socket,
    pytest.mark.allow_hosts(["127.0.0.1"]),
]

MODEL = "fake-coach"
LLM_ENV = {
    "JIT_LLM__PROVIDER": "openai_compatible",
    "JIT_LLM__MODEL": MODEL,
    "JIT_LLM__MODE": "tools",
    "JIT_LLM__MAX_REASKS": "0",
    "JIT_LLM__DEADLINE_S": "20",
    "JIT_LLM__CACHE_TTL_S": "0",  # no cache hits: every granted reservation is a model call
    "JIT_BUDGETS__CACHE_DB_TIER": "false",
}
# The reservation the session path makes, computed as it does from the same settings.
ESTIMATE = call_estimate(
    LlmSettings(provider="openai_compatible", model=MODEL, max_reasks=0), PROMPT_CHARS_ESTIMATE
).tokens
CALLS = 3
LIMIT = CALLS * ESTIMATE + ESTIMATE // 2
GENERATIONS = 12
POOR_NIGHT = {"strategy": "auto", "sleep_quality": 1, "energy_level": 2}


class _FakeModel(BaseHTTPRequestHandler):
    """Answers every chat completion with one adjustment whose usage is the whole estimate."""

    calls = 0
    lock = threading.Lock()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with _FakeModel.lock:
            _FakeModel.calls += 1
        body = json.dumps(openai_completion(ADJUSTMENT, usage=(ESTIMATE - 20, 20))).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test reads the count, not a log."""


@pytest.fixture
def fake_model() -> Iterator[str]:
    """The fake model server's base URL (OpenAI's path layout under /v1)."""
    _FakeModel.calls = 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeModel)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def database() -> Iterator[str]:
    base = postgres_base_url()
    if base is None:
        pytest.skip("PostgreSQL: set TEST_DATABASE_URL (CI does)")
    with temporary_database(base, prefix="jit_workers") as url:
        yield url


@pytest.fixture
def server(database: str, fake_model: str) -> Iterator[tuple[str, str]]:
    """`jit-engine serve --workers 2` on loopback: (base URL, admin token)."""
    port, admin = free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        **LLM_ENV,
        "JIT_LLM__BASE_URL": fake_model,
        "JIT_DATABASE_URL": database,
        "JIT_ADMIN_TOKEN": admin,
        "JIT_RATE_LIMIT__GENERATIONS_PER_MINUTE": "0",
        "JIT_BUDGETS__LIFTER_DAILY_TOKENS": str(LIMIT),
    }
    command = [sys.executable, "-m", "api.cli", "serve", "--port", str(port), "--quiet"]
    process = subprocess.Popen([*command, "--workers", "2"], env=env, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base, process)
        yield base, admin
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_ready(base: str, process: subprocess.Popen[bytes]) -> None:
    for _ in range(300):  # polls for up to about 60 s
        assert process.poll() is None, "the server exited during start-up"
        try:
            if httpx.get(f"{base}/readyz", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail("the server did not become ready")


def _lifter(base: str, admin: str) -> tuple[str, dict[str, str], list[str]]:
    """A lifter with maxes and a program: (id, auth headers, session ids)."""
    with httpx.Client(base_url=base, timeout=30.0) as http:
        made = http.post(
            "/v1/lifters",
            json={"name": "two-workers", "biological_sex": "male"},
            headers={"Authorization": f"Bearer {admin}"},
        )
        made.raise_for_status()
        auth = {"Authorization": f"Bearer {made.json()['token']}"}
        for lift, kg in (("squat", 140), ("bench", 100), ("deadlift", 180)):
            http.put(
                f"/v1/me/maxes/{lift}", json={"one_rm_kg": kg}, headers=auth
            ).raise_for_status()
        http.post("/v1/me/programs", json={"total_weeks": 4}, headers=auth).raise_for_status()
        page = http.get("/v1/me/sessions", params={"limit": GENERATIONS}, headers=auth)
        page.raise_for_status()
        sessions = [item["id"] for item in page.json()["items"]]
    assert len(sessions) == GENERATIONS
    return made.json()["lifter"]["id"], auth, sessions


async def _generate_all(
    base: str, admin: str, lifter_id: str, auth: dict[str, str], sessions: list[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every generation at once, each on a fresh connection, while the admin's budget view is
    polled; (the generation bodies, every budget observed)."""
    seen: list[dict[str, Any]] = []
    done = asyncio.Event()
    fresh = httpx.Limits(max_keepalive_connections=0)
    async with (
        httpx.AsyncClient(base_url=base, timeout=60.0, limits=fresh) as http,
        httpx.AsyncClient(base_url=base, timeout=30.0) as admin_http,
    ):

        async def poll() -> None:
            while not done.is_set():
                view = await admin_http.get(
                    "/v1/admin/budgets",
                    params={"lifter_id": lifter_id},
                    headers={"Authorization": f"Bearer {admin}"},
                )
                view.raise_for_status()
                seen.append(view.json()["lifter_budget"])
                await asyncio.sleep(0.02)

        async def generate(session_id: str) -> dict[str, Any]:
            response = await http.post(
                f"/v1/me/sessions/{session_id}/generate",
                json=POOR_NIGHT,
                headers={**auth, "Idempotency-Key": secrets.token_hex(8)},
            )
            assert response.status_code == 200, response.text
            body: dict[str, Any] = response.json()
            return body

        poller = asyncio.create_task(poll())
        try:
            bodies = await asyncio.gather(*(generate(s) for s in sessions))
        finally:
            done.set()
            await poller
        final = await admin_http.get(
            "/v1/admin/budgets",
            params={"lifter_id": lifter_id},
            headers={"Authorization": f"Bearer {admin}"},
        )
        final.raise_for_status()
        seen.append(final.json()["lifter_budget"])
    return list(bodies), seen


def test_two_workers_grant_exactly_the_calls_one_shared_budget_holds(
    server: tuple[str, str],
) -> None:
    base, admin = server
    lifter_id, auth, sessions = _lifter(base, admin)
    bodies, seen = asyncio.run(_generate_all(base, admin, lifter_id, auth, sessions))

    served = sorted((b["jit_strategy"], b["fallback_reason"]) for b in bodies)
    granted = LIMIT // ESTIMATE
    assert granted == CALLS
    assert (
        served
        == [("formula_fallback", "budget_exhausted")] * (GENERATIONS - granted)
        + [("llm", None)] * granted
    )
    assert _FakeModel.calls == granted
    assert all(b["used_tokens"] + b["reserved_tokens"] <= LIMIT for b in seen)
    assert (seen[-1]["limit_tokens"], seen[-1]["used_tokens"], seen[-1]["reserved_tokens"]) == (
        LIMIT,
        granted * ESTIMATE,
        0,
    )
