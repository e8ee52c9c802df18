"""Which strategies this server can run now, and why (`GET /v1/me/settings`).

Usability comes from the server's configuration: without a model provider
(`JIT_LLM__PROVIDER=none`, the default) `llm` and `hybrid` are registered but every request for
them is served by the formula, labelled `formula_fallback`; `auto` serves the formula.
"""

from __future__ import annotations

from api.schemas import StrategyAvailability
from api.state import AppState

__all__ = ["strategy_availability", "usable_strategies"]

_NEEDS_A_MODEL = frozenset({"llm", "hybrid"})


def strategy_availability(state: AppState) -> list[StrategyAvailability]:
    provider = state.settings.llm.provider
    configured = provider != "none"
    out = []
    for name in state.registry.names:
        if name in _NEEDS_A_MODEL:
            usable = configured
            reason = (
                f"asks the configured model provider ({provider}); a failure is served by the "
                "formula, labelled formula_fallback"
                if configured
                else "no model provider is configured: served by the formula, labelled "
                "formula_fallback"
            )
        elif name == "auto":
            usable = True
            reason = (
                "the routing policy: rules, manual triggers, the confidence gate, budgets and "
                "rollouts decide per generation (the route says why); the model only while the "
                "provider is healthy"
                if configured
                else "serves the formula: no model provider is configured"
            )
        else:
            usable, reason = True, "needs no model"
        out.append(StrategyAvailability(name=name, usable=usable, reason=reason))
    return out


def usable_strategies(availability: list[StrategyAvailability]) -> list[str]:
    return [s.name for s in availability if s.usable]
