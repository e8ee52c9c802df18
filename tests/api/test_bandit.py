"""`auto`'s contextual bandit on the session path (issue 12), on SQLite and PostgreSQL: where the
rules let the model serve, the bandit chooses between it and the formula; the decision is logged
with its context, propensity, policy version and seed; the completed session's reward joins it
and moves the chosen arm's shared posterior; the same seed, session and context choose the same."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from api.cli import main
from api.persistence.tables import BanditDecisionRow, BanditPosteriorRow, GenerationRow
from shared_types.bandit import ArmPosterior, BanditDecision
from tests.api.client import ADMIN, Api, Lifter
from tests.api.test_auto_routing import NOTE, POOR_NIGHT, _admin, _generate
from tests.api.test_llm_generation import FakeSource, _ready, _registry
from training_engine.routing.bandit import PRIOR_MEAN, TRUST_REGION

BANDIT = {"bandit": {"enabled": True, "seed": 7, "policy_version": "test-1"}}


@pytest.fixture(autouse=True)
def no_global_rule(make_api: Any) -> None:
    """The database is shared by the run: a global rule another test left would steer these."""
    api: Api = make_api()
    if api.client.get("/v1/admin/routing/rules/global", headers=ADMIN).status_code == 200:
        _admin(api, "DELETE", "/rules/global", NOTE)


def _complete(api: Api, who: Lifter, sid: str, output: dict[str, Any], *, over: float) -> None:
    for planned in output["main_lift_sets"]:
        logged = api.log_set(
            who,
            sid,
            set_number=planned["set_number"],
            weight_kg=planned["weight_kg"],
            reps=planned["reps"],
            rpe=min(10.0, (planned["rpe_target"] or 8.0) + over),
        )
        assert logged.status_code == 201, logged.text
    done = api.post(who, f"/v1/me/sessions/{sid}/complete", {"session_rpe": 8})
    assert done.status_code == 200, done.text


def test_a_decision_is_logged_rewarded_at_completion_and_moves_its_posterior(
    make_api: Any,
) -> None:
    source = FakeSource()
    api: Api = make_api(registry=_registry(source), routing=BANDIT)
    who, sid = _ready(api)
    body = _generate(api, who, sid, POOR_NIGHT, "bandit")
    rows = api.rows(BanditDecisionRow, session_id=sid)
    assert len(rows) == 1
    row = rows[0]
    decision = BanditDecision.model_validate(row.document)
    assert row.generation_id == body["generation_id"]
    assert decision.arms == ("formula", "llm")
    assert sum(decision.propensities.values()) == pytest.approx(1.0)
    assert min(decision.propensities.values()) >= 0.05 / 2
    assert row.propensity == decision.propensities[row.chosen]
    assert (row.policy_version, row.seed) == ("test-1", 7)
    assert body["jit_strategy"] == row.chosen
    assert f"bandit test-1 in {row.context_key}: {row.chosen}" in body["route"]
    assert row.context_key.startswith("squat|")
    assert row.tokens == (150 if row.chosen == "llm" else 0)  # the fake's 120 + 30
    assert row.reward is None

    _complete(api, who, sid, body["prescription"], over=0.5)
    row = api.rows(BanditDecisionRow, session_id=sid)[0]
    constraint = sum(w.startswith("[constraint]") for w in body["prescription"]["warnings"])
    expected = -0.5 - constraint * 1.0 - (row.tokens or 0) / 1000 * 0.02
    assert row.reward == pytest.approx(expected)
    assert row.rewarded_at is not None
    stored = api.rows(
        BanditPosteriorRow, policy_version="test-1", context_key=row.context_key, arm=row.chosen
    )
    assert len(stored) == 1
    posterior = ArmPosterior.model_validate(stored[0].document)
    assert posterior.n == stored[0].n == 1
    assert posterior.mean != PRIOR_MEAN
    assert abs(posterior.mean - PRIOR_MEAN) <= TRUST_REGION + 1e-9


def test_the_same_seed_session_and_context_choose_the_same(make_api: Any) -> None:
    source = FakeSource()
    api: Api = make_api(registry=_registry(source), routing=BANDIT)
    who, sid = _ready(api)
    _generate(api, who, sid, POOR_NIGHT, "first")
    _generate(api, who, sid, POOR_NIGHT, "again")  # regenerated before any set is logged
    first, again = (
        BanditDecision.model_validate(r.document)
        for r in sorted(api.rows(BanditDecisionRow, session_id=sid), key=lambda r: r.created_at)
    )
    assert again == first


def test_only_arms_the_rules_allow_are_offered(make_api: Any) -> None:
    source = FakeSource()
    api: Api = make_api(registry=_registry(source), routing=BANDIT)
    who, sid = _ready(api)
    _admin(api, "PUT", "/rules/global", {**NOTE, "rule": {"strategy": "formula"}})
    try:
        body = _generate(api, who, sid, POOR_NIGHT, "rules-formula")
    finally:
        _admin(api, "DELETE", "/rules/global", NOTE)
    assert body["jit_strategy"] == "formula"
    assert "bandit" not in body["route"]
    assert api.rows(BanditDecisionRow, session_id=sid) == []
    assert source.calls == 0


def test_off_by_default(make_api: Any) -> None:
    source = FakeSource()
    api: Api = make_api(registry=_registry(source))
    who, sid = _ready(api)
    body = _generate(api, who, sid, POOR_NIGHT, "no-bandit")
    assert body["jit_strategy"] == "llm"
    assert "bandit" not in body["route"]
    assert api.rows(BanditDecisionRow, session_id=sid) == []
    assert api.rows(GenerationRow, id=body["generation_id"])


def test_evaluate_reads_the_rewarded_decisions_and_estimates_a_candidate(
    make_api: Any, database_urls: dict[str, str], db_kind: str
) -> None:
    source = FakeSource()
    api: Api = make_api(registry=_registry(source), routing=BANDIT)
    who, _ = _ready(api)
    for n, session in enumerate(s for s in api.sessions(who) if not s["is_deload"]):
        if n == 4:
            break
        body = _generate(api, who, session["id"], POOR_NIGHT, f"eval-{n}")
        _complete(api, who, session["id"], body["prescription"], over=0.5)
    rewarded = [r for r in api.rows(BanditDecisionRow, lifter_id=who.id) if r.reward is not None]
    assert len(rewarded) == 4
    url = database_urls[db_kind]
    common = ["evaluate", "--database-url", url, "--policy-version", "test-1", "--n-boot", "50"]
    out, err = io.StringIO(), io.StringIO()
    lenient = ["--min-ess", "0", "--max-unsupported", "1", "--format", "json"]
    code = main([*common, "--candidate", "formula", *lenient], stdout=out, stderr=err)
    assert code == 0, out.getvalue() + err.getvalue()
    document = json.loads(out.getvalue())
    rows = [r for r in api.rows(BanditDecisionRow, policy_version="test-1") if r.reward is not None]
    assert document["decisions"] == len(rows) >= 4
    # IPS by hand: the rewards of the rows that chose the formula, over their propensity.
    by_hand = sum((r.reward or 0.0) / r.propensity for r in rows if r.chosen == "formula") / len(
        rows
    )
    ips = next(e for e in document["estimates"] if e["estimator"] == "ips")
    assert ips["value"] == pytest.approx(by_hand)
    assert ips["low"] <= ips["value"] <= ips["high"]
    out = io.StringIO()
    refused = main([*common, "--candidate", "model"], stdout=out, stderr=err)
    assert refused == 3  # a handful of decisions: too few for the defaults
    assert "refused:" in out.getvalue()
    assert main([*common, "--since", "yesterday"], stdout=out, stderr=err) == 2
