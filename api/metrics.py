"""The service's Prometheus metrics: one `Metrics` per app, each with its own registry.

`create_app` may run many times in one process (the tests do), so nothing is registered in
prometheus-client's global default registry: every app owns a `CollectorRegistry`, and
`GET /metrics` (`api/routes/metrics.py`) renders only that one.

What is counted, and where it comes from:

    jit_generations_total{strategy, served, route, fallback_reason}
        one per stored generation (`observe_generation`, called by the generation service
        after the write): the strategy that ran, what served the output (`llm`, `formula`,
        `formula_fallback`, ...), `auto`'s choice (the part of the route before `:`; `none`
        for other strategies) and the fallback reason (`none` when there was none)
    jit_generation_stage_seconds{stage}
        wall-clock latency of the stages `AppState.stage` times (auth, read, assemble, engine,
        serialise, write): the same stages the bench's `StageTimes` measures in CPU seconds
    jit_llm_calls_total{provider, model, outcome}
        one per LLM call record: `ok`, `cache_hit` or the fallback reason
    jit_llm_attempts_total, jit_llm_tokens_total{direction}, jit_llm_cost_usd_total
        from the same records: model responses asked for (a validation reask is the second),
        tokens counted (`input` / `output`), estimated cost from the price table
    jit_adjustment_cache_hits_total{tier}, jit_adjustment_cache_misses_total
        read from the watched runtime's cache at scrape time (`hits_by_tier()`, `misses`): the
        tier that answered a lookup (`memory`, `database`), or neither
    jit_llm_breaker_state{provider, state}
        read from the watched runtime's breaker at scrape time: 1 for its current state, 0 for
        the others

The cache and the breaker are read from the LLM runtime the app built (`watch_runtime`); an app
given a ready registry (the tests) watches none unless told to.

The routing policy's state lives in the database, shared by every worker, so it is read there
when scraped (`api/routes/metrics.py`, one read unit) and handed to `exposition` as a
`PolicyState`; when that read fails these series are left out of the scrape:

    jit_budget_tokens{budget, state}, jit_budget_cost_usd{budget, state}
        today's (UTC) global model budget (`budget="global"`): `state` is `used` (settled
        calls), `reserved` (calls in flight) and `limit` (only when one is set)
    jit_rollout_phase{rollout_id, scope, candidate, phase}
        per active rollout, 1 with its current phase as the `phase` label (an info-style gauge:
        a phase change shows as a new series, and `phase` reads as a name on a dashboard)
    jit_rollout_slo_breached{rollout_id}, jit_rollout_slo_window_samples{rollout_id, arm}
        per active rollout whose SLOs were checked: whether the last check breached (1) or not
        (0), and the candidate and control window sizes it judged
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol, get_args, runtime_checkable

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from api.llm.breaker import CircuitBreaker
from api.llm.runtime import LlmRuntime
from api.persistence.repositories.budgets import GLOBAL, Limit
from api.persistence.tables import BudgetDayRow, RolloutRow
from api.schemas import SloCheck
from shared_types.enums import FallbackReason, StrategyUsed
from shared_types.llm import BreakerState, GenerationResult, LlmCallRecord
from shared_types.routing import RouteStrategy

__all__ = ["NO_LABEL", "CacheCounts", "Metrics", "PolicyState", "route_choice"]

NO_LABEL = "none"  # the label value for "nothing here" (no route, no fallback reason)
_ROUTE_CHOICES = frozenset(get_args(RouteStrategy))
# From half a millisecond (a cached token's lookup) to a model call near its deadline.
_STAGE_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)


def route_choice(route: str | None) -> str:
    """`auto`'s choice from its route (`"llm: rule: llm (from global); ..."` -> `llm`), as a
    label of bounded cardinality: `none` without a route, `other` for a choice that is not a
    `RouteStrategy`."""
    if route is None:
        return NO_LABEL
    choice = route.split(":", 1)[0].strip()
    return choice if choice in _ROUTE_CHOICES else "other"


def _reason(reason: FallbackReason | None) -> str:
    return reason.value if reason is not None else NO_LABEL


def _outcome(call: LlmCallRecord) -> str:
    if call.cache_hit:
        return "cache_hit"
    return call.fallback_reason.value if call.fallback_reason is not None else "ok"


@runtime_checkable
class CacheCounts(Protocol):
    """An adjustment cache that counts its lookups (`api.llm.cache.TieredAdjustmentCache`)."""

    misses: int

    def hits_by_tier(self) -> Mapping[str, int]: ...


class _RuntimeCollector(Collector):
    """The watched runtimes' breaker states and cache counts, read when scraped (a breaker
    turns half-open with time alone; the cache counts every lookup, whoever made it)."""

    def __init__(self) -> None:
        self.breakers: list[tuple[str, CircuitBreaker]] = []
        self.caches: list[CacheCounts] = []

    def collect(self) -> Iterator[Metric]:
        yield self._breaker_states()
        yield from self._cache_counts()

    def _breaker_states(self) -> Metric:
        gauge = GaugeMetricFamily(
            "jit_llm_breaker_state",
            "The model provider's circuit breaker: 1 for its current state, 0 for the others.",
            labels=["provider", "state"],
        )
        for provider, breaker in self.breakers:
            current = breaker.state
            for state in get_args(BreakerState):
                gauge.add_metric([provider, state], 1.0 if state == current else 0.0)
        return gauge

    def _cache_counts(self) -> Iterator[Metric]:
        if not self.caches:
            return
        hits = CounterMetricFamily(
            "jit_adjustment_cache_hits",
            "Adjustment cache lookups answered, by the tier that answered.",
            labels=["tier"],
        )
        misses = CounterMetricFamily(
            "jit_adjustment_cache_misses", "Adjustment cache lookups no tier answered."
        )
        tiers: dict[str, int] = {}
        for cache in self.caches:
            for tier, count in cache.hits_by_tier().items():
                tiers[tier] = tiers.get(tier, 0) + count
        for tier, count in sorted(tiers.items()):
            hits.add_metric([tier], count)
        misses.add_metric([], sum(cache.misses for cache in self.caches))
        yield hits
        yield misses


@dataclass(frozen=True)
class PolicyState:
    """The routing policy's state as read from the database for one scrape: today's global
    budget row (None: nothing reserved today), its limits, and the active rollouts."""

    budget: BudgetDayRow | None
    limit: Limit
    rollouts: Sequence[RolloutRow]


class _PolicyCollector(Collector):
    """One scrape's `PolicyState` as gauges (module docstring)."""

    def __init__(self, policy: PolicyState) -> None:
        self.policy = policy

    def collect(self) -> Iterator[Metric]:
        yield from self._budget()
        yield from self._rollouts()

    def _budget(self) -> Iterator[Metric]:
        row, limit = self.policy.budget, self.policy.limit
        labels = ["budget", "state"]
        tokens = GaugeMetricFamily(
            "jit_budget_tokens", "Today's (UTC) model budget in tokens.", labels=labels
        )
        cost = GaugeMetricFamily(
            "jit_budget_cost_usd", "Today's (UTC) model budget in US dollars.", labels=labels
        )
        tokens.add_metric([GLOBAL, "used"], row.used_tokens if row else 0)
        tokens.add_metric([GLOBAL, "reserved"], row.reserved_tokens if row else 0)
        cost.add_metric([GLOBAL, "used"], float(row.used_cost) if row else 0.0)
        cost.add_metric([GLOBAL, "reserved"], float(row.reserved_cost) if row else 0.0)
        if limit.tokens is not None:
            tokens.add_metric([GLOBAL, "limit"], limit.tokens)
        if limit.cost_usd is not None:
            cost.add_metric([GLOBAL, "limit"], float(limit.cost_usd))
        yield tokens
        yield cost

    def _rollouts(self) -> Iterator[Metric]:
        phase = GaugeMetricFamily(
            "jit_rollout_phase",
            "Active rollouts: 1, with the current phase as the phase label.",
            labels=["rollout_id", "scope", "candidate", "phase"],
        )
        breached = GaugeMetricFamily(
            "jit_rollout_slo_breached",
            "Whether the rollout's last SLO check breached (1) or not (0).",
            labels=["rollout_id"],
        )
        samples = GaugeMetricFamily(
            "jit_rollout_slo_window_samples",
            "Generations per arm in the window of the rollout's last SLO check.",
            labels=["rollout_id", "arm"],
        )
        for row in self.policy.rollouts:
            phase.add_metric([row.id, row.scope, row.candidate, row.phase], 1)
            if row.last_verdict is None:
                continue
            check = SloCheck.model_validate(row.last_verdict)
            breached.add_metric([row.id], 1 if check.verdict.breached else 0)
            samples.add_metric([row.id, "candidate"], check.candidate.n)
            samples.add_metric([row.id, "control"], check.control.n)
        yield phase
        yield breached
        yield samples


class Metrics:
    """The counters and histograms of one app, in their own registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self._generations = Counter(
            "jit_generations",
            "Stored generations by the strategy that ran, what served, auto's route choice "
            "and the fallback reason.",
            ["strategy", "served", "route", "fallback_reason"],
            registry=self.registry,
        )
        self._stage_seconds = Histogram(
            "jit_generation_stage_seconds",
            "Wall-clock seconds per generation stage.",
            ["stage"],
            buckets=_STAGE_BUCKETS,
            registry=self.registry,
        )
        self._stage_children: dict[str, Histogram] = {}
        model = ["provider", "model"]
        self._calls = Counter(
            "jit_llm_calls",
            "LLM call records by outcome: ok, cache_hit or the fallback reason.",
            [*model, "outcome"],
            registry=self.registry,
        )
        self._attempts = Counter(
            "jit_llm_attempts",
            "Model responses asked for (a validation reask is the second).",
            model,
            registry=self.registry,
        )
        self._tokens = Counter(
            "jit_llm_tokens",
            "Tokens counted by the provider, by direction (input, output).",
            [*model, "direction"],
            registry=self.registry,
        )
        self._cost = Counter(
            "jit_llm_cost_usd",
            "Estimated cost in US dollars (models in the price table only).",
            model,
            registry=self.registry,
        )
        self._runtimes = _RuntimeCollector()
        self.registry.register(self._runtimes)

    def watch_runtime(self, runtime: LlmRuntime) -> None:
        """Report the runtime's breaker state (a runtime without a provider has none) and its
        cache's counts."""
        if runtime.breaker is not None:
            self._runtimes.breakers.append((runtime.settings.provider, runtime.breaker))
        if isinstance(runtime.cache, CacheCounts):
            self._runtimes.caches.append(runtime.cache)

    def stage(self, name: str) -> AbstractContextManager[None]:
        """Times one stage into `jit_generation_stage_seconds`. The labelled child is kept:
        looking it up again costs about as much as the timing itself (2 µs)."""
        child = self._stage_children.get(name)
        if child is None:
            child = self._stage_children[name] = self._stage_seconds.labels(stage=name)
        return child.time()

    def observe_generation(self, strategy: str, result: GenerationResult) -> None:
        """Counts one stored generation, and its LLM call records (a rollout's shadow call
        too: it is a model call that costs) if it has them."""
        output = result.output
        self._generations.labels(
            strategy=strategy,
            served=(output.jit_strategy or StrategyUsed.FORMULA).value,
            route=route_choice(result.route),
            fallback_reason=_reason(output.fallback_reason),
        ).inc()
        for call in (result.call, result.shadow_call):
            if call is not None:
                self._observe_call(call)

    def _observe_call(self, call: LlmCallRecord) -> None:
        model = {"provider": call.provider, "model": call.model}
        self._calls.labels(**model, outcome=_outcome(call)).inc()
        self._attempts.labels(**model).inc(call.attempts)
        for direction, tokens in (("input", call.input_tokens), ("output", call.output_tokens)):
            if tokens:
                self._tokens.labels(**model, direction=direction).inc(tokens)
        if call.cost_usd is not None:
            self._cost.labels(**model).inc(call.cost_usd)

    def exposition(self, policy: PolicyState | None = None) -> bytes:
        """The registry in Prometheus text format, followed by the routing policy's gauges when
        its state was read (a registry of their own per scrape: the state is the scrape's)."""
        text = generate_latest(self.registry)
        if policy is None:
            return text
        scrape = CollectorRegistry(auto_describe=False)
        scrape.register(_PolicyCollector(policy))
        return text + generate_latest(scrape)
