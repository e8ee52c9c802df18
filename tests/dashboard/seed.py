"""Data for the dashboard's pages, made through the JSON API as a real deployment makes it: a
lifter whose hard sessions taught a readiness recommendation waiting for a person, a lifter
served by a model stand-in (call records and hybrid comparisons), a global routing rule, and a
rollout in canary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from api.llm.runtime import registry_for_source
from shared_types.adjustment import JITAdjustment
from shared_types.llm import LlmCallRecord
from tests.api.client import ADMIN, Api, Lifter
from tests.api.llm_payloads import ADJUSTMENT
from training_engine.ports import AdjustmentRequest, AlwaysAccepting, SourcedAdjustment
from training_engine.strategies import StrategyRegistry

__all__ = ["ModelStandIn", "Seeded", "model_registry", "seed"]

POOR_DAY = {"sleep_quality": 1, "energy_level": 1}


class ModelStandIn:
    """A model that always answers `ADJUSTMENT`, with a call record like a provider's."""

    async def adjustment(self, request: AdjustmentRequest) -> SourcedAdjustment:
        answer = JITAdjustment.model_validate(ADJUSTMENT)
        record = LlmCallRecord(
            provider="stand-in",
            model="stand-in-1",
            prompt_version=request.prompt.version,
            prompt_chars=request.prompt.chars,
            attempts=1,
            latency_ms=42.0,
            deadline_s=5.0,
            input_tokens=900,
            output_tokens=60,
            usage_known=True,
            cost_usd=0.0002,
            cache_hit=False,
            cache_key="d" * 64,
            breaker_state="closed",
            fallback_reason=None,
            detail=None,
            adjustment=answer,
        )
        return SourcedAdjustment(answer, record)


def model_registry() -> StrategyRegistry:
    return registry_for_source(ModelStandIn(), AlwaysAccepting())


@dataclass(frozen=True)
class Seeded:
    learner: Lifter  # has a pending readiness recommendation
    served: Lifter  # has model calls and hybrid comparisons
    rollout_id: str
    recommendation_id: str


def _lifter(api: Api, name: str) -> tuple[Lifter, list[dict[str, Any]]]:
    who = api.lifter(name=name, biological_sex="male", bodyweight_kg=82)
    for lift, kg in (("squat", 140), ("bench", 100), ("deadlift", 180)):
        api.set_max(who, lift, kg)
    api.program(who, total_weeks=12)
    return who, [s for s in api.sessions(who) if not s["is_deload"]]


def _train(api: Api, who: Lifter, session: dict[str, Any], strategy: str, rpe_over: float) -> None:
    """Generates the session, logs every main set at its target RPE + `rpe_over`, completes it."""
    sid = session["id"]
    body = {**POOR_DAY, "strategy": strategy}
    generated = api.generate(who, sid, key=f"gen-{sid}", body=body)
    assert generated.status_code == 200, generated.text
    for planned in generated.json()["prescription"]["main_lift_sets"]:
        logged = api.log_set(
            who,
            sid,
            set_number=planned["set_number"],
            weight_kg=planned["weight_kg"],
            reps=planned["reps"],
            rpe=min(10.0, (planned["rpe_target"] or 8.0) + rpe_over),
        )
        assert logged.status_code == 201, logged.text
    done = api.post(who, f"/v1/me/sessions/{sid}/complete", {"session_rpe": 8})
    assert done.status_code == 200, done.text
    api.clock.set(api.clock() + timedelta(days=2))


def _admin(api: Api, method: str, path: str, body: Any = None) -> dict[str, Any]:
    response = api.client.request(method, path, json=body, headers=ADMIN)
    assert response.status_code in (200, 201), response.text
    answer: dict[str, Any] = response.json()
    return answer


def seed(api: Api) -> Seeded:
    """Everything the pages show; the app must serve `model_registry()` (for hybrid)."""
    learner, sessions = _lifter(api, "Ada")
    for session in sessions[:12]:  # too hard on poor days: readiness learns a large bias
        _train(api, learner, session, "formula", rpe_over=3.0)
    pending = _admin(api, "GET", f"/v1/lifters/{learner.id}/calibrations")["pending"]
    recommendation = next(p for p in pending if p["recommendation"]["source"] == "readiness")
    served, theirs = _lifter(api, "Grace")
    for session in theirs[:3]:
        _train(api, served, session, "hybrid", rpe_over=0.5)
    note = {"changed_by": "ops", "reason": "formula first"}
    _admin(api, "PUT", "/v1/admin/routing/rules/global", {**note, "rule": {"strategy": "formula"}})
    rollout = _admin(
        api,
        "POST",
        "/v1/admin/rollouts",
        {
            "changed_by": "ops",
            "reason": "try hybrid",
            "candidate": "hybrid",
            "min_samples": 30,
            "min_elapsed_s": 0,
        },
    )
    _admin(
        api,
        "POST",
        f"/v1/admin/rollouts/{rollout['id']}/advance",
        {"changed_by": "ops", "reason": "shadow looked fine"},
    )
    return Seeded(
        learner=learner,
        served=served,
        rollout_id=rollout["id"],
        recommendation_id=recommendation["id"],
    )
