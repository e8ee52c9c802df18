"""Issue 9's engine defects: every served number has a reason, a skip reads as a skip, only the
binding limit speaks, and nothing is served below the empty bar (deviations D13-D16)."""

from __future__ import annotations

import re

import pytest

from shared_types.outputs import JITOutput
from tests.factories import make_disruption, make_female_input, make_input, make_logs
from training_engine.accessories.build import DELOAD_ACCESSORIES
from training_engine.accessories.configured import SKIP_MAIN_SKIPPED
from training_engine.session import formula_session

POOL = ("Toes to Bar", "Ab Wheel Rollout", "Barbell Incline Bench Press", "Barbell Curl")
FLU = make_disruption("major", None, disruption_type="illness", description="Flu with fever")
NO_GYM = make_disruption(
    "minor", None, disruption_type="equipment_unavailable", description="Hotel gym only"
)


def served_rows(out: JITOutput) -> list[str]:
    return [row.exercise for row in out.auxiliary_work if not row.skipped]


# D13 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("female", [False, True])
def test_d13_a_deload_gives_reasons_for_its_sets_weight_and_accessories(female: bool) -> None:
    inp = (make_female_input if female else make_input)(intensity_type="deload")
    out = formula_session(inp)

    first = out.main_lift_sets[0]
    intent = out.rationale[0]
    assert intent.startswith("Deload day: ")
    assert f"{len(out.main_lift_sets)} x {first.reps} reps" in intent
    assert f"{first.weight_kg:g} kg" in intent
    assert f"RPE {first.rpe_target:g}" in intent
    assert served_rows(out)  # the configured accessories are served, lighter, and said so
    assert out.rationale[-1] == DELOAD_ACCESSORIES


def test_d13_a_deload_without_served_accessories_says_nothing_about_them() -> None:
    out = formula_session(make_input(intensity_type="deload", active_auxiliaries=()))

    assert len(out.rationale) == 1
    assert out.rationale[0].startswith("Deload day: 3 x 5 reps at 55 kg (40% of your 1RM)")


# D14 ------------------------------------------------------------------------------------------


def test_d14_recovery_mode_keeps_the_no_equipment_reason_for_the_rows_it_serves() -> None:
    out = formula_session(make_input(soreness_ratings={"quads": 9}, active_disruptions=(NO_GYM,)))

    assert out.trace is not None
    assert out.trace.main_lift.is_recovery_mode
    assert served_rows(out) == ["Jump Squat", "Pistol Squat"]
    assert any(line.startswith("No equipment:") for line in out.rationale)


# D15 ------------------------------------------------------------------------------------------


def test_d15_a_major_illness_reads_as_a_skip_and_adds_no_work() -> None:
    fit = formula_session(make_input(auxiliary_pool=POOL))
    assert any(row.is_top_up for row in fit.auxiliary_work)  # the pool does top up a normal day

    out = formula_session(make_input(auxiliary_pool=POOL, active_disruptions=(FLU,)))

    assert out.skipped_main_lift
    assert out.rationale == ("Main lift skipped today: Illness (major) - Flu with fever",)
    assert served_rows(out) == []
    assert not any(row.is_top_up for row in out.auxiliary_work)
    assert {row.skip_reason for row in out.auxiliary_work} == {SKIP_MAIN_SKIPPED}
    assert len(out.rest_recommendations.auxiliary) == len(out.auxiliary_work)


def test_d15_a_skip_serves_no_bodyweight_compensation_either() -> None:
    out = formula_session(make_input(auxiliary_pool=POOL, active_disruptions=(FLU, NO_GYM)))

    assert out.skipped_main_lift
    assert served_rows(out) == []
    assert len(out.auxiliary_work) == 2  # the configured pair, both suppressed
    assert out.rationale == ("Main lift skipped today: Illness (major) - Flu with fever",)


def test_d15_the_skip_leads_even_after_other_adjustments() -> None:
    out = formula_session(
        make_input(sleep_quality=1, energy_level=1, active_disruptions=(FLU,), auxiliary_pool=POOL)
    )

    assert out.rationale == ("Main lift skipped today: Illness (major) - Flu with fever",)


def test_d15_an_mrv_skip_says_why_first_and_adds_no_work() -> None:
    out = formula_session(
        make_input(weekly_volume_to_date={"quads": 20, "glutes": 20}, auxiliary_pool=POOL)
    )

    assert out.skipped_main_lift
    assert out.warnings[0] == "MRV exceeded for quads — main lift skipped"
    assert len(out.rationale) == 1
    assert out.rationale[0].startswith("Main lift skipped today: quads has no room")
    assert served_rows(out) == []


def test_d15_a_major_disruption_on_a_severely_sore_day_is_a_skip_too() -> None:
    out = formula_session(
        make_input(
            soreness_ratings={"quads": 10},
            active_disruptions=(make_disruption("major"),),
            auxiliary_pool=POOL,
        )
    )

    assert out.skipped_main_lift
    assert out.rationale == ("Main lift skipped today: Injury (major) - Knee injury",)
    assert served_rows(out) == []


# Only the binding limit speaks (D2, D6) ----------------------------------------------------------


def _boosted(**extra: object) -> JITOutput:
    # D6's session: every boost at once takes block 3's heavy day past the 1RM (200 kg).
    return formula_session(
        make_input(
            block_number=3,
            one_rm_kg=200,
            recent_logs=make_logs((6, 9.5), (6, 9.5)),
            sleep_quality=5,
            energy_level=5,
            modifier_calibrations={"readiness": 0.15},
            **extra,
        )
    )


def test_a_rehab_cap_below_the_1rm_ceiling_is_the_only_limit_that_speaks() -> None:
    held = _boosted()
    capped = _boosted(active_rehab_cap={"lift": "squat", "cap_kg": 150})

    assert {s.weight_kg for s in capped.main_lift_sets} == {150.0}
    assert capped.rehab_cap_kg == 150.0
    assert not any(line.startswith("Held at") for line in capped.rationale)
    assert [line for line in capped.rationale if "capped at" in line] == [
        "Rehab mode: capped at 150 kg"
    ]
    # D6 rewrites the modifier only when the 1RM ceiling holds the weight: not here.
    assert held.intensity_modifier == 200 / 180
    assert capped.intensity_modifier > held.intensity_modifier


def test_a_rehab_cap_above_the_1rm_ceiling_leaves_the_1rm_ceiling_speaking() -> None:
    out = _boosted(active_rehab_cap={"lift": "squat", "cap_kg": 250})

    assert {s.weight_kg for s in out.main_lift_sets} == {200.0}
    assert out.rehab_cap_kg is None
    assert any(line.startswith("Held at 200 kg") for line in out.rationale)
    assert out.intensity_modifier == 200 / 180


# The rationale says what is served ------------------------------------------------------------


@pytest.mark.parametrize("intensity", ["heavy", "explosive", "rep"])
@pytest.mark.parametrize("block", [1, 2, 3])
@pytest.mark.parametrize("soreness", [1, 9])
def test_the_first_line_never_promises_a_rep_range_that_is_not_served(
    intensity: str, block: int, soreness: int
) -> None:
    out = formula_session(
        make_input(
            intensity_type=intensity, block_number=block, soreness_ratings={"quads": soreness}
        )
    )

    first = out.main_lift_sets[0]
    said = re.search(r"(\d+)-(\d+) reps", out.rationale[0])
    if first.reps_range is None:
        assert said is None
        assert f"{first.reps} reps" in out.rationale[0]
    else:
        assert said is not None
        assert (int(said[1]), int(said[2])) == first.reps_range


def test_a_recovery_session_on_a_rep_day_says_three_fives_not_eight_to_twelve() -> None:
    out = formula_session(make_input(intensity_type="rep", soreness_ratings={"quads": 9}))

    assert [(s.reps, s.reps_range) for s in out.main_lift_sets] == [(5, None)] * 3
    assert "8-12" not in " ".join(out.rationale)
    assert out.rationale[0].startswith("Rep day, block 1, served as a recovery session: 3 x 5")


# D16 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("one_rm", [20.0, 22.5, 25.0, 30.0, 40.0])
@pytest.mark.parametrize("intensity", ["heavy", "explosive", "rep", "deload"])
@pytest.mark.parametrize("soreness", [1, 8, 9])
def test_d16_no_working_set_below_the_bar_and_no_warmup_above_the_work(
    one_rm: float, intensity: str, soreness: int
) -> None:
    out = formula_session(
        make_input(one_rm_kg=one_rm, intensity_type=intensity, soreness_ratings={"quads": soreness})
    )

    work = out.main_lift_sets[0].weight_kg
    assert {s.weight_kg for s in out.main_lift_sets} == {work}
    assert work >= 20.0
    assert all(w.weight_kg <= work for w in out.warmup_sets)


def test_d16_a_20_kg_max_deloads_at_the_bar_and_says_so() -> None:
    out = formula_session(make_input(one_rm_kg=20.0, intensity_type="deload"))

    # parakeet: 3 x 7.5 kg under a 20 kg warm-up
    assert [s.weight_kg for s in out.main_lift_sets] == [20.0] * 3
    assert all(w.weight_kg <= 20.0 for w in out.warmup_sets)
    assert any(line.startswith("Raised to the empty bar (20 kg)") for line in out.rationale)


def test_d16_a_womens_bar_is_the_floor_for_her() -> None:
    out = formula_session(make_female_input(one_rm_kg=20.0, bar_weight_kg=15.0))

    assert {s.weight_kg for s in out.main_lift_sets} == {15.0}
