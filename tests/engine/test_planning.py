"""The shell's pure helpers: scaffolding, working 1RM, profile estimate, volume, injury soreness."""

from __future__ import annotations

import pytest

from shared_types.enums import IntensityType, Lift, MuscleGroup, Sex
from tests.factories import make_disruption
from training_engine.defaults import MALE_LANDMARKS
from training_engine.planning import (
    LoggedSet,
    UnendingSignals,
    VolumeStatus,
    block_auxiliaries,
    default_pool,
    demonstrated_one_rm_kg,
    injury_soreness,
    merge_soreness,
    profile_estimate_kg,
    rpe_set_multiplier,
    scheduled_program,
    unending_slot,
    volume_status,
    weekly_volume,
    working_one_rm_kg,
)

H, E, R, D = IntensityType.HEAVY, IntensityType.EXPLOSIVE, IntensityType.REP, IntensityType.DELOAD


def test_the_cube_rotates_intensities_across_lifts_and_deloads_every_fourth_week() -> None:
    slots = scheduled_program(total_weeks=9, days_per_week=3)
    by_week = {w: [s.intensity_type for s in slots if s.week_number == w] for w in range(1, 10)}
    assert by_week[1] == [H, R, E]
    assert by_week[2] == [E, H, R]
    assert by_week[3] == [R, E, H]
    assert by_week[4] == [D, D, D]
    assert by_week[5] == [H, R, E]  # training week 4 starts block 2
    # P10: week 8 trains (training week 7 starts block 3), so only the last week deloads.
    assert by_week[8] == [H, R, E]
    assert by_week[9] == [D, D, D]  # the last week is a deload
    blocks = {s.week_number: s.block_number for s in slots}
    assert [blocks[w] for w in range(1, 10)] == [1, 1, 1, 1, 2, 2, 2, 3, 3]


def test_lifts_cycle_squat_bench_deadlift_over_the_days() -> None:
    slots = scheduled_program(total_weeks=1, days_per_week=4)
    assert [s.primary_lift for s in slots] == [Lift.SQUAT, Lift.BENCH, Lift.DEADLIFT, Lift.SQUAT]


@pytest.mark.parametrize(
    ("signals", "expected"),
    [
        (UnendingSignals(), H),
        (UnendingSignals(last_lift=Lift.SQUAT, last_intensity=H), E),
        (UnendingSignals(last_intensity=R), H),
        (UnendingSignals(last_intensity=H, primary_soreness=7), R),
        (UnendingSignals(last_intensity=R, days_since_last=10), H),
        (UnendingSignals(last_intensity=H, mean_recent_rpe=8.5), E),
    ],
)
def test_unending_intensity_is_chosen_by_signals(
    signals: UnendingSignals, expected: IntensityType
) -> None:
    assert unending_slot(0, 3, signals).intensity_type is expected


def test_unending_weeks_blocks_and_deloads_follow_the_counter() -> None:
    assert unending_slot(9, 3, UnendingSignals()).intensity_type is D  # week 4
    slot = unending_slot(10, 3, UnendingSignals(last_lift=Lift.DEADLIFT))
    assert (slot.week_number, slot.block_number, slot.day_number) == (4, 2, 2)
    assert slot.primary_lift is Lift.SQUAT
    assert unending_slot(27, 3, UnendingSignals()).block_number == 1  # week 10: blocks cycle


def test_working_one_rm_needs_three_qualifying_sessions_and_is_bounded() -> None:
    heavy = [LoggedSet(weight_kg=130, reps=3, rpe=9)]
    assert working_one_rm_kg(140, [heavy, heavy]) == 140
    # P12: Epley on 3 reps + 1 in reserve: 130 x (1 + 4/30) = 147.3 -> 147.5
    assert working_one_rm_kg(140, [heavy] * 3) == 147.5
    easy = [LoggedSet(weight_kg=130, reps=3, rpe=6)]
    hurt = [LoggedSet(weight_kg=130, reps=3, rpe=9, pain_limited=True)]
    assert working_one_rm_kg(140, [heavy, easy, hurt]) == 140
    huge = [LoggedSet(weight_kg=200, reps=5, rpe=10)]
    assert working_one_rm_kg(140, [huge] * 3) == 155.0  # capped at 110 %, 2.5 kg steps
    weak = [LoggedSet(weight_kg=60, reps=5, rpe=10)]
    assert working_one_rm_kg(140, [weak] * 3) == 120.0  # floored at 85 %


def test_the_profile_estimate_follows_sex_bodyweight_and_age() -> None:
    assert profile_estimate_kg(Lift.SQUAT, Sex.MALE, 85, 25) == 70.0  # 85 x 1.35 x 1 x 0.6
    assert profile_estimate_kg(Lift.BENCH, None, None, None) == 30.0  # female 70 kg, floor 30
    assert profile_estimate_kg(Lift.DEADLIFT, Sex.FEMALE, 60, 65) == 50.0  # floor


def test_effective_sets_scale_with_rpe() -> None:
    assert [rpe_set_multiplier(r) for r in (None, 5.5, 6, 7, 7.5, 8, 8.5, 9, 10)] == [
        1.0,
        0.0,
        0.15,
        0.65,
        0.75,
        0.85,
        0.925,
        1.0,
        1.0,
    ]
    volume = weekly_volume(
        [
            (8.0, [(MuscleGroup.QUADS, 1.0), (MuscleGroup.GLUTES, 0.55)]),
            (5.0, [(MuscleGroup.CHEST, 1.0)]),
        ]
    )
    assert volume == {MuscleGroup.QUADS: 0.85, MuscleGroup.GLUTES: 0.47}


def test_volume_status_classifies_against_the_landmarks() -> None:
    status = volume_status(
        {MuscleGroup.QUADS: 19, MuscleGroup.CHEST: 22, MuscleGroup.CORE: 21, MuscleGroup.BICEPS: 9},
        MALE_LANDMARKS,
    )
    assert status[MuscleGroup.QUADS] is VolumeStatus.APPROACHING_MRV
    assert status[MuscleGroup.CHEST] is VolumeStatus.AT_MRV
    assert status[MuscleGroup.CORE] is VolumeStatus.EXCEEDED_MRV
    assert status[MuscleGroup.BICEPS] is VolumeStatus.IN_RANGE
    assert status[MuscleGroup.HAMSTRINGS] is VolumeStatus.BELOW_MEV


def test_injuries_add_soreness_to_the_lifts_muscles() -> None:
    minor = make_disruption("minor", "bench")
    moderate = make_disruption("moderate", "squat")
    major = make_disruption("major", "deadlift")
    illness = make_disruption("moderate", "bench", disruption_type="illness")
    sore = injury_soreness([minor, moderate, major, illness])
    assert sore == {
        MuscleGroup.CHEST: 5,
        MuscleGroup.TRICEPS: 5,
        MuscleGroup.SHOULDERS: 5,
        MuscleGroup.QUADS: 7,
        MuscleGroup.GLUTES: 7,
        MuscleGroup.HAMSTRINGS: 7,
        MuscleGroup.LOWER_BACK: 7,
    }
    assert (
        merge_soreness({MuscleGroup.CHEST: 8, MuscleGroup.QUADS: 2}, sore)[MuscleGroup.CHEST] == 8
    )
    assert merge_soreness({MuscleGroup.QUADS: 2}, sore)[MuscleGroup.QUADS] == 7


def test_accessories_rotate_two_places_per_block() -> None:
    pool = default_pool(Lift.BENCH)
    assert block_auxiliaries(Lift.BENCH, 1) == (pool[0], pool[1])
    assert block_auxiliaries(Lift.BENCH, 2) == (pool[2], pool[3])


RM = 150.0  # the engine's 1RM the demonstrated one is held within 110 % of


def test_the_demonstrated_one_rm_reads_three_sessions_of_two_reps_or_more() -> None:
    five = [LoggedSet(weight_kg=120, reps=5, rpe=8)]  # Epley on 5 + 2 in reserve: 148.0
    triple = [LoggedSet(weight_kg=130, reps=3, rpe=9)]  # 3 + 1: 147.33
    double = [LoggedSet(weight_kg=135, reps=2, rpe=9)]  # 2 + 1: 148.5
    assert demonstrated_one_rm_kg([five, triple], RM) is None  # two sessions are not enough
    assert demonstrated_one_rm_kg([five, triple, double], RM) == pytest.approx(148.0)  # the median
    # The newest three count: a fourth, older session changes nothing.
    old = [LoggedSet(weight_kg=200, reps=5, rpe=8)]
    assert demonstrated_one_rm_kg([five, triple, double, old], RM) == pytest.approx(148.0)


def test_the_demonstrated_one_rm_leaves_out_singles_easy_hurt_and_long_sets() -> None:
    good = [LoggedSet(weight_kg=120, reps=5, rpe=8)]
    single = [LoggedSet(weight_kg=140, reps=1, rpe=9.5)]  # Epley reads 147 where the chart: 143
    easy = [LoggedSet(weight_kg=100, reps=5, rpe=6)]
    hurt = [LoggedSet(weight_kg=130, reps=3, rpe=9, pain_limited=True)]
    rehab = [LoggedSet(weight_kg=130, reps=3, rpe=9, during_rehab=True)]
    long = [LoggedSet(weight_kg=90, reps=12, rpe=9)]
    for bad in (single, easy, hurt, rehab, long):
        assert demonstrated_one_rm_kg([bad, good, good], RM) is None
        assert demonstrated_one_rm_kg([bad, good, good, good], RM) == pytest.approx(148.0)
    # A session's best qualifying set counts, its single aside.
    mixed = [*single, LoggedSet(weight_kg=125, reps=3, rpe=9)]
    # Held at 110 % of the engine's 1RM, whatever the sets show.
    assert demonstrated_one_rm_kg([good, good, good], 120.0) == pytest.approx(132.0)
    assert demonstrated_one_rm_kg([mixed, mixed, mixed], RM) == pytest.approx(125 * (1 + 4 / 30))
