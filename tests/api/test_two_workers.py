"""Uvicorn workers of two servers share one daily model budget through PostgreSQL (issue 11,
"Scale").

`jit-engine serve --workers 2` and a second, one-worker `jit-engine serve` on another port run
against one temporary PostgreSQL database, with the OpenAI-compatible provider pointed at a fake
model server on loopback. (Which of one server's workers takes a connection is the kernel's
choice, and it is lopsided: 12/0 and 11/1 splits were seen; the second server is what makes
"requests at two processes" certain.) One lifter, whose per-day token budget holds three calls
and a half, asks for generations of twelve sessions at once, alternately at the two servers,
with a check-in that fails the confidence gate (sleep 1/5), so `auto` asks the model every time.
The fake model reports exactly the reserved estimate as its usage, so a settled call frees
nothing and the number of granted calls does not depend on timing: exactly floor(limit /
estimate) model calls reach the model (per-process budgets would grant three per server),
every other generation falls back labelled `budget_exhausted`, and the admin's view of the
budget never shows used + reserved above the limit.

The same servers share one rollout: a global rollout of the `llm` candidate, started and
advanced to guarded (25 %) through one server's admin API and the other's, serves several
lifters whose generations alternate between the servers; each lifter is served in the arm the
core's `arm` gives (the candidate asks the model, the control serves the formula), every
generation row records the rollout's id and that arm, and both servers report the same state.

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
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine
from sqlmodel import Session, col, select

from api.persistence.tables import GenerationRow
from api.schemas import ROLLOUT_WINDOW
from api.services.budgets import call_estimate
from api.services.routing import PROMPT_CHARS_ESTIMATE
from api.settings import LlmSettings
from benchmarks.api_load import temporary_database
from shared_types.routing import Phase
from tests.api.llm_payloads import ADJUSTMENT, openai_completion
from tests.cli.test_serve import free_port
from tests.databases import postgres_base_url
from training_engine.routing.rollout import arm

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
LIFTERS = 8
ROLLOUTS = "/v1/admin/rollouts"
NOTE = {"changed_by": "ops@example.com", "reason": "two workers share one rollout"}
SERVED = {"candidate": "llm", "control": "formula"}


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


@dataclass
class _Server:
    """`jit-engine serve` on loopback; each worker writes its stage times, with its generation
    count, to `<stages>.<pid>` when it stops."""

    base: str
    stages: Path
    process: subprocess.Popen[bytes]

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def generations_per_worker(self) -> list[int]:
        """After `stop`: how many generations each worker served."""
        files = self.stages.parent.glob(f"{self.stages.name}.*")
        return sorted(json.loads(f.read_text(encoding="utf-8"))["generations"] for f in files)


@dataclass(frozen=True)
class _Cluster:
    admin: str
    servers: tuple[_Server, ...]
    database: str

    def base(self, turn: int) -> str:
        """The server whose turn it is (they alternate)."""
        return self.servers[turn % len(self.servers)].base


def _start(env: dict[str, str], stages: Path, workers: int) -> _Server:
    port = free_port()
    command = [sys.executable, "-m", "api.cli", "serve", "--port", str(port), "--quiet"]
    process = subprocess.Popen(
        [*command, "--workers", str(workers)],
        env={**env, "JIT_STAGE_TIMES_FILE": str(stages)},
        stdout=subprocess.DEVNULL,
    )
    server = _Server(f"http://127.0.0.1:{port}", stages, process)
    try:
        _wait_ready(server.base, process)
    except BaseException:
        server.stop()
        raise
    return server


@pytest.fixture
def cluster(database: str, fake_model: str, tmp_path: Path) -> Iterator[_Cluster]:
    """`serve --workers 2` and a second one-worker `serve` on another port, one database (the
    first migrates it; the second finds it current)."""
    admin = secrets.token_hex(16)
    env = {
        **os.environ,
        **LLM_ENV,
        "JIT_LLM__BASE_URL": fake_model,
        "JIT_DATABASE_URL": database,
        "JIT_ADMIN_TOKEN": admin,
        "JIT_RATE_LIMIT__GENERATIONS_PER_MINUTE": "0",
        "JIT_BUDGETS__LIFTER_DAILY_TOKENS": str(LIMIT),
    }
    servers: list[_Server] = []
    try:
        servers.append(_start(env, tmp_path / "two-workers", workers=2))
        servers.append(_start(env, tmp_path / "one-worker", workers=1))
        yield _Cluster(admin, tuple(servers), database)
    finally:
        for server in servers:
            server.stop()


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


def _admin_view(cluster: _Cluster, lifter_id: str, turn: int) -> httpx.Request:
    """The admin's view of the lifter's budget, asked of each server in turn."""
    return httpx.Request(
        "GET",
        f"{cluster.base(turn)}/v1/admin/budgets",
        params={"lifter_id": lifter_id},
        headers={"Authorization": f"Bearer {cluster.admin}"},
    )


async def _generate_all(
    cluster: _Cluster, lifter_id: str, auth: dict[str, str], sessions: list[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every generation at once, alternately at each server, while the admin's budget view is
    polled; (the generation bodies, every budget observed)."""
    seen: list[dict[str, Any]] = []
    done = asyncio.Event()
    async with httpx.AsyncClient(timeout=60.0) as http:

        async def view(turn: int) -> None:
            response = await http.send(_admin_view(cluster, lifter_id, turn))
            response.raise_for_status()
            seen.append(response.json()["lifter_budget"])

        async def poll() -> None:
            turn = 0
            while not done.is_set():
                await view(turn)
                turn += 1
                await asyncio.sleep(0.02)

        async def generate(turn: int, session_id: str) -> dict[str, Any]:
            response = await http.post(
                f"{cluster.base(turn)}/v1/me/sessions/{session_id}/generate",
                json=POOR_NIGHT,
                headers={**auth, "Idempotency-Key": secrets.token_hex(8)},
            )
            assert response.status_code == 200, response.text
            body: dict[str, Any] = response.json()
            return body

        poller = asyncio.create_task(poll())
        try:
            bodies = await asyncio.gather(*(generate(i, s) for i, s in enumerate(sessions)))
        finally:
            done.set()
            await poller
        await view(0)
    return list(bodies), seen


def test_workers_of_two_servers_grant_exactly_the_calls_one_shared_budget_holds(
    cluster: _Cluster,
) -> None:
    lifter_id, auth, sessions = _lifter(cluster.servers[0].base, cluster.admin)
    bodies, seen = asyncio.run(_generate_all(cluster, lifter_id, auth, sessions))

    served = sorted((b["jit_strategy"], b["fallback_reason"]) for b in bodies)
    granted = LIMIT // ESTIMATE
    assert granted == CALLS
    exhausted = ("formula_fallback", "budget_exhausted")
    assert served == [exhausted] * (GENERATIONS - granted) + [("llm", None)] * granted
    assert _FakeModel.calls == granted
    assert all(b["used_tokens"] + b["reserved_tokens"] <= LIMIT for b in seen)
    final = (seen[-1]["limit_tokens"], seen[-1]["used_tokens"], seen[-1]["reserved_tokens"])
    assert final == (LIMIT, granted * ESTIMATE, 0)
    # Both servers generated half each; the --workers 2 server's two workers both ran.
    for server in cluster.servers:
        server.stop()
    two, one = (server.generations_per_worker() for server in cluster.servers)
    assert (len(two), sum(two), one) == (2, GENERATIONS // 2, [GENERATIONS // 2])


def _admin(cluster: _Cluster, turn: int, method: str, path: str, body: Any = None) -> Any:
    """An admin API call at the server whose turn it is; its JSON answer."""
    headers = {"Authorization": f"Bearer {cluster.admin}"}
    response = httpx.request(
        method, f"{cluster.base(turn)}{path}", json=body, headers=headers, timeout=30.0
    )
    response.raise_for_status()
    return response.json()


def _split_rollout(cluster: _Cluster, lifter_ids: list[str]) -> tuple[str, dict[str, str]]:
    """A global rollout of the `llm` candidate, started at one server and advanced to guarded at
    both, that puts the lifters in both arms; (its id, each lifter's arm by the core). A new
    rollout id buckets them afresh: about one split in ten of eight lifters has no candidate,
    and that one is stopped. `min_samples` is the whole window: no SLO verdict moves it."""
    start = {**NOTE, "candidate": "llm", "min_samples": ROLLOUT_WINDOW, "min_elapsed_s": 0}
    for _ in range(6):
        rollout_id: str = _admin(cluster, 0, "POST", ROLLOUTS, start)["id"]
        for turn in (1, 0):  # canary, then guarded
            _admin(cluster, turn, "POST", f"{ROLLOUTS}/{rollout_id}/advance", NOTE)
        arms: dict[str, str] = {l_id: arm(l_id, rollout_id, Phase.GUARDED) for l_id in lifter_ids}
        if set(arms.values()) == set(SERVED):
            return rollout_id, arms
        _admin(cluster, 1, "POST", f"{ROLLOUTS}/{rollout_id}/stop", NOTE)
    pytest.fail("six rollouts in a row put every lifter in one arm")


def _generation_rows(database: str, ids: list[str]) -> dict[str, tuple[str | None, str | None]]:
    """Generation id -> (rollout id, arm), read straight from the shared database."""
    engine = create_engine(database)
    try:
        with Session(engine) as session:
            query = select(
                GenerationRow.id, GenerationRow.rollout_id, GenerationRow.rollout_arm
            ).where(col(GenerationRow.id).in_(ids))
            return {row_id: (rollout, arm_) for row_id, rollout, arm_ in session.exec(query)}
    finally:
        engine.dispose()


def test_two_servers_serve_each_lifter_in_the_arm_of_one_shared_rollout(
    cluster: _Cluster,
) -> None:
    lifters = [_lifter(cluster.base(i), cluster.admin) for i in range(LIFTERS)]
    rollout_id, arms = _split_rollout(cluster, [lifter_id for lifter_id, _, _ in lifters])

    generated: dict[str, str] = {}  # generation id -> lifter id
    for turn, (lifter_id, auth, sessions) in enumerate(lifters):
        response = httpx.post(
            f"{cluster.base(turn)}/v1/me/sessions/{sessions[0]}/generate",
            json=POOR_NIGHT,
            headers={**auth, "Idempotency-Key": secrets.token_hex(8)},
            timeout=60.0,
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["jit_strategy"], body["fallback_reason"]) == (SERVED[arms[lifter_id]], None)
        generated[body["generation_id"]] = lifter_id

    rows = _generation_rows(cluster.database, list(generated))
    assert rows == {gid: (rollout_id, arms[lifter]) for gid, lifter in generated.items()}
    assert _FakeModel.calls == list(arms.values()).count("candidate")
    first, second = (_admin(cluster, t, "GET", f"{ROLLOUTS}/{rollout_id}") for t in (0, 1))
    assert first == second
    window = first["window"]
    counts = (first["phase"], window["candidate"]["n"], window["control"]["n"])
    candidates = list(arms.values()).count("candidate")
    assert counts == ("guarded", candidates, LIFTERS - candidates)
