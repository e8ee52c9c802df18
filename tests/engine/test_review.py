"""The review pass's core: grounding (examples and properties) and the compact prompt."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from shared_types.adjustment import JITAdjustment
from shared_types.enums import MuscleGroup
from shared_types.inputs import JITInput
from shared_types.outputs import JITOutput
from shared_types.review import CONCERN_MAX_CHARS, ConcernKind, SessionReview
from tests.factories import make_input
from tests.strategies import any_input
from training_engine.adjustment import adjusted_session
from training_engine.review import (
    ACCEPT_SCORE_FLOOR,
    REVIEW_PROMPT_VERSION,
    SORENESS_SUPPORTED_ABOVE,
    build_review_prompt,
    concern_kinds,
    ground_review,
)
from training_engine.session import formula_run, formula_session

SORE = "Quads soreness 8 should cap the accessory volume"
SLEEPY = "Poor sleep and low energy were not reflected"
CUT = "The 2-set reduction double-penalises the readiness"
MISSING_CUT = "Intensity was not reduced despite soreness 8"
AUX = "Accessories out-volume the main lift on a heavy day"
NEUTRAL = "Rest between main sets looks short for RPE 9"


def review(*concerns: str, verdict: str = "flag", score: int = 55, **extra: Any) -> SessionReview:
    return SessionReview.model_validate(
        {
            "score": score,
            "verdict": verdict,
            "concerns": list(concerns),
            "suggested_overrides": extra.get(
                "overrides", {"intensity_modifier": 0.9, "set_modifier": -1, "aux_overrides": None}
            ),
        }
    )


def served(inp: JITInput, **adjustment: Any) -> JITOutput:
    """The model-served session for `inp` under an adjustment (default: no change)."""
    fields: dict[str, Any] = {
        "intensity_modifier": 1.0,
        "set_modifier": 0,
        "skip_main_lift": False,
        "aux_overrides": [],
        "rationale": ["Signals neutral"],
        "confidence": "high",
        "rest_adjustments": None,
        **adjustment,
    }
    return adjusted_session(formula_run(inp), JITAdjustment.model_validate(fields))


# --- classification ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("concern", "kinds"),
    [
        (SORE, (ConcernKind.SORENESS,)),
        (SLEEPY, (ConcernKind.SLEEP_ENERGY,)),
        (CUT, (ConcernKind.REDUCTION,)),
        (MISSING_CUT, (ConcernKind.SORENESS,)),  # a missing cut is not a claimed one
        (AUX, (ConcernKind.AUX_VOLUME,)),
        (NEUTRAL, ()),
        (
            "Lower back is sore after the cut to two sets",
            (ConcernKind.REDUCTION, ConcernKind.SORENESS),
        ),
        ("Accessory rows look fine", ()),  # accessories, but nothing about out-volume
    ],
)
def test_concerns_are_classified_by_what_they_talk_about(
    concern: str, kinds: tuple[ConcernKind, ...]
) -> None:
    assert concern_kinds(concern) == kinds


# --- grounding, by rule ----------------------------------------------------------------------


def test_soreness_concerns_need_soreness_above_four() -> None:
    fresh = make_input(soreness_ratings={"quads": SORENESS_SUPPORTED_ABOVE})
    grounded = ground_review(fresh, served(fresh), review(SORE, NEUTRAL))
    assert grounded.concerns == (NEUTRAL,)
    assert [(d.text, d.kind) for d in grounded.dropped] == [(SORE, ConcernKind.SORENESS)]
    assert "worst soreness is 4" in grounded.dropped[0].why
    sore = make_input(soreness_ratings={"quads": SORENESS_SUPPORTED_ABOVE + 1})
    assert ground_review(sore, served(sore), review(SORE)).concerns == (SORE,)


def test_sleep_and_energy_concerns_need_a_low_rating_or_short_wearable_sleep() -> None:
    neutral = make_input(sleep_quality=3, energy_level=4)
    assert ground_review(neutral, served(neutral), review(SLEEPY)).concerns == ()
    unrated = make_input()
    assert ground_review(unrated, served(unrated), review(SLEEPY)).concerns == ()
    for low in (make_input(sleep_quality=2, energy_level=4), make_input(energy_level=1)):
        assert ground_review(low, served(low), review(SLEEPY)).concerns == (SLEEPY,)
    short = make_input(sleep_quality=4, energy_level=4, sleep_duration_min=300)
    assert ground_review(short, served(short), review(SLEEPY)).concerns == (SLEEPY,)


def test_reduction_concerns_need_a_cut() -> None:
    inp = make_input(sleep_quality=2)
    uncut = served(inp)
    assert (uncut.intensity_modifier, uncut.volume_modifier) == (1.0, 1.0)
    assert ground_review(inp, uncut, review(CUT)).concerns == ()
    for cut in (
        served(inp, set_modifier=-2),
        served(inp, intensity_modifier=0.9),
        served(inp, skip_main_lift=True),
    ):
        assert ground_review(inp, cut, review(CUT)).concerns == (CUT,)


def test_aux_volume_concerns_need_an_accessory_with_more_sets_than_the_main_lift() -> None:
    inp = make_input()
    output = served(inp)  # block 1 heavy: 2 main sets, 3 sets per accessory
    assert len(output.main_lift_sets) < min(len(a.sets) for a in output.auxiliary_work)
    assert ground_review(inp, output, review(AUX)).concerns == (AUX,)

    as_many = output.model_copy(
        update={
            "auxiliary_work": tuple(
                a.model_copy(update={"sets": a.sets[: len(output.main_lift_sets)]})
                for a in output.auxiliary_work
            )
        }
    )
    only_top_ups = output.model_copy(
        update={
            "auxiliary_work": tuple(
                a.model_copy(update={"is_top_up": True}) for a in output.auxiliary_work
            )
        }
    )
    for unsupported in (as_many, only_top_ups):
        grounded = ground_review(inp, unsupported, review(AUX))
        assert grounded.concerns == ()
        assert grounded.dropped[0].kind is ConcernKind.AUX_VOLUME


def test_a_flag_with_nothing_grounded_left_is_an_accept_of_at_least_85_without_overrides() -> None:
    inp = make_input()
    grounded = ground_review(inp, served(inp), review(SORE, SLEEPY, CUT, score=40))
    assert (grounded.verdict, grounded.score, grounded.concerns) == (
        "accept",
        ACCEPT_SCORE_FLOOR,
        (),
    )
    assert grounded.suggested_overrides is None
    assert (grounded.model_verdict, grounded.model_score) == ("flag", 40)
    assert len(grounded.dropped) == 3
    high = ground_review(inp, served(inp), review(SORE, score=92))
    assert (high.verdict, high.score) == ("accept", 92)


def test_a_flag_with_a_grounded_concern_stays_a_flag_with_its_score_and_overrides() -> None:
    inp = make_input(soreness_ratings={"quads": 8})
    grounded = ground_review(inp, served(inp), review(SORE, SLEEPY, score=50))
    assert (grounded.verdict, grounded.score, grounded.concerns) == ("flag", 50, (SORE,))
    assert grounded.suggested_overrides is not None
    assert grounded.suggested_overrides.set_modifier == -1


# --- the schema ------------------------------------------------------------------------------


def test_the_answer_schema_bounds_score_concerns_and_overrides() -> None:
    long = review("x" * 500)
    assert len(long.concerns[0]) == CONCERN_MAX_CHARS
    with pytest.raises(ValidationError):
        review("a", "b", "c", "d")
    with pytest.raises(ValidationError):
        review(score=101)
    with pytest.raises(ValidationError):
        review(overrides={"intensity_modifier": 1.5, "set_modifier": None, "aux_overrides": None})
    with pytest.raises(ValidationError):  # required even when null (strict structured output)
        SessionReview.model_validate({"score": 90, "verdict": "accept", "concerns": []})
    schema = SessionReview.model_json_schema()
    assert set(schema["required"]) == {"score", "verdict", "concerns", "suggested_overrides"}


# --- properties ------------------------------------------------------------------------------

concern_texts = st.sampled_from([SORE, SLEEPY, CUT, MISSING_CUT, AUX, NEUTRAL]) | st.text(
    max_size=60
)
answers = st.builds(
    lambda score, verdict, concerns: review(*concerns, verdict=verdict, score=score),
    st.integers(0, 100),
    st.sampled_from(["accept", "flag"]),
    st.lists(concern_texts, max_size=3),
)


@st.composite
def cases(draw: st.DrawFn) -> tuple[JITInput, JITOutput, SessionReview]:
    inp = draw(any_input())
    output = served(
        inp,
        intensity_modifier=draw(st.sampled_from([0.85, 1.0, 1.1])),
        set_modifier=draw(st.integers(-3, 2)),
        skip_main_lift=draw(st.booleans()),
    )
    return inp, output, draw(answers)


@settings(max_examples=60, deadline=None)
@given(cases())
def test_grounding_only_removes_and_keeps_the_order(
    case: tuple[JITInput, JITOutput, SessionReview],
) -> None:
    inp, output, answer = case
    grounded = ground_review(inp, output, answer)
    kept = iter(answer.concerns)
    assert all(any(c == k for k in kept) for c in grounded.concerns)  # a subsequence
    assert len(grounded.concerns) + len(grounded.dropped) == len(answer.concerns)
    assert sorted([*grounded.concerns, *(d.text for d in grounded.dropped)]) == sorted(
        answer.concerns
    )
    assert 0 <= grounded.score <= 100
    assert not (answer.verdict == "accept" and grounded.verdict == "flag")  # never raises a flag
    if answer.verdict == "accept":
        assert (grounded.verdict, grounded.score) == ("accept", answer.score)


@settings(max_examples=60, deadline=None)
@given(cases())
def test_a_flag_with_nothing_left_becomes_an_accept_of_at_least_85(
    case: tuple[JITInput, JITOutput, SessionReview],
) -> None:
    inp, output, answer = case
    grounded = ground_review(inp, output, answer)
    if answer.verdict == "flag" and not grounded.concerns:
        assert grounded.verdict == "accept"
        assert grounded.score == max(answer.score, ACCEPT_SCORE_FLOOR)
        assert grounded.suggested_overrides is None
    if answer.verdict == "flag" and grounded.concerns:
        assert (grounded.verdict, grounded.score) == ("flag", answer.score)


@settings(max_examples=60, deadline=None)
@given(cases())
def test_unsupported_concerns_never_survive(
    case: tuple[JITInput, JITOutput, SessionReview],
) -> None:
    inp, output, answer = case
    grounded = ground_review(inp, output, answer)
    worst = max(inp.soreness(m) for m in MuscleGroup)
    low = any(r is not None and r <= 2 for r in (inp.sleep_quality, inp.energy_level)) or (
        inp.sleep_duration_min is not None and inp.sleep_duration_min < 360
    )
    cut = output.skipped_main_lift or output.intensity_modifier < 1 or output.volume_modifier < 1
    for concern in grounded.concerns:
        kinds = concern_kinds(concern)
        assert worst > SORENESS_SUPPORTED_ABOVE or ConcernKind.SORENESS not in kinds
        assert low or ConcernKind.SLEEP_ENERGY not in kinds
        assert cut or ConcernKind.REDUCTION not in kinds
    for dropped in grounded.dropped:
        assert dropped.kind in concern_kinds(dropped.text)


# --- the prompt ------------------------------------------------------------------------------


def test_the_prompt_is_compact_versioned_and_carries_signals_and_the_served_session() -> None:
    inp = make_input(soreness_ratings={"quads": 6}, sleep_quality=2)
    output = served(inp, set_modifier=-1, rationale=["Quads sore: one set fewer"])
    prompt = build_review_prompt(inp, output)
    assert prompt.version == REVIEW_PROMPT_VERSION
    context = json.loads(prompt.user)
    assert context["soreness"] == {"quads": 6}
    assert context["readiness"] == {"sleep": 2}
    main = context["served"]["main"]
    assert len(main) == len(output.main_lift_sets)
    assert main[0] == [output.main_lift_sets[0].reps, output.main_lift_sets[0].weight_kg, 8.5]
    assert context["served"]["rationale"] == ["Quads sore: one set fewer"]
    assert {a["name"] for a in context["served"]["accessories"]} == set(inp.active_auxiliaries)
    for blob in ("formula_config", "mrv_mev_config", "auxiliary_pool", "trace", "warmup"):
        assert blob not in prompt.user
    # the same inputs give the same bytes; the served session changes them
    assert build_review_prompt(inp, output) == prompt
    assert build_review_prompt(inp, formula_session(inp)).user != prompt.user
