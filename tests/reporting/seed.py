"""A small history seeded through the real HTTP API (the model a `FakeSource`): one lifter's
five generations over two weeks, served by the formula, the model, hybrid and `auto` (whose
confidence gate serves the formula), two of them completed at a known RPE error and one skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from api.app import create_app
from api.clock import FixedClock
from api.settings import LlmSettings, Settings
from tests.api.client import ADMIN_TOKEN, Api, Lifter
from tests.api.test_llm_generation import FakeSource, _registry
from training_engine.strategies import StrategyRegistry

__all__ = ["MONDAY", "Seeded", "app_over", "seed_history"]

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
POOR_DAY = {"sleep_quality": 2}  # the gate is not confident: auto would ask the model


@dataclass(frozen=True)
class Seeded:
    lifter: Lifter
    session_ids: list[str]
    lifts: list[str]  # each session's primary lift


@contextmanager
def app_over(
    url: str, clock: FixedClock, registry: StrategyRegistry | None = None
) -> Iterator[Api]:
    """The app over `url` with a fake model that always answers (120 + 30 tokens, $0.0001),
    or with the strategies of `registry`."""
    app = create_app(
        Settings(database_url=url, llm=LlmSettings(), **{"admin_token": ADMIN_TOKEN}),
        clock=clock,
        registry=registry or _registry(FakeSource()),
        migrate=False,
    )
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Api(client, app, clock)


def _generate(api: Api, who: Lifter, sid: str, body: dict[str, Any]) -> dict[str, Any]:
    response = api.generate(who, sid, key=f"gen-{sid}", body=body)
    assert response.status_code == 200, response.text
    prescription: dict[str, Any] = response.json()["prescription"]
    return prescription


def _complete(api: Api, who: Lifter, sid: str, output: dict[str, Any], rpe_over: float) -> None:
    for planned in output["main_lift_sets"]:
        logged = api.log_set(
            who,
            sid,
            set_number=planned["set_number"],
            weight_kg=planned["weight_kg"],
            reps=planned["reps"],
            rpe=(planned["rpe_target"] or 8.0) + rpe_over,
        )
        assert logged.status_code == 201, logged.text
    done = api.post(who, f"/v1/me/sessions/{sid}/complete", {"session_rpe": 8})
    assert done.status_code == 200, done.text


def seed_history(api: Api) -> Seeded:
    """Week 1 (from MONDAY): formula (completed, RPE +1), llm (completed, RPE -0.5), llm
    (skipped). Week 2: hybrid (left generated), auto on a good day (the gate serves the
    formula)."""
    who = api.lifter()
    api.set_max(who, "squat", 140)
    api.program(who)
    sessions = api.sessions(who)[:5]
    ids = [s["id"] for s in sessions]
    plan: list[tuple[dict[str, Any], float | None, timedelta]] = [
        ({"strategy": "formula", **POOR_DAY}, 1.0, timedelta(days=1)),
        ({"strategy": "llm", **POOR_DAY}, -0.5, timedelta(days=1)),
        ({"strategy": "llm", **POOR_DAY}, None, timedelta(days=6)),
        ({"strategy": "hybrid", **POOR_DAY}, None, timedelta(days=1)),
        ({"strategy": "auto"}, None, timedelta(days=1)),
    ]
    for index, (sid, (body, rpe_over, step)) in enumerate(zip(ids, plan, strict=True)):
        output = _generate(api, who, sid, body)
        if rpe_over is not None:
            _complete(api, who, sid, output, rpe_over)
        elif index == 2:
            skipped = api.post(who, f"/v1/me/sessions/{sid}/skip", {"reason": "travelling"})
            assert skipped.status_code == 200, skipped.text
        api.clock.set(api.clock() + step)
    return Seeded(who, ids, [s["primary_lift"] for s in sessions])
