"""Program scheduling over POST /v1/me/programs (deviations P9-P11, issue 9)."""

from __future__ import annotations

from datetime import date

from tests.api.client import Api, Lifter


def _dates(api: Api, who: Lifter) -> list[date]:
    return [date.fromisoformat(s["planned_date"]) for s in api.sessions(who)]


def test_p11_a_wednesday_start_plans_nothing_before_wednesday(api: Api) -> None:
    who = api.lifter()
    api.program(who, total_weeks=4, training_days_per_week=3, start_date="2026-03-04")
    sessions = api.sessions(who)
    dates = _dates(api, who)
    assert len(sessions) == 12
    # The reference dated week 1 from the Monday before: 2026-03-02, two days before the start.
    assert min(dates) == date(2026, 3, 4)
    assert [d.isoformat() for d in dates[:4]] == [
        "2026-03-04",
        "2026-03-06",
        "2026-03-09",
        "2026-03-11",
    ]
    assert all(d.isoweekday() in (1, 3, 5) for d in dates)
    # Week 1 is the first three sessions, whichever weekday it starts on.
    assert [(s["week_number"], s["day_number"]) for s in sessions[:4]] == [
        (1, 1),
        (1, 2),
        (1, 3),
        (2, 1),
    ]


def test_p11_a_start_on_a_rest_day_begins_on_the_next_training_day(api: Api) -> None:
    who = api.lifter()
    api.program(who, total_weeks=2, training_days_per_week=2, start_date="2026-03-08")  # Sunday
    assert _dates(api, who) == [
        date(2026, 3, 9),  # Monday
        date(2026, 3, 12),  # Thursday
        date(2026, 3, 16),
        date(2026, 3, 19),
    ]


def test_p11_an_unending_program_starts_on_the_next_training_day(api: Api) -> None:
    who = api.lifter()
    body = {"mode": "unending", "training_days_per_week": 3, "start_date": "2026-03-07"}
    assert api.post(who, "/v1/me/programs", body).status_code == 201
    assert _dates(api, who) == [date(2026, 3, 9)]  # Saturday start -> Monday


def test_p9_p10_a_two_day_program_deadlifts_and_ends_on_one_deload(api: Api) -> None:
    who = api.lifter()
    api.program(who, total_weeks=9, training_days_per_week=2)
    sessions = api.sessions(who)
    lifts = [s["primary_lift"] for s in sessions]
    assert lifts[:3] == ["squat", "bench", "deadlift"]
    deload_weeks = sorted({s["week_number"] for s in sessions if s["is_deload"]})
    assert deload_weeks == [4, 9]
    assert min(_dates(api, who)) >= date(2026, 3, 2)
