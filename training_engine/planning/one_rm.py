"""The 1RM the engine is given: working 1RM from recent sets, or a profile estimate (DR §3.20.6-7).

Working 1RM: per recent session, the best estimate among sets at RPE >= 7 with 1-20 reps that
were neither pain-limited nor done under a rehab cap. With at least three such sessions the
median is used, held within 85-110% of the stored 1RM and rounded to 2.5 kg.

The estimate counts the reps in reserve (deviation P12, docs/deviations.md): Epley on
`reps + (10 - RPE)`, the reps the lifter could have done, so a set stopped at RPE 8.5 is not read
as a rep max. (The reference uses Epley on the reps done, which reads every prescribed set below
RPE 10 as a lower max.) When the session's prescription is known, each set is read against it
(deviation P13): the 1RM the prescription was computed from, scaled by how the set compares with
the prescribed set at its target RPE (both by Epley with the reserve). A lifter who does what was
prescribed at the target RPE reads exactly the max they were given, whatever the table's
percentages imply by Epley.

Profile estimate (no stored max): bodyweight x lift multiplier x age factor x novice scale,
rounded to 2.5 kg and floored per lift. A missing sex is treated as female (the lighter table),
as the reference does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

from shared_types.enums import Lift, Sex
from training_engine.formulas.rounding import round_to_increment

__all__ = [
    "LoggedSession",
    "LoggedSet",
    "Prescribed",
    "demonstrated_one_rm_kg",
    "epley_kg",
    "epley_with_reserve_kg",
    "profile_estimate_kg",
    "working_one_rm_kg",
]

MIN_RPE = 7.0
MAX_RPE = 10.0  # RPE 10: no rep in reserve
MAX_REPS = 20
MIN_SESSIONS = 3
DEMONSTRATED_SESSIONS = 3  # the newest qualifying sessions whose median is read
DEMONSTRATED_MIN_REPS = 2  # singles overstate the max by Epley (105 % vs the chart's 102.3 %)
DEMONSTRATED_MAX_REPS = 10  # beyond, Epley and the chart part ways (12 reps: 140 % vs 147 %)
CAP = 1.10
FLOOR = 0.85
STEP_KG = 2.5

DEFAULT_BODYWEIGHT_KG = {Sex.FEMALE: 70.0, Sex.MALE: 85.0}
LIFT_MULTIPLIER = {
    Sex.FEMALE: {Lift.SQUAT: 1.05, Lift.BENCH: 0.65, Lift.DEADLIFT: 1.25},
    Sex.MALE: {Lift.SQUAT: 1.35, Lift.BENCH: 1.0, Lift.DEADLIFT: 1.65},
}
NOVICE_SCALE = 0.6
UNKNOWN_AGE_FACTOR = 0.95
MIN_ESTIMATE_KG = {Lift.SQUAT: 40.0, Lift.BENCH: 30.0, Lift.DEADLIFT: 50.0}


@dataclass(frozen=True)
class LoggedSet:
    weight_kg: float
    reps: int
    rpe: float | None = None
    pain_limited: bool = False
    during_rehab: bool = False


@dataclass(frozen=True)
class Prescribed:
    """What a session prescribed for its main sets, and the 1RM it was computed from."""

    one_rm_kg: float
    weight_kg: float
    reps: int
    rpe: float


@dataclass(frozen=True)
class LoggedSession:
    """One session's logged main sets with its prescription, when known."""

    sets: Sequence[LoggedSet]
    prescribed: Prescribed | None = None


def epley_kg(weight_kg: float, reps: int) -> float | None:
    """Epley's 1RM (`w * (1 + reps / 30)`, one rep is the weight); None outside 1-20 reps."""
    if weight_kg <= 0 or not 1 <= reps <= MAX_REPS:
        return None
    return weight_kg if reps == 1 else weight_kg * (1 + reps / 30)


def epley_with_reserve_kg(weight_kg: float, reps: int, rpe: float) -> float | None:
    """Epley on the reps done plus the reps in reserve (`10 - RPE`, P12); None outside 1-20 reps.

    A single at RPE 10 is the weight itself, as in `epley_kg`.
    """
    if weight_kg <= 0 or not 1 <= reps <= MAX_REPS:
        return None
    capacity = reps + max(0.0, MAX_RPE - rpe)
    return weight_kg if capacity <= 1 else weight_kg * (1 + capacity / 30)


def _session_best(session: LoggedSession) -> float | None:
    estimates = [
        e
        for s in session.sets
        if s.rpe is not None
        and s.rpe >= MIN_RPE
        and not s.pain_limited
        and not s.during_rehab
        and (e := epley_with_reserve_kg(s.weight_kg, s.reps, s.rpe)) is not None
    ]
    if not estimates:
        return None
    best = max(estimates)
    expected = _expected(session.prescribed)
    if expected is None or session.prescribed is None:
        return best
    return session.prescribed.one_rm_kg * best / expected  # P13


def _expected(prescribed: Prescribed | None) -> float | None:
    """The estimate the prescribed set at its target RPE gives (None: nothing to compare)."""
    if prescribed is None or prescribed.one_rm_kg <= 0:
        return None
    return epley_with_reserve_kg(prescribed.weight_kg, prescribed.reps, prescribed.rpe)


def working_one_rm_kg(
    stored_kg: float, sessions: Sequence[LoggedSession | Sequence[LoggedSet]]
) -> float:
    """The working 1RM from recent sessions' main sets; the stored 1RM when too few qualify.

    A bare sequence of sets is a session whose prescription is unknown (read as P12 alone).
    """
    bests = [
        b
        for session in sessions
        if (
            b := _session_best(
                session if isinstance(session, LoggedSession) else LoggedSession(session)
            )
        )
        is not None
    ]
    if len(bests) < MIN_SESSIONS:
        return stored_kg
    held = min(max(median(bests), stored_kg * FLOOR), stored_kg * CAP)
    return round_to_increment(held, STEP_KG)


def demonstrated_one_rm_kg(
    sessions: Sequence[LoggedSession | Sequence[LoggedSet]], one_rm_kg: float
) -> float | None:
    """The max the newest sessions' sets show (newest first), read by Epley with the reserve
    from sets of 2-10 reps at RPE >= 7, held at `CAP` (110 %) of the engine's `one_rm_kg`;
    None until `DEMONSTRATED_SESSIONS` sessions have one."""
    bests: list[float] = []
    for session in sessions:
        sets = session.sets if isinstance(session, LoggedSession) else session
        reads = [
            e
            for s in sets
            if s.rpe is not None
            and s.rpe >= MIN_RPE
            and DEMONSTRATED_MIN_REPS <= s.reps <= DEMONSTRATED_MAX_REPS
            and not s.pain_limited
            and not s.during_rehab
            and (e := epley_with_reserve_kg(s.weight_kg, s.reps, s.rpe)) is not None
        ]
        if reads:
            bests.append(max(reads))
        if len(bests) == DEMONSTRATED_SESSIONS:
            return min(median(bests), one_rm_kg * CAP)
    return None


def _age_factor(age: int | None) -> float:
    if age is None:
        return UNKNOWN_AGE_FACTOR
    for bound, factor in ((20, 0.92), (30, 1.0), (40, 0.97), (50, 0.92), (60, 0.86)):
        if age < bound:
            return factor
    return 0.78


def profile_estimate_kg(
    lift: Lift, sex: Sex | None, bodyweight_kg: float | None, age: int | None
) -> float:
    """A conservative first 1RM for a lifter with no stored max."""
    table_sex = Sex.MALE if sex is Sex.MALE else Sex.FEMALE
    weight = bodyweight_kg if bodyweight_kg is not None else DEFAULT_BODYWEIGHT_KG[table_sex]
    raw = weight * LIFT_MULTIPLIER[table_sex][lift] * _age_factor(age) * NOVICE_SCALE
    return max(round_to_increment(raw, STEP_KG), MIN_ESTIMATE_KG[lift])
