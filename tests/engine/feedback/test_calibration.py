"""Calibration learning: the reference's rules (DR §3.20.8) and deviations F1-F6."""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared_types.enums import CalibrationSource
from shared_types.feedback import (
    CalibrationEvidence,
    CalibrationRecommendation,
    CalibrationRow,
    Confidence,
    SessionOutcome,
)
from shared_types.trace import ModifierTrace
from tests.factories import make_input, make_outcome
from training_engine.feedback.calibration import (
    AUTO_APPLY_MAX,
    MAX_ADJUSTMENT,
    RE_RAISE_AFTER,
    TRUST_REGION,
    LearningStep,
    ModifierEffect,
    accept,
    applied_calibrations,
    baseline_error,
    confidence_for,
    is_neutral,
    learn,
    modifier_effects,
    responsibility,
    uncalibrated_error,
)
from training_engine.pipeline.steps.calibration import calibrated
from training_engine.session import formula_run

SORENESS = CalibrationSource.SORENESS
READINESS = CalibrationSource.READINESS
CYCLE = CalibrationSource.CYCLE_PHASE
RPE_HISTORY = CalibrationSource.RPE_HISTORY
Rows = dict[CalibrationSource, CalibrationRow]


def outcome(error: float | None, *, learnable: bool = True) -> SessionOutcome:
    return make_outcome(error, learnable=learnable)


def session(
    rows: Rows, true_error: float, defaults: dict[CalibrationSource, float]
) -> LearningStep:
    """One simulated session: the engine applies the rows, the lifter reports the RPE that the
    applied multipliers give (the reference's linear model), and the engine learns from it."""
    applied = applied_calibrations(rows.values())
    effects = tuple(
        ModifierEffect(s, d, calibrated(d, applied.get(s))) for s, d in defaults.items()
    )
    observed = true_error + sum(e.applied_multiplier - e.default_multiplier for e in effects) / 0.05
    return learn(rows, outcome(observed), effects)


def simulate(
    errors: Sequence[float], defaults: dict[CalibrationSource, float], rows: Rows | None = None
) -> tuple[Rows, list[LearningStep]]:
    current: Rows = dict(rows or {})
    steps = []
    for error in errors:
        step = session(current, error, defaults)
        steps.append(step)
        current = dict(step.rows)
    return current, steps


def row(
    source: CalibrationSource = SORENESS,
    *,
    samples: int = 12,
    mean: float = 0.0,
    half: float = 0.2,
    weight: float = 10.0,
    applied: float | None = None,
    typical: float = 0.95,
) -> CalibrationRow:
    return CalibrationRow(
        source=source,
        evidence=CalibrationEvidence(
            samples=samples,
            effective_weight=weight,
            mean_bias=mean,
            interval_low=mean - half,
            interval_high=mean + half,
        ),
        confidence=confidence_for(samples),
        suggested_adjustment=max(-0.15, min(0.15, -mean * 0.05)),
        applied_adjustment=applied,
        typical_multiplier=typical,
    )


# --- the reference's rules -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("samples", "level"),
    [(0, "exploring"), (4, "exploring"), (5, "low"), (9, "low"), (10, "medium"), (19, "medium"),
     (20, "high"), (60, "high")],
)  # fmt: skip
def test_confidence_by_sample_count(samples: int, level: str) -> None:
    assert confidence_for(samples) == Confidence(level)


def test_the_suggestion_is_minus_five_percent_per_rpe_point_clamped() -> None:
    one = learn({}, outcome(1.0), [ModifierEffect(SORENESS, 0.95, 0.95)]).rows[SORENESS]
    assert one.suggested_adjustment == pytest.approx(-0.05)
    assert (one.evidence.samples, one.confidence) == (1, Confidence.EXPLORING)
    big = learn({}, outcome(-4.0), [ModifierEffect(SORENESS, 0.95, 0.95)]).rows[SORENESS]
    assert big.suggested_adjustment == MAX_ADJUSTMENT


def test_a_non_learnable_outcome_changes_nothing() -> None:
    rows = {SORENESS: row()}
    for result in (
        learn(rows, outcome(2.0, learnable=False), [ModifierEffect(SORENESS, 0.95, 0.95)]),
        learn(rows, outcome(None), [ModifierEffect(SORENESS, 0.95, 0.95)]),
        learn(rows, outcome(2.0), []),
        learn(rows, outcome(2.0), [ModifierEffect(RPE_HISTORY, 0.99, 0.99)]),
    ):
        assert result.rows == rows
        assert (result.changed, dict(result.recommendations)) == ((), {})
        assert len(result.notes) == 1


def test_only_applied_rows_reach_the_input() -> None:
    rows = [row(SORENESS, applied=-0.03), row(READINESS), row(CYCLE, applied=0.0)]
    assert applied_calibrations(rows) == {SORENESS: -0.03}


def test_accepting_applies_the_recommendation_within_the_clamp() -> None:
    base = row(mean=4.0, samples=6)
    rec = CalibrationRecommendation(
        source=SORENESS,
        current_adjustment=None,
        recommended_adjustment=-0.4,
        reasons=("large_adjustment",),
        evidence=base.evidence,
    )
    assert accept(base, rec).applied_adjustment == -MAX_ADJUSTMENT
    with pytest.raises(ValueError, match="readiness"):
        accept(row(READINESS), rec)


def test_modifier_effects_read_the_trace_defaults_and_apply_the_engines_calibration() -> None:
    inp = make_input(soreness_ratings={"quads": 8}, hrv_pct_change=-25.0)
    trace = formula_run(inp).trace
    derivation = trace.main_lift.weight_derivation
    assert derivation is not None
    extra = ModifierTrace(source="disruption", multiplier=0.9, reason="travel")
    trace = trace.model_copy(
        update={
            "main_lift": trace.main_lift.model_copy(
                update={
                    "weight_derivation": derivation.model_copy(
                        update={"modifiers": (*derivation.modifiers, extra)}
                    )
                }
            )
        }
    )
    applied = {SORENESS: -0.03, READINESS: 0.02, CalibrationSource.DISRUPTION: -0.05}
    effects = {e.source: e for e in modifier_effects(trace, applied)}
    assert effects[CalibrationSource.DISRUPTION].applied_multiplier == pytest.approx(0.85)
    assert [m.source for m in derivation.modifiers] == ["wearable-readiness", "soreness"]
    assert effects[SORENESS].default_multiplier == 0.95
    assert effects[SORENESS].applied_multiplier == pytest.approx(0.92)
    readiness_default = effects[READINESS].default_multiplier  # wearable counts as readiness
    assert effects[READINESS].applied_multiplier == calibrated(readiness_default, 0.02)


# --- deviations F1-F6 --------------------------------------------------------------------------


def test_f1_the_error_is_shared_by_how_far_each_modifier_moved_the_load() -> None:
    effects = [
        ModifierEffect(SORENESS, 0.95, 0.95),
        ModifierEffect(READINESS, 0.9025, 0.9025),  # ln 0.9025 = 2 ln 0.95
        ModifierEffect(RPE_HISTORY, 0.95, 0.95),
    ]
    shares = responsibility(effects)
    assert shares[READINESS] == pytest.approx(0.5)
    assert shares[SORENESS] == pytest.approx(0.25) == shares[RPE_HISTORY]
    step = learn({}, outcome(1.0), effects)
    assert step.rows[SORENESS].evidence.effective_weight == pytest.approx(0.25)
    assert step.rows[READINESS].evidence.effective_weight == pytest.approx(0.5)
    assert step.rows[RPE_HISTORY].evidence.effective_weight == pytest.approx(0.25)  # F8
    assert set(step.changed) == {SORENESS, READINESS, RPE_HISTORY}


def test_f2_a_modifier_that_barely_moved_the_load_learns_nothing() -> None:
    step = learn(
        {}, outcome(1.0), [ModifierEffect(SORENESS, 0.95, 0.95), ModifierEffect(CYCLE, 0.99, 0.99)]
    )
    assert step.changed == (SORENESS,)
    assert CYCLE not in step.rows


def test_f3_old_sessions_fade() -> None:
    rows, _ = simulate([1.0] * 20 + [-1.0] * 20, {SORENESS: 0.95})
    evidence = rows[SORENESS].evidence
    assert evidence.samples == 40
    assert evidence.mean_bias < -0.4  # a plain running mean would be 0
    assert evidence.effective_weight < 20


def test_f4_learning_does_not_undo_itself() -> None:
    # Already applied -0.05 for a true +1 RPE bias: the lifter now reports on target.
    start = {SORENESS: row(samples=15, mean=1.0, half=0.0, applied=-0.05)}
    effect = [ModifierEffect(SORENESS, 0.95, calibrated(0.95, -0.05))]
    assert uncalibrated_error(0.0, effect) == pytest.approx(1.0)
    step = learn(start, outcome(0.0), effect)
    learnt = step.rows[SORENESS]
    assert learnt.evidence.mean_bias == pytest.approx(1.0)
    assert learnt.applied_adjustment == -0.05  # the reference would learn 0 and drift back


def test_f7_the_lifters_usual_error_is_not_the_modifiers() -> None:
    # Every session runs 1.5 RPE easy (the table's bias for this lifter); on poor-sleep days the
    # lifter is also 1.0 RPE harder than the default cut expects: the modifier's part is +1.0.
    effect = [ModifierEffect(READINESS, 0.95, 0.95)]
    with_baseline = learn({}, outcome(-0.5), effect, baseline=baseline_error([-1.5, -1.5]))
    without = learn({}, outcome(-0.5), effect)
    assert with_baseline.rows[READINESS].evidence.mean_bias == pytest.approx(1.0)
    assert with_baseline.rows[READINESS].suggested_adjustment == pytest.approx(-0.05)
    # Without the baseline the bias reads -0.5: the cut would be softened, the wrong way.
    assert without.rows[READINESS].suggested_adjustment > 0


def test_f7_the_baseline_is_the_mean_of_the_newest_neutral_sessions() -> None:
    assert baseline_error([]) == 0.0
    assert baseline_error([-1.0, -2.0]) == -1.5
    assert baseline_error([-1.0, -2.0, -3.0, 9.0]) == -2.0  # the newest three


def test_f7_a_neutral_day_is_one_no_modifier_but_the_rpe_history_moved() -> None:
    assert is_neutral([])
    assert is_neutral([ModifierEffect(RPE_HISTORY, 0.95, 0.95)])
    assert is_neutral([ModifierEffect(READINESS, 0.99, 0.99)])  # under MIN_EFFECT
    assert not is_neutral([ModifierEffect(READINESS, 0.975, 0.975)])
    assert not is_neutral([ModifierEffect(CalibrationSource.DISRUPTION, 0.9, 0.9)])


def test_f5_an_automatic_change_moves_at_most_the_trust_region() -> None:
    rows, steps = simulate([3.0] * 14, {SORENESS: 0.95})
    applied = [s.rows[SORENESS].applied_adjustment for s in steps]
    assert applied[8] is None  # nine samples: low confidence
    assert applied[9:] == pytest.approx([-0.02, -0.04, -AUTO_APPLY_MAX, -AUTO_APPLY_MAX, -0.05])
    assert rows[SORENESS].suggested_adjustment == -MAX_ADJUSTMENT
    rec = steps[-1].recommendations[SORENESS]
    assert rec.reasons == ("large_adjustment",)
    assert rec.recommended_adjustment == -MAX_ADJUSTMENT


def test_f6_nothing_is_applied_when_the_interval_includes_the_current_correction() -> None:
    start = {SORENESS: row(mean=0.5, half=0.8)}
    step = learn(start, outcome(0.5), [ModifierEffect(SORENESS, 0.95, 0.95)])
    assert step.rows[SORENESS].applied_adjustment is None
    assert "interval" in step.notes[0]


def test_f6_the_automatic_target_is_the_least_correction_the_interval_supports() -> None:
    start = {SORENESS: row(samples=15, mean=1.0, half=0.4, weight=20.0, applied=-0.02)}
    effect = [ModifierEffect(SORENESS, 0.95, calibrated(0.95, -0.02))]
    learnt = learn(start, outcome(1.0 - 0.4), effect).rows[SORENESS]
    assert learnt.suggested_adjustment == pytest.approx(-0.05)
    applied = learnt.applied_adjustment
    assert applied == pytest.approx(-0.05 * learnt.evidence.interval_low)
    assert applied is not None
    assert -0.035 < applied < -0.025  # the interval's low end, not the mean (-0.05)


def test_f6_a_correction_the_evidence_cannot_tell_from_zero_is_withdrawn() -> None:
    start = {SORENESS: row(mean=0.1, half=0.4, applied=-0.015)}
    effect = [ModifierEffect(SORENESS, 0.95, calibrated(0.95, -0.015))]
    step = learn(start, outcome(0.1 - 0.3), effect)
    assert step.rows[SORENESS].applied_adjustment is None


def test_f6_a_direction_change_is_never_automatic() -> None:
    # Applied -0.04, but the evidence now says the lifter finds it too easy: suggested > 0.
    start = {SORENESS: row(samples=20, mean=-1.0, half=0.1, weight=20.0, applied=-0.04)}
    effect = [ModifierEffect(SORENESS, 0.95, calibrated(0.95, -0.04))]
    step = learn(start, outcome(-1.0 - 0.8), effect)  # -1.0 as if uncalibrated
    learnt = step.rows[SORENESS]
    assert learnt.suggested_adjustment == pytest.approx(0.05)
    assert learnt.applied_adjustment == pytest.approx(-0.02)  # toward zero, not past it
    assert step.recommendations[SORENESS].reasons == ("direction_flip",)
    again = learn(step.rows, outcome(-1.0 - 0.4), [ModifierEffect(SORENESS, 0.95, 0.93)])
    assert again.rows[SORENESS].applied_adjustment is None  # withdrawn, still not flipped


def test_f6_the_typical_multiplier_is_never_carried_across_one() -> None:
    # Female high soreness (0.97): a +0.05 suggestion would turn the reduction into a boost.
    rows, steps = simulate([-1.0] * 15, {SORENESS: 0.97})
    assert rows[SORENESS].typical_multiplier == pytest.approx(0.97)
    assert rows[SORENESS].applied_adjustment == pytest.approx(0.03)
    assert steps[-1].recommendations[SORENESS].reasons == ("direction_flip",)


def test_f6_a_change_within_the_deadband_is_left_alone() -> None:
    start = {SORENESS: row(mean=1.06, half=0.0, applied=-0.05)}
    step = learn(start, outcome(0.06), [ModifierEffect(SORENESS, 0.95, calibrated(0.95, -0.05))])
    assert step.rows[SORENESS].applied_adjustment == -0.05
    assert "deadband" in step.notes[0]


def test_low_confidence_recommends_and_exploring_does_not() -> None:
    _, steps = simulate([2.0] * 9, {SORENESS: 0.95})
    assert all(SORENESS not in s.recommendations for s in steps[:4])
    for step in steps[4:]:
        assert step.recommendations[SORENESS].reasons == ("low_confidence", "large_adjustment")
        assert step.rows[SORENESS].applied_adjustment is None


def test_a_dismissed_recommendation_waits_for_new_evidence() -> None:
    rows, _ = simulate([2.0] * 5, {SORENESS: 0.95})
    dismissed = {SORENESS: 5}
    effect = [ModifierEffect(SORENESS, 0.95, 0.95)]
    for _ in range(RE_RAISE_AFTER - 1):
        step = learn(rows, outcome(2.0), effect, dismissed=dismissed)
        assert SORENESS not in step.recommendations
        rows = dict(step.rows)
    assert SORENESS in learn(rows, outcome(2.0), effect, dismissed=dismissed).recommendations


# --- properties ---------------------------------------------------------------------------------

defaults = st.dictionaries(
    st.sampled_from(list(CalibrationSource)),
    st.sampled_from([0.9, 0.95, 0.97, 0.975, 1.0, 1.025, 1.05, 0.85]),
    min_size=1,
    max_size=4,
)


@given(errors=st.lists(st.floats(-3, 3), min_size=1, max_size=40), mods=defaults)
def test_applied_stays_clamped_moves_within_the_trust_region_and_needs_medium_confidence(
    errors: list[float], mods: dict[CalibrationSource, float]
) -> None:
    _, steps = simulate(errors, mods)
    before: Rows = {}
    for step in steps:
        for source, after in step.rows.items():
            old = before[source].applied_adjustment if source in before else None
            new = after.applied_adjustment
            assert new is None or abs(new) <= MAX_ADJUSTMENT
            assert abs((new or 0.0) - (old or 0.0)) <= TRUST_REGION + 1e-12
            if new != old:
                assert after.confidence in {Confidence.MEDIUM, Confidence.HIGH}
        before = dict(step.rows)


@given(seed=st.integers(0, 2**32 - 1))
def test_zero_mean_noise_leaves_no_calibration(seed: int) -> None:
    rng = random.Random(seed)
    rows, _ = simulate([rng.uniform(-1, 1) for _ in range(60)], {SORENESS: 0.95})
    applied = rows[SORENESS].applied_adjustment
    assert applied is None or abs(applied) <= 0.01


@given(
    soreness=st.sampled_from([0.95, 0.97]),
    others=st.dictionaries(st.sampled_from([READINESS, RPE_HISTORY]), st.sampled_from([0.9, 0.95])),
)
def test_a_constant_bias_reaches_minus_five_percent_and_stays(
    soreness: float, others: dict[CalibrationSource, float]
) -> None:
    _, steps = simulate([1.0] * 40, {SORENESS: soreness, **others})
    applied = [s.rows[SORENESS].applied_adjustment or 0.0 for s in steps]
    assert all(b <= a for a, b in itertools.pairwise(applied))  # monotone
    assert applied[-15:] == pytest.approx([-AUTO_APPLY_MAX] * 15)  # reached, then a fixed point


outcomes = st.builds(
    outcome,
    st.none() | st.floats(-10, 10),
    learnable=st.booleans(),
)
effects = st.lists(
    st.builds(
        ModifierEffect,
        st.sampled_from(list(CalibrationSource)),
        st.floats(0.3, 1.5),
        st.floats(0.3, 1.5),
    ),
    max_size=6,
)


@given(
    history=st.lists(st.tuples(outcomes, effects), max_size=12),
    last=st.tuples(outcomes, effects),
    dismissed=st.dictionaries(st.sampled_from(list(CalibrationSource)), st.integers(0, 30)),
)
def test_learn_is_total(
    history: list[tuple[SessionOutcome, list[ModifierEffect]]],
    last: tuple[SessionOutcome, list[ModifierEffect]],
    dismissed: dict[CalibrationSource, int],
) -> None:
    rows: Rows = {}
    for result, effs in [*history, last]:
        step = learn(rows, result, effs, dismissed=dismissed)
        assert set(step.changed) <= set(step.rows)
        assert set(step.recommendations) <= set(step.changed)
        assert step.notes
        rows = dict(step.rows)
    for learnt in rows.values():
        ev = learnt.evidence
        assert ev.interval_low <= ev.mean_bias <= ev.interval_high
        assert abs(learnt.suggested_adjustment) <= MAX_ADJUSTMENT


# --- deviation F8: RPE history and disruption are calibrated too -------------------------------

DISRUPTION = CalibrationSource.DISRUPTION


def test_f8_a_disruption_that_runs_hard_deepens_its_cut_automatically() -> None:
    _, steps = simulate([1.5] * 30, {DISRUPTION: 0.8})
    applied = [s.rows[DISRUPTION].applied_adjustment or 0.0 for s in steps]
    assert applied[-1] == pytest.approx(-AUTO_APPLY_MAX)
    assert all(a <= 0 for a in applied)


def test_f8_a_disruption_that_runs_easy_is_never_softened_without_a_person() -> None:
    rows, steps = simulate([-1.5] * 30, {DISRUPTION: 0.8})
    assert all((s.rows[DISRUPTION].applied_adjustment or 0.0) <= 0 for s in steps)
    pending = [s.recommendations[DISRUPTION] for s in steps if DISRUPTION in s.recommendations]
    assert pending
    assert "softens_disruption" in pending[-1].reasons
    assert pending[-1].recommended_adjustment > 0
    accepted = accept(rows[DISRUPTION], pending[-1])  # a person may
    assert (accepted.applied_adjustment or 0.0) > 0


@given(errors=st.lists(st.floats(-4, 4), min_size=1, max_size=40), default=st.floats(0.6, 0.97))
def test_f8_no_automatic_step_ever_softens_a_disruption(
    errors: list[float], default: float
) -> None:
    _, steps = simulate(errors, {DISRUPTION: default})
    assert all((s.rows[DISRUPTION].applied_adjustment or 0.0) <= 0 for s in steps)


def test_f8_the_rpe_history_nudge_learns_like_any_other_modifier() -> None:
    _, steps = simulate([1.0] * 30, {RPE_HISTORY: 1.05})  # the boost ran too hard
    assert steps[-1].rows[RPE_HISTORY].applied_adjustment == pytest.approx(-AUTO_APPLY_MAX)
