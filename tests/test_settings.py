"""Settings come from the environment with the documented names."""

from __future__ import annotations

import pytest

from api.settings import DEFAULT_DATABASE_URL, Settings


def test_defaults_need_no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("JIT_DATABASE_URL", "JIT_ADMIN_TOKEN", "JIT_LLM__PROVIDER"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.llm.provider == "none"
    assert settings.llm.deadline_s == 5.0


def test_nested_llm_settings_are_read_and_secrets_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIT_LLM__PROVIDER", "anthropic")
    monkeypatch.setenv("JIT_LLM__MODEL", "claude-haiku")
    monkeypatch.setenv("JIT_LLM__API_KEY", "sk-secret")
    monkeypatch.setenv("JIT_LLM__DEADLINE_S", "2.5")
    settings = Settings()
    assert settings.llm.provider == "anthropic"
    assert settings.llm.deadline_s == 2.5
    assert settings.llm.api_key is not None
    assert settings.llm.api_key.get_secret_value() == "sk-secret"
    assert "sk-secret" not in repr(settings)
