"""The optimisation oracle (issue 12, part C): summaries per context, each recommendation rule
(with prefer_llm_for_flexibility and the severe factor), distillation on consistent and
inconsistent contexts, validation against held-out cases, and the split's determinism."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared_types.adjustment import JITAdjustment
from shared_types.oracle import CallMetric, OracleThresholds, RegressionCase
from training_engine.routing.oracle import (
    as_adjustment,
    distil,
    is_holdout,
    recommend,
    summarise,
    validate,
)

T = OracleThresholds()
START = date(2025, 3, 1)
SQUAT = "squat|heavy|fresh|normal|-|on_target|-"
BENCH = "bench|heavy|fresh|normal|-|on_target|-"


def adj(intensity: float = 1.0, sets: int = 0, *, skip: bool = False) -> JITAdjustment:
    return JITAdjustment(
        intensity_modifier=intensity,
        set_modifier=sets,
        skip_main_lift=skip,
        aux_overrides=(),
        rationale=("test",),
        confidence="medium",
        rest_adjustments=None,
    )


def call(
    i: int = 0,
    *,
    context: str = SQUAT,
    days: int = 10,
    latency: float = 1000.0,
    tokens: tuple[int | None, int | None] = (800, 100),
    cost: float | None = 0.001,
    fell_back: bool = False,
    adjustment: JITAdjustment | None = None,
    divergence: float | None = 0.01,
    outcome: float | None = None,
    formula: float | None = None,
) -> CallMetric:
    """The i-th call of a context: its own session, on day i mod `days`."""
    return CallMetric(
        context=context,
        lifter_id=f"lifter-{i % 7}",
        session_id=f"{context}#{i}",
        latency_ms=latency,
        input_tokens=tokens[0],
        output_tokens=tokens[1],
        cost_usd=cost,
        fell_back=fell_back,
        adjustment=adj() if adjustment is None and not fell_back else adjustment,
        divergence=None if fell_back else divergence,
        outcome_reward=outcome,
        formula_reward=formula,
        day=START + timedelta(days=i % days),
    )


def varied(i: int) -> JITAdjustment:
    """Adjustments that spread over 0.80..0.98 and -1..+1 sets: no rule fits them."""
    return adj(0.80 + 0.02 * (i % 10), (i % 3) - 1)


# --- summaries ------------------------------------------------------------------------------


def test_summary_of_a_context() -> None:
    metrics = [
        call(i, latency=float(i + 1), fell_back=i < 10, outcome=-0.5, formula=-0.7)
        for i in range(100)
    ] + [call(0, context=BENCH)]
    summaries = summarise(metrics)
    assert list(summaries) == [BENCH, SQUAT]
    s = summaries[SQUAT]
    assert (s.n, s.days, s.calls_per_day) == (100, 10, 10.0)
    assert (s.p50_latency_ms, s.p95_latency_ms) == (50.0, 95.0)
    assert s.tokens_per_call == 900.0
    assert s.tokens_per_day == pytest.approx(9000.0)
    assert s.cost_per_day == pytest.approx(0.01)
    assert s.fallback_rate == pytest.approx(0.1)
    assert s.mean_divergence == pytest.approx(0.01)
    assert s.divergence_n == 90
    assert (s.mean_model_reward, s.mean_formula_reward, s.reward_pairs) == (-0.5, -0.7, 90)
    assert (s.adjustments, s.skipped_main_lift) == (90, 0)
    assert (s.fitted_intensity, s.fitted_set_delta, s.consistent_share) == (1.0, 0, 1.0)


def test_unknown_tokens_and_costs_stay_unknown() -> None:
    s = summarise([call(i, tokens=(None, None), cost=None, divergence=None) for i in range(5)])[
        SQUAT
    ]
    assert (s.tokens_per_call, s.tokens_per_day, s.cost_per_day) == (None, None, None)
    assert (s.mean_divergence, s.mean_model_reward, s.reward_pairs) == (None, None, 0)


def test_the_fit_takes_the_median_intensity_and_the_most_common_set_modifier() -> None:
    intensities = [0.90, 0.91, 0.92, 0.93, 0.99]
    sets = [-1, -1, -1, 0, 1]
    metrics = [
        call(i, adjustment=adj(x, k))
        for i, (x, k) in enumerate(zip(intensities, sets, strict=True))
    ]
    s = summarise(metrics)[SQUAT]
    assert (s.fitted_intensity, s.fitted_set_delta) == (0.92, -1)
    # 0.90..0.93 with -1 set are within 0.02 of 0.92 only for 0.90, 0.91 and 0.92 (0.93 has 0).
    assert s.consistent_share == pytest.approx(3 / 5)


# --- recommendations ------------------------------------------------------------------------


def one(metrics: list[CallMetric], thresholds: OracleThresholds = T) -> list[str]:
    return [r.kind for r in recommend(summarise(metrics, thresholds), thresholds)]


def test_an_agreeing_model_is_routed_to_the_formula_but_only_recommended() -> None:
    [rec] = recommend(summarise([call(i, divergence=0.012) for i in range(40)]), T)
    assert rec.kind == "route_to_formula"
    assert "diverged 1.2% (< 2%) on 40 sessions" in rec.message
    assert "saves 3,600 tokens ($0.0040) and 4.0 model calls a day" in rec.message
    assert rec.evidence["n"] == 40
    assert rec.evidence["tokens_per_day"] == pytest.approx(3600.0)
    assert (rec.severe, rec.action_allowed) == (False, False)


def test_without_the_preference_the_oracle_may_act() -> None:
    t = OracleThresholds(prefer_llm_for_flexibility=False)
    [rec] = recommend(summarise([call(i, divergence=0.012) for i in range(40)]), t)
    assert (rec.kind, rec.severe, rec.action_allowed) == ("route_to_formula", False, True)


def test_a_severe_case_acts_even_when_the_model_is_preferred() -> None:
    # 90 calls = 3 x min_calls and divergence 0.005 <= 0.02 / 3.
    [rec] = recommend(summarise([call(i, divergence=0.005) for i in range(90)]), T)
    assert (rec.severe, rec.action_allowed) == (True, True)
    # One threshold short of severe (89 calls) is not severe.
    [rec] = recommend(summarise([call(i, divergence=0.005) for i in range(89)]), T)
    assert (rec.severe, rec.action_allowed) == (False, False)
    [rec] = recommend(summarise([call(i, divergence=0.008) for i in range(90)]), T)
    assert (rec.severe, rec.action_allowed) == (False, False)


def test_an_agreeing_model_with_better_outcomes_is_kept() -> None:
    metrics = [
        call(i, divergence=0.01, adjustment=varied(i), outcome=-0.2, formula=-0.5)
        for i in range(40)
    ]
    [rec] = recommend(summarise(metrics), T)
    assert rec.kind == "keep_model"
    assert "outcomes are better" in rec.message
    assert rec.action_allowed is False


def test_a_model_with_worse_outcomes_is_routed_to_the_formula() -> None:
    metrics = [
        call(i, divergence=0.10, adjustment=varied(i), outcome=-0.9, formula=-0.5)
        for i in range(40)
    ]
    [rec] = recommend(summarise(metrics), T)
    assert rec.kind == "route_to_formula"
    assert "outcomes are worse by 0.40 on 40 sessions" in rec.message
    assert rec.severe is False  # 40 < 90 calls


def test_too_few_reward_pairs_say_nothing_about_outcomes() -> None:
    metrics = [
        call(
            i, divergence=0.10, adjustment=varied(i), outcome=-0.9 if i < 29 else None, formula=-0.5
        )
        for i in range(40)
    ]
    assert one(metrics) == ["keep_model"]


def test_consistent_divergent_adjustments_are_recommended_for_distillation() -> None:
    metrics = [call(i, divergence=0.08, adjustment=adj(0.92, -1)) for i in range(40)]
    [rec] = recommend(summarise(metrics), T)
    assert rec.kind == "distil"
    assert "100% of 40 model adjustments are x0.920 and -1 sets" in rec.message
    assert (rec.severe, rec.action_allowed) == (False, False)
    severe = [call(i, divergence=0.08, adjustment=adj(0.92, -1)) for i in range(90)]
    [rec] = recommend(summarise(severe), T)
    assert (rec.kind, rec.severe, rec.action_allowed) == ("distil", True, True)


def test_varied_or_skipping_adjustments_keep_the_model() -> None:
    assert one([call(i, divergence=0.08, adjustment=varied(i)) for i in range(40)]) == [
        "keep_model"
    ]
    skipping = [call(i, divergence=0.08, adjustment=adj(0.92, -1, skip=i == 0)) for i in range(40)]
    assert one(skipping) == ["keep_model"]


def test_frequent_fallbacks_are_flagged_for_a_person() -> None:
    metrics = [call(i, fell_back=i % 5 == 0) for i in range(40)]
    recs = recommend(summarise(metrics), OracleThresholds(prefer_llm_for_flexibility=False))
    assert [r.kind for r in recs] == ["route_to_formula", "investigate_fallbacks"]
    flag = recs[1]
    assert "20% of 40 model calls fell back (> 10%)" in flag.message
    assert flag.action_allowed is False
    assert one([call(i, fell_back=i % 10 == 0) for i in range(40)]) == ["route_to_formula"]


def test_contexts_with_too_few_calls_get_no_recommendation() -> None:
    assert one([call(i) for i in range(29)]) == []
    assert one([call(i) for i in range(30)]) == ["route_to_formula"]


def test_recommendations_are_sorted_by_expected_saving() -> None:
    metrics = (
        [call(i, context=BENCH, cost=0.001) for i in range(40)]
        + [call(i, context=SQUAT, cost=0.003) for i in range(40)]
        + [call(i, context="dead", divergence=0.08, adjustment=varied(i)) for i in range(40)]
        + [call(i, context="ohp", divergence=0.08, adjustment=adj(0.9)) for i in range(40)]
    )
    recs = recommend(summarise(metrics), T)
    assert [(r.context, r.kind) for r in recs] == [
        (SQUAT, "route_to_formula"),
        (BENCH, "route_to_formula"),
        ("ohp", "distil"),
        ("dead", "keep_model"),
    ]


# --- distillation ---------------------------------------------------------------------------


def consistent(n: int = 200, context: str = SQUAT) -> list[CallMetric]:
    """Adjustments at x0.92 -1 set, with x0.93 and x0.91 (within 0.02) on some sessions."""
    return [
        call(i, context=context, adjustment=adj(0.92 + 0.01 * ((i % 3) - 1), -1)) for i in range(n)
    ]


def test_a_consistent_context_is_distilled_into_a_rule_that_passes_its_cases() -> None:
    result = distil(consistent(), T, version="squat-heavy-v1", context=SQUAT)
    rule = result.rule
    assert rule is not None, result.reason
    assert (rule.intensity_multiplier, rule.set_delta, rule.skip_main_lift) == (0.92, -1, False)
    assert rule.fitted_on + len(rule.cases) == 200
    assert 0.15 * 200 < len(rule.cases) < 0.35 * 200
    assert rule.fitted_on == len(rule.fitted_sessions)
    assert len(rule.provenance) == 64
    validation = validate(rule, rule.cases)
    assert validation.passed
    assert (validation.passed_count, validation.failed) == (len(rule.cases), ())
    adjustment = as_adjustment(rule)
    assert (adjustment.intensity_modifier, adjustment.set_modifier) == (0.92, -1)
    assert adjustment.skip_main_lift is False
    assert adjustment.confidence == "high"
    assert adjustment.rationale == (
        "distilled rule squat-heavy-v1 (" + SQUAT + "): x0.920, -1 sets",
    )


def test_fallbacks_and_other_contexts_are_not_fitted() -> None:
    metrics = consistent() + [call(i, fell_back=True) for i in range(1000, 1100)]
    metrics += [call(i, context=BENCH, adjustment=adj(1.1, 2)) for i in range(300)]
    rule = distil(metrics, T, version="v1", context=SQUAT).rule
    assert rule is not None
    assert rule.fitted_on + len(rule.cases) == 200


def test_an_inconsistent_context_is_not_distilled() -> None:
    metrics = [call(i, adjustment=varied(i)) for i in range(200)]
    result = distil(metrics, T, version="v1", context=SQUAT)
    assert result.rule is None
    assert result.reason.startswith("inconsistent:")


def test_too_few_adjustments_or_a_skipped_main_lift_are_not_distilled() -> None:
    few = distil(consistent(29), T, version="v1", context=SQUAT)
    assert few.rule is None
    assert "29 served adjustments, fewer than 30" in few.reason
    skipping = [*consistent()[1:], call(0, adjustment=adj(0.92, -1, skip=True))]
    result = distil(skipping, T, version="v1", context=SQUAT)
    assert result.rule is None
    assert "skipped the main lift" in result.reason


def test_a_case_the_rule_does_not_reproduce_fails_validation_with_why() -> None:
    rule = distil(consistent(), T, version="v1", context=SQUAT).rule
    assert rule is not None
    off = RegressionCase(
        session_id="odd",
        intensity_modifier=0.85,
        set_modifier=0,
        intensity_tolerance=0.02,
        set_tolerance=0,
    )
    validation = validate(rule, (*rule.cases, off))
    assert not validation.passed
    assert validation.passed_count == len(rule.cases)
    [failed] = validation.failed
    assert failed.session_id == "odd"
    assert "intensity x0.920 vs the model's x0.850" in failed.why
    assert "sets -1 vs the model's +0" in failed.why
    assert validate(rule, (*rule.cases, off), min_share=0.9).passed
    assert not validate(rule, ()).passed


def test_the_split_and_the_rule_are_deterministic() -> None:
    metrics = consistent()
    first = distil(metrics, T, version="v1", context=SQUAT)
    again = distil(list(reversed(metrics)), T, version="v1", context=SQUAT)
    assert first == again
    assert [is_holdout(m.session_id, T) for m in metrics] == [
        is_holdout(m.session_id, T) for m in metrics
    ]


@given(
    st.lists(
        st.tuples(
            st.text(min_size=1, max_size=12),
            st.sampled_from([0.90, 0.91, 0.92]),
            st.sampled_from([-1, -1, -1, 0]),
        ),
        min_size=30,
        max_size=120,
    )
)
def test_a_rules_cases_never_include_a_session_it_was_fitted_on(
    rows: list[tuple[str, float, int]],
) -> None:
    metrics = [
        CallMetric(
            context=SQUAT,
            lifter_id="l",
            session_id=sid,
            latency_ms=1.0,
            adjustment=adj(x, k),
            day=START,
        )
        for sid, x, k in rows
    ]
    t = OracleThresholds(min_share_consistent=0.0)
    result = distil(metrics, t, version="v1", context=SQUAT)
    if result.rule is None:
        assert "split left" in result.reason
        return
    fitted = set(result.rule.fitted_sessions)
    assert not fitted & {c.session_id for c in result.rule.cases}
    assert all(not is_holdout(s, t) for s in fitted)
    assert all(is_holdout(c.session_id, t) for c in result.rule.cases)
    assert result.rule.fitted_on + len(result.rule.cases) == len(rows)
