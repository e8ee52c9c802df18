"""Load suggestions: a new max proposed from a run of finished sessions (DR §3.20.2).

The reference's performance adjuster (a dead path there) made live. Per lift and intensity type:

* the N most recent learnable sessions all finished harder than their RPE target by more than
  the threshold -> "decrease": the max 2.5 % lower;
* all of them easier by more than the threshold -> "increase": the max 2.5 % higher;
* the most recent completed session finished fewer than 80 % of its prescribed reps ->
  "low_completion": a flag for a person, no change.

Thresholds follow sex: male (and unknown sex, as the reference's `getDefaultThresholds`) 1.0 RPE
over 2 sessions; female 1.5 RPE over 3 sessions. At most one suggestion per lift, by
`KIND_PRIORITY` and then the newest evidence. Evidence counts once (G11): `unused` drops, per
lift, every session a decided suggestion already used and every older one. Constants and
deviations: docs/domain/coaching.md.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from shared_types.enums import IntensityType, Lift, Sex
from shared_types.feedback import LoadSuggestion, SessionOutcome
from training_engine.formulas.rounding import format_kg, round_to_increment

__all__ = [
    "KIND_PRIORITY",
    "LIFT_ORDER",
    "LOAD_CHANGE_PCT",
    "LOW_COMPLETION_RATIO",
    "RPE_RULES",
    "UNKNOWN_SEX_RULE",
    "RpeRule",
    "load_suggestions",
    "suggested_max_kg",
    "unused",
]


@dataclass(frozen=True)
class RpeRule:
    """How far off target (RPE points) how many sessions in a row must be to move the max."""

    threshold: float
    sessions: int


RPE_RULES: Mapping[Sex, RpeRule] = {
    Sex.MALE: RpeRule(threshold=1.0, sessions=2),
    Sex.FEMALE: RpeRule(threshold=1.5, sessions=3),
}
UNKNOWN_SEX_RULE = RPE_RULES[Sex.MALE]  # the reference: anything but "female" is male
LOAD_CHANGE_PCT = 2.5
LOW_COMPLETION_RATIO = 0.80
LIFT_ORDER: tuple[Lift, ...] = (Lift.SQUAT, Lift.BENCH, Lift.DEADLIFT)
KIND_PRIORITY: tuple[str, ...] = ("decrease", "low_completion", "increase")
# A completed session still counts for completion when it only lacks an RPE.
_COMPLETION_EXCLUSIONS = frozenset({"rehab", "pain_limited", "deload", "no_main_sets"})


@dataclass(frozen=True)
class _Candidate:
    """One group's suggestion with the position of its newest session (0 = newest overall)."""

    suggestion: LoadSuggestion
    newest_index: int

    def rank(self) -> tuple[int, int]:
        """Sort key: the kind's priority first, then the most recent evidence."""
        return KIND_PRIORITY.index(self.suggestion.kind), self.newest_index


def unused(
    outcomes: Sequence[SessionOutcome], used: Mapping[Lift, Collection[str]]
) -> list[SessionOutcome]:
    """G11: the outcomes (newest first) a new suggestion may read: per lift, only the sessions
    newer than the newest one a decided (accepted or dismissed) suggestion of that lift already
    used, so one run of evidence moves a max once, and a dismissed flag is not raised again
    from the same sessions."""
    spent: set[Lift] = set()
    kept: list[SessionOutcome] = []
    for outcome in outcomes:
        if outcome.lift in spent:
            continue
        if outcome.session_id in used.get(outcome.lift, ()):
            spent.add(outcome.lift)
            continue
        kept.append(outcome)
    return kept


def load_suggestions(
    outcomes: Sequence[SessionOutcome],
    *,
    sex: Sex | None,
    current_maxes: Mapping[Lift, float],
    increment_kg: float = 2.5,
) -> tuple[LoadSuggestion, ...]:
    """At most one suggestion per lift, in `LIFT_ORDER`, from outcomes given newest first."""
    rule = RPE_RULES[sex] if sex is not None else UNKNOWN_SEX_RULE
    chosen: list[LoadSuggestion] = []
    for lift in LIFT_ORDER:
        candidates = [
            candidate
            for intensity in IntensityType
            for candidate in _group_candidates(
                outcomes,
                (lift, intensity),
                rule=rule,
                current_max_kg=current_maxes.get(lift),
                increment_kg=increment_kg,
            )
        ]
        if candidates:
            chosen.append(min(candidates, key=_Candidate.rank).suggestion)
    return tuple(chosen)


def _group_candidates(
    outcomes: Sequence[SessionOutcome],
    key: tuple[Lift, IntensityType],
    *,
    rule: RpeRule,
    current_max_kg: float | None,
    increment_kg: float,
) -> list[_Candidate]:
    """The RPE-run and completion candidates of one (lift, intensity type) group."""
    lift, intensity = key
    group = [
        (index, outcome)
        for index, outcome in enumerate(outcomes)
        if outcome.lift == lift and outcome.intensity_type == intensity
    ]
    found = [
        _rpe_candidate(group, rule, current_max_kg, increment_kg),
        _completion_candidate(group, current_max_kg),
    ]
    return [candidate for candidate in found if candidate is not None]


def _rpe_candidate(
    group: list[tuple[int, SessionOutcome]],
    rule: RpeRule,
    current_max_kg: float | None,
    increment_kg: float,
) -> _Candidate | None:
    """A decrease or increase when the rule's run of learnable sessions is all off one way.

    Without a known max there is nothing to move, so no suggestion (deviation G3).
    """
    run = [
        (i, o, o.mean_rpe_error) for i, o in group if o.learnable and o.mean_rpe_error is not None
    ][: rule.sessions]
    if len(run) < rule.sessions or current_max_kg is None:
        return None
    errors = [error for _, _, error in run]
    if all(error > rule.threshold for error in errors):
        change_pct = -LOAD_CHANGE_PCT
    elif all(error < -rule.threshold for error in errors):
        change_pct = LOAD_CHANGE_PCT
    else:
        return None
    mean_error = sum(errors) / len(errors)
    newest_index, first, _ = run[0]
    suggested = suggested_max_kg(current_max_kg, change_pct, increment_kg)
    direction = "above" if change_pct < 0 else "below"
    verb = "lower" if change_pct < 0 else "raise"
    reason = (
        f"{_group_label(first)}: RPE was on average {abs(mean_error):.1f} {direction} target over "
        f"the last {len(run)} sessions; {verb} the max {LOAD_CHANGE_PCT} % from "
        f"{format_kg(current_max_kg)} to {format_kg(suggested)} kg."
    )
    suggestion = LoadSuggestion(
        lift=first.lift,
        intensity_type=first.intensity_type,
        kind="decrease" if change_pct < 0 else "increase",
        change_pct=change_pct,
        current_max_kg=current_max_kg,
        suggested_max_kg=suggested,
        sessions=tuple(o.session_id for _, o, _ in run),
        mean_rpe_deviation=mean_error,
        completion_ratio=None,
        reason=reason,
    )
    return _Candidate(suggestion, newest_index)


def _completion_candidate(
    group: list[tuple[int, SessionOutcome]], current_max_kg: float | None
) -> _Candidate | None:
    """A flag when the group's most recent countable completed session fell short of 80 %."""
    countable = [
        (i, o)
        for i, o in group
        if o.status == "completed" and o.excluded_because not in _COMPLETION_EXCLUSIONS
    ]
    if not countable or countable[0][1].completion_ratio >= LOW_COMPLETION_RATIO:
        return None
    index, outcome = countable[0]
    reason = (
        f"{_group_label(outcome)}: only {outcome.completion_ratio:.0%} of the prescribed reps "
        f"were done in the last session (below {LOW_COMPLETION_RATIO:.0%}); review the load."
    )
    suggestion = LoadSuggestion(
        lift=outcome.lift,
        intensity_type=outcome.intensity_type,
        kind="low_completion",
        change_pct=0.0,
        current_max_kg=current_max_kg,
        suggested_max_kg=None,
        sessions=(outcome.session_id,),
        mean_rpe_deviation=outcome.mean_rpe_error,
        completion_ratio=outcome.completion_ratio,
        reason=reason,
    )
    return _Candidate(suggestion, index)


def suggested_max_kg(current_max_kg: float, change_pct: float, increment_kg: float) -> float:
    """The max moved by `change_pct`, rounded half-up to the increment.

    When rounding would leave the max where it is (a small max, a coarse increment) it moves one
    increment instead, so a suggestion always changes the max (deviation G2); never below one
    increment.
    """
    target = round_to_increment(current_max_kg * (1 + change_pct / 100), increment_kg)
    nearest = round_to_increment(current_max_kg, increment_kg)
    if change_pct < 0 and target >= current_max_kg:
        target = nearest - increment_kg
    elif change_pct > 0 and target <= current_max_kg:
        target = nearest + increment_kg
    return max(target, increment_kg)


def _group_label(outcome: SessionOutcome) -> str:
    """'Squat heavy': the group a reason talks about."""
    return f"{outcome.lift.value.capitalize()} {outcome.intensity_type.value}"
