"""The optimisation oracle for the admin (issue 12): run it now, read its runs, list the rules
it distilled, activate a validated rule in a rollout phase, advance, pause or resume it, or roll
an active one back."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from api.auth import RequireAdmin
from api.oracle_schemas import (
    DistilledRuleOut,
    DistilledRulePage,
    OracleRunIn,
    OracleRunOut,
    OracleRunPage,
    RuleActivation,
    RuleStatus,
)
from api.routes.common import ERRORS, Id, Limit, Offset
from api.schemas import ChangeNote
from api.services import oracle
from api.state import app_state

router = APIRouter(
    prefix="/v1/admin/oracle", tags=["admin"], dependencies=[RequireAdmin], responses=ERRORS
)


@router.post("/runs", status_code=201, response_model=OracleRunOut)
def run_oracle(request: Request, body: OracleRunIn) -> OracleRunOut:
    """Runs the oracle now (a manual trigger: it distils and validates every distil
    recommendation, whatever `prefer_llm_for_flexibility` says; nothing is activated)."""
    return oracle.start_manual_run(app_state(request), body)


@router.get("/runs", response_model=OracleRunPage)
def list_oracle_runs(request: Request, limit: Limit = 50, offset: Offset = 0) -> OracleRunPage:
    """The oracle's runs, newest first, with their summaries and recommendations."""
    return oracle.list_runs(app_state(request), limit, offset)


@router.get("/runs/{run_id}", response_model=OracleRunOut)
def get_oracle_run(request: Request, run_id: Id) -> OracleRunOut:
    """One run: its period, thresholds, summaries, recommendations and distillations."""
    return oracle.get_run(app_state(request), run_id)


@router.get("/rules", response_model=DistilledRulePage)
def list_distilled_rules(
    request: Request,
    status: Annotated[RuleStatus | None, Query(description="Only rules in this status.")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> DistilledRulePage:
    """The distilled rules, newest first, with their validation and events."""
    return oracle.list_rules(app_state(request), status, limit, offset)


@router.get("/rules/{rule_id}", response_model=DistilledRuleOut)
def get_distilled_rule(request: Request, rule_id: Id) -> DistilledRuleOut:
    """One distilled rule: its fitted values, provenance, cases, validation and events."""
    return oracle.get_rule(app_state(request), rule_id)


@router.post("/rules/{rule_id}/activate", response_model=DistilledRuleOut)
def activate_distilled_rule(
    request: Request, rule_id: Id, body: RuleActivation
) -> DistilledRuleOut:
    """A validated rule serves its context in `auto` to its phase's share of the lifters
    (canary, 0.05, unless `phase` names another; 409 with why when it is not validated, or its
    context already serves another rule)."""
    return oracle.activate(app_state(request), rule_id, body)


@router.post("/rules/{rule_id}/advance", response_model=DistilledRuleOut)
def advance_distilled_rule(request: Request, rule_id: Id, body: ChangeNote) -> DistilledRuleOut:
    """canary -> guarded -> general. The SLO guard judges the rule's sessions in its phase
    against the model's in its context first: 409 with why while paused, at general, before
    both hold the minimum samples, or on a breach (which pauses the rule)."""
    return oracle.advance(app_state(request), rule_id, body)


@router.post("/rules/{rule_id}/pause", response_model=DistilledRuleOut)
def pause_distilled_rule(request: Request, rule_id: Id, body: ChangeNote) -> DistilledRuleOut:
    """The rule serves no one (share 0) but stays active in its phase; its context is routed
    as before (409 when not active or already paused)."""
    return oracle.pause(app_state(request), rule_id, body)


@router.post("/rules/{rule_id}/resume", response_model=DistilledRuleOut)
def resume_distilled_rule(request: Request, rule_id: Id, body: ChangeNote) -> DistilledRuleOut:
    """A paused rule serves its phase's share again; the guard judges its sessions from now on
    (409 when not paused)."""
    return oracle.resume(app_state(request), rule_id, body)


@router.post("/rules/{rule_id}/rollback", response_model=DistilledRuleOut)
def roll_back_distilled_rule(request: Request, rule_id: Id, body: ChangeNote) -> DistilledRuleOut:
    """An active rule stops serving from any phase, paused or not; its context is routed as
    before (409 when not active)."""
    return oracle.roll_back(app_state(request), rule_id, body)
