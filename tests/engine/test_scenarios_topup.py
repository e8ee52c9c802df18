"""Scenario tests: volume top-up (domain-reference §3.13, §9.6 volume top-up, core, pro-rating,
cross-lift 1RM, push boost, dumbbell square-root scaling, primary muscles excluded) and
deviation D8 (a top-up never books sets past an MRV).

Top-up rationale is our wording: "Added <exercise>: <muscle> below MEV this week"; only the key
words are checked. `top_up_reason` ("<muscle> below MEV") is parakeet's field text.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shared_types.config import MrvMevConfig
from shared_types.enums import ExerciseType, MuscleGroup
from shared_types.inputs import AuxHistoryEntry, AuxHistorySet
from shared_types.outputs import AuxiliaryWork, JITOutput
from tests.factories import make_disruption, make_input
from training_engine.accessories.exercises import ExerciseBook
from training_engine.defaults import MALE_LANDMARKS
from training_engine.defaults.exercise_catalog import CATALOG
from training_engine.session import formula_session

NOW = datetime(2026, 5, 25, 12, 0, tzinfo=UTC)

# Non-timed core exercises with no associated lift, in catalog order (parakeet's DEFAULT_CORE_POOL).
CORE_POOL = tuple(
    e.name
    for e in CATALOG
    if e.lift is None
    and MuscleGroup.CORE in e.primary_muscles
    and e.exercise_type is not ExerciseType.TIMED
)
BROAD_POOL = (
    "Stiff-Leg Deadlift",
    "Barbell Row",
    "Lat Pulldown",
    "Dumbbell Fly",
    "Dips",
    "JM Press",
    "Barbell Overhead Press",
    "Barbell Curl",
    "Leg Press",
    "Hyperextension",
    "Toes to Bar",
)


def at_mev_except(*muscles: str, **weekly: float) -> dict[str, float]:
    """Every muscle at exactly its MEV except the ones listed (absent = 0), then `weekly`."""
    volume = {m: v["mev"] for m, v in MALE_LANDMARKS.model_dump().items() if m not in muscles}
    volume.update(weekly)
    return volume


def landmarks_with(**muscles: tuple[float, float]) -> MrvMevConfig:
    """Male landmarks with some muscles' (mev, mrv) replaced."""
    data = MALE_LANDMARKS.model_dump()
    for muscle, (mev, mrv) in muscles.items():
        data[muscle] = {"mev": mev, "mrv": mrv}
    return MrvMevConfig.model_validate(data)


def top_ups(out: JITOutput) -> list[AuxiliaryWork]:
    rows = [row for row in out.auxiliary_work if row.is_top_up]
    assert out.auxiliary_work[len(out.auxiliary_work) - len(rows) :] == tuple(rows), (
        "top-ups come after every other accessory row"
    )
    return rows


def topped_up(out: JITOutput) -> list[tuple[str, str | None]]:
    """(exercise, reason) of each top-up, in order."""
    return [(row.exercise, row.top_up_reason) for row in top_ups(out)]


def aux_shape(row: AuxiliaryWork) -> tuple[int, float, int]:
    """(sets, weight, reps) of a straight-set accessory row."""
    weights = {s.weight_kg for s in row.sets}
    reps = {s.reps for s in row.sets}
    assert len(weights) == 1, f"expected straight sets, got {row.sets}"
    assert len(reps) == 1, f"expected one rep target, got {row.sets}"
    assert [s.set_number for s in row.sets] == list(range(1, len(row.sets) + 1))
    return len(row.sets), weights.pop(), reps.pop()


def session(**overrides: Any) -> JITOutput:
    return formula_session(make_input(**overrides))


# --- §9.6 volume top-up ---------------------------------------------------------------------


@pytest.mark.parametrize("pool", [None, ()], ids=["no-pool", "empty-pool"])
def test_without_a_pool_nothing_is_topped_up(pool: tuple[str, ...] | None) -> None:
    out = session(auxiliary_pool=pool)

    assert top_ups(out) == []
    assert len(out.auxiliary_work) == 2
    assert not any("below MEV" in line for line in out.rationale)


def test_main_lift_credit_closes_a_one_set_hamstring_gap() -> None:
    # weekly 5 + floor(2 squat sets x 0.5) = 6 = MEV
    out = session(
        weekly_volume_to_date=at_mev_except("hamstrings", hamstrings=5),
        auxiliary_pool=("Stiff-Leg Deadlift",),
    )

    assert top_ups(out) == []


def test_hamstrings_alone_below_mev_get_a_top_up() -> None:
    out = session(
        weekly_volume_to_date=at_mev_except("hamstrings"),
        auxiliary_pool=("Stiff-Leg Deadlift",),
    )

    assert topped_up(out) == [("Stiff-Leg Deadlift", "hamstrings below MEV")]
    row = top_ups(out)[0]
    assert row.skipped is False
    assert {s.rpe_target for s in row.sets} == {7.5}
    assert any(
        "below MEV" in line and "Stiff-Leg Deadlift" in line and "hamstrings" in line
        for line in out.rationale
    )
    assert out.rest_recommendations.auxiliary == (90, 90, 90)


def test_a_gap_of_less_than_one_set_still_gets_one_set() -> None:
    # D18, effective sets: weekly 3.5 + 2 squat sets at RPE 8.5 (0.925) x 0.5 + Pause Squat's
    # 3 sets at RPE 7.5 (0.75) x 0.5 = 5.55 against MEV 6: ceil(0.45 / 0.75) = 1 set
    out = session(
        weekly_volume_to_date=at_mev_except("hamstrings", hamstrings=3.5),
        auxiliary_pool=("Stiff-Leg Deadlift",),
    )

    assert topped_up(out) == [("Stiff-Leg Deadlift", "hamstrings below MEV")]
    assert len(top_ups(out)[0].sets) == 1


def test_top_ups_never_exceed_three_sets() -> None:
    out = session(weekly_volume_to_date={"core": 4}, auxiliary_pool=BROAD_POOL)

    assert top_ups(out)
    assert all(1 <= len(row.sets) <= 3 for row in top_ups(out))
    assert all(len(row.sets) == 3 for row in top_ups(out))  # every deficit is larger than 3


def test_d18_many_deficits_still_add_at_most_three_top_ups() -> None:
    out = session(weekly_volume_to_date={"core": 4}, auxiliary_pool=BROAD_POOL)

    assert len(top_ups(out)) == 3
    assert len({row.exercise for row in top_ups(out)}) == 3


def test_a_configured_accessory_is_not_picked_again_as_a_top_up() -> None:
    pool = ("Good Mornings", "Stiff-Leg Deadlift")
    weekly = at_mev_except("hamstrings")

    free = session(weekly_volume_to_date=weekly, auxiliary_pool=pool)
    taken = session(
        weekly_volume_to_date=weekly,
        auxiliary_pool=pool,
        active_auxiliaries=("Pause Squat", "Good Mornings"),
    )

    # Hamstrings at 0 need more than one exercise's 3 sets (D18): both are used when free.
    assert topped_up(free)[0] == ("Good Mornings", "hamstrings below MEV")
    assert topped_up(taken) == [("Stiff-Leg Deadlift", "hamstrings below MEV")]


def test_a_deload_gets_no_top_up() -> None:
    out = session(intensity_type="deload", auxiliary_pool=BROAD_POOL)

    assert top_ups(out) == []
    assert len(out.auxiliary_work) == 2


def test_a_muscle_no_pool_exercise_trains_fully_is_dropped() -> None:
    # Only hamstrings are short and the pool's one exercise trains chest.
    out = session(
        weekly_volume_to_date=at_mev_except("hamstrings"), auxiliary_pool=("Dumbbell Fly",)
    )

    assert top_ups(out) == []


def test_d18_a_muscle_nothing_qualifies_for_gives_its_turn_to_the_next() -> None:
    # Ranked: upper back, triceps (main-lift muscles), then biceps. Nothing trains upper back:
    # its turn goes to the next muscle (parakeet loses the slot).
    out = session(
        weekly_volume_to_date=at_mev_except("upper_back", "triceps", "biceps"),
        auxiliary_pool=("JM Press", "Barbell Curl"),
    )

    assert topped_up(out) == [
        ("JM Press", "triceps below MEV"),
        ("Barbell Curl", "biceps below MEV"),
    ]


def test_a_part_trained_muscle_does_not_qualify_an_exercise() -> None:
    # Pause Squat credits hamstrings only 0.5: a top-up needs a full (1.0) contribution.
    out = session(
        primary_lift="bench",
        weekly_volume_to_date=at_mev_except("hamstrings"),
        active_auxiliaries=("Dips", "JM Press"),
        auxiliary_pool=("Pause Squat",),
    )

    assert top_ups(out) == []


@pytest.mark.parametrize(
    ("upcoming", "excluded"),
    [
        pytest.param(("squat",), True, id="squat-upcoming"),
        pytest.param(("deadlift",), False, id="deadlift-upcoming"),
        pytest.param(None, False, id="nothing-upcoming"),
    ],
)
def test_leg_press_is_kept_out_while_squat_is_still_to_come(
    upcoming: tuple[str, ...] | None, excluded: bool
) -> None:
    out = session(
        primary_lift="bench",
        weekly_volume_to_date=at_mev_except("quads"),
        auxiliary_pool=("Leg Press",),
        upcoming_lifts=upcoming,
    )

    assert topped_up(out) == ([] if excluded else [("Leg Press", "quads below MEV")])


@pytest.mark.parametrize(
    ("disruption", "excluded"),
    [
        pytest.param(make_disruption("moderate", "squat"), True, id="injured-squat"),
        pytest.param(
            make_disruption(
                "moderate", "squat", disruption_type="unprogrammed_event", description="Race"
            ),
            True,
            id="event-on-squat",
        ),
        pytest.param(
            make_disruption("moderate", None, disruption_type="illness", description="Flu"),
            False,
            id="illness-all-lifts",
        ),
        pytest.param(
            make_disruption("moderate", "squat", disruption_type="illness", description="Flu"),
            False,
            id="illness-on-squat",
        ),
    ],
)
def test_leg_press_is_kept_out_while_squat_is_injured_or_booked(
    disruption: Any, excluded: bool
) -> None:
    out = session(
        primary_lift="bench",
        weekly_volume_to_date=at_mev_except("quads"),
        auxiliary_pool=("Leg Press",),
        active_disruptions=(disruption,),
    )

    assert topped_up(out) == ([] if excluded else [("Leg Press", "quads below MEV")])


def test_overlapping_upper_back_top_ups_stay_within_the_remaining_mrv() -> None:
    out = session(
        mrv_mev_config=landmarks_with(upper_back=(10, 12)),
        weekly_volume_to_date=at_mev_except("upper_back", "biceps", upper_back=6),
        auxiliary_pool=("Chin-ups", "Barbell Row"),
    )

    book = ExerciseBook()
    upper_back_sets = sum(
        len(row.sets)
        for row in top_ups(out)
        if any(m is MuscleGroup.UPPER_BACK and c >= 1.0 for m, c in book.muscles(row.exercise))
    )
    assert len(top_ups(out)) == 2
    assert upper_back_sets <= 12 - 6


# --- deviation D8: a top-up never books sets past an MRV ------------------------------------


def test_d8_top_up_is_dropped_when_a_muscle_it_fully_trains_is_at_mrv() -> None:
    # Dips train chest and triceps fully; triceps already at MRV 20 (parakeet: >= 1 set).
    out = session(
        weekly_volume_to_date=at_mev_except("chest", triceps=20),
        auxiliary_pool=("Dips",),
    )

    assert top_ups(out) == []


def test_d8_top_up_sets_are_limited_by_the_tightest_fully_trained_muscle() -> None:
    out = session(
        weekly_volume_to_date=at_mev_except("chest", triceps=18),
        auxiliary_pool=("Dips",),
    )

    assert topped_up(out) == [("Dips", "chest below MEV")]
    assert len(top_ups(out)[0].sets) == 2


def test_d8_less_than_one_set_of_room_drops_the_top_up() -> None:
    out = session(
        weekly_volume_to_date=at_mev_except("chest", triceps=19.5),
        auxiliary_pool=("Dips",),
    )

    assert top_ups(out) == []


def test_d8_the_scorers_pick_is_not_served_past_the_mrv() -> None:
    # Dumbbell Fly done recently: the scorer prefers Dips for chest (control: 3 sets of Dips).
    def chest_top_up(triceps: float) -> JITOutput:
        return session(
            weekly_volume_to_date=at_mev_except("chest", triceps=triceps),
            auxiliary_pool=("Dips", "Dumbbell Fly"),
            recent_aux_exercises=("Dumbbell Fly",),
        )

    assert topped_up(chest_top_up(17))[0] == ("Dips", "chest below MEV")
    assert len(top_ups(chest_top_up(17))[0].sets) == 3
    assert "Dips" not in [row.exercise for row in top_ups(chest_top_up(20))]


# --- §9.6 core ------------------------------------------------------------------------------


def test_the_core_pool_holds_every_untimed_core_exercise_and_not_the_plank() -> None:
    assert CORE_POOL == (
        "Toes to Bar",
        "Ab Wheel Rollout",
        "Hanging Leg Raise",
        "Dead Bug",
        "Cable Crunch",
        "Pallof Press",
        "Bird Dog",
        "GHD Situp",
        "Decline Situp",
        "Cable Woodchop",
        "Dragon Flag",
        "Landmine Rotation",
        "Standing Plate Rotation",
    )
    assert "Plank" not in CORE_POOL


def test_core_below_mev_gets_a_core_top_up() -> None:
    out = session(weekly_volume_to_date=at_mev_except("core"), auxiliary_pool=CORE_POOL)

    # MEV 4 at 0.75 an RPE-7.5 set (D18): 3 sets of Toes to Bar, then 3 more of the next one.
    assert topped_up(out) == [
        ("Toes to Bar", "core below MEV"),
        ("Ab Wheel Rollout", "core below MEV"),
    ]
    assert aux_shape(top_ups(out)[0]) == (3, 0.0, 10)
    assert any("below MEV" in line for line in out.rationale)


def test_d18_empty_week_tops_up_a_main_lift_muscle_before_core() -> None:
    out = session(auxiliary_pool=(*CORE_POOL, "Barbell Hang Clean"))

    assert topped_up(out) == [
        ("Barbell Hang Clean", "upper back below MEV"),
        ("Toes to Bar", "core below MEV"),
        ("Ab Wheel Rollout", "core below MEV"),
    ]
    clean, toes, _ = top_ups(out)
    assert aux_shape(toes) == (3, 0.0, 10)
    assert toes.exercise_type == "bodyweight"
    # 140 x 0.5 = 70 (session 1RM: no deadlift 1RM given; no fatigue discount on top-ups)
    assert aux_shape(clean) == (3, 70.0, 3)
    assert len(out.rest_recommendations.auxiliary) == 5


def test_without_a_core_exercise_only_the_other_muscle_is_topped_up() -> None:
    out = session(auxiliary_pool=("Barbell Hang Clean",))

    assert topped_up(out) == [("Barbell Hang Clean", "upper back below MEV")]


# --- §9.6 MEV pro-rating --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weekly", "index", "total", "expected"),
    [
        pytest.param(1, 1, 3, False, id="s1of3-target-2-projected-2"),
        pytest.param(1, 3, 3, True, id="s3of3-full-mev"),
        pytest.param(3, 2, 3, False, id="s2of3-target-4-projected-4"),
        pytest.param(0, 2, 3, True, id="s2of3-target-4-projected-1"),
        pytest.param(1, None, None, True, id="no-index-full-mev"),
        pytest.param(1, 0, 3, True, id="index-zero-full-mev"),
        pytest.param(1, 1, 0, True, id="total-zero-full-mev"),
    ],
)
def test_mev_is_pro_rated_by_the_session_of_the_week(
    weekly: float, index: int | None, total: int | None, expected: bool
) -> None:
    out = session(
        weekly_volume_to_date=at_mev_except("hamstrings", hamstrings=weekly),
        auxiliary_pool=("Stiff-Leg Deadlift",),
        session_index=index,
        total_sessions_this_week=total,
    )

    assert topped_up(out) == ([("Stiff-Leg Deadlift", "hamstrings below MEV")] if expected else [])


# --- §9.6 cross-lift 1RM and dumbbell square-root scaling -----------------------------------


def test_top_up_load_comes_from_the_exercise_own_lift_1rm() -> None:
    out = session(
        one_rm_kg=200.0,
        all_one_rm_kg={"bench": 60.0},
        weekly_volume_to_date=at_mev_except("chest"),
        auxiliary_pool=("Dumbbell Incline Bench Press",),
    )

    (row,) = top_ups(out)
    assert row.sets[0].weight_kg < 100
    assert row.sets[0].weight_kg == 20.0  # 0.28 x sqrt(80 x 60) = 19.4 -> 20


def test_top_up_load_falls_back_to_the_session_1rm() -> None:
    out = session(
        one_rm_kg=200.0,
        weekly_volume_to_date=at_mev_except("chest"),
        auxiliary_pool=("Dumbbell Incline Bench Press",),
    )

    (row,) = top_ups(out)
    assert row.sets[0].weight_kg == 35.0  # 0.28 x sqrt(80 x 200) = 35.4 -> 35


def test_dumbbell_top_up_at_the_reference_1rm_gets_no_fatigue_discount() -> None:
    out = session(
        all_one_rm_kg={"bench": 80.0},
        weekly_volume_to_date=at_mev_except("chest"),
        auxiliary_pool=("Dumbbell Incline Bench Press",),
    )

    (row,) = top_ups(out)
    assert aux_shape(row) == (3, 22.5, 10)  # 0.28 x sqrt(80 x 80) = 22.4 -> 22.5


@pytest.mark.parametrize(
    ("lift", "one_rm", "sex", "exercise", "weight"),
    [
        pytest.param("bench", 116.0, None, "Dumbbell Incline Bench Press", 22.5, id="db-incline"),
        pytest.param("bench", 116.0, None, "Barbell Pause Bench Press", 75.0, id="pause-bench"),
        pytest.param("bench", 80.0, "male", "Dumbbell Fly", 7.5, id="db-fly-male"),
        pytest.param("bench", 80.0, "female", "Dumbbell Fly", 7.5, id="db-fly-female"),
        pytest.param("bench", 140.0, None, "Close-Grip Barbell Bench Press", 90.0, id="close-grip"),
        pytest.param("bench", 140.0, None, "Barbell Pause Bench Press", 90.0, id="pause-140"),
        pytest.param("deadlift", 190.0, None, "Dumbbell Snatch", 30.0, id="db-snatch"),
    ],
)
def test_dumbbells_scale_by_square_root_and_barbells_linearly(
    lift: str, one_rm: float, sex: str | None, exercise: str, weight: float
) -> None:
    out = session(
        primary_lift=lift,
        one_rm_kg=one_rm,
        biological_sex=sex,
        active_auxiliaries=(exercise, "Dips"),
    )

    row = out.auxiliary_work[0]
    assert row.exercise == exercise
    assert len(row.sets) == 3
    assert {s.weight_kg for s in row.sets} == {weight}


# --- §9.6 push boost ------------------------------------------------------------------------


def test_push_muscles_untouched_by_squat_need_their_full_mev_on_session_one() -> None:
    out = session(
        weekly_volume_to_date=at_mev_except("chest"),
        auxiliary_pool=("Dumbbell Fly",),
        session_index=1,
        total_sessions_this_week=3,
    )

    assert topped_up(out) == [("Dumbbell Fly", "chest below MEV")]
    assert len(top_ups(out)[0].sets) == 3


def test_push_top_up_covers_the_full_mev_gap_mid_week() -> None:
    # full MEV 8 - 5 = 3 sets (pro-rated it would be ceil(16/3) - 5 = 1)
    out = session(
        weekly_volume_to_date=at_mev_except("chest", chest=5),
        auxiliary_pool=("Dumbbell Fly",),
        session_index=2,
        total_sessions_this_week=3,
    )

    assert topped_up(out) == [("Dumbbell Fly", "chest below MEV")]
    assert len(top_ups(out)[0].sets) == 3


def test_d18_bench_day_tops_up_chest_short_of_its_mev() -> None:
    out = session(
        primary_lift="bench",
        weekly_volume_to_date=at_mev_except("chest"),
        active_auxiliaries=("Barbell Curl", "Lat Pulldown"),
        auxiliary_pool=("Dumbbell Fly", "Dips", "Push-ups"),
    )

    # Parakeet never targets today's primary muscles; D18 does when the week would end short.
    assert topped_up(out)[0][1] == "chest below MEV"


@pytest.mark.parametrize(
    ("index", "expected"),
    [
        pytest.param(1, False, id="pro-rated-target-4"),
        pytest.param(None, True, id="full-mev-10"),
    ],
)
def test_upper_back_on_squat_day_is_pro_rated(index: int | None, expected: bool) -> None:
    out = session(
        weekly_volume_to_date=at_mev_except("upper_back", upper_back=4),
        auxiliary_pool=("Barbell Row",),
        session_index=index,
        total_sessions_this_week=3 if index else None,
    )

    assert topped_up(out) == ([("Barbell Row", "upper back below MEV")] if expected else [])


# --- §9.6 top-up never targets today's primary muscles --------------------------------------


def test_d18_bench_day_leaves_its_muscles_alone_when_they_reach_their_mev() -> None:
    out = session(
        primary_lift="bench", weekly_volume_to_date=at_mev_except(), auxiliary_pool=BROAD_POOL
    )

    assert top_ups(out) == []


def test_d18_squat_day_tops_up_its_short_muscles_but_never_glutes() -> None:
    out = session(
        weekly_volume_to_date=at_mev_except("quads", "glutes", "lower_back"),
        auxiliary_pool=("Leg Press", "Hip Thrust", "Hyperextension", "Barbell Thruster"),
    )

    reasons = {reason for _, reason in topped_up(out)}
    assert "lower back below MEV" in reasons
    assert reasons <= {"quads below MEV", "lower back below MEV"}  # glutes: MEV 0


def test_biceps_below_mev_on_squat_day_is_still_topped_up() -> None:
    out = session(weekly_volume_to_date=at_mev_except("biceps"), auxiliary_pool=("Barbell Curl",))

    assert topped_up(out) == [("Barbell Curl", "biceps below MEV")]
    assert aux_shape(top_ups(out)[0]) == (3, 27.5, 10)  # 140 x 0.2 = 28 -> 27.5


# --- §3.13 step 7: a top-up uses a history anchor -------------------------------------------


def test_top_up_uses_a_history_anchor_as_it_is() -> None:
    entries = tuple(
        AuxHistoryEntry(
            session_id=f"fly-{age}",
            completed_at=NOW - timedelta(days=age),
            sets=(AuxHistorySet(weight_kg=15.0, reps=12),),
        )
        for age in (3, 6, 9)
    )
    out = session(
        weekly_volume_to_date=at_mev_except("chest"),
        auxiliary_pool=("Dumbbell Fly",),
        all_one_rm_kg={"bench": 100.0},
        aux_history={"dumbbell-fly": entries},
        now=NOW,
    )

    (row,) = top_ups(out)
    assert row.anchor is not None
    assert row.anchor.source == "history"
    assert aux_shape(row) == (3, 15.0, 12)
