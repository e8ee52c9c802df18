"""The review pass (pure): the prompt that asks a model to judge a served session, and the
grounding that drops the concerns the input cannot support (docs/domain/review.md).

The prompt is compact and versioned like the adjustment prompt (`training_engine.prompt`,
ADR 0008): the day, the signals the formula reads (the same `day_signals` the adjustment prompt
sends), the primary muscles' volume, and the served session in short rows; never the accessory
pool, the configs or the trace. `REVIEW_PROMPT_VERSION` changes whenever the wording or the
shape does; every stored review records it.

`ground_review(inp, output, review)` keeps a concern only when the input and the served output
can support what it talks about (classified by keywords, `concern_kinds`):

    reduction     a cut is mentioned, but no modifier is below 1 and the main lift is not skipped
    soreness      soreness is mentioned, but the worst rated soreness is <= 4
    sleep_energy  low sleep or energy is mentioned, but neither rating is <= 2 (unrated counts as
                  not low) and no wearable sleep is below 360 min
    aux_volume    accessories out-volume the main lift, but no accessory that is not a top-up
                  has more sets than the main lift

A flag with no concern left becomes an accept with a score of at least 85, and its suggested
overrides go with its concerns. Grounding only removes: it never adds a concern or raises a
flag.
"""

from __future__ import annotations

import re
from typing import Any

from shared_types.enums import MuscleGroup
from shared_types.inputs import JITInput
from shared_types.outputs import JITOutput
from shared_types.review import (
    ConcernKind,
    DroppedConcern,
    GroundedReview,
    SessionReview,
)
from training_engine.prompt import (
    Prompt,
    compact_json,
    compact_number,
    day_signals,
    soreness_and_volume,
)

__all__ = [
    "ACCEPT_SCORE_FLOOR",
    "LOW_RATING_MAX",
    "POOR_SLEEP_MIN",
    "REVIEW_PROMPT_VERSION",
    "REVIEW_SYSTEM_PROMPT",
    "SORENESS_SUPPORTED_ABOVE",
    "build_review_prompt",
    "concern_kinds",
    "ground_review",
    "review_context",
]

REVIEW_PROMPT_VERSION = "jit-review-1"
SORENESS_SUPPORTED_ABOVE = 4  # 1-4 is "fresh" on the reference's scale (DR §5.6)
LOW_RATING_MAX = 2  # sleep / energy 1-2 is poor, 3 neutral (DR §5.4)
POOR_SLEEP_MIN = 360  # wearable sleep below 6 h is poor (the adjustment prompt's glossary)
ACCEPT_SCORE_FLOOR = 85  # a flag with nothing grounded left is an accept of at least this

REVIEW_SYSTEM_PROMPT = """\
You review a strength session that was just prescribed. The user message is JSON: the lifter's \
signals today (soreness 1-10 per muscle, unlisted = 1; sleep and energy 1-5; wearables; \
disruptions; recent_rpe = [actual, target] newest first; volume = [done this week, MEV, MRV] \
sets for the lift's primary muscles) and `served`, the session given (main sets as \
[reps, weight_kg, rpe], modifiers, accessories, rest, rationale).

Default to accept. Flag only an issue the signals show: a cause punished twice, an interaction \
missed, accessories on a muscle with soreness >= 5, rest that does not fit the day, accessories \
out of proportion to the main lift. Scales: soreness 1-4 fresh, 5-6 moderate, 7-8 high, 9-10 \
severe; sleep/energy 1-2 poor, 3 neutral, 4-5 good. Do not invent signals: no soreness concern \
when soreness is <= 4, no sleep or energy concern when both are >= 3, no cut mentioned when \
nothing was cut.

Answer: score 0-100 (how sound the session is), verdict accept|flag, at most 3 concerns of at \
most 200 characters each naming the signal, and suggested_overrides (intensity_modifier \
0.40-1.20, set_modifier -3..+2, aux_overrides, each null when unchanged) only with a flag, \
else null."""

# Keyword classification of a concern (lower-cased). A reduction that is denied ("not
# reduced", "no cut") is a complaint about a missing cut, not a claim of one.
_REDUCTION_WORD = r"(reduc\w*|cut|cuts|cutting|fewer|decreas\w*|trim\w*|lighter|lowered|lowering)"
_REDUCTION = re.compile(rf"\b{_REDUCTION_WORD}\b")
_DENIED_REDUCTION = re.compile(
    rf"\b(\w*n't|no|not|never|without|missing)\W+(\w+\W+){{0,2}}?{_REDUCTION_WORD}\b"
)
_SORENESS = re.compile(r"\bsore\w*|\bdoms\b")
_SLEEP_ENERGY = re.compile(r"\bsleep\w*|\benergy\b|\btired\w*|\bexhaust\w*")
_AUX = re.compile(r"\b(aux\w*|accessor\w*)")
_OUTVOLUME = re.compile(
    r"out-?volum\w*|more (sets|volume|work)|exceed\w*|outnumber\w*|outweigh\w*|"
    r"than the main|than main|dwarf\w*|overshadow\w*"
)


def concern_kinds(concern: str) -> tuple[ConcernKind, ...]:
    """What `concern` talks about, in the order grounding checks it."""
    text = concern.lower()
    kinds: list[ConcernKind] = []
    claims_cut = len(_REDUCTION.findall(text)) > len(_DENIED_REDUCTION.findall(text))
    if claims_cut:
        kinds.append(ConcernKind.REDUCTION)
    if _SORENESS.search(text):
        kinds.append(ConcernKind.SORENESS)
    if _SLEEP_ENERGY.search(text):
        kinds.append(ConcernKind.SLEEP_ENERGY)
    if _AUX.search(text) and _OUTVOLUME.search(text):
        kinds.append(ConcernKind.AUX_VOLUME)
    return tuple(kinds)


def _worst_soreness(inp: JITInput) -> int:
    return max(inp.soreness(m) for m in MuscleGroup)


def _unsupported(inp: JITInput, output: JITOutput, kind: ConcernKind) -> str | None:
    """Why the input cannot support a concern of `kind`, or None when it can."""
    if kind is ConcernKind.REDUCTION:
        cut = (
            output.skipped_main_lift or output.intensity_modifier < 1 or output.volume_modifier < 1
        )
        return None if cut else "no cut: every modifier is at least 1 and the main lift is done"
    if kind is ConcernKind.SORENESS:
        worst = _worst_soreness(inp)
        if worst > SORENESS_SUPPORTED_ABOVE:
            return None
        return f"the worst soreness is {worst} (<= {SORENESS_SUPPORTED_ABOVE})"
    if kind is ConcernKind.SLEEP_ENERGY:
        ratings = (inp.sleep_quality, inp.energy_level)
        if any(r is not None and r <= LOW_RATING_MAX for r in ratings):
            return None
        if inp.sleep_duration_min is not None and inp.sleep_duration_min < POOR_SLEEP_MIN:
            return None
        return f"sleep {ratings[0]} and energy {ratings[1]}: neither is low"
    main = len(output.main_lift_sets)
    if any(
        not aux.skipped and not aux.is_top_up and len(aux.sets) > main
        for aux in output.auxiliary_work
    ):
        return None
    return f"no accessory that is not a top-up has more sets than the main lift ({main})"


def ground_review(inp: JITInput, output: JITOutput, review: SessionReview) -> GroundedReview:
    """`review` without the concerns `inp` and `output` cannot support (module docstring)."""
    kept: list[str] = []
    dropped: list[DroppedConcern] = []
    for concern in review.concerns:
        reason = next(
            (
                (kind, why)
                for kind in concern_kinds(concern)
                if (why := _unsupported(inp, output, kind)) is not None
            ),
            None,
        )
        if reason is None:
            kept.append(concern)
        else:
            dropped.append(DroppedConcern(text=concern, kind=reason[0], why=reason[1]))
    verdict = review.verdict
    score = review.score
    overrides = review.suggested_overrides
    if verdict == "flag" and not kept:
        verdict = "accept"
        score = max(score, ACCEPT_SCORE_FLOOR)
        overrides = None
    return GroundedReview(
        score=score,
        verdict=verdict,
        concerns=tuple(kept),
        dropped=tuple(dropped),
        suggested_overrides=overrides,
        model_score=review.score,
        model_verdict=review.verdict,
    )


def _served(output: JITOutput) -> dict[str, Any]:
    served: dict[str, Any] = {
        "main": [
            [
                s.reps,
                compact_number(s.weight_kg),
                None if s.rpe_target is None else compact_number(s.rpe_target),
            ]
            for s in output.main_lift_sets
        ],
        "intensity_modifier": compact_number(output.intensity_modifier),
        "volume_modifier": compact_number(_three_decimals(output.volume_modifier)),
    }
    if output.skipped_main_lift:
        served["skipped"] = True
    aux_rows: list[dict[str, Any]] = []
    for aux in output.auxiliary_work:
        row: dict[str, Any] = {"name": aux.exercise}
        if aux.skipped:
            row["skipped"] = aux.skip_reason or True
        else:
            first = aux.sets[0] if aux.sets else None
            row["sets"] = len(aux.sets)
            if first is not None:
                row["reps"] = first.reps
                row["kg"] = compact_number(first.weight_kg)
        if aux.is_top_up:
            row["top_up"] = True
        aux_rows.append(row)
    if aux_rows:
        served["accessories"] = aux_rows
    if output.rest_recommendations.main_lift:
        served["rest_s"] = output.rest_recommendations.main_lift[0]
    served["rationale"] = list(output.rationale)
    if output.warnings:
        served["warnings"] = list(output.warnings)
    return served


def _three_decimals(value: float) -> float:
    """Three decimals for the prompt only (a ratio like 0.6666…); formatting, not rounding a
    prescribed number, so `formulas/rounding.py` is not involved."""
    return float(f"{value:.3f}")


def review_context(inp: JITInput, output: JITOutput) -> dict[str, Any]:
    """The reviewer's view: the day, the signals, and the session served."""
    context: dict[str, Any] = {
        "lift": inp.primary_lift.value,
        "day": inp.intensity_type.value,
        "week": inp.week_number,
        "one_rm_kg": compact_number(inp.one_rm_kg),
    }
    if inp.user_age is not None:
        context["age"] = inp.user_age
    context.update(soreness_and_volume(inp))
    context.update(day_signals(inp))
    context["served"] = _served(output)
    return context


def build_review_prompt(inp: JITInput, output: JITOutput) -> Prompt:
    """The messages asking a model to review `output`, served for `inp`."""
    return Prompt(
        version=REVIEW_PROMPT_VERSION,
        system=REVIEW_SYSTEM_PROMPT,
        user=compact_json(review_context(inp, output)),
    )
