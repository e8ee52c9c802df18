"""One typed settings object for the shell, read from the environment (prefix `JIT_`, nested `__`).

Never built at import time: `Settings()` is called by the entry points (CLI, `create_app`) and
passed down. Secrets are `SecretStr` so they never print.

    JIT_DATABASE_URL          SQLAlchemy URL; default a SQLite file in the working directory
    JIT_ADMIN_TOKEN           bearer token for provisioning and admin views (unset: admin off)
    JIT_LLM__PROVIDER         openai | anthropic | openai_compatible | none (default none)
    JIT_LLM__MODEL            model name
    JIT_LLM__API_KEY          provider key
    JIT_LLM__BASE_URL         base URL (OpenAI-compatible servers: Ollama, vLLM, llama.cpp)
    JIT_LLM__DEADLINE_S       one total deadline per generation, seconds (default 5.0)
    JIT_LLM__MODE             tools | json | json_schema (default: tools; json_schema for
                              openai_compatible)
    JIT_LLM__MAX_REASKS       validation reasks, 0 or 1 (default 1)
    JIT_LLM__MAX_OUTPUT_TOKENS  max tokens of the answer (default 512)
    JIT_LLM__TOKEN_BUDGET     total tokens per generation over the reask (unset: no budget)
    JIT_LLM__CACHE_TTL_S      adjustment cache entry life, seconds (default 3600; 0 = off)
    JIT_LLM__CACHE_SIZE       adjustment cache entries (default 1024)
    JIT_LLM__BREAKER_FAILURES consecutive transient failures that open the breaker (default 3)
    JIT_LLM__BREAKER_COOLDOWN_S  open time before a half-open probe, seconds (default 30)
    JIT_LLM__HYBRID_SHADOW    hybrid serves the formula and only records the LLM (default false)
    JIT_LLM__PRICES           JSON {model: {"input_per_mtok": USD, "output_per_mtok": USD}}
    JIT_LLM__REVIEW__ENABLED  review each model-served session in the background (default false)
    JIT_LLM__REVIEW__DEADLINE_S  the review call's own deadline, seconds (default 8.0)
    JIT_LLM__REVIEW__MODEL    the reviewer's model (unset: JIT_LLM__MODEL)
    JIT_LLM__REVIEW__MAX_IN_FLIGHT  reviews running at once per process; more are not started,
                              only counted (default 8)
    JIT_METRICS__ENABLED      GET /metrics, Prometheus text format (default true; false: no route)
    JIT_METRICS__PUBLIC       /metrics without the admin token (default false)
    JIT_ROUTING__GATE_ENABLED `auto` serves the formula without asking the model when the formula
                              is confident (default true; false: the A/B control arm)
    JIT_CORS_ORIGINS          browser origins allowed by CORS, comma-separated or a JSON list
                              (default none: CORS off, no CORS headers)
    JIT_STAGE_TIMES_FILE      benchmarks only: CPU per generation stage, written there on exit
    JIT_MAX_BODY_BYTES        request body limit, bytes (default 262144 = 256 KiB; 0 = off): 413
    JIT_RATE_LIMIT__GENERATIONS_PER_MINUTE  generations per lifter and per token per minute
                              (default 30; 0 = off): 429 with Retry-After, counted in the database
    JIT_BUDGETS__LIFTER_DAILY_TOKENS / __LIFTER_DAILY_COST_USD  a lifter's model tokens and
                              estimated USD per UTC day (unset: unlimited)
    JIT_BUDGETS__GLOBAL_DAILY_TOKENS / __GLOBAL_DAILY_COST_USD  the same for all lifters together
    JIT_BUDGETS__CACHE_DB_TIER  the adjustment cache's database tier, shared by every worker
                              (default true)
    JIT_BUDGETS__CACHE_DB_TTL_S  life of a database-tier entry, seconds (default 86400; 0 = off)
    JIT_ORACLE__INTERVAL_S    run the optimisation oracle every so many seconds from the app
                              (default unset: never on a schedule; manual and CLI runs only)
    JIT_ORACLE__PERIOD_DAYS   the days of logged model calls a run reads (default 30)
    JIT_ORACLE__THRESHOLDS    JSON OracleThresholds (docs/domain/oracle.md; default its defaults)
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from shared_types.bandit import RewardWeights
from shared_types.oracle import OracleThresholds

__all__ = [
    "BanditSettings",
    "BudgetSettings",
    "LlmSettings",
    "MetricsSettings",
    "ModelPrice",
    "OracleSettings",
    "RateLimitSettings",
    "ReviewSettings",
    "RoutingSettings",
    "Settings",
]

DEFAULT_DATABASE_URL = "sqlite:///./jit-engine.db"


class ModelPrice(BaseModel):
    """US dollars per million tokens."""

    input_per_mtok: float = Field(ge=0)
    output_per_mtok: float = Field(ge=0)


class MetricsSettings(BaseModel):
    """`GET /metrics`: on by default, behind the admin token unless `public`."""

    enabled: bool = True
    public: bool = False


class BanditSettings(BaseModel):
    """`auto`'s contextual bandit (issue 12, docs/domain/bandit.md): off by default (the rules'
    strategy serves, as before). On: where the rules let the model serve, Thompson sampling
    chooses between it and the formula per context, every decision logged with its propensity,
    and each completed session's reward updates the shared posteriors."""

    enabled: bool = False
    policy_version: str = Field(default="bandit-1", min_length=1, max_length=100)
    seed: int = 0
    floor: float = Field(default=0.05, gt=0, le=1)
    rewards: RewardWeights = RewardWeights()


class RoutingSettings(BaseModel):
    """Switches of `auto`'s routing policy (issue 11), each on by default and off for an A/B
    comparison, and the bandit (issue 12, off by default)."""

    gate_enabled: bool = True
    bandit: BanditSettings = BanditSettings()


class ReviewSettings(BaseModel):
    """The review pass (issue 12, docs/domain/review.md): after a model-served session is
    returned, a second call scores it under its own deadline. Off by default; never delays the
    response, never changes the served session."""

    enabled: bool = False
    deadline_s: float = Field(default=8.0, gt=0, le=120)
    model: str | None = None
    max_in_flight: int = Field(default=8, ge=1, le=1000)


class OracleSettings(BaseModel):
    """The optimisation oracle (issue 12, docs/domain/oracle.md): off a schedule by default.
    `interval_s` set: the app runs it that often from its lifespan, one worker per interval."""

    interval_s: float | None = Field(default=None, gt=0)
    period_days: int = Field(default=30, ge=1, le=366)
    thresholds: OracleThresholds = OracleThresholds()


class LlmSettings(BaseModel):
    provider: Literal["openai", "anthropic", "openai_compatible", "none"] = "none"
    model: str = ""
    api_key: SecretStr | None = None
    base_url: str | None = None
    deadline_s: float = Field(default=5.0, gt=0, le=120)
    mode: Literal["tools", "json", "json_schema"] | None = None
    max_reasks: int = Field(default=1, ge=0, le=1)
    max_output_tokens: int = Field(default=512, ge=64, le=8192)
    token_budget: int | None = Field(default=None, gt=0)
    cache_ttl_s: float = Field(default=3600.0, ge=0)
    cache_size: int = Field(default=1024, ge=1)
    breaker_failures: int = Field(default=3, ge=1)
    breaker_cooldown_s: float = Field(default=30.0, gt=0)
    hybrid_shadow: bool = False
    prices: dict[str, ModelPrice] = Field(default_factory=dict)
    review: ReviewSettings = ReviewSettings()


class RateLimitSettings(BaseModel):
    generations_per_minute: int = Field(default=30, ge=0)


class BudgetSettings(BaseModel):
    """Daily model budgets (UTC days; None = unlimited) and the adjustment cache's database tier
    (issue 11). Spend is tracked even when unlimited, so admins always see it."""

    lifter_daily_tokens: int | None = Field(default=None, ge=0)
    lifter_daily_cost_usd: Decimal | None = Field(default=None, ge=0)
    global_daily_tokens: int | None = Field(default=None, ge=0)
    global_daily_cost_usd: Decimal | None = Field(default=None, ge=0)
    cache_db_tier: bool = True
    cache_db_ttl_s: float = Field(default=86_400.0, ge=0)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="JIT_", env_nested_delimiter="__", extra="ignore", frozen=True
    )

    database_url: str = DEFAULT_DATABASE_URL
    admin_token: SecretStr | None = None
    llm: LlmSettings = LlmSettings()
    stage_times_file: str | None = None
    max_body_bytes: int = Field(default=256 * 1024, ge=0)
    rate_limit: RateLimitSettings = RateLimitSettings()
    budgets: BudgetSettings = BudgetSettings()
    cors_origins: Annotated[tuple[str, ...], NoDecode] = ()
    # Calibration learning after each completed session (issue 10). Off: outcomes are still
    # stored, but no calibration is learnt or sent to the engine (the simulator's control arm).
    calibration_learning: bool = True
    metrics: MetricsSettings = MetricsSettings()
    routing: RoutingSettings = RoutingSettings()
    oracle: OracleSettings = OracleSettings()

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _origins(cls, value: object) -> object:
        """`JIT_CORS_ORIGINS`: `https://a.example,https://b.example` or a JSON list."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return tuple(json.loads(text))
            return tuple(part.strip() for part in text.split(",") if part.strip())
        return value
