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
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["LlmSettings", "Settings"]

DEFAULT_DATABASE_URL = "sqlite:///./jit-engine.db"


class LlmSettings(BaseModel):
    provider: Literal["openai", "anthropic", "openai_compatible", "none"] = "none"
    model: str = ""
    api_key: SecretStr | None = None
    base_url: str | None = None
    deadline_s: float = Field(default=5.0, gt=0, le=120)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="JIT_", env_nested_delimiter="__", extra="ignore", frozen=True
    )

    database_url: str = DEFAULT_DATABASE_URL
    admin_token: SecretStr | None = None
    llm: LlmSettings = LlmSettings()
