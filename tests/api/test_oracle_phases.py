"""A distilled rule goes through the rollout phases, watched by the SLO guard (issue 12), on
SQLite and PostgreSQL: activation starts at canary, `advance` widens the lifters served without
dropping one, `pause` serves the model again, a breach of the rule's sessions against the
model's in its context pauses the rule with its reason, an advance is refused while the breach
stands or before the minimum samples, and rollback from general is one call.

The database is shared by the run: each test moves the app's clock to a year of its own before
it activates, and seeds its finished sessions there, so the guard's windows (since the phase
began; the model's since the oracle's period before the activation) read only its rows."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from api.persistence.tables import (
    CheckInRow,
    DistilledRuleRow,
    GenerationRow,
    SessionRow,
)
from api.services.oracle import serving_rules
from shared_types.inputs import JITInput
from shared_types.routing import Phase
from tests.api.client import ADMIN, Api, Lifter
from tests.api.test_auto_routing import POOR_NIGHT, _generate
from tests.api.test_llm_generation import FakeSource
from tests.api.test_oracle import RULES, WHO, _call, _lifter, outcome_row
from tests.api.test_oracle import rule_in_context as _rule_in_context
from tests.factories import make_outcome
from training_engine.routing.bandit import context_of
from training_engine.routing.rollout import SHARE, bucket

Made = tuple[Api, FakeSource, dict[str, Any], Lifter, str]
MIN = 3  # the guard's minimum samples in these tests
_YEARS = itertools.count(2100)
rule_in_context = _rule_in_context  # test_oracle's fixture: a validated rule in a context


def _rule_path(made: dict[str, Any], action: str) -> str:
    return f"{RULES}/{made['rule_id']}/{action}"


def _post(api: Api, path: str, body: dict[str, Any] | None = None) -> Any:
    return api.client.post(path, json=body or WHO, headers=ADMIN)


def _ok(api: Api, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    response = _post(api, path, body)
    assert response.status_code == 200, response.text
    out: dict[str, Any] = response.json()
    return out


def _rule(api: Api, made: dict[str, Any]) -> dict[str, Any]:
    response = api.client.get(f"{RULES}/{made['rule_id']}", headers=ADMIN)
    assert response.status_code == 200, response.text
    out: dict[str, Any] = response.json()
    return out


def _input(api: Api, sid: str) -> JITInput:
    (session,) = api.rows(SessionRow, id=sid)
    assert session.jit_input_snapshot is not None
    return JITInput.model_validate(session.jit_input_snapshot)


class Seeder:
    """Finished sessions in the rule's context: served by the rule (its version and context in
    the route) or by the model (a model call), each with an RPE error."""

    def __init__(self, api: Api, made: dict[str, Any], inp: JITInput, year: int) -> None:
        self.api, self.made, self.inp = api, made, inp
        self.lifter_id = f"phases-{year}-{api.state.db.dialect}"
        self.ids = itertools.count()
        _lifter(api, self.lifter_id, datetime(year, 1, 1, tzinfo=UTC))

    def _outcome(self, error: float) -> Any:
        return make_outcome(
            error, lift=self.inp.primary_lift, intensity_type=self.inp.intensity_type
        )

    def model(
        self, at: datetime, error: float, n: int = MIN, *, inp: JITInput | None = None
    ) -> None:
        """`n` model-served sessions (in `inp`'s context, default the rule's)."""
        for _ in range(n):
            sid = f"{self.lifter_id}-m{next(self.ids)}"
            _call(
                self.api,
                sid,
                lifter_id=self.lifter_id,
                inp=inp or self.inp,
                at=at,
                outcome=self._outcome(error),
            )

    def rule(
        self, at: datetime, error: float, n: int = MIN, *, fallback: str | None = None
    ) -> None:
        route = (
            f"llm: rule: llm (from default); gate: not confident; distilled_rule "
            f"{self.made['version']} in {self.made['context']}: the rule serves, no model call"
        )
        for _ in range(n):
            sid = f"{self.lifter_id}-r{next(self.ids)}"
            outcome = self._outcome(error)
            with self.api.state.db.write() as unit:
                unit.add(
                    SessionRow(
                        id=sid,
                        lifter_id=self.lifter_id,
                        week_number=1,
                        day_number=1,
                        block_number=1,
                        planned_date=at.date(),
                        primary_lift=self.inp.primary_lift.value,
                        intensity_type=self.inp.intensity_type.value,
                        status="completed",
                        jit_strategy="formula_fallback" if fallback else "distilled_rule",
                        jit_input_snapshot=self.inp.model_dump(mode="json"),
                        generation_id=f"g-{sid}",
                        created_at=at,
                        updated_at=at,
                    )
                )
                unit.flush()
                unit.add(
                    CheckInRow(
                        id=f"c-{sid}",
                        lifter_id=self.lifter_id,
                        session_id=sid,
                        soreness={},
                        recorded_at=at,
                    )
                )
                unit.flush()
                unit.add(
                    GenerationRow(
                        id=f"g-{sid}",
                        lifter_id=self.lifter_id,
                        session_id=sid,
                        check_in_id=f"c-{sid}",
                        idempotency_key=sid,
                        request_hash="0" * 64,
                        jit_strategy="formula_fallback" if fallback else "distilled_rule",
                        route=route,
                        fallback_reason=fallback,
                        response_json="{}",
                        created_at=at,
                    )
                )
                unit.flush()
                unit.add(outcome_row(sid, self.lifter_id, outcome, at))


def _activated(made_in: Made, **body: Any) -> tuple[Api, dict[str, Any], Seeder, datetime]:
    """The fixture's rule activated (in a year of the test's own) with the guard's minimum
    samples `MIN`, and a seeder of its context."""
    api, _, made, _, sid = made_in
    year = next(_YEARS)
    start = datetime(year, 3, 1, tzinfo=UTC)
    api.clock.set(start)
    seeder = Seeder(api, made, _input(api, sid), year)
    out = _ok(api, _rule_path(made, "activate"), {**WHO, "min_samples": MIN, **body})
    assert out["status"] == "active"
    return api, out, seeder, start


def _served(api: Api, made: dict[str, Any], lifters: list[str]) -> set[str]:
    lift, intensity = made["context"].split("|")[:2]
    with api.state.db.read() as unit:
        return {
            lid for lid in lifters if made["context"] in serving_rules(unit, lid, lift, intensity)
        }


def test_activation_starts_at_canary_and_each_advance_only_adds_lifters(
    rule_in_context: Made,
) -> None:
    api, out, seeder, start = _activated(rule_in_context)
    made = rule_in_context[2]
    assert (out["phase"], out["share"], out["paused"]) == ("canary", 0.05, False)
    assert (out["events"][-1]["from_phase"], out["events"][-1]["to_phase"]) == (None, "canary")
    lifters = [f"bucketed-{i}" for i in range(400)]
    canary = _served(api, made, lifters)
    assert canary == {lid for lid in lifters if bucket(lid, made["rule_id"]) < SHARE[Phase.CANARY]}

    # the model's sessions before the activation count (the oracle's period); the rule's since
    # its phase began: no worse RPE error, no fallbacks
    seeder.model(start - timedelta(days=3), error=0.5)
    api.clock.set(start + timedelta(days=1))
    seeder.rule(start + timedelta(hours=2), error=0.5)
    guarded = _ok(api, _rule_path(made, "advance"))
    assert (guarded["phase"], guarded["share"]) == ("guarded", 0.25)
    assert guarded["last_check"]["verdict"] == {
        "breached": False,
        "breaches": [],
        "enough_samples": True,
    }
    event = guarded["events"][-1]
    assert (event["from_phase"], event["to_phase"], event["changed_by"]) == (
        "canary",
        "guarded",
        WHO["changed_by"],
    )
    assert WHO["reason"] in event["why"]
    in_guarded = _served(api, made, lifters)
    assert canary <= in_guarded  # nobody in at canary is dropped
    assert in_guarded == {lid for lid in lifters if bucket(lid, made["rule_id"]) < 0.25}
    assert len(in_guarded) > len(canary)

    # the new phase judges its own sessions: none yet
    refused = _post(api, _rule_path(made, "advance"))
    assert refused.status_code == 409
    assert f"0 of {MIN} served by the rule in guarded" in refused.json()["error"]["message"]
    seeder.rule(start + timedelta(days=1, hours=2), error=0.5)
    api.clock.set(start + timedelta(days=2))
    general = _ok(api, _rule_path(made, "advance"))
    assert (general["phase"], general["share"]) == ("general", 1.0)
    assert _served(api, made, lifters) == set(lifters)
    assert _post(api, _rule_path(made, "advance")).status_code == 409  # already general

    back = _ok(api, _rule_path(made, "rollback"))  # one call from general
    assert (back["status"], back["phase"], back["share"]) == ("rolled_back", None, None)
    assert (back["events"][-1]["from_phase"], back["events"][-1]["to_phase"]) == (
        "general",
        None,
    )
    assert _served(api, made, lifters) == set()


def test_pause_serves_the_model_again_and_resume_serves_the_rule(rule_in_context: Made) -> None:
    api, source, made, who, sid = rule_in_context
    out = _ok(api, _rule_path(made, "activate"), {**WHO, "phase": "general"})
    assert (out["phase"], out["share"]) == ("general", 1.0)
    source.calls = 0
    assert _generate(api, who, sid, POOR_NIGHT, "general")["jit_strategy"] == "distilled_rule"
    assert source.calls == 0

    paused = _ok(api, _rule_path(made, "pause"))
    assert (paused["status"], paused["phase"], paused["paused"], paused["share"]) == (
        "active",
        "general",
        True,
        0.0,
    )
    assert "paused in general" in paused["events"][-1]["why"]
    assert _post(api, _rule_path(made, "pause")).status_code == 409  # already paused
    assert _post(api, _rule_path(made, "advance")).status_code == 409  # paused: resume first
    served = _generate(api, who, sid, POOR_NIGHT, "paused")
    assert source.calls == 1  # the model serves the context again
    assert "distilled_rule" not in served["route"]

    resumed = _ok(api, _rule_path(made, "resume"))
    assert (resumed["paused"], resumed["share"]) == (False, 1.0)
    assert _post(api, _rule_path(made, "resume")).status_code == 409  # not paused
    assert _generate(api, who, sid, POOR_NIGHT, "resumed")["jit_strategy"] == "distilled_rule"
    assert source.calls == 1


def test_a_breach_found_by_an_oracle_run_pauses_the_rule_with_its_reason(
    rule_in_context: Made,
) -> None:
    api, _, seeder, start = _activated(rule_in_context)
    made = rule_in_context[2]
    seeder.model(start - timedelta(days=1), error=0.5)
    seeder.rule(start + timedelta(hours=1), error=1.5)  # worse than the model's
    api.clock.set(start + timedelta(days=1))
    run = api.client.post(
        "/v1/admin/oracle/runs",
        json={"since": start.isoformat(), "until": (start + timedelta(hours=1)).isoformat()},
        headers=ADMIN,
    )
    assert run.status_code == 201, run.text

    rule = _rule(api, made)
    assert (rule["status"], rule["phase"], rule["paused"], rule["share"]) == (
        "active",
        "canary",
        True,
        0.0,
    )
    event = rule["events"][-1]
    assert event["changed_by"] == "slo-monitor"
    assert "mean |RPE error| 1.500 above 0.525" in event["why"]
    assert "paused in canary" in event["why"]
    assert rule["last_check"]["verdict"]["breached"] is True
    refused = _post(api, _rule_path(made, "advance"))
    assert refused.status_code == 409
    assert "paused" in refused.json()["error"]["message"]
    assert rule_in_context[3].id not in _served(api, made, [rule_in_context[3].id])


def test_an_advance_over_a_breach_is_refused_and_the_rule_paused(rule_in_context: Made) -> None:
    api, _, seeder, start = _activated(rule_in_context)
    made = rule_in_context[2]
    seeder.model(start + timedelta(hours=1), error=0.5)  # the model beside the rule counts too
    seeder.rule(start + timedelta(hours=2), error=0.5, fallback="deadline")  # all fell back
    api.clock.set(start + timedelta(days=1))
    refused = _post(api, _rule_path(made, "advance"))
    assert refused.status_code == 409
    message = refused.json()["error"]["message"]
    assert "fallback rate 100.0% above 2.0%" in message
    rule = _rule(api, made)  # the pause the guard made is kept
    assert (rule["phase"], rule["paused"]) == ("canary", True)
    assert rule["events"][-1]["changed_by"] == "slo-monitor"

    # a resume starts a fresh window: the breach is behind it, the samples are not there yet
    _ok(api, _rule_path(made, "resume"))
    again = _post(api, _rule_path(made, "advance"))
    assert again.status_code == 409
    assert f"0 of {MIN} served by the rule in canary" in again.json()["error"]["message"]
    assert _rule(api, made)["paused"] is False


def test_an_advance_waits_for_the_models_samples_in_the_context(rule_in_context: Made) -> None:
    api, _, seeder, start = _activated(rule_in_context)
    made = rule_in_context[2]
    seeder.rule(start + timedelta(hours=1), error=0.1)
    seeder.model(start - timedelta(days=40), error=0.5)  # before the oracle's period: not read
    rested = seeder.inp.model_copy(update={"sleep_quality": 4, "energy_level": 4})
    assert context_of(rested).key != made["context"]
    seeder.model(start + timedelta(hours=1), error=0.5, inp=rested)  # another context: not read
    api.clock.set(start + timedelta(days=1))
    refused = _post(api, _rule_path(made, "advance"))
    assert refused.status_code == 409
    assert f"0 of {MIN} served by the model" in refused.json()["error"]["message"]
    window = _rule(api, made)["window"]
    assert (window["candidate"]["n"], window["control"]["n"]) == (MIN, 0)
    assert _rule(api, made)["phase"] == "canary"


def test_activation_names_a_phase_or_a_phases_share(rule_in_context: Made) -> None:
    api, _, made, _, _ = rule_in_context
    path = _rule_path(made, "activate")
    assert _post(api, path, {**WHO, "share": 0.3}).status_code == 422  # no phase's share
    assert _post(api, path, {**WHO, "share": 1.0, "phase": "canary"}).status_code == 422
    out = _ok(api, path, {**WHO, "share": 0.25})  # the earlier form names the phase
    assert (out["phase"], out["share"]) == ("guarded", 0.25)
    (row,) = api.rows(DistilledRuleRow, id=made["rule_id"])
    assert (row.min_samples, row.phase) == (30, "guarded")


@pytest.mark.parametrize("action", ["advance", "pause", "resume"])
def test_a_rule_that_is_not_active_has_no_phase_to_move(rule_in_context: Made, action: str) -> None:
    api, _, made, _, _ = rule_in_context
    refused = _post(api, _rule_path(made, action))
    assert refused.status_code == 409
    assert "only an active rule" in refused.json()["error"]["message"]


def test_completing_a_session_the_rule_served_runs_the_guard_at_once(rule_in_context: Made) -> None:
    api, _, seeder, start = _activated(rule_in_context, phase="general")
    made, who, sid = rule_in_context[2], rule_in_context[3], rule_in_context[4]
    seeder.model(start - timedelta(days=1), error=0.5)
    seeder.rule(start + timedelta(hours=1), error=1.5)  # worse than the model's, unjudged yet
    assert _rule(api, made)["paused"] is False  # no oracle run, no advance: nothing checked it
    served = _generate(api, who, sid, POOR_NIGHT, "completion-guard")
    assert served["jit_strategy"] == "distilled_rule"
    done = api.post(who, f"/v1/me/sessions/{sid}/complete", {"session_rpe": 8})
    assert done.status_code == 200, done.text
    rule = _rule(api, made)
    assert (rule["paused"], rule["share"]) == (True, 0.0)
    assert rule["events"][-1]["changed_by"] == "slo-monitor"
    assert "paused in general" in rule["events"][-1]["why"]
