"""Weekly volume of a lifter who follows the program exactly, in the core only (issue 9).

A scheduled program (`planning.scheduled_program`) is run session by session: each session's
`JITInput` is assembled by Perceive (`perceive.assemble`, from a `LifterState` of plain values),
generated with `formula_session`, and logged exactly as prescribed (every main and accessory set,
at its weight, reps and target RPE; a timed row as one set at its RPE). The week's effective sets
per muscle are `perceive.set_volume` over the week's logged sets: the numbers the API's
`GET /v1/me/volume` reports for the same logs.

Run it: `python -m benchmarks.volume_sim [--weeks 12] [--days 3] [--sex male|female]`.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from shared_types.config import MrvMevConfig
from shared_types.enums import Lift, MuscleGroup, Sex
from shared_types.outputs import JITOutput
from training_engine.accessories.exercises import ExerciseBook
from training_engine.perceive import (
    DailyCheckIn,
    LifterProfile,
    LifterState,
    PastSession,
    SessionPlan,
    WeekSession,
    WeekSet,
    assemble,
    effective_landmarks,
    set_volume,
)
from training_engine.planning import DEFAULT_WEEKDAYS, LoggedSet, planned_dates, scheduled_program
from training_engine.session import formula_session

__all__ = ["SimulatedWeek", "format_table", "simulate"]

START = date(2026, 1, 5)  # a Monday
SESSION_TIME = time(17, 0)
MAXES: Mapping[Sex, Mapping[Lift, float]] = {
    Sex.MALE: {Lift.SQUAT: 140.0, Lift.BENCH: 100.0, Lift.DEADLIFT: 180.0},
    Sex.FEMALE: {Lift.SQUAT: 90.0, Lift.BENCH: 55.0, Lift.DEADLIFT: 110.0},
}
BODYWEIGHT_KG = {Sex.MALE: 85.0, Sex.FEMALE: 65.0}


@dataclass(frozen=True)
class SimulatedWeek:
    week_number: int
    deload: bool
    volume: Mapping[MuscleGroup, float]  # effective sets, as `set_volume` computes them
    outputs: tuple[JITOutput, ...]


def _logged(output: JITOutput, lift: Lift, one_rm_kg: float) -> tuple[list[WeekSet], PastSession]:
    """Everything prescribed, logged as prescribed (with what was prescribed, as the API
    stores it beside the session)."""
    week_sets = [
        WeekSet(session_lift=lift, kind="primary", exercise=lift.value, rpe=s.rpe_target)
        for s in output.main_lift_sets
    ]
    aux: list[tuple[str, LoggedSet]] = []
    prescribed: dict[str, float] = {}
    for row in output.auxiliary_work:
        if row.skipped:
            continue
        prescribed[row.exercise] = row.sets[0].weight_kg if row.sets else 0.0
        for s in row.sets:
            week_sets.append(
                WeekSet(
                    session_lift=lift, kind="auxiliary", exercise=row.exercise, rpe=s.rpe_target
                )
            )
            aux.append((row.exercise, LoggedSet(s.weight_kg, s.reps, s.rpe_target)))
    return week_sets, PastSession(
        session_id=output.session_id,
        lift=lift,
        completed_at=datetime.min.replace(tzinfo=UTC),  # replaced by the caller
        target_rpe=output.main_lift_sets[0].rpe_target if output.main_lift_sets else None,
        session_rpe=output.main_lift_sets[0].rpe_target if output.main_lift_sets else None,
        planned_weight_kg=output.main_lift_sets[0].weight_kg if output.main_lift_sets else None,
        planned_reps=output.main_lift_sets[0].reps if output.main_lift_sets else None,
        one_rm_kg=one_rm_kg,
        primary_sets=tuple(
            LoggedSet(s.weight_kg, s.reps, s.rpe_target) for s in output.main_lift_sets
        ),
        aux_sets=tuple(aux),
        aux_prescribed_kg=prescribed,
    )


def simulate(
    weeks: int = 12, days_per_week: int = 3, sex: Sex = Sex.MALE
) -> tuple[SimulatedWeek, ...]:
    """Run a lifter through a scheduled program; one `SimulatedWeek` per program week."""
    slots = scheduled_program(weeks, days_per_week)
    dates = planned_dates(START, DEFAULT_WEEKDAYS[days_per_week], len(slots))
    book = ExerciseBook(sex=sex)
    profile = LifterProfile(sex=sex, bodyweight_kg=BODYWEIGHT_KG[sex])
    recent: list[PastSession] = []  # newest first
    last_by_lift: dict[Lift, datetime] = {}
    result: list[SimulatedWeek] = []
    for week in range(1, weeks + 1):
        in_week = [(i, s) for i, s in enumerate(slots) if s.week_number == week]
        logged: list[WeekSet] = []
        outputs: list[JITOutput] = []
        for done, (index, slot) in enumerate(in_week):
            now = datetime.combine(dates[index], SESSION_TIME, tzinfo=UTC)
            state = LifterState(
                profile=profile,
                plan=SessionPlan(
                    session_id=f"w{week}d{slot.day_number}",
                    week_number=week,
                    day_number=slot.day_number,
                    block_number=slot.block_number,
                    lift=slot.primary_lift,
                    intensity=slot.intensity_type,
                    program_mode="scheduled",
                    days_per_week=days_per_week,
                ),
                stored_maxes=MAXES[sex],
                formula_overrides={},
                landmark_overrides={},
                warmup=None,
                rest_overrides=(),
                recent=tuple(recent),
                last_completed_at=last_by_lift.get(slot.primary_lift),
                week_sets=tuple(logged),
                week_sessions=tuple(
                    WeekSession(
                        s.day_number, s.primary_lift, "completed" if n < done else "planned"
                    )
                    for n, (_, s) in enumerate(in_week)
                ),  # today's session included, as the API loads the week
                disruptions=(),
                rehab_caps=(),
            )
            inp = assemble(state, DailyCheckIn(), now).input
            output = formula_session(inp)
            sets, past = _logged(output, slot.primary_lift, inp.one_rm_kg)
            logged.extend(sets)
            outputs.append(output)
            recent.insert(0, PastSession(**{**past.__dict__, "completed_at": now}))
            last_by_lift[slot.primary_lift] = now
        result.append(
            SimulatedWeek(
                week_number=week,
                deload=all(s.is_deload for _, s in in_week),
                volume=set_volume(logged, book),
                outputs=tuple(outputs),
            )
        )
    return tuple(result)


def format_table(weeks: Sequence[SimulatedWeek], landmarks: MrvMevConfig) -> str:
    """A Markdown table: one row per week, `sets` per muscle, `!` under MEV, `!!` over MRV."""
    muscles = list(MuscleGroup)
    head = "| week | " + " | ".join(m.value for m in muscles) + " |"
    marks = (
        "| MEV / MRV | "
        + " | ".join(f"{landmarks[m].mev:g} / {landmarks[m].mrv:g}" for m in muscles)
        + " |"
    )
    lines = [head, "|---" * (len(muscles) + 1) + "|", marks]
    for week in weeks:
        cells = []
        for m in muscles:
            sets = week.volume.get(m, 0.0)
            flag = "!!" if sets > landmarks[m].mrv else ("!" if sets < landmarks[m].mev else "")
            cells.append(f"{sets:.2f}{flag}")
        label = f"{week.week_number}{' (deload)' if week.deload else ''}"
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=12)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--sex", choices=[s.value for s in Sex], default=Sex.MALE.value)
    args = parser.parse_args(argv)
    sex = Sex(args.sex)
    weeks = simulate(args.weeks, args.days, sex)
    print(format_table(weeks, effective_landmarks(sex, {})))


if __name__ == "__main__":
    main()
