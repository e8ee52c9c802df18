"""Next-set coaching (DR §3.20.3-4): failure adaptation, weight autoregulation, volume recovery."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared_types.enums import Lift
from shared_types.feedback import SetAdvice
from shared_types.outputs import PlannedSet
from training_engine.feedback.coaching import SetContext, next_set_advice
from training_engine.feedback.outcomes import LoggedMainSet


def planned(*weights: float, rpe: float = 8.5) -> tuple[PlannedSet, ...]:
    """Main sets numbered from 1, five reps each."""
    return tuple(
        PlannedSet(set_number=n, weight_kg=w, reps=5, rpe_target=rpe)
        for n, w in enumerate(weights, start=1)
    )


def done(*rpes: float | None, failed_from: int | None = None) -> tuple[LoggedMainSet, ...]:
    """Logged sets 1..n at 112.5 kg; sets numbered `failed_from` and later failed."""
    return tuple(
        LoggedMainSet(
            set_number=n,
            weight_kg=112.5,
            reps=5,
            rpe=rpe,
            failed=failed_from is not None and n >= failed_from,
        )
        for n, rpe in enumerate(rpes, start=1)
    )


BASE = SetContext(
    lift=Lift.SQUAT,
    one_rm_kg=140.0,
    increment_kg=2.5,
    bar_kg=20.0,
    prescribed=planned(112.5, 112.5, 112.5, 112.5),
    logged=done(8.5),
    is_deload=False,
    recovery_mode=False,
    rehab_capped=False,
    already_adjusted=False,
    sets_removed=0,
    recovery_blocked=False,
)


def weights(sets: tuple[PlannedSet, ...]) -> list[float]:
    return [s.weight_kg for s in sets]


def test_a_set_on_target_gets_no_advice() -> None:
    assert next_set_advice(BASE) is None


def test_nothing_logged_gets_no_advice() -> None:
    assert next_set_advice(replace(BASE, logged=())) is None


def test_one_failure_adds_a_minute_of_rest_and_keeps_the_sets() -> None:
    advice = next_set_advice(replace(BASE, logged=done(9.0, 10.0, failed_from=2)))
    assert advice is not None
    assert (advice.kind, advice.rest_delta_seconds) == ("failure_rest", 60)
    assert [s.set_number for s in advice.remaining_sets] == [3, 4]
    assert weights(advice.remaining_sets) == [112.5, 112.5]


def test_two_failures_in_a_row_take_five_percent_off_the_remaining_sets() -> None:
    advice = next_set_advice(replace(BASE, logged=done(10.0, 10.0, failed_from=1)))
    assert advice is not None
    assert advice.kind == "failure_reduce"
    assert not advice.optional
    assert weights(advice.remaining_sets) == [107.5, 107.5]  # 106.875 -> 107.5 half-up
    assert [s.set_number for s in advice.remaining_sets] == [3, 4]


def test_failures_broken_by_a_success_do_not_add_up() -> None:
    fail, success, fail_again = done(10.0, 9.0, 10.0)
    logged = (replace(fail, failed=True), success, replace(fail_again, failed=True))
    advice = next_set_advice(replace(BASE, logged=logged))
    assert advice is not None
    assert advice.kind == "failure_rest"


def test_three_failures_take_ten_percent_and_make_the_rest_optional() -> None:
    ctx = replace(BASE, prescribed=planned(112.5, 112.5, 112.5, 112.5, 112.5))
    advice = next_set_advice(replace(ctx, logged=done(10.0, 10.0, 10.0, failed_from=1)))
    assert advice is not None
    assert (advice.kind, advice.optional) == ("failure_optional", True)
    assert weights(advice.remaining_sets) == [102.5, 102.5]  # 101.25 -> 102.5 half-up


def test_reductions_stop_at_forty_percent_of_the_max() -> None:
    ctx = replace(BASE, prescribed=planned(57.5, 57.5, 57.5, 57.5))  # floor: 56 -> 57.5
    advice = next_set_advice(replace(ctx, logged=done(10.0, 10.0, failed_from=1)))
    assert advice is not None
    assert weights(advice.remaining_sets) == [57.5, 57.5]


def test_reductions_stop_at_the_bar() -> None:
    ctx = replace(BASE, one_rm_kg=40.0, prescribed=planned(20.0, 20.0, 20.0))
    advice = next_set_advice(replace(ctx, logged=done(10.0, 10.0, failed_from=1)))
    assert advice is not None
    assert weights(advice.remaining_sets) == [20.0]


def test_g4_a_prescription_already_below_the_floor_is_left_alone() -> None:
    ctx = replace(BASE, prescribed=planned(50.0, 50.0, 50.0))  # floor 57.5
    advice = next_set_advice(replace(ctx, logged=done(10.0, 10.0, failed_from=1)))
    assert advice is not None
    assert weights(advice.remaining_sets) == [50.0]


def test_g5_a_failure_on_the_last_set_gets_no_advice() -> None:
    ctx = replace(BASE, prescribed=planned(112.5, 112.5), sets_removed=1)
    assert next_set_advice(replace(ctx, logged=done(6.0, 10.0, failed_from=2))) is None


@pytest.mark.parametrize(
    ("lift", "rpe", "kind", "expected"),
    [
        (Lift.SQUAT, 7.5, "increase_small", 117.5),
        (Lift.SQUAT, 7.0, "increase_large", 122.5),
        (Lift.DEADLIFT, 7.0, "increase_large", 122.5),
        (Lift.BENCH, 7.5, "increase_small", 115.0),
        (Lift.BENCH, 6.0, "increase_large", 117.5),
    ],
)
def test_an_easy_set_makes_the_remaining_sets_heavier(
    lift: Lift, rpe: float, kind: str, expected: float
) -> None:
    advice = next_set_advice(replace(BASE, lift=lift, logged=done(rpe)))
    assert advice is not None
    assert advice.kind == kind
    assert weights(advice.remaining_sets) == [expected] * 3
    assert advice.rest_delta_seconds == 0
    assert advice.added_sets == ()


def test_a_gap_just_under_one_rpe_changes_nothing() -> None:
    assert next_set_advice(replace(BASE, logged=done(7.6))) is None


@pytest.mark.parametrize(
    "ctx",
    [
        replace(BASE, is_deload=True),
        replace(BASE, recovery_mode=True),
        replace(BASE, rehab_capped=True),
        replace(BASE, already_adjusted=True),
    ],
)
def test_autoregulation_is_suppressed(ctx: SetContext) -> None:
    assert next_set_advice(replace(ctx, logged=done(6.0))) is None


def test_increases_stop_at_the_one_rep_max() -> None:
    ctx = replace(BASE, one_rm_kg=121.0, prescribed=planned(112.5, 115.0, 120.0))
    advice = next_set_advice(replace(ctx, logged=done(6.0)))
    assert advice is not None
    assert weights(advice.remaining_sets) == [120.0, 120.0]


def test_no_advice_when_every_remaining_set_is_at_the_ceiling() -> None:
    ctx = replace(BASE, one_rm_kg=120.0, prescribed=planned(120.0, 120.0))
    assert next_set_advice(replace(ctx, logged=done(6.0))) is None


def test_increments_follow_the_lifters_plates() -> None:
    ctx = replace(BASE, lift=Lift.BENCH, increment_kg=5.0, prescribed=planned(100, 100))
    advice = next_set_advice(replace(ctx, logged=done(7.5)))
    assert advice is not None
    assert weights(advice.remaining_sets) == [105.0]


RECOVERY = replace(BASE, prescribed=planned(112.5, 112.5), sets_removed=2)


def test_an_easy_finished_session_offers_the_removed_sets_back() -> None:
    advice = next_set_advice(replace(RECOVERY, logged=done(7.0, 7.0)))
    assert advice is not None
    assert advice.kind == "volume_recovery"
    assert [(s.set_number, s.weight_kg, s.reps, s.rpe_target) for s in advice.added_sets] == [
        (3, 112.5, 5, 8.5),
        (4, 112.5, 5, 8.5),
    ]
    assert advice.remaining_sets == ()


def test_sets_logged_beyond_the_prescription_push_the_numbers_on() -> None:
    advice = next_set_advice(replace(RECOVERY, logged=done(7.0, 7.0, 7.0)))
    assert advice is not None
    assert [s.set_number for s in advice.added_sets] == [4, 5]


def test_volume_recovery_needs_a_mean_gap_of_one_and_a_half() -> None:
    assert next_set_advice(replace(RECOVERY, logged=done(7.0, 7.5))) is None  # mean 1.25


@pytest.mark.parametrize(
    "ctx",
    [
        replace(RECOVERY, rehab_capped=True),
        replace(RECOVERY, recovery_blocked=True),
        replace(RECOVERY, sets_removed=0),
    ],
)
def test_volume_recovery_is_blocked(ctx: SetContext) -> None:
    assert next_set_advice(replace(ctx, logged=done(6.0, 6.0))) is None


def test_volume_recovery_needs_a_completed_set_with_an_rpe() -> None:
    assert next_set_advice(replace(RECOVERY, logged=done(None, None))) is None


@st.composite
def contexts(draw: st.DrawFn) -> SetContext:
    """Any valid context: weights on the increment within the 1RM, a 1RM at least the bar."""
    increment = draw(st.sampled_from([1.0, 2.5, 5.0]))
    bar = draw(st.sampled_from([10.0, 15.0, 20.0]))
    one_rm = draw(st.floats(bar, 350.0))
    top = math.floor(one_rm / increment)
    low = math.ceil(one_rm * 0.4 / increment)  # the 40 % floor in increments
    near_bounds = [k * increment for k in (low - 1, low, low + 1, top - 1, top) if 0 <= k <= top]
    steps = st.one_of(
        st.integers(0, top).map(lambda k: k * increment), st.sampled_from(near_bounds)
    )
    count = draw(st.integers(1, 6))
    rpe = st.sampled_from([None, 6.0, 6.5, 7.0, 7.5, 8.0, 8.5, 9.0, 9.5, 10.0])
    prescribed = tuple(
        PlannedSet(set_number=n, weight_kg=draw(steps), reps=5, rpe_target=draw(rpe))
        for n in range(1, count + 1)
    )
    flags = st.sampled_from([False] * 7 + [True])  # mostly off, so every rule is reached
    logged_count = draw(st.integers(0, count + 1))
    failed_tail = draw(st.sampled_from([0, 0, 0, 1, 2, 3]))  # the last sets failed, no other
    logged = tuple(
        LoggedMainSet(n, 0.0, 5, draw(rpe), n > logged_count - failed_tail)
        for n in range(1, logged_count + 1)
    )
    return SetContext(
        lift=draw(st.sampled_from(Lift)),
        one_rm_kg=one_rm,
        increment_kg=increment,
        bar_kg=bar,
        prescribed=prescribed,
        logged=logged,
        is_deload=draw(flags),
        recovery_mode=draw(flags),
        rehab_capped=draw(flags),
        already_adjusted=draw(flags),
        sets_removed=draw(st.integers(0, 3)),
        recovery_blocked=draw(flags),
    )


@settings(max_examples=300)
@given(contexts())
def test_properties_over_any_context(ctx: SetContext) -> None:
    advice = next_set_advice(ctx)
    assert advice == next_set_advice(ctx)
    if advice is not None:
        assert_bounded(ctx, advice)
        logged_numbers = {s.set_number for s in ctx.logged}
        assert all(s.set_number not in logged_numbers for s in advice.remaining_sets)


@given(contexts())
def test_an_easy_first_set_never_lifts_a_set_past_the_ceiling(any_ctx: SetContext) -> None:
    first = replace_target(any_ctx.prescribed[0], 9.0)
    ctx = replace(
        any_ctx,
        prescribed=(first, *any_ctx.prescribed[1:]),
        logged=(LoggedMainSet(1, first.weight_kg, 5, 7.0, False),),
        is_deload=False,
        recovery_mode=False,
        rehab_capped=False,
        already_adjusted=False,
    )
    advice = next_set_advice(ctx)
    if advice is None:
        return
    assert advice.kind in {"increase_large", "volume_recovery"}
    assert_bounded(ctx, advice)
    before = {s.set_number: s.weight_kg for s in ctx.prescribed}
    assert all(s.weight_kg >= before[s.set_number] for s in advice.remaining_sets)


@given(contexts())
def test_failures_never_push_a_set_below_its_floor(any_ctx: SetContext) -> None:
    failed = tuple(
        LoggedMainSet(s.set_number, s.weight_kg, 3, 10.0, True) for s in any_ctx.prescribed[:-1]
    )
    ctx = replace(any_ctx, logged=failed)
    advice = next_set_advice(ctx)
    if not failed:
        assert advice is None
        return
    assert advice is not None
    assert advice.kind.startswith("failure_")
    assert_bounded(ctx, advice)
    assert advice.remaining_sets[0].weight_kg <= ctx.prescribed[-1].weight_kg


def replace_target(planned_set: PlannedSet, rpe: float) -> PlannedSet:
    """The set with another RPE target."""
    return planned_set.model_copy(update={"rpe_target": rpe})


def assert_bounded(ctx: SetContext, advice: SetAdvice) -> None:
    """Every advised weight within the 1RM, at or above the floor and on the increment (or the
    bar), except a set whose prescription was already below the floor, which stays unchanged."""
    before = {s.set_number: s.weight_kg for s in ctx.prescribed}
    floor = max(math.ceil(ctx.one_rm_kg * 0.4 / ctx.increment_kg) * ctx.increment_kg, ctx.bar_kg)
    for advised in (*advice.remaining_sets, *advice.added_sets):
        assert advised.weight_kg <= ctx.one_rm_kg
        old = before.get(advised.set_number, ctx.prescribed[-1].weight_kg)
        if old < floor:
            assert advised.weight_kg == old
            continue
        assert advised.weight_kg >= floor
        on_grid = advised.weight_kg / ctx.increment_kg
        assert on_grid == pytest.approx(nearest_whole(on_grid)) or advised.weight_kg == ctx.bar_kg


def nearest_whole(value: float) -> int:
    """The nearest whole number, for checking a weight sits on the increment grid."""
    return math.floor(value + 0.5)
