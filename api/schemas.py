"""Request and response bodies of HTTP API v1 (JSON, kilograms, ISO dates).

Requests forbid unknown keys and bound every number, so a bad request is a 422 with field paths
before anything touches the database. Strings refuse NUL characters (PostgreSQL cannot store
them) and lone surrogates (nothing can encode them; `api.routes.text` checks every JSON body for
them first). Weights are strict numbers: `true` or `"100"` is not a weight. Responses are plain
models built by the mappers from stored rows.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Generic, Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from shared_types.adjustment import JITAdjustment
from shared_types.config import VolumeLandmark, WarmupProtocol
from shared_types.enums import (
    CyclePhase,
    DisruptionStatus,
    DisruptionType,
    ExerciseType,
    FallbackReason,
    IntensityType,
    Lift,
    MuscleGroup,
    Severity,
    Sex,
    StrategyName,
    StrategyUsed,
)
from shared_types.feedback import (
    CalibrationRecommendation,
    CalibrationRow,
    LoadCalibrationRow,
    LoadSuggestion,
    SessionOutcome,
    SetAdvice,
)
from shared_types.inputs import JITInput, RestOverride
from shared_types.llm import BreakerState, CacheTier, Divergence, PromptVersion
from shared_types.outputs import JITOutput
from shared_types.review import DroppedConcern, ReviewOverrides, ReviewStatus, ReviewVerdict
from shared_types.routing import (
    EffectiveRule,
    Phase,
    RouteRule,
    RouteStrategy,
    SloSummary,
    SloThresholds,
    SloVerdict,
)
from shared_types.trace import PrescriptionTrace
from training_engine.formulas.rounding import PLATES_KG
from training_engine.planning import VolumeStatus

__all__ = [
    "CatalogExerciseOut",
    "CatalogExercisePage",
    "ChangeNote",
    "CheckIn",
    "ComparisonOut",
    "ComparisonPage",
    "ComparisonSummary",
    "CompleteRequest",
    "CustomExerciseIn",
    "CustomExerciseOut",
    "CustomExercisePage",
    "DisruptionIn",
    "DisruptionOut",
    "DisruptionPage",
    "DisruptionPatch",
    "EffectiveRuleOut",
    "FormulaConfigIn",
    "FormulaConfigOut",
    "GenerationOut",
    "Health",
    "LiftHistoryOut",
    "LiftHistoryPoint",
    "LifterCreate",
    "LifterCreated",
    "LifterList",
    "LifterOut",
    "LifterPatch",
    "LlmCallOut",
    "LlmCallPage",
    "MaxIn",
    "MaxOut",
    "MaxPage",
    "MaxesOut",
    "MuscleShare",
    "MuscleVolume",
    "Page",
    "PlatesConfig",
    "PlatesOut",
    "ProgramDetail",
    "ProgramIn",
    "ProgramMode",
    "ProgramOut",
    "ProgramPage",
    "ProgramPatch",
    "ProgramStatus",
    "RehabCapIn",
    "RehabCapOut",
    "RehabCapPage",
    "RestConfig",
    "RuleChange",
    "RuleRollback",
    "RuleVersionOut",
    "RuleVersionPage",
    "SessionDetail",
    "SessionOut",
    "SessionPage",
    "SessionReviewOut",
    "SessionStatus",
    "SetKind",
    "SetLogIn",
    "SetLogOut",
    "SettingsIn",
    "SettingsOut",
    "SkipRequest",
    "StrategyAvailability",
    "TopSet",
    "TriggerIn",
    "TriggerOut",
    "TriggerPage",
    "VolumeLandmarksIn",
    "VolumeLandmarksOut",
    "VolumeOut",
    "VolumeWeek",
    "VolumeWeeksOut",
    "WarmupsIn",
    "WarmupsOut",
    "Wearables",
]


def _plain_text(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("must be valid Unicode text") from None
    return value


Text = Annotated[str, AfterValidator(_plain_text)]
Name = Annotated[Text, Field(min_length=1, max_length=120)]
# Strict: a JSON number (integer or not), never a boolean or a string.
Kg = Annotated[float, Field(gt=0, le=700, strict=True)]
BodyweightKg = Annotated[float, Field(ge=20, le=400, strict=True)]
BarKg = Annotated[float, Field(ge=1, le=50, strict=True)]


def _a_plate(value: float) -> float:
    if value not in PLATES_KG:
        raise ValueError(f"must be one of {', '.join(str(p) for p in PLATES_KG)}")
    return value


PlateKg = Annotated[float, AfterValidator(_a_plate)]


def _iana_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("is not an IANA time zone name (e.g. 'Europe/Berlin')") from None
    return value


TimeZone = Annotated[
    Text,
    Field(
        min_length=1,
        max_length=64,
        description="An IANA time zone name ('Pacific/Auckland'): the lifter's 'today', week "
        "boundaries and planned dates follow it.",
    ),
    AfterValidator(_iana_zone),
]


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Item = TypeVar("Item")


class Page(BaseModel, Generic[Item]):
    """One page of a list: every list route answers this shape (`limit` 1-200, `offset` from 0;
    `total` counts every match, `next_offset` is null on the last page)."""

    items: list[Item]
    total: int
    limit: int
    offset: int
    next_offset: int | None = Field(
        default=None, description="The offset of the next page; null on the last page."
    )

    @model_validator(mode="after")
    def _next(self) -> Page[Item]:
        following = self.offset + len(self.items)
        if self.next_offset is None and following < self.total and self.items:
            self.next_offset = following
        return self


# --- lifters ---------------------------------------------------------------------------------


class LifterCreate(Request):
    name: Name
    biological_sex: Sex | None = None
    date_of_birth: date | None = Field(default=None, ge=date(1900, 1, 1), le=date(2100, 1, 1))
    bodyweight_kg: BodyweightKg | None = None
    bar_weight_kg: BarKg | None = None
    available_plates_kg: Annotated[list[PlateKg], Field(min_length=1, max_length=7)] | None = None
    timezone: TimeZone = "UTC"


class LifterPatch(Request):
    """Only the fields sent are changed; `null` clears an optional field. The name is required,
    so `"name": null` is a 422 (leave the field out to keep the name)."""

    name: Name | None = Field(default=None, description="Required on a lifter: never null.")
    biological_sex: Sex | None = None
    date_of_birth: date | None = Field(default=None, ge=date(1900, 1, 1), le=date(2100, 1, 1))
    bodyweight_kg: BodyweightKg | None = None
    timezone: TimeZone | None = Field(default=None, description="Never null (default UTC).")

    @field_validator("name", mode="before")
    @classmethod
    def _name_not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("cannot be null: a lifter has a name (leave it out to keep it)")
        return value

    @field_validator("timezone", mode="before")
    @classmethod
    def _zone_not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("cannot be null: leave it out to keep the zone, or send 'UTC'")
        return value


class LifterOut(BaseModel):
    id: str
    name: str
    biological_sex: Sex | None
    date_of_birth: date | None
    bodyweight_kg: float | None
    bar_weight_kg: float | None
    available_plates_kg: list[float] | None
    timezone: str = "UTC"
    created_at: datetime


class LifterCreated(BaseModel):
    lifter: LifterOut
    token: str = Field(description="The lifter's bearer token. Shown once; only a hash is kept.")


class LifterList(Page[LifterOut]):
    """A page of `LifterOut`."""


# --- maxes, settings, configs ----------------------------------------------------------------


class MaxIn(Request):
    """Either a tested 1RM, or a weight lifted for some reps (Epley estimate)."""

    one_rm_kg: Kg | None = None
    weight_kg: Kg | None = None
    reps: Annotated[int, Field(ge=1, le=20)] | None = None

    @model_validator(mode="after")
    def _one_way(self) -> MaxIn:
        lifted = (self.weight_kg is not None, self.reps is not None)
        if (self.one_rm_kg is not None and any(lifted)) or (
            self.one_rm_kg is None and not all(lifted)
        ):
            raise ValueError("give either one_rm_kg, or weight_kg with reps")
        return self


class MaxOut(BaseModel):
    lift: Lift
    one_rm_kg: float
    source: str
    input_weight_kg: float | None
    input_reps: int | None
    recorded_at: datetime


class MaxesOut(BaseModel):
    current: dict[Lift, MaxOut]
    history: list[MaxOut]


class SettingsIn(Request):
    jit_strategy: StrategyName


class StrategyAvailability(BaseModel):
    name: str
    usable: bool = Field(description="False: asking for it serves the formula instead.")
    reason: str


class SettingsOut(BaseModel):
    jit_strategy: StrategyName
    available_strategies: list[str] = Field(
        description="The strategies this server can run now (without a model provider: formula "
        "and auto). Any other is served by the formula, labelled formula_fallback."
    )
    strategies: list[StrategyAvailability] = Field(
        description="Every strategy the server knows, whether it is usable now, and why."
    )


class FormulaConfigIn(Request):
    overrides: dict[str, Any] = Field(
        description="A partial FormulaConfig, deep-merged onto the sex default."
    )


class FormulaConfigOut(BaseModel):
    overrides: dict[str, Any]
    version: int
    effective: dict[str, Any]


class VolumeLandmarksIn(Request):
    overrides: dict[MuscleGroup, VolumeLandmark]


class VolumeLandmarksOut(BaseModel):
    overrides: dict[MuscleGroup, VolumeLandmark]
    effective: dict[MuscleGroup, VolumeLandmark]


class WarmupsIn(Request):
    warmups: dict[Lift, WarmupProtocol]


class WarmupsOut(BaseModel):
    warmups: dict[Lift, WarmupProtocol]
    default: WarmupProtocol


class RestConfig(Request):
    overrides: Annotated[list[RestOverride], Field(max_length=30)]


class PlatesConfig(Request):
    bar_weight_kg: BarKg | None = None
    available_plates_kg: Annotated[list[PlateKg], Field(min_length=1, max_length=7)] | None = None


class PlatesOut(BaseModel):
    bar_weight_kg: float
    available_plates_kg: list[float]
    weight_increment_kg: float


# --- programs and sessions ---------------------------------------------------------------------


class ProgramIn(Request):
    mode: Literal["scheduled", "unending"] = "scheduled"
    training_days_per_week: Annotated[int, Field(ge=1, le=7)] = 3
    total_weeks: Annotated[int, Field(ge=1, le=52)] | None = Field(
        default=None, description="Scheduled programs only (default 12)."
    )
    start_date: date | None = Field(default=None, ge=date(2000, 1, 1), le=date(2100, 1, 1))
    weekdays: Annotated[list[Annotated[int, Field(ge=1, le=7)]], Field(max_length=7)] | None = (
        Field(default=None, description="ISO weekdays (Monday 1), one per training day.")
    )

    @model_validator(mode="after")
    def _consistent(self) -> ProgramIn:
        if self.mode == "unending" and self.total_weeks is not None:
            raise ValueError("an unending program has no total_weeks")
        if self.weekdays is not None and (
            len(set(self.weekdays)) != len(self.weekdays)
            or len(self.weekdays) != self.training_days_per_week
        ):
            raise ValueError("weekdays must be distinct, one per training day")
        return self


class ProgramMode(StrEnum):
    SCHEDULED = "scheduled"
    UNENDING = "unending"


class ProgramStatus(StrEnum):
    """Only one program of a lifter is active; a new one archives the previous."""

    ACTIVE = "active"
    ARCHIVED = "archived"


class ProgramOut(BaseModel):
    id: str
    mode: ProgramMode
    status: ProgramStatus
    training_days_per_week: int
    total_weeks: int | None
    start_date: date
    weekdays: list[int]
    sessions_created: int
    created_at: datetime


class ProgramPage(Page[ProgramOut]):
    """A page of `ProgramOut`."""


class ProgramDetail(ProgramOut):
    end_date: date | None = Field(description="The date of the program's last session.")
    sessions_by_status: dict[str, int] = Field(description="How many sessions are in each status.")
    current_week: int | None = Field(
        description="The week of the first session not yet finished (the last week when all are)."
    )


ISOWeekdays = Annotated[list[Annotated[int, Field(ge=1, le=7)]], Field(min_length=1, max_length=7)]


class ProgramPatch(Request):
    """Only the fields sent change (an empty body changes nothing; see the route for what
    happens to the sessions)."""

    weekdays: ISOWeekdays | None = Field(
        default=None,
        description="New ISO weekdays (Monday 1), distinct, one per training day of the program.",
    )
    end_date: date | None = Field(
        default=None,
        ge=date(2000, 1, 1),
        le=date(2100, 1, 1),
        description="A scheduled program only: an earlier end; later sessions still planned are "
        "skipped ('program ended early').",
    )
    status: Literal["archived"] | None = Field(
        default=None, description="archived: the program ends; its sessions not yet started skip."
    )

    @model_validator(mode="after")
    def _consistent(self) -> ProgramPatch:
        if self.weekdays is not None and len(set(self.weekdays)) != len(self.weekdays):
            raise ValueError("weekdays must be distinct")
        for name in self.model_fields_set:
            if getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null (leave it out to keep it)")
        return self


class SessionStatus(StrEnum):
    """Where a session is in its lifecycle; the allowed moves are `services.lifecycle.MOVES`."""

    PLANNED = "planned"
    GENERATED = "generated"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    SKIPPED = "skipped"


class SessionOut(BaseModel):
    id: str
    program_id: str | None
    week_number: int
    day_number: int
    block_number: int
    planned_date: date
    primary_lift: Lift
    intensity_type: IntensityType
    is_deload: bool
    status: SessionStatus
    jit_strategy: StrategyUsed | None
    fallback_reason: FallbackReason | None
    jit_generated_at: datetime | None
    session_rpe: float | None
    started_at: datetime | None
    completed_at: datetime | None
    skip_reason: str | None


class SessionPage(Page[SessionOut]):
    """A page of `SessionOut`."""


class SetLogIn(Request):
    kind: Literal["primary", "auxiliary"] = "primary"
    exercise: Name | None = Field(
        default=None, description="Required for auxiliary sets; primary sets use the lift."
    )
    set_number: Annotated[int, Field(ge=1, le=50)]
    weight_kg: Annotated[float, Field(ge=0, le=700)]
    reps: Annotated[int, Field(ge=0, le=100)]
    rpe: Annotated[float, Field(ge=1, le=10)] | None = None
    failed: bool = False
    pain_limited: bool = False

    @model_validator(mode="after")
    def _exercise_named(self) -> SetLogIn:
        if self.kind == "auxiliary" and self.exercise is None:
            raise ValueError("auxiliary sets need an exercise")
        return self


class SetKind(StrEnum):
    PRIMARY = "primary"
    AUXILIARY = "auxiliary"


class SetLogOut(BaseModel):
    id: str
    kind: SetKind
    exercise: str
    set_number: int
    weight_kg: float
    reps: int
    rpe: float | None
    failed: bool
    pain_limited: bool
    during_rehab: bool
    logged_at: datetime


class LlmCallOut(BaseModel):
    """One generation's dealings with a model provider (a stored `LlmCallRecord`)."""

    id: int
    generation_id: str | None  # None: a stateless POST /v1/generate
    lifter_id: str | None  # None: the admin asked
    session_id: str | None
    strategy: StrategyName = Field(description="The strategy that asked: llm, hybrid or auto.")
    provider: str
    model: str
    prompt_version: str
    prompt_chars: int
    attempts: int = Field(description="Model responses asked for (a reask is the second).")
    latency_ms: float
    deadline_s: float
    input_tokens: int | None
    output_tokens: int | None
    usage_known: bool = Field(description="False when the deadline cut the call.")
    cost_usd: float | None
    cache_hit: bool
    cache_tier: CacheTier | None = Field(
        default=None,
        description="The cache tier that answered a hit (memory, database); null: not a hit, "
        "or a record written before the tier was stored.",
    )
    breaker_state: BreakerState
    fallback_reason: FallbackReason | None
    detail: str | None
    adjustment: JITAdjustment | None = Field(description="The model's answer, when it gave one.")
    created_at: datetime


class LlmCallPage(Page[LlmCallOut]):
    """A page of `LlmCallOut`."""


class ComparisonSummary(BaseModel):
    """How far the model's session was from the formula's (hybrid), without the sessions."""

    strategy_used: StrategyUsed = Field(
        description="What was served: llm, formula or formula_fallback."
    )
    shadow: bool
    fallback_reason: FallbackReason | None
    should_surface_to_user: bool
    divergence: Divergence | None = Field(description="Null when the model gave no session.")


class ComparisonOut(ComparisonSummary):
    """A stored hybrid comparison: the input, both sessions (traces apart), the divergence."""

    id: int
    generation_id: str | None  # None: a stateless POST /v1/generate
    lifter_id: str | None  # None: the admin asked
    session_id: str | None
    strategy: StrategyName
    jit_input: JITInput
    formula_output: JITOutput
    llm_output: JITOutput | None
    created_at: datetime


class ComparisonPage(Page[ComparisonOut]):
    """A page of `ComparisonOut`."""


class SessionReviewOut(BaseModel):
    """The review pass's verdict on the generation shown (issue 12): advice beside the session,
    never applied to it. `failed` carries the reason and no score."""

    status: ReviewStatus
    reason: FallbackReason | None = Field(description="Why the review failed (failed only).")
    detail: str | None
    score: int | None = Field(description="0-100 after grounding; null when failed.")
    verdict: ReviewVerdict | None = Field(description="accept or flag; null when failed.")
    concerns: list[str] = Field(description="The concerns kept by grounding (at most 3).")
    dropped_concerns: list[DroppedConcern] = Field(
        description="The concerns the input could not support, with why."
    )
    suggested_overrides: ReviewOverrides | None = Field(
        description="What the reviewer would change; shown, never applied."
    )
    model: str
    prompt_version: str
    latency_ms: float
    input_tokens: int | None
    output_tokens: int | None
    cost_usd: float | None
    created_at: datetime


class SessionDetail(SessionOut):
    prescription: JITOutput | None = Field(description="The full stored output (trace apart).")
    trace: PrescriptionTrace | None
    jit_input_snapshot: dict[str, Any] | None
    sets: list[SetLogOut]
    generation_id: str | None = Field(description="The generation whose output this is.")
    llm_call: LlmCallOut | None = Field(
        description="That generation's model call record, when its strategy asked a model."
    )
    comparison: ComparisonSummary | None = Field(
        description="That generation's hybrid comparison, when the strategy was hybrid."
    )
    outcome: SessionOutcome | None = Field(
        default=None, description="What the session showed, once it is completed or skipped."
    )
    advice: list[AdviceOut] = Field(
        default_factory=list, description="The next-set advice offered during the session."
    )
    review: SessionReviewOut | None = Field(
        default=None,
        description="The review pass's verdict on this generation; null while it is pending, "
        "and when reviews are off or the session was not served by the model.",
    )


class CompleteRequest(Request):
    session_rpe: Annotated[float, Field(ge=1, le=10)] | None = None


class SkipRequest(Request):
    reason: Annotated[Text, Field(max_length=500)] | None = None


# --- generation --------------------------------------------------------------------------------


class Wearables(Request):
    hrv_pct_change: Annotated[float, Field(ge=-100, le=500)] | None = None
    resting_hr_pct_change: Annotated[float, Field(ge=-100, le=500)] | None = None
    sleep_duration_min: Annotated[float, Field(ge=0, le=1440)] | None = None
    deep_sleep_pct: Annotated[float, Field(ge=0, le=100)] | None = None
    spo2_avg: Annotated[float, Field(ge=0, le=100)] | None = None
    non_training_load: Annotated[int, Field(ge=0, le=3)] | None = None
    readiness_score: Annotated[float, Field(ge=0, le=100)] | None = None


class CheckIn(Request):
    """Today's check-in, sent with a generation request."""

    soreness: dict[MuscleGroup, Annotated[int, Field(ge=1, le=10)]] = Field(
        default_factory=dict, description="1 fresh .. 10 very sore; unrated muscles are fresh."
    )
    sleep_quality: Annotated[int, Field(ge=1, le=5)] | None = None
    energy_level: Annotated[int, Field(ge=1, le=5)] | None = None
    wearables: Wearables | None = None
    cycle_phase: CyclePhase | None = None
    strategy: StrategyName | None = Field(
        default=None, description="Overrides the lifter's jit_strategy setting for this call."
    )


class GenerationOut(BaseModel):
    session_id: str
    generation_id: str
    jit_strategy: StrategyUsed
    fallback_reason: FallbackReason | None
    generated_at: datetime
    one_rm_kg: float
    one_rm_source: Literal["stored", "working", "profile_estimate"]
    prescription: JITOutput
    reasons: list[str]
    warnings: list[str]
    notes: list[str] = Field(description="How the input was assembled (1RM source, injuries).")
    route: str | None = Field(
        default=None,
        description="auto's decision and every reason for it ('llm: rule: ...; gate: ...'); "
        "null for the other strategies.",
    )


# --- disruptions and rehab caps ------------------------------------------------------------------


def _distinct_lifts(value: list[Lift] | None) -> list[Lift] | None:
    if value is not None:
        repeated = sorted({lift.value for lift in value if value.count(lift) > 1})
        if repeated:
            raise ValueError(f"names a lift more than once: {', '.join(repeated)}")
    return value


AffectedLifts = Annotated[list[Lift], Field(max_length=3), AfterValidator(_distinct_lifts)]


class DisruptionIn(Request):
    disruption_type: DisruptionType
    severity: Severity
    affected_lifts: AffectedLifts | None = None
    affected_date_start: date | None = Field(default=None, ge=date(2000, 1, 1), le=date(2100, 1, 1))
    affected_date_end: date | None = Field(default=None, ge=date(2000, 1, 1), le=date(2100, 1, 1))
    description: Annotated[Text, Field(max_length=2000)] | None = None
    event_name: Annotated[Text, Field(max_length=200)] | None = None

    @model_validator(mode="after")
    def _ordered(self) -> DisruptionIn:
        start, end = self.affected_date_start, self.affected_date_end
        if start is not None and end is not None and end < start:
            raise ValueError("affected_date_end is before affected_date_start")
        return self


class DisruptionPatch(Request):
    severity: Severity | None = None
    status: Literal["active", "monitoring"] | None = None
    affected_lifts: AffectedLifts | None = None
    affected_date_end: date | None = Field(default=None, ge=date(2000, 1, 1), le=date(2100, 1, 1))
    description: Annotated[Text, Field(max_length=2000)] | None = None


class DisruptionOut(BaseModel):
    id: str
    disruption_type: DisruptionType
    severity: Severity
    affected_lifts: list[Lift] | None
    affected_date_start: date
    affected_date_end: date | None
    description: str | None
    event_name: str | None
    status: DisruptionStatus
    reported_at: datetime
    resolved_at: datetime | None


class RehabCapIn(Request):
    lift: Lift
    cap_kg: Kg
    note: Annotated[Text, Field(max_length=500)] | None = None
    planned_end_date: date | None = Field(default=None, ge=date(2000, 1, 1), le=date(2100, 1, 1))


class RehabCapOut(BaseModel):
    id: str
    lift: Lift
    cap_kg: float
    note: str | None
    planned_end_date: date | None
    started_at: datetime
    ended_at: datetime | None


# --- volume and health -------------------------------------------------------------------------


class MuscleVolume(BaseModel):
    muscle: MuscleGroup
    sets: float
    mev: float
    mrv: float
    status: VolumeStatus


class VolumeOut(BaseModel):
    program_id: str
    week: int
    muscles: list[MuscleVolume]


class VolumeWeek(BaseModel):
    week: int
    muscles: list[MuscleVolume]


class VolumeWeeksOut(BaseModel):
    program_id: str
    weeks: list[VolumeWeek] = Field(description="Every week of the program, in order.")


class TopSet(BaseModel):
    weight_kg: float
    reps: int
    rpe: float | None


class LiftHistoryPoint(BaseModel):
    """One session's primary sets of the lift."""

    session_id: str
    planned_date: date
    week_number: int
    intensity_type: IntensityType
    estimated_one_rm_kg: float | None = Field(
        description="The best estimate of the session's sets (Epley on reps + 10 - RPE; plain "
        "Epley when no RPE was logged); pain-limited sets and sets over 20 reps are left out."
    )
    top_set: TopSet = Field(description="The heaviest set (the most reps among equals).")
    sets: int


class LiftHistoryOut(Page[LiftHistoryPoint]):
    """A lift's sessions over time, oldest first."""

    lift: Lift


class MaxPage(Page[MaxOut]):
    """A page of recorded maxes, newest first."""


class DisruptionPage(Page[DisruptionOut]):
    """A page of `DisruptionOut`."""


class RehabCapPage(Page[RehabCapOut]):
    """A page of `RehabCapOut`."""


class Health(BaseModel):
    status: str


# --- exercises -------------------------------------------------------------------------------


class MuscleShare(Request):
    muscle: MuscleGroup
    contribution: float = Field(
        default=1.0, gt=0, le=1, description="The share of a set this muscle is credited."
    )


class CatalogExerciseOut(BaseModel):
    name: str
    slug: str
    lift: Lift | None = Field(description="The main lift it assists; null: general work.")
    exercise_type: ExerciseType
    muscles: list[MuscleShare]
    equipment: str | None
    movement_pattern: str | None


class CatalogExercisePage(Page[CatalogExerciseOut]):
    """A page of `CatalogExerciseOut`."""


class CustomExerciseIn(Request):
    name: Name = Field(description="Not a catalog exercise's name; unique per lifter.")
    muscles: Annotated[list[MuscleShare], Field(min_length=1, max_length=10)]
    lift: Lift | None = Field(
        default=None, description="The lift whose sessions it accompanies; null: every lift."
    )
    equipment: Annotated[Text, Field(min_length=1, max_length=60)] | None = None
    exercise_type: ExerciseType = ExerciseType.WEIGHTED
    accessory: bool = Field(
        default=True,
        description="Served as a configured accessory on its lift's sessions (after the "
        "block's two, at most five in all); false: only counted when logged.",
    )

    @model_validator(mode="after")
    def _distinct(self) -> CustomExerciseIn:
        if len({m.muscle for m in self.muscles}) != len(self.muscles):
            raise ValueError("muscles must be distinct")
        return self


class CustomExerciseOut(BaseModel):
    id: str
    name: str
    muscles: list[MuscleShare]
    lift: Lift | None
    equipment: str | None
    exercise_type: ExerciseType
    accessory: bool
    created_at: datetime


class CustomExercisePage(Page[CustomExerciseOut]):
    """A page of `CustomExerciseOut`."""


# --- the feedback loop -------------------------------------------------------------------------

DecisionStatus = Literal["pending", "accepted", "dismissed", "superseded"]


class OutcomeOut(BaseModel):
    outcome: SessionOutcome
    recorded_at: datetime


class OutcomePage(Page[OutcomeOut]):
    pass


class CalibrationOut(BaseModel):
    calibration: CalibrationRow
    updated_at: datetime


class LoadCalibrationOut(BaseModel):
    calibration: LoadCalibrationRow
    updated_at: datetime


class RecommendationOut(BaseModel):
    id: str
    status: DecisionStatus
    recommendation: CalibrationRecommendation
    created_at: datetime
    decided_at: datetime | None


class RecommendationPage(Page[RecommendationOut]):
    pass


class CalibrationsOut(BaseModel):
    learning: bool = Field(description="Whether this server learns calibrations after sessions.")
    calibrations: list[CalibrationOut]
    applied: dict[str, float] = Field(
        description="What the next generation sends the engine (modifier_calibrations)."
    )
    pending: list[RecommendationOut]
    load_calibrations: list[LoadCalibrationOut] = Field(
        default_factory=list, description="Learnt load corrections per intensity type (F9)."
    )
    applied_load: dict[str, float] = Field(
        default_factory=dict,
        description="What the next generation sends the engine (load_calibrations).",
    )


class SuggestionOut(BaseModel):
    id: str
    status: DecisionStatus
    suggestion: LoadSuggestion
    created_at: datetime
    decided_at: datetime | None
    max: MaxOut | None = Field(default=None, description="The max accepting it recorded.")


class AdviceOut(BaseModel):
    id: str
    status: Literal["offered", "accepted", "declined", "expired"]
    after_set_number: int
    advice: SetAdvice
    created_at: datetime
    decided_at: datetime | None


class SetLoggedOut(SetLogOut):
    advice: AdviceOut | None = Field(
        default=None,
        description="Next-set advice after a main-lift set, when any applies; accept it with "
        "POST /v1/me/sessions/{id}/advice/{advice_id}/accept.",
    )


class AdviceDecision(Request):
    accept: bool


# --- routing rules and manual triggers (issue 11) -------------------------------------------

ChangedBy = Annotated[
    Text, Field(min_length=1, max_length=120, description="Who makes the change.")
]
ChangeReason = Annotated[
    Text, Field(min_length=1, max_length=500, description="Why the change is made.")
]


class ChangeNote(Request):
    """Who changes the routing policy and why: the admin token is shared, so the body says."""

    changed_by: ChangedBy
    reason: ChangeReason


class RuleChange(ChangeNote):
    rule: RouteRule = Field(description="The scope's new rule; an unset field inherits.")


class RuleRollback(ChangeNote):
    version: Annotated[int, Field(ge=1, le=2_000_000_000, strict=True)] = Field(
        description="The earlier version the new version copies (a deletion copies as one)."
    )


class RuleVersionOut(BaseModel):
    scope: Literal["global", "lifter", "lift"]
    lifter_id: str | None
    lift: Lift | None
    version: int
    rule: RouteRule | None = Field(description="Null when this version deletes the rule.")
    deleted: bool
    changed_by: str
    reason: str
    created_at: datetime


class RuleVersionPage(Page[RuleVersionOut]):
    """A page of `RuleVersionOut`, newest first."""


class EffectiveRuleOut(BaseModel):
    lifter_id: str
    lift: Lift | None
    rule: EffectiveRule = Field(description="Each value, and in `sources` the level it came from.")
    manual_strategy: RouteStrategy | None = Field(
        description="The active manual trigger's strategy (the lift's, else the lifter's): it "
        "forces the route whatever the rule says."
    )


class TriggerIn(ChangeNote):
    lifter_id: Annotated[Text, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")]
    lift: Lift | None = Field(default=None, description="Null: every lift of the lifter.")
    strategy: RouteStrategy


class TriggerOut(BaseModel):
    id: str
    lifter_id: str
    lift: Lift | None
    strategy: RouteStrategy
    changed_by: str
    reason: str
    created_at: datetime
    ended_at: datetime | None
    ended_by: str | None
    end_reason: str | None


class TriggerPage(Page[TriggerOut]):
    """A page of active `TriggerOut`, newest first."""


# --- rollouts (issue 11) ----------------------------------------------------------------------

ROLLOUT_WINDOW = 200
"""The SLO window: the newest generations per arm since the phase began (so `min_samples` is
at most this)."""

CandidateStrategy = Literal["llm", "hybrid", "shadow"]
ModelName = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][\w.:/@-]*$")]


class RolloutStart(ChangeNote):
    candidate: CandidateStrategy = Field(
        description=(
            "What the candidate arm serves; the control arm serves the formula. With a "
            "prompt_version or a model, the candidate arm serves it with the candidate's prompt "
            "and model, the control arm the rule's strategy with the configured ones, and the "
            "shadow phase serves as the control with the candidate's call made beside, logged."
        )
    )
    prompt_version: PromptVersion | None = Field(
        default=None, description="Roll out this prompt version (null: the configured one)."
    )
    model: ModelName | None = Field(
        default=None,
        description="Roll out this model of the configured provider (null: the configured one); "
        "it must have a price, so its cost per generation can be judged.",
    )
    lifter_id: Annotated[
        Text | None, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9-]+$")
    ] = Field(default=None, description="Null: the global scope; else this lifter's.")
    lift: Lift | None = Field(default=None, description="With a lifter: one lift of it.")
    thresholds: SloThresholds = Field(default_factory=SloThresholds)
    auto_advance: bool = Field(
        default=False,
        description="Advance a phase when the SLOs hold over min_samples and min_elapsed_s.",
    )
    min_samples: Annotated[int, Field(ge=1, le=ROLLOUT_WINDOW, strict=True)] = Field(
        description="Generations each arm needs before a verdict (and before an advance)."
    )
    min_elapsed_s: Annotated[float, Field(ge=0, le=90 * 86_400)] = Field(
        description="Seconds a phase runs before it advances automatically."
    )

    @model_validator(mode="after")
    def _lift_needs_lifter(self) -> RolloutStart:
        if self.lift is not None and self.lifter_id is None:
            raise ValueError("a lift scope needs a lifter_id")
        return self


class SloCheck(BaseModel):
    """One SLO evaluation: the verdict and the two arms' windows it was made from."""

    verdict: SloVerdict
    candidate: SloSummary
    control: SloSummary


class RolloutOut(BaseModel):
    id: str
    scope: Literal["global", "lifter", "lift"]
    lifter_id: str | None
    lift: Lift | None
    candidate: CandidateStrategy
    prompt_version: PromptVersion | None
    model: str | None
    phase: Phase = Field(description="off: stopped, or rolled back past shadow.")
    paused: bool = Field(
        description="Paused: every lifter is served as the control, nothing moves by itself."
    )
    auto_advance: bool
    min_samples: int
    min_elapsed_s: float
    thresholds: SloThresholds
    started_at: datetime
    phase_started_at: datetime
    updated_at: datetime
    window: SloCheck = Field(description="The current phase's window per arm, evaluated now.")
    last_check: SloCheck | None = Field(
        description="The SLO monitor's newest check (after the rollout's latest generation)."
    )


class RolloutPage(Page[RolloutOut]):
    """A page of `RolloutOut`, newest first."""


class RolloutEventOut(BaseModel):
    id: int
    rollout_id: str
    from_phase: Phase
    to_phase: Phase
    why: str
    changed_by: str = Field(description="The admin's changed_by, or slo-monitor.")
    check: SloCheck | None = Field(description="The SLO check that moved it (the monitor's).")
    created_at: datetime


class RolloutEventPage(Page[RolloutEventOut]):
    """A page of `RolloutEventOut`, newest first."""
