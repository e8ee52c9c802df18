"""A circuit breaker per provider, with an injected clock.

closed -- `failure_threshold` consecutive transient failures --> open
open   -- `cooldown_s` later ------------------------------------> half_open
half_open: one probe call goes through; success closes, a transient failure opens again.

Only transient failures count (timeouts, 429, 5xx, connection errors). Any answer from the
provider, even one that failed validation, proves it is up and resets the count. While open,
callers fall back at once with `breaker_open`.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from shared_types.llm import BreakerState

__all__ = ["CircuitBreaker"]


class CircuitBreaker:
    def __init__(
        self,
        failure_threshold: int = 3,
        cooldown_s: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._threshold = failure_threshold
        self._cooldown = cooldown_s
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._probing = False

    @property
    def state(self) -> BreakerState:
        if self._opened_at is None:
            return "closed"
        if self._clock() - self._opened_at >= self._cooldown:
            return "half_open"
        return "open"

    def accepting(self) -> bool:
        """Would a call be let through now (without taking the probe)?"""
        state = self.state
        return state == "closed" or (state == "half_open" and not self._probing)

    def try_acquire(self) -> bool:
        """Let one call through, or refuse. In half-open, only one probe at a time."""
        state = self.state
        if state == "closed":
            return True
        if state == "half_open" and not self._probing:
            self._probing = True
            return True
        return False

    def record_success(self) -> None:
        self._failures = 0
        self._opened_at = None
        self._probing = False

    def record_failure(self, transient: bool) -> None:
        if not transient:
            self.record_success()
            return
        was_probe = self._probing
        self._probing = False
        self._failures += 1
        if was_probe or self._failures >= self._threshold:
            self._opened_at = self._clock()

    def release(self) -> None:
        """The call ended without a verdict on the provider (e.g. cancelled by the caller)."""
        self._probing = False
