"""Our LLM-path departures from parakeet (docs/deviations.md, L1-L5), one test each."""

from __future__ import annotations

from typing import Any

from shared_types.adjustment import JITAdjustment
from shared_types.enums import Severity
from tests.factories import make_disruption, make_input
from training_engine.accessories.configured import SKIP_MAIN_SKIPPED
from training_engine.accessories.overrides import SKIP_LLM_OVERRIDE
from training_engine.adjustment import adjusted_session
from training_engine.session import formula_run, formula_session


def adjust(**changes: Any) -> JITAdjustment:
    return JITAdjustment.model_validate(
        {
            "intensity_modifier": 1.0,
            "set_modifier": 0,
            "skip_main_lift": False,
            "aux_overrides": [],
            "rationale": ["test"],
            "confidence": "high",
            "rest_adjustments": None,
            **changes,
        }
    )


def test_l1_a_positive_set_modifier_adds_sets_up_to_the_mrv_room() -> None:
    out = adjusted_session(formula_run(make_input()), adjust(set_modifier=2))
    assert [s.set_number for s in out.main_lift_sets] == [1, 2, 3, 4]
    assert {(s.weight_kg, s.reps, s.rpe_target) for s in out.main_lift_sets} == {(112.5, 5, 8.5)}
    assert out.volume_modifier == 2.0
    assert out.rest_recommendations.main_lift == (180,) * 4
    near_cap = make_input(weekly_volume_to_date={"quads": 17})  # MRV 20: room for 3
    capped = adjusted_session(formula_run(near_cap), adjust(set_modifier=2))
    assert len(capped.main_lift_sets) == 3
    assert capped.warnings == ("[constraint] Approaching MRV for quads — sets capped at 3",)


def test_l2_accessories_are_built_by_the_formula_rules() -> None:
    inp = make_input()
    out = adjusted_session(formula_run(inp), adjust())
    assert out.auxiliary_work == formula_session(inp).auxiliary_work
    pause = out.auxiliary_work[0]
    assert pause.exercise == "Pause Squat"
    # the post-main fatigue discount and the catalog's reps (parakeet's LLM path: 3 x 10 @ 105)
    assert [(s.weight_kg, s.reps) for s in pause.sets] == [(90.0, 4)] * 3


def test_l2_overrides_apply_on_top_of_the_formula_rows() -> None:
    inp = make_input()
    formula_rows = formula_session(inp).auxiliary_work
    out = adjusted_session(
        formula_run(inp),
        adjust(
            aux_overrides=[
                {"exercise": "Pause Squat", "action": "reduce", "anchor_override": None},
                {"exercise": "Barbell Box Squat", "action": "skip", "anchor_override": None},
                {"exercise": "Leg Press", "action": "skip", "anchor_override": None},
            ]
        ),
    )
    pause, box = out.auxiliary_work
    assert [(s.weight_kg, s.reps) for s in pause.sets] == [(80.0, 4)] * 2  # 90 x 0.9, 2 sets
    assert formula_rows[0].sets[0].weight_kg == 90.0
    assert (box.skipped, box.skip_reason, box.sets) == (True, SKIP_LLM_OVERRIDE, ())
    assert [r.exercise for r in out.auxiliary_work] == ["Pause Squat", "Barbell Box Squat"]


def test_l3_accessories_follow_the_main_lift_the_constraint_pass_served() -> None:
    inp = make_input(active_disruptions=(make_disruption(Severity.MAJOR),))
    out = adjusted_session(formula_run(inp), adjust())
    assert out.skipped_main_lift
    assert all(r.skipped and r.skip_reason == SKIP_MAIN_SKIPPED for r in out.auxiliary_work)
    assert out.rest_recommendations.auxiliary == (90, 90)


def test_l4_the_lifters_rest_override_is_kept() -> None:
    inp = make_input(user_rest_overrides=[{"rest_seconds": 240}])
    out = adjusted_session(formula_run(inp), adjust(rest_adjustments={"main_lift": 30}))
    assert out.rest_recommendations.main_lift == (240, 240)
    assert out.llm_rest_suggestion is not None
    assert (
        out.llm_rest_suggestion.delta_seconds,
        out.llm_rest_suggestion.formula_base_seconds,
    ) == (
        30,
        180,
    )


def test_l5_an_anchor_override_is_bounded_by_the_engine_anchor() -> None:
    inp = make_input()
    override = {"weight_kg": 500, "reason": "hallucinated max"}
    out = adjusted_session(
        formula_run(inp),
        adjust(
            aux_overrides=[
                {"exercise": "Pause Squat", "action": "normal", "anchor_override": override}
            ]
        ),
    )
    pause = out.auxiliary_work[0]
    assert pause.anchor is not None
    assert pause.anchor.from_llm_override
    assert pause.anchor.engine_anchor_kg == 105.0  # the catalog load, no history
    assert pause.anchor.anchor_base_kg == 126.0  # 1.2 x 105, not 500
    assert pause.sets[0].weight_kg == 125.0
    lighter = adjusted_session(
        formula_run(inp),
        adjust(
            aux_overrides=[
                {
                    "exercise": "Pause Squat",
                    "action": "normal",
                    "anchor_override": {"weight_kg": 60, "reason": "recent shoulder tweak"},
                }
            ]
        ),
    ).auxiliary_work[0]
    assert lighter.sets[0].weight_kg == 60.0
    assert lighter.anchor is not None
    assert lighter.anchor.rationale == "recent shoulder tweak"
