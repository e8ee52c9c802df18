"""The generation path: read, compute, then write under the lock with a re-check; the cached
standing state; the stateless route's LLM records."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from api.persistence.tables import (
    ComparisonLogRow,
    GenerationRow,
    LifterSettingsRow,
    LlmCallRow,
    SessionRow,
)
from shared_types.inputs import JITInput
from shared_types.llm import GenerationResult
from tests.api.client import ADMIN, Api, Lifter
from tests.factories import make_input
from training_engine.strategies import StrategyRegistry
from training_engine.strategies.formula import FormulaStrategy


def _ready(api: Api) -> tuple[Lifter, str]:
    who = api.lifter()
    api.set_max(who, "squat", 140)
    api.program(who)
    return who, api.sessions(who)[0]["id"]


def _set_session(api: Api, session_id: str, **values: Any) -> None:
    with api.state.db.write() as unit:
        row = unit.get(SessionRow, session_id)
        assert row is not None
        for name, value in values.items():
            setattr(row, name, value)
        unit.add(row)


class _Meddling:
    """The formula, but the first run changes the session behind the request's back."""

    name = "formula"

    def __init__(self, api: Api, session_id: str, **change: Any) -> None:
        self.api, self.session_id, self.change = api, session_id, change
        self.runs = 0

    async def run(self, inp: JITInput) -> GenerationResult:
        self.runs += 1
        if self.runs == 1:
            _set_session(self.api, self.session_id, **self.change)
        return await FormulaStrategy().run(inp)


def test_a_session_changed_while_computing_is_read_and_computed_again(make_api: Any) -> None:
    holder: dict[str, _Meddling] = {}
    api: Api = make_api(registry=StrategyRegistry({"formula": lambda: holder["strategy"]}))
    who, sid = _ready(api)
    holder["strategy"] = meddling = _Meddling(api, sid, status="generated", generation_id="x")
    response = api.generate(who, sid, body={"strategy": "formula"})
    assert response.status_code == 200, response.text
    assert meddling.runs == 2
    [row] = api.rows(SessionRow, id=sid)
    assert row.generation_id == response.json()["generation_id"]
    assert len(api.rows(GenerationRow, session_id=sid)) == 1


class _Slow:
    """The formula after a pause, so the engine stage takes at least `pause_s`."""

    name = "formula"

    def __init__(self, pause_s: float) -> None:
        self.pause_s = pause_s

    async def run(self, inp: JITInput) -> GenerationResult:
        await asyncio.sleep(self.pause_s)
        return await FormulaStrategy().run(inp)


def test_the_generation_row_holds_the_wall_clock_ms_of_the_stages_before_the_write(
    make_api: Any,
) -> None:
    api: Api = make_api(registry=StrategyRegistry({"formula": lambda: _Slow(0.05)}))
    who, sid = _ready(api)
    response = api.generate(who, sid, body={"strategy": "formula"})
    assert response.status_code == 200, response.text
    [row] = api.rows(GenerationRow, id=response.json()["generation_id"])
    assert row.stage_ms is not None
    assert set(row.stage_ms) == {"read", "assemble", "engine", "serialise"}
    assert all(isinstance(ms, float) and ms >= 0 for ms in row.stage_ms.values()), row.stage_ms
    # a lower bound only: the pause guarantees it, where an upper bound would race the machine
    assert row.stage_ms["engine"] >= 50, "the engine stage did not time the strategy"
    replay = api.generate(who, sid, body={"strategy": "formula"})  # same key: no new row
    assert replay.json()["generation_id"] == row.id
    assert [r.stage_ms for r in api.rows(GenerationRow, session_id=sid)] == [row.stage_ms]


def test_a_session_closed_while_computing_is_a_conflict_and_nothing_is_stored(
    make_api: Any,
) -> None:
    holder: dict[str, _Meddling] = {}
    api: Api = make_api(registry=StrategyRegistry({"formula": lambda: holder["strategy"]}))
    who, sid = _ready(api)
    holder["strategy"] = _Meddling(api, sid, status="skipped")
    response = api.generate(who, sid, body={"strategy": "formula"})
    assert response.status_code == 409
    assert api.rows(GenerationRow, session_id=sid) == []
    [row] = api.rows(SessionRow, id=sid)
    assert (row.status, row.jit_output) == ("skipped", None)


def _version(api: Api, who: Lifter) -> int:
    [settings] = api.rows(LifterSettingsRow, lifter_id=who.id)
    return settings.config_version


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("put", "/v1/me/maxes/squat", {"one_rm_kg": 150}),
        ("put", "/v1/me/config/volume-landmarks", {"overrides": {"quads": {"mev": 6, "mrv": 16}}}),
        (
            "put",
            "/v1/me/config/warmups",
            {"warmups": {"squat": {"type": "preset", "name": "minimal"}}},
        ),
        ("put", "/v1/me/config/rest", {"overrides": [{"rest_seconds": 200}]}),
        ("post", "/v1/me/disruptions", {"disruption_type": "illness", "severity": "minor"}),
        ("post", "/v1/me/rehab-caps", {"lift": "squat", "cap_kg": 80}),
    ],
)
def test_every_write_to_the_cached_state_bumps_its_version(
    api: Api, method: str, path: str, body: dict[str, Any]
) -> None:
    who, _ = _ready(api)
    before = _version(api, who)
    response = getattr(api, method)(who, path, body)
    assert response.status_code in (200, 201), response.text
    assert _version(api, who) > before


def test_a_change_made_through_another_worker_is_seen_at_once(make_api: Any) -> None:
    first: Api = make_api()
    second: Api = make_api()  # another process's app: its own caches, the same database
    who, sid = _ready(first)
    assert first.generate(who, sid, key="a").json()["one_rm_kg"] == 140
    assert second.put(who, "/v1/me/maxes/squat", {"one_rm_kg": 160}).status_code == 200
    assert second.post(who, "/v1/me/rehab-caps", {"lift": "squat", "cap_kg": 90}).status_code == 201
    again = first.generate(who, sid, key="b").json()
    assert again["one_rm_kg"] == 160
    [row] = first.rows(SessionRow, id=sid)
    assert row.jit_input_snapshot is not None
    assert row.jit_input_snapshot["active_rehab_cap"] is not None


def test_the_stored_accessory_weights_are_the_outputs(api: Api) -> None:
    who, sid = _ready(api)
    body = api.generate(who, sid).json()
    [row] = api.rows(SessionRow, id=sid)
    expected = {
        a["exercise"]: a["sets"][0]["weight_kg"]
        for a in body["prescription"]["auxiliary_work"]
        if a["sets"] and not a["skipped"] and a["sets"][0]["weight_kg"]
    }
    assert expected
    assert row.aux_prescribed_kg == expected


@pytest.mark.parametrize("as_admin", [False, True])
def test_the_stateless_route_keeps_its_llm_records(api: Api, *, as_admin: bool) -> None:
    who = api.lifter()
    response = api.client.post(
        "/v1/generate",
        params={"strategy": "hybrid"},
        json=make_input().model_dump(mode="json"),
        headers=ADMIN if as_admin else who.auth,
    )
    assert response.status_code == 200, response.text
    owner = None if as_admin else who.id
    calls = api.rows(LlmCallRow, lifter_id=owner, generation_id=None)
    logs = api.rows(ComparisonLogRow, lifter_id=owner, generation_id=None)
    assert calls, "no call record"
    assert logs, "no comparison"
    call, log = calls[-1], logs[-1]
    assert (call.session_id, call.strategy, call.fallback_reason) == (None, "hybrid", "disabled")
    assert (log.session_id, log.strategy_used) == (None, "formula_fallback")
