"""`GET /metrics` (issue 11): Prometheus text that parses, counting generations, stages, model
calls, tokens, cost, cache hits per tier and the breaker's state; the routing policy's state
read from the database when scraped (today's global budget, each active rollout's phase and SLO
state), left out when that read fails; the admin token unless public; no route when disabled;
and the optimisation switches (cache, reasks) that an A/B comparison turns off, each shown to
change what the provider is asked."""

from __future__ import annotations

from typing import Any, get_args

import httpx2
import pytest
from hypothesis import given
from hypothesis import strategies as st
from prometheus_client.parser import text_string_to_metric_families

from api.llm.runtime import LlmRuntime, build_runtime
from api.metrics import NO_LABEL, Metrics, route_choice
from api.persistence.repositories import rollouts as rollout_repo
from api.settings import BudgetSettings, LlmSettings, MetricsSettings, Settings
from shared_types.llm import GenerationResult
from shared_types.routing import RouteStrategy
from tests.api.client import ADMIN, Api, Lifter
from tests.api.llm_payloads import ADJUSTMENT, Provider, openai_completion, openai_error, settings
from tests.factories import make_input
from training_engine.session import formula_session

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]
OUT_OF_BOUNDS = {**ADJUSTMENT, "intensity_modifier": 5.0}
PRICE = {"input_per_mtok": 0.15, "output_per_mtok": 0.6}
STAGES = ("read", "assemble", "engine", "serialise", "write")


def _scrape(api: Api) -> Samples:
    response = api.client.get("/metrics", headers=ADMIN)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return _parse(response.text)


def _parse(text: str) -> Samples:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def _value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def _ready(api: Api) -> tuple[Lifter, str]:
    who = api.lifter()
    api.set_max(who, "squat", 140)
    api.program(who)
    return who, api.sessions(who)[0]["id"]


def _generate(api: Api, who: Lifter, sid: str, strategy: str, key: str) -> dict[str, Any]:
    response = api.generate(who, sid, key=key, body={"strategy": strategy, "sleep_quality": 2})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _llm_app(
    make_api: Any, provider: Provider, config: LlmSettings, **app_settings: Any
) -> tuple[Api, LlmRuntime]:
    """An app over the production runtime on a mock transport, its runtime watched."""
    runtime = build_runtime(config, http_client=provider.http())
    api: Api = make_api(registry=runtime.registry(), **app_settings)
    api.state.metrics.watch_runtime(runtime)
    return api, runtime


def _generations(samples: Samples, strategy: str, served: str, route: str, reason: str) -> float:
    labels = {"strategy": strategy, "served": served, "route": route, "fallback_reason": reason}
    return _value(samples, "jit_generations_total", **labels)


def test_a_formula_generation_is_counted_with_its_stages(api: Api) -> None:
    who, sid = _ready(api)
    before = _scrape(api)
    assert _generations(before, "formula", "formula", NO_LABEL, NO_LABEL) == 0
    _generate(api, who, sid, "formula", key="f")
    samples = _scrape(api)
    assert _generations(samples, "formula", "formula", NO_LABEL, NO_LABEL) == 1
    for stage in STAGES:
        count = _value(samples, "jit_generation_stage_seconds_count", stage=stage)
        assert count == _value(before, "jit_generation_stage_seconds_count", stage=stage) + 1
        assert _value(samples, "jit_generation_stage_seconds_sum", stage=stage) >= 0
    assert not any(name.startswith("jit_llm_calls") for name, _ in samples)


def test_a_replay_is_not_counted_again(api: Api) -> None:
    who, sid = _ready(api)
    _generate(api, who, sid, "formula", key="same")
    _generate(api, who, sid, "formula", key="same")
    assert _generations(_scrape(api), "formula", "formula", NO_LABEL, NO_LABEL) == 1


def test_llm_generations_count_calls_tokens_cost_cache_tiers_and_the_breaker(
    make_api: Any,
) -> None:
    provider = Provider(lambda request, n: httpx2.Response(200, json=openai_completion(ADJUSTMENT)))
    api, _ = _llm_app(make_api, provider, settings(prices={"gpt-4o-mini": PRICE}))
    who, sid = _ready(api)
    _generate(api, who, sid, "auto", key="a")
    _generate(api, who, sid, "llm", key="b")  # the same check-in: the memory tier answers
    assert len(provider.requests) == 1
    samples = _scrape(api)
    assert _generations(samples, "auto", "llm", "llm", NO_LABEL) == 1
    assert _generations(samples, "llm", "llm", NO_LABEL, NO_LABEL) == 1
    model = {"provider": "openai", "model": "gpt-4o-mini"}
    assert _value(samples, "jit_llm_calls_total", **model, outcome="ok") == 1
    assert _value(samples, "jit_llm_calls_total", **model, outcome="cache_hit") == 1
    assert _value(samples, "jit_llm_attempts_total", **model) == 1
    assert _value(samples, "jit_llm_tokens_total", **model, direction="input") == 100
    assert _value(samples, "jit_llm_tokens_total", **model, direction="output") == 20
    cost = _value(samples, "jit_llm_cost_usd_total", **model)
    assert cost == pytest.approx((100 * 0.15 + 20 * 0.6) / 1e6)
    assert _value(samples, "jit_adjustment_cache_hits_total", tier="memory") == 1
    assert _value(samples, "jit_adjustment_cache_misses_total") == 1
    closed = _value(samples, "jit_llm_breaker_state", provider="openai", state="closed")
    open_ = _value(samples, "jit_llm_breaker_state", provider="openai", state="open")
    assert (closed, open_) == (1, 0)


def test_a_failing_provider_counts_the_fallback_and_opens_the_breaker(make_api: Any) -> None:
    provider = Provider(lambda request, n: openai_error(500))
    api, _ = _llm_app(make_api, provider, settings(breaker_failures=1))
    who, sid = _ready(api)
    body = _generate(api, who, sid, "llm", key="down")
    assert body["fallback_reason"] == "provider_error"
    samples = _scrape(api)
    assert _generations(samples, "llm", "formula_fallback", NO_LABEL, "provider_error") == 1
    model = {"provider": "openai", "model": "gpt-4o-mini"}
    assert _value(samples, "jit_llm_calls_total", **model, outcome="provider_error") == 1
    states = {
        state: _value(samples, "jit_llm_breaker_state", provider="openai", state=state)
        for state in ("closed", "open", "half_open")
    }
    assert states == {"closed": 0, "open": 1, "half_open": 0}
    body = _generate(api, who, sid, "auto", key="auto")  # auto sees the open breaker
    assert body["jit_strategy"] == "formula"
    assert _generations(_scrape(api), "auto", "formula", "formula", NO_LABEL) == 1


def test_the_app_watches_the_runtime_it_builds(make_api: Any) -> None:
    api: Api = make_api(llm=settings())  # no registry: create_app builds the runtime
    samples = _scrape(api)
    assert _value(samples, "jit_llm_breaker_state", provider="openai", state="closed") == 1
    assert _value(samples, "jit_adjustment_cache_misses_total") == 0
    assert ("jit_adjustment_cache_misses_total", frozenset()) in samples


def test_without_a_provider_there_is_no_breaker_and_no_model_cost(api: Api) -> None:
    who, sid = _ready(api)
    _generate(api, who, sid, "llm", key="none")
    samples = _scrape(api)
    assert _generations(samples, "llm", "formula_fallback", NO_LABEL, "disabled") == 1
    model = {"provider": "none", "model": ""}
    assert _value(samples, "jit_llm_calls_total", **model, outcome="disabled") == 1
    assert not any(name == "jit_llm_breaker_state" for name, _ in samples)
    assert not any(name == "jit_llm_cost_usd_total" for name, _ in samples)


def _admin(api: Api, method: str, path: str, body: Any = None) -> dict[str, Any]:
    response = api.client.request(method, path, json=body, headers=ADMIN)
    assert response.status_code in (200, 201), response.text
    answer: dict[str, Any] = response.json()
    return answer


def _series(samples: Samples, name: str, **labels: str) -> dict[frozenset[tuple[str, str]], float]:
    """The samples of `name` whose labels include `labels`."""
    wanted = set(labels.items())
    return {found: value for (n, found), value in samples.items() if n == name and wanted <= found}


TOKEN_LIMIT = 10**9


def test_budget_use_rollout_phase_and_slo_state_are_read_from_the_database(
    make_api: Any,
) -> None:
    provider = Provider(lambda request, n: httpx2.Response(200, json=openai_completion(ADJUSTMENT)))
    config = settings(prices={"gpt-4o-mini": PRICE})
    budgets = BudgetSettings(global_daily_tokens=TOKEN_LIMIT)
    api, _ = _llm_app(make_api, provider, config, budgets=budgets)
    who, sid = _ready(api)
    before = _scrape(api)  # the run shares one database: other tests spent today too
    rollouts = "/v1/admin/rollouts"
    note = {"changed_by": "ops@example.com", "reason": "metrics test"}
    start = {
        **note,
        "candidate": "llm",
        "lifter_id": who.id,
        "min_samples": 200,
        "min_elapsed_s": 0,
    }
    rollout = _admin(api, "POST", rollouts, start)
    try:
        for _ in ("canary", "guarded", "general"):  # general: the lifter is a candidate
            _admin(api, "POST", f"{rollouts}/{rollout['id']}/advance", note)
        assert _generate(api, who, sid, "auto", key="policy")["jit_strategy"] == "llm"
        samples = _scrape(api)
        status = _admin(api, "GET", f"{rollouts}/{rollout['id']}")
    finally:
        _admin(api, "POST", f"{rollouts}/{rollout['id']}/stop", note)

    # One call of 100 + 20 tokens was reserved and settled: used, nothing left reserved.
    spent = {"tokens": 120.0, "cost_usd": (100 * 0.15 + 20 * 0.6) / 1e6}
    view = _admin(api, "GET", "/v1/admin/budgets")["global_budget"]
    for unit, used in spent.items():
        name = f"jit_budget_{unit}"
        was = _value(before, name, budget="global", state="used")
        assert _value(samples, name, budget="global", state="used") == pytest.approx(was + used)
        assert _value(samples, name, budget="global", state="used") == pytest.approx(
            float(view[f"used_{unit}"])
        )
        assert _value(samples, name, budget="global", state="reserved") == 0
    assert _value(samples, "jit_budget_tokens", budget="global", state="limit") == TOKEN_LIMIT
    assert not _series(samples, "jit_budget_cost_usd", state="limit")  # no cost limit set

    phases = _series(samples, "jit_rollout_phase", rollout_id=rollout["id"])
    labels = {"rollout_id": rollout["id"], "scope": "lifter", "candidate": "llm"}
    assert phases == {frozenset({**labels, "phase": "general"}.items()): 1.0}
    check = status["last_check"]
    assert (check["verdict"]["breached"], check["candidate"]["n"]) == (False, 1)
    assert _value(samples, "jit_rollout_slo_breached", rollout_id=rollout["id"]) == 0
    assert _series(samples, "jit_rollout_slo_breached", rollout_id=rollout["id"])
    for arm in ("candidate", "control"):
        window = _value(
            samples, "jit_rollout_slo_window_samples", rollout_id=rollout["id"], arm=arm
        )
        assert window == check[arm]["n"]
    # Stopped, the rollout is no longer active and its series go.
    assert not _series(_scrape(api), "jit_rollout_phase", rollout_id=rollout["id"])


def test_a_failed_policy_read_leaves_its_series_out_and_the_scrape_answers(
    api: Api, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    who, sid = _ready(api)
    _generate(api, who, sid, "formula", key="read")
    assert _series(_scrape(api), "jit_budget_tokens", budget="global", state="used")

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the database is away")

    monkeypatch.setattr(rollout_repo, "rollout_page", broken)
    samples = _scrape(api)
    assert _generations(samples, "formula", "formula", NO_LABEL, NO_LABEL) == 1
    assert not any(name.startswith(("jit_budget", "jit_rollout")) for name, _ in samples)
    assert "could not read the routing policy's state" in caplog.text


def test_metrics_need_the_admin_token_by_default(api: Api) -> None:
    who = api.lifter()
    assert api.client.get("/metrics").status_code == 401
    assert api.get(who, "/metrics").status_code == 403
    assert api.client.get("/metrics", headers=ADMIN).status_code == 200


def test_public_metrics_need_no_token(make_api: Any) -> None:
    api: Api = make_api(metrics=MetricsSettings(public=True))
    assert api.client.get("/metrics").status_code == 200


def test_disabled_metrics_have_no_route(make_api: Any) -> None:
    api: Api = make_api(metrics=MetricsSettings(enabled=False))
    assert api.client.get("/metrics", headers=ADMIN).status_code == 404
    assert "/metrics" not in api.app.openapi()["paths"]


def test_metrics_and_routing_settings_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert (Settings().metrics, Settings().routing.gate_enabled) == (MetricsSettings(), True)
    monkeypatch.setenv("JIT_METRICS__ENABLED", "false")
    monkeypatch.setenv("JIT_METRICS__PUBLIC", "true")
    monkeypatch.setenv("JIT_ROUTING__GATE_ENABLED", "false")
    settings_ = Settings()
    assert (settings_.metrics.enabled, settings_.metrics.public) == (False, True)
    assert settings_.routing.gate_enabled is False


@pytest.mark.parametrize(("ttl_s", "requests", "hits"), [(3600.0, 1, 1), (0.0, 2, 0)])
def test_the_cache_switch_decides_whether_the_same_prompt_asks_the_provider_again(
    make_api: Any, ttl_s: float, requests: int, hits: int
) -> None:
    provider = Provider(lambda request, n: httpx2.Response(200, json=openai_completion(ADJUSTMENT)))
    api, _ = _llm_app(make_api, provider, settings(cache_ttl_s=ttl_s))
    who, sid = _ready(api)
    _generate(api, who, sid, "llm", key="first")
    _generate(api, who, sid, "llm", key="second")
    assert len(provider.requests) == requests
    samples = _scrape(api)
    assert _value(samples, "jit_adjustment_cache_hits_total", tier="memory") == hits
    assert _value(samples, "jit_adjustment_cache_misses_total") == 2 - hits


@pytest.mark.parametrize(
    ("max_reasks", "served", "attempts"), [(1, "llm", 2), (0, "formula_fallback", 1)]
)
def test_the_reask_switch_decides_whether_an_invalid_answer_is_asked_again(
    make_api: Any, max_reasks: int, served: str, attempts: int
) -> None:
    def handler(request: httpx2.Request, n: int) -> httpx2.Response:
        return httpx2.Response(200, json=openai_completion(OUT_OF_BOUNDS if n == 1 else ADJUSTMENT))

    provider = Provider(handler)
    api, _ = _llm_app(make_api, provider, settings(max_reasks=max_reasks))
    who, sid = _ready(api)
    assert _generate(api, who, sid, "llm", key="reask")["jit_strategy"] == served
    assert len(provider.requests) == attempts
    samples = _scrape(api)
    model = {"provider": "openai", "model": "gpt-4o-mini"}
    assert _value(samples, "jit_llm_attempts_total", **model) == attempts


def test_each_app_counts_into_its_own_registry() -> None:
    first, second = Metrics(), Metrics()
    result = GenerationResult(output=formula_session(make_input()))
    first.observe_generation("formula", result)
    counted = _parse(first.exposition().decode())
    assert _generations(counted, "formula", "formula", NO_LABEL, NO_LABEL) == 1
    assert not any(
        name == "jit_generations_total" for name, _ in _parse(second.exposition().decode())
    )


@given(st.text(max_size=40))
def test_a_route_label_is_always_a_known_choice(route: str) -> None:
    assert route_choice(route) in {*get_args(RouteStrategy), "other"}
    assert route_choice(None) == NO_LABEL


@pytest.mark.parametrize("name", get_args(RouteStrategy))
def test_the_route_label_is_auto_s_choice(name: str) -> None:
    assert route_choice(f"{name}: rule: {name} (from global); gate: not confident") == name
    assert route_choice(f"auto-{name}: something else") == "other"
