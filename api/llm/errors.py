"""Every failure of a model call, mapped to one `FallbackReason` of the closed set.

    TimeoutError (our deadline), APITimeoutError (the per-request timeout)  -> timeout
    RateLimitError (429)                                                    -> rate_limited
    APIConnectionError                                                      -> connection
    APIStatusError (5xx, 4xx other than 429)                                -> provider_error
    ValidationError, JSON errors, empty / unparsable responses              -> invalid_response
    TokenBudgetError, IncompleteOutputException (max_tokens hit)            -> budget_exhausted
    anything else                                                           -> provider_error

Instructor wraps API errors in `InstructorRetryException` with the SDK error as `__cause__`;
the cause decides. Only timeouts, 429, 5xx and connection errors are *transient*: they count
toward opening the breaker. An answer that failed validation proves the provider is up.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import anthropic
import openai
from instructor.core import IncompleteOutputException, InstructorRetryException
from instructor.v2.core.errors import TokenBudgetError
from pydantic import ValidationError

from shared_types.enums import FallbackReason

__all__ = ["Classified", "classify"]

SERVER_ERROR_FROM = 500
_TIMEOUTS = (TimeoutError, openai.APITimeoutError, anthropic.APITimeoutError)
_RATE = (openai.RateLimitError, anthropic.RateLimitError)
_CONNECTION = (openai.APIConnectionError, anthropic.APIConnectionError)
_STATUS = (openai.APIStatusError, anthropic.APIStatusError)


@dataclass(frozen=True)
class Classified:
    reason: FallbackReason
    transient: bool
    detail: str


def _root(exc: BaseException) -> BaseException:
    """The SDK error under instructor's wrapper (or the last attempt's error)."""
    if isinstance(exc, TokenBudgetError):
        return exc
    if isinstance(exc, InstructorRetryException):
        if exc.__cause__ is not None:
            return _root(exc.__cause__)
        attempts = exc.failed_attempts or []
        if attempts:
            return _root(attempts[-1].exception)
    return exc


def classify(exc: BaseException) -> Classified:
    root = _root(exc)
    name = type(root).__name__
    # APITimeoutError subclasses APIConnectionError: test timeouts first.
    if isinstance(root, _TIMEOUTS):
        return Classified(FallbackReason.TIMEOUT, True, name)
    if isinstance(root, _RATE):
        return Classified(FallbackReason.RATE_LIMITED, True, f"{name} (HTTP 429)")
    if isinstance(root, _CONNECTION):
        return Classified(FallbackReason.CONNECTION, True, name)
    if isinstance(root, _STATUS):
        status = root.status_code
        return Classified(
            FallbackReason.PROVIDER_ERROR, status >= SERVER_ERROR_FROM, f"{name} (HTTP {status})"
        )
    if isinstance(root, (TokenBudgetError, IncompleteOutputException)):
        return Classified(FallbackReason.BUDGET_EXHAUSTED, False, name)
    if isinstance(root, (ValidationError, json.JSONDecodeError, InstructorRetryException)):
        return Classified(FallbackReason.INVALID_RESPONSE, False, name)
    if isinstance(root, (ValueError, TypeError, KeyError, IndexError, AttributeError)):
        # instructor's parsing of an empty or malformed response
        return Classified(FallbackReason.INVALID_RESPONSE, False, name)
    return Classified(FallbackReason.PROVIDER_ERROR, False, name)
