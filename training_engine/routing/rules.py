"""Rule resolution: a lift-level rule overrides the lifter's, which overrides the global one,
field by field (issue 11, "Rules at three levels").

Each field of the result records where its value came from, so the route and the admin view can
say why a threshold applies. A field no level sets takes `DEFAULTS`, which reproduce `auto`'s
behaviour before rules existed: the model serves when nothing else forbids it, with no limits.
"""

from __future__ import annotations

from typing import Any

from shared_types.routing import RULE_FIELDS, EffectiveRule, RouteRule, RuleField, RuleSource

__all__ = ["DEFAULTS", "effective_rule"]

DEFAULTS: dict[RuleField, Any] = {
    "strategy": "llm",  # today's `auto`: the model whenever its provider accepts calls
    "never_on_deload": False,
    "never_in_recovery": False,
    "min_latency_ms": None,  # no latency budget
    "max_cost_per_call": None,  # no cost ceiling
    "max_calls_per_day": None,  # no call count ceiling
    # Conservative: the oracle (a later issue) only recommends until an operator says otherwise.
    "prefer_llm_for_flexibility": True,
}


def effective_rule(
    global_: RouteRule | None, lifter: RouteRule | None, lift: RouteRule | None
) -> EffectiveRule:
    """The rule for one lifter and lift: each field from the most specific level that sets it."""
    levels: tuple[tuple[RuleSource, RouteRule | None], ...] = (
        ("lift", lift),
        ("lifter", lifter),
        ("global", global_),
    )
    values: dict[str, Any] = {}
    sources: dict[RuleField, RuleSource] = {}
    for field in RULE_FIELDS:
        values[field], sources[field] = _resolve(field, levels)
    return EffectiveRule(**values, sources=sources)


def _resolve(
    field: RuleField, levels: tuple[tuple[RuleSource, RouteRule | None], ...]
) -> tuple[Any, RuleSource]:
    """The first set value of `field`, most specific level first, else the default."""
    for source, rule in levels:
        value = None if rule is None else getattr(rule, field)
        if value is not None:
            return value, source
    return DEFAULTS[field], "default"
