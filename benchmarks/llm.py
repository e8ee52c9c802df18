"""Measurements of the LLM layer, reproducible offline (`scripts/measure_llm.py`).

* parity: parakeet's fixtures with their adjustments through the fixed source, main-lift part
  compared with `llm-outputs.json`;
* deadline: the worst overshoot of the fallback past the deadline against a loopback server
  that accepts and never answers;
* cache: the time of a generation served from the adjustment cache;
* context: our prompt context's size against parakeet's (`jit-engine prompt --stats`).
"""

from __future__ import annotations

import asyncio
import socket
import statistics
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from pydantic import SecretStr, ValidationError

from api.llm.runtime import build_runtime
from api.settings import LlmSettings
from shared_types.adjustment import JITAdjustment
from shared_types.enums import FallbackReason
from shared_types.inputs import JITInput
from shared_types.parakeet import adjustment_from_parakeet, input_from_parakeet, output_to_parakeet
from training_engine.adjustment import adjusted_session
from training_engine.session import formula_run
from training_engine.strategies import LlmStrategy, fallback_session

__all__ = [
    "MAIN_LIFT_FIELDS",
    "cache_hit_timing",
    "deadline_overshoot",
    "hanging_server",
    "llm_parity",
    "main_lift_part",
]

MAIN_LIFT_FIELDS = (
    "mainLiftSets",
    "warmupSets",
    "skippedMainLift",
    "volumeModifier",
    "intensityModifier",
    "llmRestSuggestion",
    "cappedByRehab",
    "rehabCapKg",
    "jit_strategy",
)


def main_lift_part(output: Mapping[str, Any]) -> dict[str, Any]:
    """The main-lift part of a parakeet-shaped output: sets, warm-ups, skip, modifiers, main
    rest, the rest suggestion, rehab flags, the label and the constraint warnings."""
    part = {key: output.get(key) for key in MAIN_LIFT_FIELDS}
    part["restRecommendations.mainLift"] = output["restRecommendations"]["mainLift"]
    part["warnings"] = [w for w in output["warnings"] if w.startswith("[constraint] ")]
    return part


def llm_session_for(inp: JITInput, raw_adjustment: object) -> dict[str, Any]:
    formula = formula_run(inp)
    try:
        out = adjusted_session(formula, adjustment_from_parakeet(raw_adjustment))
    except ValidationError:
        out = fallback_session(formula, FallbackReason.INVALID_RESPONSE)
    return output_to_parakeet(out)


def llm_parity(
    inputs: Sequence[Mapping[str, Any]],
    adjustments: Sequence[object],
    expected: Sequence[Mapping[str, Any]],
) -> dict[str, list[str]]:
    """Fixture -> the main-lift fields that differ from parakeet (empty list: parity)."""
    by_id = {e["sessionId"]: e for e in expected}
    result = {}
    for raw, adjustment in zip(inputs, adjustments, strict=True):
        ours = main_lift_part(llm_session_for(input_from_parakeet(raw), adjustment))
        theirs = main_lift_part(by_id[raw["sessionId"]])
        result[raw["sessionId"]] = [k for k in ours if ours[k] != theirs[k]]
    return result


@contextmanager
def hanging_server() -> Iterator[str]:
    """An HTTP base URL on 127.0.0.1 whose server accepts connections and never answers."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    server.settimeout(0.05)
    stop = threading.Event()
    held: list[socket.socket] = []

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            held.append(conn)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    host, port = server.getsockname()
    try:
        yield f"http://{host}:{port}/v1"
    finally:
        stop.set()
        thread.join(timeout=1)
        for conn in held:
            conn.close()
        server.close()


def deadline_overshoot(inp: JITInput, deadline_s: float, runs: int) -> dict[str, float | int]:
    """Generations against a server that never answers: worst and median time past the deadline
    until the fallback session is in hand (ms; negative means it arrived early)."""
    overshoots = []
    with hanging_server() as url:
        settings = LlmSettings(
            provider="openai_compatible",
            model="hanging",
            base_url=url,
            deadline_s=deadline_s,
            breaker_failures=runs + 1,  # keep calling: the breaker would stop the experiment
        )
        strategy = LlmStrategy(build_runtime(settings).source)
        for _ in range(runs):
            started = time.perf_counter()
            result = asyncio.run(strategy.run(inp))
            elapsed = time.perf_counter() - started
            assert result.output.fallback_reason is FallbackReason.TIMEOUT
            overshoots.append((elapsed - deadline_s) * 1000)
    return {
        "runs": runs,
        "deadline_ms": deadline_s * 1000,
        "worst_overshoot_ms": round(max(overshoots), 2),
        "median_overshoot_ms": round(statistics.median(overshoots), 2),
    }


class _CountingClient:
    provider = "openai"
    model = "measure"

    def __init__(self, answer: JITAdjustment) -> None:
        self.answer = answer
        self.calls = 0

    async def complete(
        self, messages: list[dict[str, str]], progress: Any, model: str | None = None
    ) -> JITAdjustment:
        self.calls += 1
        progress.attempts += 1
        return self.answer


def cache_hit_timing(inp: JITInput, answer: JITAdjustment, rounds: int) -> dict[str, float | int]:
    """Median and worst time (µs) of a whole `llm` generation whose adjustment is cached."""
    client = _CountingClient(answer)
    runtime = build_runtime(
        LlmSettings(provider="openai", model="measure", api_key=SecretStr("x")), client=client
    )
    strategy = LlmStrategy(runtime.source)

    async def timed() -> list[float]:
        await strategy.run(inp)  # fills the cache
        samples = []
        for _ in range(rounds):
            started = time.perf_counter()
            result = await strategy.run(inp)
            samples.append((time.perf_counter() - started) * 1e6)
            assert result.call is not None
            assert result.call.cache_hit
        return samples

    samples = asyncio.run(timed())
    assert client.calls == 1
    return {
        "rounds": rounds,
        "provider_calls": client.calls,
        "median_us": round(statistics.median(samples), 1),
        "max_us": round(max(samples), 1),
    }
