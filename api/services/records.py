"""A generation's LLM records as rows: the model call record and the hybrid comparison.

They are written in the generation's transaction, or, for the stateless `POST /v1/generate`,
in a transaction of their own without a generation or session (ADR 0009).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime

from api.persistence.db import Unit
from api.persistence.repositories.rows import save
from api.persistence.tables import BanditDecisionRow, ComparisonLogRow, LlmCallRow
from api.state import AppState
from shared_types.bandit import BanditDecision
from shared_types.inputs import JITInput
from shared_types.llm import ComparisonRecord, GenerationResult, LlmCallRecord

__all__ = [
    "SHADOW_CALL",
    "RecordOwner",
    "bandit_decision_row",
    "comparison_row",
    "llm_call_row",
    "served_tokens",
    "spent_tokens",
    "store_records",
    "store_stateless",
]

SHADOW_CALL = "shadow"  # the `strategy` of a rollout's shadow call's record


@dataclass(frozen=True)
class RecordOwner:
    """Where a generation's records belong, and when they were written."""

    generation_id: str | None  # None: a stateless generation (`POST /v1/generate`)
    lifter_id: str | None  # None: the admin asked
    session_id: str | None
    strategy: str
    created_at: datetime


def llm_call_row(record: LlmCallRecord, owner: RecordOwner) -> LlmCallRow:
    return LlmCallRow(
        generation_id=owner.generation_id,
        lifter_id=owner.lifter_id,
        session_id=owner.session_id,
        strategy=owner.strategy,
        provider=record.provider,
        model=record.model,
        prompt_version=record.prompt_version,
        prompt_chars=record.prompt_chars,
        attempts=record.attempts,
        latency_ms=record.latency_ms,
        deadline_s=record.deadline_s,
        input_tokens=record.input_tokens,
        output_tokens=record.output_tokens,
        usage_known=record.usage_known,
        cost_usd=record.cost_usd,
        cache_hit=record.cache_hit,
        cache_key=record.cache_key,
        cache_tier=record.cache_tier,
        breaker_state=record.breaker_state,
        fallback_reason=record.fallback_reason.value if record.fallback_reason else None,
        detail=record.detail,
        adjustment=record.adjustment.model_dump(mode="json") if record.adjustment else None,
        created_at=owner.created_at,
    )


def comparison_row(record: ComparisonRecord, inp: JITInput, owner: RecordOwner) -> ComparisonLogRow:
    return ComparisonLogRow(
        generation_id=owner.generation_id,
        lifter_id=owner.lifter_id,
        session_id=owner.session_id,
        strategy=owner.strategy,
        strategy_used=record.served.value,
        shadow=record.shadow,
        fallback_reason=record.fallback_reason.value if record.fallback_reason else None,
        should_surface_to_user=record.should_surface_to_user,
        jit_input=inp.model_dump(mode="json"),
        formula_output=record.formula_output.model_dump(mode="json", exclude={"trace"}),
        llm_output=(
            record.llm_output.model_dump(mode="json", exclude={"trace"})
            if record.llm_output is not None
            else None
        ),
        divergence=record.divergence.model_dump(mode="json") if record.divergence else None,
        created_at=owner.created_at,
    )


def store_records(unit: Unit, result: GenerationResult, inp: JITInput, owner: RecordOwner) -> None:
    """The call record and the comparison of one served result, if it has them, and a rollout's
    shadow call (strategy `SHADOW_CALL`: it ran beside the served session and was not served)."""
    rows: list[object] = []
    if result.call is not None:
        rows.append(llm_call_row(result.call, owner))
    if result.shadow_call is not None:
        rows.append(llm_call_row(result.shadow_call, replace(owner, strategy=SHADOW_CALL)))
    if result.comparison is not None:
        rows.append(comparison_row(result.comparison, inp, owner))
    if result.bandit is not None:
        rows.append(bandit_decision_row(result.bandit, result.call, owner))
    if rows:
        save(unit, *rows)


def bandit_decision_row(
    decision: BanditDecision, call: LlmCallRecord | None, owner: RecordOwner
) -> BanditDecisionRow:
    """The bandit's decision, with the model tokens the served call cost (`served_tokens`)."""
    return BanditDecisionRow(
        id=str(uuid.uuid4()),
        generation_id=owner.generation_id,
        lifter_id=owner.lifter_id,
        session_id=owner.session_id,
        context_key=decision.context_key,
        chosen=decision.chosen,
        propensity=decision.propensity,
        policy_version=decision.policy_version,
        seed=decision.seed,
        document=decision.model_dump(mode="json"),
        tokens=served_tokens(call),
        created_at=owner.created_at,
    )


def served_tokens(call: LlmCallRecord | None) -> int | None:
    """The tokens a served call cost: 0 when no model was asked or the answer came from the
    cache; None when the provider did not say."""
    if call is None:
        return 0
    return spent_tokens(call.cache_hit, call.input_tokens, call.output_tokens)


def spent_tokens(
    cache_hit: bool, input_tokens: int | None, output_tokens: int | None
) -> int | None:
    """`served_tokens` over a stored call's columns: 0 for a cache hit, None when unknown."""
    if cache_hit:
        return 0
    if input_tokens is None or output_tokens is None:
        return None
    return input_tokens + output_tokens


def store_stateless(
    state: AppState, result: GenerationResult, inp: JITInput, lifter_id: str | None, name: str
) -> None:
    """The records of a `POST /v1/generate`: no generation, no session."""
    if result.call is None and result.comparison is None:
        return
    owner = RecordOwner(None, lifter_id, None, result.strategy or name, state.clock())
    with state.db.write() as unit:
        store_records(unit, result, inp, owner)
