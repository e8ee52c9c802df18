"""The review pass (issue 12): the model's answer about a served session, and what is stored.

`SessionReview` is the answer schema a model fills (strict structured output: every property
required, the optional ones nullable). `GroundedReview` is that answer after the core's
grounding (`training_engine.review.ground_review`): the concerns the input can support kept,
the others dropped with why. `ReviewRecord` is one review as stored beside its generation:
`ok` with the grounded answer, or `failed` with the reason; a failure never carries a score.
Constants and rules: docs/domain/review.md.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, field_validator

from shared_types.adjustment import (
    INTENSITY_MODIFIER_MAX,
    INTENSITY_MODIFIER_MIN,
    SET_MODIFIER_MAX,
    SET_MODIFIER_MIN,
    AuxOverride,
)
from shared_types.base import Frozen
from shared_types.enums import FallbackReason

__all__ = [
    "CONCERN_MAX_CHARS",
    "MAX_CONCERNS",
    "SCORE_MAX",
    "SCORE_MIN",
    "ConcernKind",
    "DroppedConcern",
    "GroundedReview",
    "ReviewOverrides",
    "ReviewRecord",
    "ReviewStatus",
    "ReviewVerdict",
    "SessionReview",
]

SCORE_MIN = 0
SCORE_MAX = 100
MAX_CONCERNS = 3
CONCERN_MAX_CHARS = 200

ReviewVerdict = Literal["accept", "flag"]


class ReviewStatus(StrEnum):
    OK = "ok"
    FAILED = "failed"


class ConcernKind(StrEnum):
    """What a concern talks about, for grounding (docs/domain/review.md)."""

    REDUCTION = "reduction"
    SORENESS = "soreness"
    SLEEP_ENERGY = "sleep_energy"
    AUX_VOLUME = "aux_volume"


class ReviewOverrides(Frozen):
    """What the reviewer would change. Shown, never applied."""

    intensity_modifier: (
        Annotated[
            float,
            Field(ge=INTENSITY_MODIFIER_MIN, le=INTENSITY_MODIFIER_MAX, allow_inf_nan=False),
        ]
        | None
    )
    set_modifier: Annotated[int, Field(ge=SET_MODIFIER_MIN, le=SET_MODIFIER_MAX)] | None
    aux_overrides: tuple[AuxOverride, ...] | None


class SessionReview(Frozen):
    """The model's answer: a score, a verdict, at most three concerns, optional overrides."""

    score: Annotated[int, Field(ge=SCORE_MIN, le=SCORE_MAX)]
    verdict: ReviewVerdict
    concerns: Annotated[tuple[str, ...], Field(max_length=MAX_CONCERNS)]
    suggested_overrides: ReviewOverrides | None

    @field_validator("concerns", mode="after")
    @classmethod
    def _truncated(cls, concerns: tuple[str, ...]) -> tuple[str, ...]:
        """Each concern cut to `CONCERN_MAX_CHARS` (a long concern is not a wrong answer)."""
        return tuple(c[:CONCERN_MAX_CHARS] for c in concerns)


class DroppedConcern(Frozen):
    text: str
    kind: ConcernKind
    why: str


class GroundedReview(Frozen):
    """The answer after grounding: `concerns` are those kept, in the model's order."""

    score: Annotated[int, Field(ge=SCORE_MIN, le=SCORE_MAX)]
    verdict: ReviewVerdict
    concerns: tuple[str, ...]
    dropped: tuple[DroppedConcern, ...]
    suggested_overrides: ReviewOverrides | None
    model_score: int  # what the model said, before grounding
    model_verdict: ReviewVerdict


class ReviewRecord(Frozen):
    """One review as stored: `ok` with `review`, or `failed` with `reason` (never a score)."""

    status: ReviewStatus
    reason: FallbackReason | None
    detail: str | None  # a short, secret-free description of the failure
    review: GroundedReview | None
    provider: str
    model: str
    prompt_version: str
    prompt_chars: int
    attempts: int
    latency_ms: float
    deadline_s: float
    input_tokens: int | None
    output_tokens: int | None
    usage_known: bool
    cost_usd: float | None
