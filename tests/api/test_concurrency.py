"""Concurrent generations: many lifters at once, and many requests with one key."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from api.persistence.tables import CheckInRow, GenerationRow, SessionRow
from tests.api.client import Api, Lifter

pytestmark = pytest.mark.slow  # many threads against one database


def _lifter_with_session(api: Api) -> tuple[Lifter, str]:
    who = api.lifter()
    api.set_max(who, "squat", 140)
    api.program(who, total_weeks=1)
    return who, api.sessions(who)[0]["id"]


def test_fifty_lifters_generate_at_once(api: Api) -> None:
    lifters = [_lifter_with_session(api) for _ in range(50)]
    with ThreadPoolExecutor(max_workers=50) as pool:
        responses = list(
            pool.map(lambda pair: api.generate(pair[0], pair[1], key="concurrent"), lifters)
        )
    assert [r.status_code for r in responses] == [200] * 50
    for (who, sid), response in zip(lifters, responses, strict=True):
        assert response.json()["session_id"] == sid
        assert len(api.rows(GenerationRow, lifter_id=who.id)) == 1
        [row] = api.rows(SessionRow, id=sid)
        assert row.status == "generated"
        assert row.jit_output is not None


@pytest.mark.parametrize("regenerating", [False, True])
def test_twenty_requests_with_one_key_make_one_generation(api: Api, *, regenerating: bool) -> None:
    """Each computes outside the lock; the first to write stores, the others fail to (the
    session changed, or the key is taken), read again and replay its bytes."""
    who, sid = _lifter_with_session(api)
    if regenerating:  # the session is already generated: only the key's uniqueness decides
        assert api.generate(who, sid, key="before").status_code == 200
    body = {"soreness": {"quads": 6}, "sleep_quality": 2}
    with ThreadPoolExecutor(max_workers=20) as pool:
        responses = list(
            pool.map(lambda _: api.generate(who, sid, key="once", body=body), range(20))
        )
    assert [r.status_code for r in responses] == [200] * 20
    assert len({r.content for r in responses}) == 1
    assert sorted(r.headers["Idempotent-Replayed"] for r in responses) == ["false"] + ["true"] * 19
    assert len(api.rows(GenerationRow, session_id=sid)) == 1 + regenerating
    assert len(api.rows(CheckInRow, session_id=sid)) == 1 + regenerating
    assert len(api.rows(SessionRow, lifter_id=who.id)) == len(api.sessions(who))
