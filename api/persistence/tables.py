"""The tables (SQLModel). They live in the shell and never reach the core: repositories map rows
to plain values (`api.assembly.LifterState`) and `mappers` to response models before anything
else sees them.

Conventions: weights are integer grams (`*_grams`), as parakeet stores them; times are aware UTC
(`UtcDateTime`); whole documents (input snapshot, output, trace, configs) are JSON (JSONB on
PostgreSQL). Every row belongs to one lifter and goes with it (ON DELETE CASCADE).
ADR 0009 explains the choices.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, get_args

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from api.persistence.types import JsonColumn, UtcDateTime
from shared_types.routing import Phase, RouteStrategy

__all__ = [
    "AdjustmentCacheRow",
    "ApiTokenRow",
    "BanditDecisionRow",
    "BanditPosteriorRow",
    "BudgetDayRow",
    "CalibrationRecommendationRow",
    "CalibrationStateRow",
    "CheckInRow",
    "ComparisonLogRow",
    "CustomExerciseRow",
    "DecimalText",
    "DisruptionRow",
    "DistilledRuleEventRow",
    "DistilledRuleRow",
    "GenerationRow",
    "IdempotencyKeyRow",
    "LifterRow",
    "LifterSettingsRow",
    "LlmCallRow",
    "LoadCalibrationStateRow",
    "LoadSuggestionRow",
    "MaxRow",
    "OracleRunRow",
    "ProgramRow",
    "RateLimitRow",
    "RehabCapRow",
    "RestOverrideRow",
    "RolloutEventRow",
    "RolloutRow",
    "RoutingRuleRow",
    "RoutingTriggerRow",
    "SessionOutcomeRow",
    "SessionReviewRow",
    "SessionRow",
    "SetAdviceRow",
    "SetLogRow",
    "VolumeLandmarkRow",
    "WarmupConfigRow",
    "metadata",
]

metadata = SQLModel.metadata

SESSION_STATUSES = ("planned", "generated", "in_progress", "completed", "skipped")
STRATEGIES_USED = ("formula", "llm", "hybrid", "formula_fallback", "distilled_rule")


def _lifter_fk() -> Any:
    return Field(
        sa_column=Column(
            String(36), ForeignKey("lifters.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )


def _utc(*, nullable: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UtcDateTime(), nullable=nullable))


def _json(*, nullable: bool = True) -> Any:
    return Field(default=None, sa_column=Column(JsonColumn, nullable=nullable))


def _unique_where(name: str, *columns: str, where: str) -> Index:
    """A unique index over the rows that match `where` only (at most one active, pending...)."""
    return Index(
        name, *columns, unique=True, sqlite_where=text(where), postgresql_where=text(where)
    )


def _one_of(column: str, values: Iterable[str], name: str) -> CheckConstraint:
    """`column IN ('a', 'b', ...)`."""
    return CheckConstraint(f"{column} IN ({', '.join(repr(v) for v in values)})", name=name)


class LifterRow(SQLModel, table=True):
    __tablename__ = "lifters"
    __table_args__ = (
        CheckConstraint("biological_sex IN ('female', 'male')", name="ck_lifters_sex"),
    )

    id: str = Field(primary_key=True, max_length=36)
    name: str = Field(max_length=120)
    biological_sex: str | None = Field(default=None, max_length=6)
    date_of_birth: date | None = None
    bodyweight_grams: int | None = None
    bar_weight_grams: int | None = None
    plates_grams: list[int] | None = _json()  # available plates; None = the full default set
    # IANA zone name (revision 0006): the lifter's "today", week boundaries and planned dates
    timezone: str = Field(default="UTC", max_length=64, sa_column_kwargs={"server_default": "UTC"})
    created_at: datetime = _utc()
    updated_at: datetime = _utc()


class ApiTokenRow(SQLModel, table=True):
    __tablename__ = "api_tokens"

    id: str = Field(primary_key=True, max_length=36)
    lifter_id: str = _lifter_fk()
    token_hash: str = Field(max_length=64, unique=True)  # sha256 hex of the bearer token
    # The device the token was issued for (revision 0005; earlier tokens are "default").
    device: str = Field(
        default="default", max_length=60, sa_column_kwargs={"server_default": "default"}
    )
    created_at: datetime = _utc()
    expires_at: datetime | None = _utc(nullable=True)  # null: never expires
    last_used_at: datetime | None = _utc(nullable=True)  # at most hourly (a cache miss)
    revoked_at: datetime | None = _utc(nullable=True)


class MaxRow(SQLModel, table=True):
    """Append-only: the newest row per lift is the current 1RM."""

    __tablename__ = "lifter_maxes"
    __table_args__ = (Index("ix_lifter_maxes_lifter_lift", "lifter_id", "lift", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    lifter_id: str = _lifter_fk()
    lift: str = Field(max_length=10)
    one_rm_grams: int
    source: str = Field(max_length=20)
    input_weight_grams: int | None = None
    input_reps: int | None = None
    recorded_at: datetime = _utc()


class LifterSettingsRow(SQLModel, table=True):
    __tablename__ = "lifter_settings"
    __table_args__ = (
        CheckConstraint(
            "jit_strategy IN ('auto', 'formula', 'llm', 'hybrid')", name="ck_settings_strategy"
        ),
    )

    lifter_id: str = Field(
        sa_column=Column(String(36), ForeignKey("lifters.id", ondelete="CASCADE"), primary_key=True)
    )
    jit_strategy: str = Field(default="auto", max_length=10)
    formula_overrides: dict[str, Any] = _json(nullable=False)
    formula_version: int = 0
    # Bumped by every write to what a generation caches per lifter (maxes, landmarks, warm-ups,
    # rest, disruptions, rehab caps): a cached copy is used only at the same version (0003).
    config_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    updated_at: datetime = _utc()


class VolumeLandmarkRow(SQLModel, table=True):
    __tablename__ = "muscle_volume_configs"
    __table_args__ = (UniqueConstraint("lifter_id", "muscle", name="uq_volume_lifter_muscle"),)

    id: int | None = Field(default=None, primary_key=True)
    lifter_id: str = _lifter_fk()
    muscle: str = Field(max_length=12)
    mev_sets: float
    mrv_sets: float


class WarmupConfigRow(SQLModel, table=True):
    __tablename__ = "warmup_configs"
    __table_args__ = (UniqueConstraint("lifter_id", "lift", name="uq_warmup_lifter_lift"),)

    id: int | None = Field(default=None, primary_key=True)
    lifter_id: str = _lifter_fk()
    lift: str = Field(max_length=10)
    protocol: dict[str, Any] = _json(nullable=False)


class RestOverrideRow(SQLModel, table=True):
    __tablename__ = "rest_configs"

    id: int | None = Field(default=None, primary_key=True)
    lifter_id: str = _lifter_fk()
    lift: str | None = Field(default=None, max_length=10)
    intensity_type: str | None = Field(default=None, max_length=10)
    rest_seconds: int


class ProgramRow(SQLModel, table=True):
    __tablename__ = "programs"

    id: str = Field(primary_key=True, max_length=36)
    lifter_id: str = _lifter_fk()
    mode: str = Field(max_length=10)  # scheduled | unending
    training_days_per_week: int
    total_weeks: int | None = None
    start_date: date
    weekdays: list[int] = _json(nullable=False)
    status: str = Field(default="active", max_length=10)  # active | archived
    session_counter: int = 0  # unending: sessions finished so far
    created_at: datetime = _utc()
    archived_at: datetime | None = _utc(nullable=True)


class SessionRow(SQLModel, table=True):
    __tablename__ = "training_sessions"
    __table_args__ = (
        Index("ix_sessions_lifter_date", "lifter_id", "planned_date"),
        Index("ix_sessions_program_week", "program_id", "week_number"),
        CheckConstraint(
            "status IN ('planned', 'generated', 'in_progress', 'completed', 'skipped')",
            name="ck_sessions_status",
        ),
        CheckConstraint(
            "jit_strategy IS NULL OR jit_strategy IN "
            "('formula', 'llm', 'hybrid', 'formula_fallback', 'distilled_rule')",
            name="ck_sessions_strategy",
        ),
    )

    id: str = Field(primary_key=True, max_length=36)
    lifter_id: str = _lifter_fk()
    program_id: str | None = Field(
        default=None,
        sa_column=Column(String(36), ForeignKey("programs.id", ondelete="SET NULL")),
    )
    week_number: int
    day_number: int
    block_number: int
    planned_date: date
    primary_lift: str = Field(max_length=10)
    intensity_type: str = Field(max_length=10)
    is_deload: bool = False
    status: str = Field(default="planned", max_length=12)
    jit_strategy: str | None = Field(default=None, max_length=20)
    fallback_reason: str | None = Field(default=None, max_length=20)
    jit_generated_at: datetime | None = _utc(nullable=True)
    jit_input_snapshot: dict[str, Any] | None = _json()
    jit_output: dict[str, Any] | None = _json()  # the whole JITOutput (trace held apart)
    jit_output_trace: dict[str, Any] | None = _json()
    # The generation whose output the row holds (its LLM call record and comparison log hang
    # off it). No foreign key: `generations` already references this table.
    generation_id: str | None = Field(default=None, max_length=36)
    target_rpe: float | None = None  # the prescription's own main-set RPE target
    planned_weight_grams: int | None = None  # the prescribed main-set weight
    planned_reps: int | None = None  # ... its reps (revision 0008)
    one_rm_grams: int | None = None  # the 1RM the prescription was computed from (0008)
    # Each accessory's prescribed first-set weight (exercise -> kg), derived from the output
    # when it is stored, so history reads it without loading the output (revision 0003).
    aux_prescribed_kg: dict[str, float] | None = _json()
    session_rpe: float | None = None
    started_at: datetime | None = _utc(nullable=True)
    completed_at: datetime | None = _utc(nullable=True)
    skip_reason: str | None = Field(default=None, max_length=500)
    created_at: datetime = _utc()
    updated_at: datetime = _utc()


class CheckInRow(SQLModel, table=True):
    __tablename__ = "check_ins"

    id: str = Field(primary_key=True, max_length=36)
    lifter_id: str = _lifter_fk()
    session_id: str = Field(
        sa_column=Column(
            String(36),
            ForeignKey("training_sessions.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    soreness: dict[str, int] = _json(nullable=False)
    sleep_quality: int | None = None
    energy_level: int | None = None
    wearables: dict[str, float] | None = _json()
    strategy_override: str | None = Field(default=None, max_length=10)
    recorded_at: datetime = _utc()


class GenerationRow(SQLModel, table=True):
    """One served generation, keyed by the client's Idempotency-Key (unique per lifter).

    The response is stored as the exact JSON text that was sent (not JSONB, which reorders keys),
    so a repeated key returns it byte for byte. The LLM call record and the comparison log of
    a generation reference `generations.id`.
    """

    __tablename__ = "generations"
    __table_args__ = (
        UniqueConstraint("lifter_id", "idempotency_key", name="uq_generations_lifter_key"),
        Index("ix_generations_rollout", "rollout_id", "rollout_arm", "created_at"),
    )

    id: str = Field(primary_key=True, max_length=36)
    lifter_id: str = _lifter_fk()
    session_id: str = Field(
        sa_column=Column(
            String(36),
            ForeignKey("training_sessions.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    check_in_id: str = Field(
        sa_column=Column(String(36), ForeignKey("check_ins.id", ondelete="CASCADE"))
    )
    idempotency_key: str = Field(max_length=200)
    request_hash: str = Field(max_length=64)
    jit_strategy: str = Field(max_length=20)
    # `auto`'s decision and every reason for it (revision 0011); null for other strategies.
    route: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # The rollout that assigned this generation an arm, and the arm (revision 0012); else null.
    rollout_id: str | None = Field(
        default=None,
        sa_column=Column(String(36), ForeignKey("rollouts.id", ondelete="SET NULL"), nullable=True),
    )
    rollout_arm: str | None = Field(default=None, max_length=10)
    fallback_reason: str | None = Field(default=None, max_length=20)
    response_json: str = Field(sa_column=Column(Text, nullable=False))
    # Wall-clock ms of the stages before the write: read, assemble, engine, serialise (revision
    # 0021); null for generations stored before it.
    stage_ms: dict[str, float] | None = _json()
    created_at: datetime = _utc()


def _record_fk(target: str) -> Any:
    """A record's owner; null for a stateless `/v1/generate` (and its lifter for the admin)."""
    return Field(
        default=None,
        sa_column=Column(
            String(36), ForeignKey(target, ondelete="CASCADE"), nullable=True, index=True
        ),
    )


class LlmCallRow(SQLModel, table=True):
    """One generation's dealings with a model provider (`shared_types.llm.LlmCallRecord`).

    Written in the generation's transaction whenever the strategy asked a model, or would have:
    a cache hit, an open breaker and a missing provider (`fallback_reason = disabled`) are
    recorded too (the stateless `/v1/generate` writes them without a generation or session).
    Tokens are null when unknown; `usage_known` is false when the deadline cut the call.
    Append-only; the integer id orders rows written at the same instant.
    """

    __tablename__ = "llm_calls"
    __table_args__ = (
        Index("ix_llm_calls_created_at", "created_at"),
        CheckConstraint(
            "breaker_state IN ('closed', 'open', 'half_open')", name="ck_llm_calls_breaker"
        ),
        CheckConstraint(
            "cache_tier IS NULL OR cache_tier IN ('memory', 'database')",
            name="ck_llm_calls_cache_tier",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    generation_id: str | None = _record_fk("generations.id")
    lifter_id: str | None = _record_fk("lifters.id")
    session_id: str | None = _record_fk("training_sessions.id")
    strategy: str = Field(max_length=10)  # the strategy that asked: llm | hybrid | auto
    provider: str = Field(max_length=40)
    model: str = Field(sa_column=Column(Text, nullable=False))
    prompt_version: str = Field(max_length=40)
    prompt_chars: int
    attempts: int
    latency_ms: float
    deadline_s: float
    input_tokens: int | None = None
    output_tokens: int | None = None
    usage_known: bool
    cost_usd: float | None = None
    cache_hit: bool
    cache_key: str | None = Field(default=None, max_length=64)
    # The tier that answered a cache hit (revision 0021); null: not a hit, or written before.
    cache_tier: str | None = Field(default=None, max_length=10)
    breaker_state: str = Field(max_length=10)
    fallback_reason: str | None = Field(default=None, max_length=20)
    detail: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    adjustment: dict[str, Any] | None = _json()  # the model's JITAdjustment, when it gave one
    created_at: datetime = _utc()


class ComparisonLogRow(SQLModel, table=True):
    """The hybrid strategy's comparison (`shared_types.llm.ComparisonRecord`; parakeet's
    `jit_comparison_logs`, domain-reference §6.3): the input, both sessions, how far apart.

    `strategy` is the strategy that logged it (`hybrid`); `strategy_used` is what was served
    (`llm`, `formula` in shadow mode, or `formula_fallback`), as on the session row. When the
    model gave no session, `llm_output` and `divergence` are null (parakeet stores a relabelled
    fallback and a zero divergence). Outputs are stored without their traces.
    """

    __tablename__ = "comparison_logs"
    __table_args__ = (
        Index("ix_comparison_logs_created_at", "created_at"),
        CheckConstraint(
            "strategy_used IN ('formula', 'llm', 'hybrid', 'formula_fallback')",
            name="ck_comparison_logs_strategy_used",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    generation_id: str | None = _record_fk("generations.id")
    lifter_id: str | None = _record_fk("lifters.id")
    session_id: str | None = _record_fk("training_sessions.id")
    strategy: str = Field(max_length=10)
    strategy_used: str = Field(max_length=20)
    shadow: bool
    fallback_reason: str | None = Field(default=None, max_length=20)
    should_surface_to_user: bool
    jit_input: dict[str, Any] = _json(nullable=False)
    formula_output: dict[str, Any] = _json(nullable=False)
    llm_output: dict[str, Any] | None = _json()
    divergence: dict[str, Any] | None = _json()
    created_at: datetime = _utc()


class SetLogRow(SQLModel, table=True):
    __tablename__ = "set_logs"
    __table_args__ = (
        UniqueConstraint(
            "session_id", "kind", "exercise", "set_number", name="uq_set_logs_natural_key"
        ),
        CheckConstraint("kind IN ('primary', 'auxiliary')", name="ck_set_logs_kind"),
    )

    id: str = Field(primary_key=True, max_length=36)
    lifter_id: str = _lifter_fk()
    session_id: str = Field(
        sa_column=Column(
            String(36),
            ForeignKey("training_sessions.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    kind: str = Field(max_length=10)
    exercise: str = Field(max_length=120)
    set_number: int
    weight_grams: int
    reps: int
    rpe: float | None = None
    failed: bool = False
    pain_limited: bool = False
    during_rehab: bool = False
    logged_at: datetime = _utc()
    updated_at: datetime = _utc()


class DisruptionRow(SQLModel, table=True):
    __tablename__ = "disruptions"

    id: str = Field(primary_key=True, max_length=36)
    lifter_id: str = _lifter_fk()
    program_id: str | None = Field(
        default=None,
        sa_column=Column(String(36), ForeignKey("programs.id", ondelete="SET NULL")),
    )
    disruption_type: str = Field(max_length=24)
    severity: str = Field(max_length=10)
    affected_lifts: list[str] | None = _json()
    affected_date_start: date
    affected_date_end: date | None = None
    description: str | None = Field(default=None, max_length=2000)
    event_name: str | None = Field(default=None, max_length=200)
    status: str = Field(default="active", max_length=12)
    reported_at: datetime = _utc()
    updated_at: datetime = _utc()
    resolved_at: datetime | None = _utc(nullable=True)


class RehabCapRow(SQLModel, table=True):
    __tablename__ = "rehab_caps"
    __table_args__ = (
        _unique_where("uq_rehab_caps_one_active", "lifter_id", "lift", where="ended_at IS NULL"),
    )

    id: str = Field(primary_key=True, max_length=36)
    lifter_id: str = _lifter_fk()
    lift: str = Field(max_length=10)
    cap_grams: int
    note: str | None = Field(default=None, max_length=500)
    planned_end_date: date | None = None
    started_at: datetime = _utc()
    ended_at: datetime | None = _utc(nullable=True)


class IdempotencyKeyRow(SQLModel, table=True):
    """The first response to a creating POST sent with an Idempotency-Key (revision 0004).

    Scoped per caller (`scope`: the lifter's id, or `admin`) and per route; the same key and
    body replays `response_json` with `status_code`, another body is 409. Written in the same
    transaction as what the request created. `lifter_id` is the owner whose deletion takes the
    row with it: the caller, or the lifter the admin created.
    """

    __tablename__ = "idempotency_keys"
    __table_args__ = (
        UniqueConstraint("scope", "route", "idempotency_key", name="uq_idempotency_keys_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    scope: str = Field(max_length=36)
    lifter_id: str | None = _record_fk("lifters.id")
    route: str = Field(max_length=40)
    idempotency_key: str = Field(max_length=200)
    request_hash: str = Field(max_length=64)
    status_code: int
    response_json: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = _utc()


class CustomExerciseRow(SQLModel, table=True):
    """A lifter's own exercise (revision 0006): its muscles with their per-set contributions
    ([muscle, share] pairs in the lifter's order: JSONB would reorder an object), the lift it
    assists (None: any), equipment, type, and whether it is served as an accessory."""

    __tablename__ = "custom_exercises"
    __table_args__ = (UniqueConstraint("lifter_id", "name", name="uq_custom_exercises_name"),)

    id: str = Field(primary_key=True, max_length=36)
    lifter_id: str = _lifter_fk()
    name: str = Field(max_length=120)
    muscles: list[list[Any]] = _json(nullable=False)
    lift: str | None = Field(default=None, max_length=10)
    equipment: str | None = Field(default=None, max_length=60)
    exercise_type: str = Field(default="weighted", max_length=12)
    accessory: bool = True
    created_at: datetime = _utc()


class RateLimitRow(SQLModel, table=True):
    """One fixed-window counter (revision 0007_rate_limits): how many generations a subject (a
    lifter or a token, as a SHA-256 digest: no id or token in clear) asked for in the window
    starting at `window_start` (Unix seconds). Upserted per request, so every worker shares it;
    a subject's older windows are deleted as it writes (api/ratelimit.py)."""

    __tablename__ = "rate_limits"

    subject: str = Field(primary_key=True, max_length=64)
    # 64-bit (revision 0020): Unix seconds pass a 32-bit integer on 2038-01-19
    window_start: int = Field(sa_column=Column(BigInteger, primary_key=True))
    count: int = 0


# --- the feedback loop (revision 0008) -----------------------------------------------------------


class SessionOutcomeRow(SQLModel, table=True):
    """What a finished session showed (`shared_types.feedback.SessionOutcome` as `outcome`),
    written when it is completed or skipped; the columns beside it are what lists filter on."""

    __tablename__ = "session_outcomes"
    __table_args__ = (Index("ix_session_outcomes_lifter_time", "lifter_id", "recorded_at"),)

    session_id: str = Field(
        sa_column=Column(
            String(36),
            ForeignKey("training_sessions.id", ondelete="CASCADE"),
            primary_key=True,
        )
    )
    lifter_id: str = _lifter_fk()
    lift: str = Field(max_length=10)
    intensity_type: str = Field(max_length=10)
    status: str = Field(max_length=12)  # completed | skipped
    learnable: bool = False
    # No modifier but the RPE history moved the load (F7): the lifter's usual error that day.
    # None: unknown (no trace).
    neutral: bool | None = None
    mean_rpe_error: float | None = None
    completion_ratio: float = 0.0
    outcome: dict[str, Any] = _json(nullable=False)
    recorded_at: datetime = _utc()


class CalibrationStateRow(SQLModel, table=True):
    """A lifter's learned calibration for one modifier source (`CalibrationRow` as `document`).
    `applied_adjustment` is what reaches the engine; `dismissed_at_samples` holds back a new
    recommendation for the source until more evidence arrives."""

    __tablename__ = "modifier_calibrations"

    lifter_id: str = Field(
        sa_column=Column(String(36), ForeignKey("lifters.id", ondelete="CASCADE"), primary_key=True)
    )
    source: str = Field(primary_key=True, max_length=20)
    applied_adjustment: float | None = None
    confidence: str = Field(max_length=10)
    samples: int = 0
    document: dict[str, Any] = _json(nullable=False)
    dismissed_at_samples: int | None = None
    updated_at: datetime = _utc()


class LoadCalibrationStateRow(SQLModel, table=True):
    """A lifter's learnt load correction for one intensity type (`LoadCalibrationRow` as
    `document`, deviation F9); `applied_adjustment` is what reaches the engine."""

    __tablename__ = "load_calibrations"

    lifter_id: str = Field(
        sa_column=Column(String(36), ForeignKey("lifters.id", ondelete="CASCADE"), primary_key=True)
    )
    intensity_type: str = Field(primary_key=True, max_length=10)
    applied_adjustment: float | None = None
    confidence: str = Field(max_length=10)
    samples: int = 0
    document: dict[str, Any] = _json(nullable=False)
    updated_at: datetime = _utc()


def _one_pending_per(table: str, key: str) -> tuple[Index, CheckConstraint]:
    """A decision table's statuses, and at most one pending row per lifter and `key`."""
    return (
        _unique_where(f"uq_{table}_pending", "lifter_id", key, where="status = 'pending'"),
        _one_of("status", ("pending", "accepted", "dismissed", "superseded"), f"ck_{table}_status"),
    )


class CalibrationRecommendationRow(SQLModel, table=True):
    """A calibration change waiting for a person (`CalibrationRecommendation` as `document`).
    At most one pending per lifter and source: a newer one replaces it."""

    __tablename__ = "calibration_recommendations"
    __table_args__ = _one_pending_per("calibration_recommendations", "source")

    id: str = Field(primary_key=True, max_length=36)
    lifter_id: str = _lifter_fk()
    source: str = Field(max_length=20)
    status: str = Field(default="pending", max_length=12)
    document: dict[str, Any] = _json(nullable=False)
    created_at: datetime = _utc()
    decided_at: datetime | None = _utc(nullable=True)


class LoadSuggestionRow(SQLModel, table=True):
    """A suggested change of a lift's max (`LoadSuggestion` as `document`); at most one pending
    per lifter and lift. Accepting it appends a max (`max_id`) with the suggestion as provenance."""

    __tablename__ = "load_suggestions"
    __table_args__ = _one_pending_per("load_suggestions", "lift")

    id: str = Field(primary_key=True, max_length=36)
    lifter_id: str = _lifter_fk()
    lift: str = Field(max_length=10)
    kind: str = Field(max_length=16)
    status: str = Field(default="pending", max_length=12)
    document: dict[str, Any] = _json(nullable=False)
    max_id: int | None = None
    created_at: datetime = _utc()
    decided_at: datetime | None = _utc(nullable=True)


class SetAdviceRow(SQLModel, table=True):
    """Next-set advice offered after a main-lift set (`SetAdvice` as `document`). Accepting it
    rewrites the session's remaining prescribed sets; the row records that it did."""

    __tablename__ = "set_advice"
    __table_args__ = (
        _one_of("status", ("offered", "accepted", "declined", "expired"), "ck_set_advice_status"),
    )

    id: str = Field(primary_key=True, max_length=36)
    lifter_id: str = _lifter_fk()
    session_id: str = Field(
        sa_column=Column(
            String(36),
            ForeignKey("training_sessions.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    after_set_number: int
    kind: str = Field(max_length=20)
    status: str = Field(default="offered", max_length=10)
    document: dict[str, Any] = _json(nullable=False)
    created_at: datetime = _utc()
    decided_at: datetime | None = _utc(nullable=True)


# --- routing rules (revision 0009) --------------------------------------------------------------


class RoutingRuleRow(SQLModel, table=True):
    """One version of one scope's routing rule (`RouteRule` as `rule`; None when `deleted`).

    Append-only: a change, a deletion or a rollback is a new version. `scope_key` names the scope
    (`global`, `lifter:<id>`, `lift:<id>:<lift>`) so the primary key (scope_key, version) is the
    uniqueness that keeps two concurrent changes from taking one version (NULL lifter ids would
    not collide in a unique index)."""

    __tablename__ = "routing_rules"
    __table_args__ = (
        CheckConstraint(
            "(scope = 'global' AND lifter_id IS NULL AND lift IS NULL)"
            " OR (scope = 'lifter' AND lifter_id IS NOT NULL AND lift IS NULL)"
            " OR (scope = 'lift' AND lifter_id IS NOT NULL AND lift IS NOT NULL)",
            name="ck_routing_rules_scope",
        ),
    )

    scope_key: str = Field(primary_key=True, max_length=60)
    version: int = Field(primary_key=True)
    scope: str = Field(max_length=6)
    lifter_id: str | None = Field(
        default=None,
        sa_column=Column(
            String(36), ForeignKey("lifters.id", ondelete="CASCADE"), nullable=True, index=True
        ),
    )
    lift: str | None = Field(default=None, max_length=10)
    rule: dict[str, Any] | None = _json()
    deleted: bool = False
    changed_by: str = Field(max_length=120)
    reason: str = Field(max_length=500)
    created_at: datetime = _utc()


class RoutingTriggerRow(SQLModel, table=True):
    """A manual route for a lifter (or one lift of a lifter's), active until `ended_at`; kept as
    history afterwards. At most one active per scope (`lifter:<id>` or `lift:<id>:<lift>`)."""

    __tablename__ = "routing_triggers"
    __table_args__ = (
        _unique_where("uq_routing_triggers_active", "scope_key", where="ended_at IS NULL"),
        _one_of("strategy", get_args(RouteStrategy), "ck_routing_triggers_strategy"),
    )

    id: str = Field(primary_key=True, max_length=36)
    scope_key: str = Field(max_length=60)
    lifter_id: str = _lifter_fk()
    lift: str | None = Field(default=None, max_length=10)
    strategy: str = Field(max_length=8)
    changed_by: str = Field(max_length=120)
    reason: str = Field(max_length=500)
    created_at: datetime = _utc()
    ended_at: datetime | None = _utc(nullable=True)
    ended_by: str | None = Field(default=None, max_length=120)
    end_reason: str | None = Field(default=None, max_length=500)


# --- budgets and the adjustment cache (revision 0010) -------------------------------------------


class DecimalText(TypeDecorator[Decimal]):
    """An exact Decimal stored as its text on every database (SQLite would round a NUMERIC to a
    float, and a budget must hold to the last digit)."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> str | None:
        return None if value is None else str(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)


class BudgetDayRow(SQLModel, table=True):
    """One budget's UTC day (`shared_types.routing.BudgetState` without its limits, which are
    settings): what settled model calls used and what calls in flight reserved, in tokens and
    estimated USD. `subject` is `global` or `lifter:<id>`; a lifter's rows go with the lifter.
    Written only under a row lock (api/persistence/repositories/budgets.py)."""

    __tablename__ = "budget_days"
    __table_args__ = (
        CheckConstraint(
            "(subject = 'global' AND lifter_id IS NULL)"
            " OR (lifter_id IS NOT NULL AND subject = 'lifter:' || lifter_id)",
            name="ck_budget_days_subject",
        ),
    )

    subject: str = Field(primary_key=True, max_length=43)
    day: date = Field(primary_key=True)
    lifter_id: str | None = Field(
        default=None,
        sa_column=Column(
            String(36), ForeignKey("lifters.id", ondelete="CASCADE"), nullable=True, index=True
        ),
    )
    used_tokens: int = Field(default=0, sa_column=Column(BigInteger(), nullable=False))
    reserved_tokens: int = Field(default=0, sa_column=Column(BigInteger(), nullable=False))
    used_cost: Decimal = Field(default=Decimal(0), sa_column=Column(DecimalText(), nullable=False))
    reserved_cost: Decimal = Field(
        default=Decimal(0), sa_column=Column(DecimalText(), nullable=False)
    )


class AdjustmentCacheRow(SQLModel, table=True):
    """The adjustment cache's database tier, shared by every worker: the cache key (a SHA-256 of
    the prompt's context, prompt version, provider, model and response schema; api/llm/cache.py)
    -> the model's `JITAdjustment` as JSON text, served until `expires_at`. Text, not JSON: an
    entry that does not parse is read as a miss, on every database."""

    __tablename__ = "adjustment_cache"

    key: str = Field(primary_key=True, max_length=64)
    adjustment: str = Field(sa_column=Column(Text(), nullable=False))
    expires_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False, index=True))
    stored_at: datetime = _utc()


# --- rollouts (revision 0012) ---------------------------------------------------------------------

PHASES = tuple(phase.value for phase in Phase)


class RolloutRow(SQLModel, table=True):
    """A phased rollout of a candidate (a strategy; with `prompt_version` or `model`, that
    prompt or model) for one scope (`global`, `lifter:<id>` or `lift:<id>:<lift>`, as for
    rules). Active while its phase is not `off` (a stop or a rollback
    past shadow ends it); at most one active per scope (the partial unique index decides).
    `phase_started_at` is when the current phase began: the SLO window and the minimum time
    count from it. `last_verdict` is the SLO monitor's newest `SloVerdict` with both arms'
    `SloSummary`. Changed only under a row lock; every phase change is a `RolloutEventRow`."""

    __tablename__ = "rollouts"
    __table_args__ = (
        _unique_where("uq_rollouts_active", "scope_key", where="phase <> 'off'"),
        _one_of("candidate", get_args(RouteStrategy), "ck_rollouts_candidate"),
        _one_of("phase", PHASES, "ck_rollouts_phase"),
    )

    id: str = Field(primary_key=True, max_length=36)
    scope_key: str = Field(max_length=60)
    scope: str = Field(max_length=6)  # global | lifter | lift
    lifter_id: str | None = Field(
        default=None,
        sa_column=Column(
            String(36), ForeignKey("lifters.id", ondelete="CASCADE"), nullable=True, index=True
        ),
    )
    lift: str | None = Field(default=None, max_length=10)
    candidate: str = Field(max_length=8)
    # A rollout of a prompt version or a model (ModelVariant); both null: of a strategy.
    prompt_version: str | None = Field(default=None, max_length=40)
    model: str | None = Field(default=None, max_length=100)
    phase: str = Field(max_length=8)
    paused: bool = False
    auto_advance: bool
    min_samples: int
    min_elapsed_s: float
    thresholds: dict[str, Any] = _json(nullable=False)  # SloThresholds
    last_verdict: dict[str, Any] | None = _json()
    started_at: datetime = _utc()
    phase_started_at: datetime = _utc()
    updated_at: datetime = _utc()


class RolloutEventRow(SQLModel, table=True):
    """One change of a rollout (its start, a phase change, a pause or resume): from and to
    which phase, why, who (the admin's `changed_by`, or `slo-monitor`), the verdict that moved
    it (monitor changes), and when. Append-only; the integer id orders events of one instant."""

    __tablename__ = "rollout_events"

    id: int | None = Field(default=None, primary_key=True)
    rollout_id: str = Field(
        sa_column=Column(
            String(36), ForeignKey("rollouts.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    from_phase: str = Field(max_length=8)
    to_phase: str = Field(max_length=8)
    why: str = Field(sa_column=Column(Text, nullable=False))
    changed_by: str = Field(max_length=120)
    verdict: dict[str, Any] | None = _json()
    created_at: datetime = _utc()


class BanditDecisionRow(SQLModel, table=True):
    """One decision of `auto`'s contextual bandit (`shared_types.bandit.BanditDecision` as
    `document`, issue 12), written with its generation; the reward joins when the session is
    completed (`reward`, `rewarded_at`, the model tokens it cost). Offline evaluation reads
    these rows: context, chosen arm, its propensity, the policy version and the seed."""

    __tablename__ = "bandit_decisions"
    __table_args__ = (Index("ix_bandit_decisions_policy", "policy_version", "created_at"),)

    id: str = Field(primary_key=True, max_length=36)
    generation_id: str | None = _record_fk("generations.id")
    lifter_id: str | None = _record_fk("lifters.id")
    session_id: str | None = _record_fk("training_sessions.id")
    context_key: str = Field(max_length=200)
    chosen: str = Field(max_length=100)
    propensity: float
    policy_version: str = Field(max_length=100)
    seed: int = Field(sa_column=Column(BigInteger, nullable=False))
    document: dict[str, Any] = _json(nullable=False)
    tokens: int | None = None
    reward: float | None = None
    rewarded_at: datetime | None = _utc(nullable=True)
    created_at: datetime = _utc()


class BanditPosteriorRow(SQLModel, table=True):
    """One arm's posterior in one context under one policy version (`ArmPosterior` as
    `document`), shared by every worker; updated, under a row lock, when a reward arrives."""

    __tablename__ = "bandit_posteriors"

    policy_version: str = Field(primary_key=True, max_length=100)
    context_key: str = Field(primary_key=True, max_length=200)
    arm: str = Field(primary_key=True, max_length=100)
    n: int = 0
    document: dict[str, Any] = _json(nullable=False)
    updated_at: datetime = _utc()


class SessionReviewRow(SQLModel, table=True):
    """The review pass's verdict on one model-served generation (`shared_types.review.
    ReviewRecord`, issue 12), written by the background review after the response, never in
    the generation's transaction. `ok` rows carry the grounded score, verdict and concerns (and
    the concerns dropped, with why); `failed` rows carry the reason and no score. One per
    generation at most; it never changes the generation or the session."""

    __tablename__ = "session_reviews"
    __table_args__ = (
        _one_of("status", ("ok", "failed"), "ck_session_reviews_status"),
        _one_of("verdict", ("accept", "flag"), "ck_session_reviews_verdict"),
        UniqueConstraint("generation_id", name="uq_session_reviews_generation"),
        Index("ix_session_reviews_created_at", "created_at"),
    )

    id: str = Field(primary_key=True, max_length=36)
    generation_id: str = Field(
        sa_column=Column(
            String(36), ForeignKey("generations.id", ondelete="CASCADE"), nullable=False
        )
    )
    lifter_id: str = _lifter_fk()
    session_id: str = Field(
        sa_column=Column(
            String(36),
            ForeignKey("training_sessions.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    status: str = Field(max_length=10)
    reason: str | None = Field(default=None, max_length=20)
    detail: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    score: int | None = None
    verdict: str | None = Field(default=None, max_length=10)
    document: dict[str, Any] | None = _json()  # the GroundedReview, when the status is ok
    provider: str = Field(max_length=40)
    model: str = Field(sa_column=Column(Text, nullable=False))
    prompt_version: str = Field(max_length=40)
    prompt_chars: int
    attempts: int
    latency_ms: float
    deadline_s: float
    input_tokens: int | None = None
    output_tokens: int | None = None
    usage_known: bool
    cost_usd: float | None = None
    created_at: datetime = _utc()


RULE_STATUSES = ("draft", "validated", "failed", "active", "rolled_back")
# The phases an active distilled rule serves in (revision 0019): the rollouts' shares.
RULE_PHASES = (Phase.CANARY.value, Phase.GUARDED.value, Phase.GENERAL.value)


class OracleRunRow(SQLModel, table=True):
    """One run of the optimisation oracle (issue 12): what started it (`manual`, `schedule`,
    `cli`), the period of logged model calls it read, its thresholds, the per-context summaries
    and the recommendations (JSON lists of the core's `ContextSummary` and `Recommendation`),
    and what was distilled (`distillations`: per distil recommendation, the rule's id or why
    none). Append-only."""

    __tablename__ = "oracle_runs"
    __table_args__ = (
        _one_of("trigger", ("manual", "schedule", "cli"), "ck_oracle_runs_trigger"),
        Index("ix_oracle_runs_created_at", "created_at"),
    )

    id: str = Field(primary_key=True, max_length=36)
    trigger: str = Field(max_length=10)
    period_start: datetime = _utc()
    period_end: datetime = _utc()
    calls: int  # the CallMetrics read
    thresholds: dict[str, Any] = _json(nullable=False)
    summaries: list[Any] = _json(nullable=False)
    recommendations: list[Any] = _json(nullable=False)
    distillations: list[Any] = _json(nullable=False)
    created_at: datetime = _utc()


class DistilledRuleRow(SQLModel, table=True):
    """A formula rule the oracle distilled from the model's adjustments in one routing context
    (`shared_types.oracle.DistilledRule` as `document`, with its regression cases), versioned
    per context, with its validation (`Validation`) and status: `validated` or `failed` when
    made, `active` once an admin activates a validated one (served to the lifters whose bucket
    falls below `share`), `rolled_back` after. At most one active rule per context (the partial
    unique index decides). Changed only under a row lock; every change is an event.

    While active (revision 0019) it is in a `phase` (canary, guarded, general: the rollouts'
    shares, `training_engine.routing.rollout.SHARE`), possibly `paused` (share 0: the context is
    routed as before); `phase_started_at` starts the rule's SLO window (a resume restarts it),
    `activated_at` the model's; `min_samples` and `thresholds` (`SloThresholds`) are the guard's,
    `last_check` its newest `SloCheck`. A rule activated before 0019 has no phase (its free
    share serves)."""

    __tablename__ = "distilled_rules"
    __table_args__ = (
        _one_of("status", RULE_STATUSES, "ck_distilled_rules_status"),
        UniqueConstraint("context_key", "version", name="uq_distilled_rules_version"),
        _unique_where("uq_distilled_rules_active", "context_key", where="status = 'active'"),
        Index("ix_distilled_rules_lift", "lift", "intensity_type", "status"),
        CheckConstraint(
            f"phase IS NULL OR phase IN ({', '.join(repr(p) for p in RULE_PHASES)})",
            name="ck_distilled_rules_phase",
        ),
    )

    id: str = Field(primary_key=True, max_length=36)
    version: str = Field(max_length=60)
    context_key: str = Field(max_length=200)
    lift: str = Field(max_length=10)  # the context's lift and intensity type, for the
    intensity_type: str = Field(max_length=10)  # generation path's read
    intensity_multiplier: float
    set_delta: int
    provenance: str = Field(max_length=64)  # SHA-256 of the fitted session ids
    document: dict[str, Any] = _json(nullable=False)  # DistilledRule, cases included
    validation: dict[str, Any] = _json(nullable=False)  # Validation
    status: str = Field(max_length=12)
    share: float | None = None  # while active: the share of lifters it serves (0 paused)
    phase: str | None = Field(default=None, max_length=8)  # while active (revision 0019)
    paused: bool = False
    min_samples: int | None = None
    thresholds: dict[str, Any] | None = _json()  # SloThresholds, while active
    last_check: dict[str, Any] | None = _json()  # the guard's newest SloCheck
    activated_at: datetime | None = _utc(nullable=True)
    phase_started_at: datetime | None = _utc(nullable=True)
    run_id: str = Field(
        sa_column=Column(
            String(36), ForeignKey("oracle_runs.id", ondelete="CASCADE"), nullable=False
        )
    )
    created_at: datetime = _utc()
    updated_at: datetime = _utc()


class DistilledRuleEventRow(SQLModel, table=True):
    """One change of a distilled rule's status or phase (made, activated, advanced, paused,
    resumed, rolled back): from and to, who (the admin's `changed_by`, `oracle`, or
    `slo-monitor` when the guard paused it), why, when. Append-only."""

    __tablename__ = "distilled_rule_events"

    id: int | None = Field(default=None, primary_key=True)
    rule_id: str = Field(
        sa_column=Column(
            String(36),
            ForeignKey("distilled_rules.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    from_status: str | None = Field(default=None, max_length=12)
    to_status: str = Field(max_length=12)
    # The phase before and after (revision 0019); null outside the phases (made, rolled back).
    from_phase: str | None = Field(default=None, max_length=8)
    to_phase: str | None = Field(default=None, max_length=8)
    why: str = Field(sa_column=Column(Text, nullable=False))
    changed_by: str = Field(max_length=120)
    created_at: datetime = _utc()
