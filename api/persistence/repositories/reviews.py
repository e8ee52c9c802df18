"""The review pass's rows (`session_reviews`, issue 12): one per model-served generation."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select

from api.persistence.db import Unit
from api.persistence.tables import GenerationRow, SessionReviewRow
from shared_types.review import ReviewRecord

__all__ = ["ReviewOwner", "generation_review", "store_review"]


@dataclass(frozen=True)
class ReviewOwner:
    generation_id: str
    lifter_id: str
    session_id: str


def store_review(unit: Unit, owner: ReviewOwner, record: ReviewRecord, now: datetime) -> bool:
    """Insert the review; False (nothing written) when its generation is gone meanwhile (the
    lifter or the session was deleted) or already has one."""
    if unit.get(GenerationRow, owner.generation_id) is None:
        return False
    if generation_review(unit, owner.generation_id) is not None:
        return False
    review = record.review
    unit.add(
        SessionReviewRow(
            id=str(uuid.uuid4()),
            generation_id=owner.generation_id,
            lifter_id=owner.lifter_id,
            session_id=owner.session_id,
            status=record.status.value,
            reason=None if record.reason is None else record.reason.value,
            detail=record.detail,
            score=None if review is None else review.score,
            verdict=None if review is None else review.verdict,
            document=None if review is None else review.model_dump(mode="json"),
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
            created_at=now,
        )
    )
    unit.flush()
    return True


def generation_review(unit: Unit, generation_id: str | None) -> SessionReviewRow | None:
    """The review of a generation, once it is stored."""
    if generation_id is None:
        return None
    return unit.exec(
        select(SessionReviewRow).where(SessionReviewRow.generation_id == generation_id)
    ).first()
