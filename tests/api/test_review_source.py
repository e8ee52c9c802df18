"""The review source: the real OpenAI SDK through instructor over a mock transport (answers,
grounding, tokens and cost, failures classified and stored as failed, never a made-up score),
and its own deadline against a real loopback server that never answers."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest

from api.llm.review import LlmReviewSource, build_review_client
from api.llm.runtime import build_runtime
from api.settings import LlmSettings
from benchmarks.llm import hanging_server as serve_nothing
from shared_types.enums import FallbackReason
from shared_types.outputs import JITOutput
from shared_types.review import ReviewRecord, ReviewStatus
from tests.api.llm_payloads import FakeClock, Provider, openai_completion, openai_error, settings
from tests.factories import make_input
from training_engine.review import REVIEW_PROMPT_VERSION
from training_engine.session import formula_session

PRICE = {"input_per_mtok": 0.15, "output_per_mtok": 0.6}
FLAG: dict[str, Any] = {
    "score": 40,
    "verdict": "flag",
    "concerns": ["Quads soreness 8 is ignored", "Poor sleep was not reflected"],
    "suggested_overrides": {"intensity_modifier": 0.9, "set_modifier": -1, "aux_overrides": None},
}


def review_completion(arguments: dict[str, Any], usage: tuple[int, int] = (300, 40)) -> Any:
    """An OpenAI tool call answering with a `SessionReview`."""
    return openai_completion(arguments, usage, tool="SessionReview")


def review_settings(**review: Any) -> LlmSettings:
    return settings(
        prices={"gpt-4o-mini": PRICE, "gpt-4.1": PRICE},
        review={"enabled": True, "deadline_s": 3.0, **review},
    )


def source_over(provider: Provider, config: LlmSettings) -> LlmReviewSource:
    return LlmReviewSource(
        build_review_client(config, provider.http()),
        deadline_s=config.review.deadline_s,
        prices=config.prices,
        clock=FakeClock(),
    )


def reviewed(source: LlmReviewSource, **inp: Any) -> tuple[ReviewRecord, JITOutput]:
    jit_input = make_input(**inp)
    output = formula_session(jit_input)
    return asyncio.run(source.review(jit_input, output)), output


def test_an_answer_is_grounded_and_recorded_with_tokens_and_cost() -> None:
    provider = Provider(lambda request, n: httpx2.Response(200, json=review_completion(FLAG)))
    record, _ = reviewed(
        source_over(provider, review_settings()), soreness_ratings={"quads": 8}, sleep_quality=4
    )
    assert (record.status, record.reason, record.detail) == (ReviewStatus.OK, None, None)
    review = record.review
    assert review is not None
    assert (review.verdict, review.score) == ("flag", 40)
    assert review.concerns == ("Quads soreness 8 is ignored",)
    assert [d.text for d in review.dropped] == ["Poor sleep was not reflected"]
    assert review.suggested_overrides is not None
    assert (record.provider, record.model, record.prompt_version) == (
        "openai",
        "gpt-4o-mini",
        REVIEW_PROMPT_VERSION,
    )
    assert (record.attempts, record.input_tokens, record.output_tokens) == (1, 300, 40)
    assert record.usage_known is True
    assert record.cost_usd == pytest.approx((300 * 0.15 + 40 * 0.6) / 1e6)
    assert record.deadline_s == 3.0
    sent = provider.requests[0]
    assert sent["model"] == "gpt-4o-mini"
    assert sent["tool_choice"]["function"]["name"] == "SessionReview"
    assert sent["messages"][1]["content"].startswith('{"lift":"squat"')


def test_the_review_can_use_its_own_model() -> None:
    provider = Provider(lambda request, n: httpx2.Response(200, json=review_completion(FLAG)))
    record, _ = reviewed(source_over(provider, review_settings(model="gpt-4.1")))
    assert provider.requests[0]["model"] == "gpt-4.1"
    assert record.model == "gpt-4.1"


def test_a_flag_the_input_cannot_support_is_stored_as_an_accept() -> None:
    provider = Provider(lambda request, n: httpx2.Response(200, json=review_completion(FLAG)))
    record, _ = reviewed(source_over(provider, review_settings()))  # nothing sore, sleep unrated
    assert record.review is not None
    assert (record.review.verdict, record.review.score, record.review.concerns) == (
        "accept",
        85,
        (),
    )
    assert (record.review.model_verdict, record.review.model_score) == ("flag", 40)


@pytest.mark.parametrize(
    ("response", "reason"),
    [
        (openai_error(500), FallbackReason.PROVIDER_ERROR),
        (openai_error(429), FallbackReason.RATE_LIMITED),
        (
            httpx2.Response(200, json=review_completion({**FLAG, "score": 250})),
            FallbackReason.INVALID_RESPONSE,
        ),
    ],
)
def test_a_failure_is_a_failed_record_with_its_reason_and_no_score(
    response: httpx2.Response, reason: FallbackReason
) -> None:
    provider = Provider(lambda request, n: response)
    record, _ = reviewed(source_over(provider, review_settings()))
    assert (record.status, record.reason, record.review) == (ReviewStatus.FAILED, reason, None)
    assert record.detail


def test_an_invalid_answer_is_asked_again_once_and_counts_both_attempts() -> None:
    answers = [review_completion({**FLAG, "score": 250}), review_completion(FLAG)]
    provider = Provider(lambda request, n: httpx2.Response(200, json=answers[n - 1]))
    record, _ = reviewed(source_over(provider, review_settings()), soreness_ratings={"quads": 8})
    assert record.status is ReviewStatus.OK
    assert (record.attempts, record.input_tokens, record.output_tokens) == (2, 600, 80)


def test_the_runtime_builds_a_reviewer_only_when_reviews_are_on() -> None:
    provider = Provider(lambda request, n: httpx2.Response(200, json=review_completion(FLAG)))
    assert build_runtime(settings(), http_client=provider.http()).reviewer is None
    assert build_runtime(LlmSettings(review={"enabled": True})).reviewer is None  # no provider
    on = build_runtime(review_settings(), http_client=provider.http())
    assert on.reviewer is not None
    assert on.reviewer.deadline_s == 3.0
    assert provider.requests == []  # building asks nothing


@pytest.fixture
def hanging_server() -> Iterator[str]:
    with serve_nothing() as base_url:
        yield base_url


@pytest.mark.enable_socket
@pytest.mark.allow_hosts(["127.0.0.1"])
def test_a_server_that_never_answers_is_a_failed_timeout_cut_by_the_review_deadline(
    hanging_server: str,
) -> None:
    config = settings(
        "openai_compatible",
        base_url=hanging_server,
        api_key=None,
        deadline_s=30.0,  # the adjustment's deadline is not the review's
        review={"enabled": True, "deadline_s": 0.3},
    )
    source = LlmReviewSource(build_review_client(config), deadline_s=0.3)
    record, _ = reviewed(source)
    assert (record.status, record.reason, record.review) == (
        ReviewStatus.FAILED,
        FallbackReason.TIMEOUT,
        None,
    )
    assert record.usage_known is False
    assert record.attempts == 1
    assert record.deadline_s == 0.3
