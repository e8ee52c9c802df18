"""Rule resolution at three levels (issue 11): the most specific level that sets a field wins."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from shared_types.routing import RULE_FIELDS, RouteRule, RuleSource
from training_engine.routing.rules import DEFAULTS, effective_rule

rules = st.builds(
    RouteRule,
    strategy=st.none() | st.sampled_from(["formula", "llm", "hybrid", "shadow"]),
    never_on_deload=st.none() | st.booleans(),
    never_in_recovery=st.none() | st.booleans(),
    min_latency_ms=st.none() | st.floats(0, 60_000),
    max_cost_per_call=st.none() | st.floats(0, 1),
    max_calls_per_day=st.none() | st.integers(0, 1000),
    prefer_llm_for_flexibility=st.none() | st.booleans(),
)
maybe_rules = st.none() | rules


def test_no_rule_anywhere_gives_the_defaults_from_default() -> None:
    rule = effective_rule(None, None, None)
    assert rule.strategy == "llm"
    assert not rule.never_on_deload
    assert rule.max_calls_per_day is None
    assert set(rule.sources.values()) == {"default"}


def test_a_lift_rule_overrides_only_the_fields_it_sets() -> None:
    global_ = RouteRule(strategy="hybrid", max_calls_per_day=50, never_on_deload=True)
    lifter = RouteRule(max_calls_per_day=10)
    lift = RouteRule(strategy="formula")
    rule = effective_rule(global_, lifter, lift)
    assert (rule.strategy, rule.sources["strategy"]) == ("formula", "lift")
    assert (rule.max_calls_per_day, rule.sources["max_calls_per_day"]) == (10, "lifter")
    assert (rule.never_on_deload, rule.sources["never_on_deload"]) == (True, "global")
    assert (rule.min_latency_ms, rule.sources["min_latency_ms"]) == (None, "default")


def test_a_false_value_is_set_and_overrides() -> None:
    rule = effective_rule(RouteRule(never_on_deload=True), RouteRule(never_on_deload=False), None)
    assert (rule.never_on_deload, rule.sources["never_on_deload"]) == (False, "lifter")


@given(maybe_rules, maybe_rules, maybe_rules)
def test_the_most_specific_rule_that_sets_a_field_wins(
    global_: RouteRule | None, lifter: RouteRule | None, lift: RouteRule | None
) -> None:
    rule = effective_rule(global_, lifter, lift)
    levels: tuple[tuple[RuleSource, RouteRule | None], ...] = (
        ("lift", lift),
        ("lifter", lifter),
        ("global", global_),
    )
    for field in RULE_FIELDS:
        setting = [(s, getattr(r, field)) for s, r in levels if r is not None]
        setting = [(s, v) for s, v in setting if v is not None]
        expected = setting[0] if setting else ("default", DEFAULTS[field])
        assert (rule.sources[field], getattr(rule, field)) == expected
