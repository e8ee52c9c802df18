"""The review pass through the HTTP API, on every database kind: a model-served generation is
answered first, then reviewed in the background; the review writes its own row and the session
detail shows it; off, nothing is asked; it never changes what was served.

The adjustment comes from a fixed source (served as `llm`); the reviewer is the production
`LlmReviewSource` over the real OpenAI SDK on a mock transport, a gated fake (the response is
back while the review still waits), or the SDK against a loopback server that never answers.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.clock import FixedClock
from api.llm.review import LlmReviewSource, build_review_client
from api.llm.review_tasks import Reviewer
from api.llm.runtime import registry_for_source
from api.persistence.repositories.reviews import ReviewOwner, store_review
from api.persistence.tables import GenerationRow, SessionReviewRow
from api.settings import LlmSettings, Settings
from benchmarks.llm import hanging_server as serve_nothing
from shared_types.enums import FallbackReason
from shared_types.inputs import JITInput
from shared_types.outputs import JITOutput
from shared_types.review import GroundedReview, ReviewRecord, ReviewStatus
from tests.api.client import ADMIN_TOKEN, Api, Lifter
from tests.api.llm_payloads import ADJUSTMENT, Provider, settings
from tests.api.test_review_source import FLAG, review_completion
from training_engine.ports import AlwaysAccepting, FixedAdjustmentSource

SORE_DAY = {"strategy": "llm", "sleep_quality": 2, "soreness": {"quads": 8}}


def _llm_registry() -> Any:
    return registry_for_source(FixedAdjustmentSource(ADJUSTMENT), AlwaysAccepting())


@pytest.fixture
def make_review_api(
    database_urls: dict[str, str], db_kind: str, clock: FixedClock
) -> Iterator[Any]:
    """An app serving `llm` from a fixed adjustment, with `reviewer` as the review pass."""
    with ExitStack() as stack:

        def build(reviewer: Reviewer | None, *, enabled: bool = True) -> Api:
            app = create_app(
                Settings(
                    database_url=database_urls[db_kind],
                    admin_token=ADMIN_TOKEN,
                    llm=LlmSettings(review={"enabled": enabled, "deadline_s": 3.0}),
                ),
                clock=clock,
                registry=_llm_registry(),
                migrate=False,
                reviewer=reviewer,
            )
            client = stack.enter_context(TestClient(app, raise_server_exceptions=False))
            return Api(client, app, clock)

        yield build


def _mock_reviewer(provider: Provider) -> LlmReviewSource:
    config = settings(review={"enabled": True, "deadline_s": 3.0})
    return LlmReviewSource(build_review_client(config, provider.http()), deadline_s=3.0)


def _flagging() -> Provider:
    return Provider(lambda request, n: httpx2.Response(200, json=review_completion(FLAG)))


def _ready(api: Api) -> tuple[Lifter, str]:
    who = api.lifter()
    api.set_max(who, "squat", 140)
    api.program(who)
    return who, api.sessions(who)[0]["id"]


def _generate(api: Api, who: Lifter, sid: str, body: dict[str, Any], key: str = "k1") -> Any:
    response = api.generate(who, sid, key=key, body=body)
    assert response.status_code == 200, response.text
    return response.json()


def _drain(api: Api) -> None:
    """Wait, in the app's event loop, for the reviews started so far."""
    tasks = api.state.reviews
    assert tasks is not None
    api.client.portal.call(tasks.drain)  # type: ignore[union-attr]


def test_a_model_served_session_is_reviewed_after_the_response_and_shown(
    make_review_api: Any,
) -> None:
    provider = _flagging()
    api: Api = make_review_api(_mock_reviewer(provider))
    who, sid = _ready(api)
    body = _generate(api, who, sid, SORE_DAY)
    assert body["jit_strategy"] == "llm"
    _drain(api)
    assert len(provider.requests) == 1
    row = api.rows(SessionReviewRow, session_id=sid)[0]
    assert (row.generation_id, row.lifter_id, row.status) == (body["generation_id"], who.id, "ok")
    assert (row.score, row.verdict) == (40, "flag")
    detail = api.get(who, f"/v1/me/sessions/{sid}").json()
    review = detail["review"]
    assert (review["status"], review["score"], review["verdict"]) == ("ok", 40, "flag")
    assert review["concerns"] == FLAG["concerns"]  # quads 8 and sleep 2 support both
    assert review["dropped_concerns"] == []
    assert review["suggested_overrides"]["set_modifier"] == -1
    assert (review["input_tokens"], review["output_tokens"]) == (300, 40)
    # the review never changes what was served (its overrides are only shown)
    for part in ("main_lift_sets", "auxiliary_work", "intensity_modifier", "volume_modifier"):
        assert detail["prescription"][part] == body["prescription"][part]
    assert api.generate(who, sid, key="k1", body=SORE_DAY).json() == body


def test_grounding_is_stored_an_unsupported_flag_is_an_accept(make_review_api: Any) -> None:
    api: Api = make_review_api(_mock_reviewer(_flagging()))
    who, sid = _ready(api)
    _generate(api, who, sid, {"strategy": "llm", "sleep_quality": 4})  # nothing sore or low
    _drain(api)
    review = api.get(who, f"/v1/me/sessions/{sid}").json()["review"]
    assert (review["verdict"], review["score"], review["concerns"]) == ("accept", 85, [])
    assert [d["kind"] for d in review["dropped_concerns"]] == ["soreness", "sleep_energy"]
    assert review["suggested_overrides"] is None


def test_reviews_off_ask_nothing_and_show_null(make_review_api: Any) -> None:
    provider = _flagging()
    api: Api = make_review_api(_mock_reviewer(provider), enabled=False)
    assert api.state.reviews is None
    who, sid = _ready(api)
    _generate(api, who, sid, SORE_DAY)
    assert provider.requests == []
    assert api.rows(SessionReviewRow, session_id=sid) == []
    assert api.get(who, f"/v1/me/sessions/{sid}").json()["review"] is None


def test_only_model_served_fresh_generations_are_reviewed(make_review_api: Any) -> None:
    provider = _flagging()
    api: Api = make_review_api(_mock_reviewer(provider))
    who, sid = _ready(api)
    _generate(api, who, sid, {"strategy": "formula"}, key="formula")
    _drain(api)
    assert provider.requests == []
    assert api.get(who, f"/v1/me/sessions/{sid}").json()["review"] is None
    first = _generate(api, who, sid, SORE_DAY, key="llm")
    _generate(api, who, sid, SORE_DAY, key="llm")  # a replay: no second review
    _drain(api)
    assert len(provider.requests) == 1
    second = _generate(api, who, sid, SORE_DAY, key="again")  # a regeneration: its own review
    _drain(api)
    rows = {r.generation_id: r for r in api.rows(SessionReviewRow, session_id=sid)}
    assert set(rows) == {first["generation_id"], second["generation_id"]}
    tasks = api.state.reviews
    assert tasks is not None
    assert (tasks.started, tasks.errors) == (2, 0)


def _record(score: int = 90) -> ReviewRecord:
    return ReviewRecord(
        status=ReviewStatus.OK,
        reason=None,
        detail=None,
        review=GroundedReview(
            score=score,
            verdict="accept",
            concerns=(),
            dropped=(),
            suggested_overrides=None,
            model_score=score,
            model_verdict="accept",
        ),
        provider="fake",
        model="fake-reviewer",
        prompt_version="jit-review-1",
        prompt_chars=100,
        attempts=1,
        latency_ms=5.0,
        deadline_s=3.0,
        input_tokens=10,
        output_tokens=5,
        usage_known=True,
        cost_usd=None,
    )


class GatedReviewer:
    """Waits at a gate the test opens, then answers `_record()`."""

    deadline_s = 3.0

    def __init__(self) -> None:
        self.gate: asyncio.Event | None = None
        self.asked = 0

    async def review(self, inp: JITInput, output: JITOutput) -> ReviewRecord:
        self.asked += 1
        self.gate = asyncio.Event()
        await self.gate.wait()
        return _record()


def test_the_response_does_not_wait_for_the_review(make_review_api: Any) -> None:
    gated = GatedReviewer()
    api: Api = make_review_api(gated)
    who, sid = _ready(api)
    body = _generate(api, who, sid, SORE_DAY)  # back while the review waits at the gate
    tasks = api.state.reviews
    assert tasks is not None
    assert tasks.in_flight == 1
    assert api.rows(SessionReviewRow, session_id=sid) == []
    assert api.get(who, f"/v1/me/sessions/{sid}").json()["review"] is None  # pending

    def open_gate() -> None:
        assert gated.gate is not None
        gated.gate.set()

    api.client.portal.call(open_gate)  # type: ignore[union-attr]
    _drain(api)
    row = api.rows(SessionReviewRow, session_id=sid)[0]
    assert (row.generation_id, row.status, row.score) == (body["generation_id"], "ok", 90)
    assert (gated.asked, tasks.in_flight) == (1, 0)


def test_a_review_of_a_deleted_generation_writes_nothing(make_review_api: Any) -> None:
    api: Api = make_review_api(_mock_reviewer(_flagging()), enabled=False)
    who, sid = _ready(api)
    body = _generate(api, who, sid, SORE_DAY)
    record = _record()
    owner = ReviewOwner("no-such-generation", who.id, sid)
    now = api.clock()
    with api.state.db.write() as unit:
        assert store_review(unit, owner, record, now) is False
        real = ReviewOwner(body["generation_id"], who.id, sid)
        assert store_review(unit, real, record, now) is True
        assert store_review(unit, real, record, now) is False  # one per generation
    assert len(api.rows(GenerationRow, session_id=sid)) == 1
    assert len(api.rows(SessionReviewRow, session_id=sid)) == 1


@pytest.fixture
def hanging_server() -> Iterator[str]:
    with serve_nothing() as base_url:
        yield base_url


@pytest.mark.enable_socket
@pytest.mark.allow_hosts(["127.0.0.1"])
def test_a_reviewer_that_never_answers_is_stored_as_a_failed_timeout_after_the_response(
    make_review_api: Any, hanging_server: str
) -> None:
    config = settings(
        "openai_compatible",
        base_url=hanging_server,
        api_key=None,
        review={"enabled": True, "deadline_s": 1.0},
    )
    api: Api = make_review_api(LlmReviewSource(build_review_client(config), deadline_s=1.0))
    who, sid = _ready(api)
    body = _generate(api, who, sid, SORE_DAY)  # the generation's response comes back first
    assert body["jit_strategy"] == "llm"
    _drain(api)
    row = api.rows(SessionReviewRow, session_id=sid)[0]
    assert (row.status, row.reason, row.score, row.verdict) == ("failed", "timeout", None, None)
    assert row.usage_known is False
    review = api.get(who, f"/v1/me/sessions/{sid}").json()["review"]
    assert (review["status"], review["reason"], review["score"]) == (
        "failed",
        FallbackReason.TIMEOUT.value,
        None,
    )
