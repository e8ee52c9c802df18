"""A lifter timezone (issue 9): "today", planned dates, a disruption's default start, the
date-of-birth check and the engine's `now` follow the lifter's IANA zone. SQLite and PostgreSQL
(the `api` fixture)."""

from __future__ import annotations

from datetime import UTC, datetime

from api.persistence.tables import SessionRow
from shared_types.inputs import JITInput
from tests.api.client import Api, Lifter

# Sunday 23:00 UTC is Monday 12:00 in Auckland (NZDT, UTC+13).
SUNDAY_LATE = datetime(2026, 3, 1, 23, 0, tzinfo=UTC)
AUCKLAND = "Pacific/Auckland"


def _lifters(api: Api) -> tuple[Lifter, Lifter]:
    return api.lifter(), api.lifter(timezone=AUCKLAND)


def test_the_timezone_is_set_validated_and_defaults_to_utc(api: Api) -> None:
    who = api.lifter()
    assert api.get(who, "/v1/me").json()["timezone"] == "UTC"
    patched = api.patch(who, "/v1/me", {"timezone": AUCKLAND})
    assert patched.status_code == 200, patched.text
    assert patched.json()["timezone"] == AUCKLAND
    assert api.get(who, "/v1/me").json()["timezone"] == AUCKLAND
    for bad in ("Mars/Olympus_Mons", "", "../../etc/passwd", None, 5, "x" * 65):
        response = api.patch(who, "/v1/me", {"timezone": bad})
        assert response.status_code == 422, bad
        assert response.json()["error"]["details"][0]["path"] == "body.timezone"
    assert api.get(who, "/v1/me").json()["timezone"] == AUCKLAND
    assert api.patch(who, "/v1/me", {"name": "Renamed"}).json()["timezone"] == AUCKLAND


def test_auckland_at_23_utc_on_sunday_sees_mondays_session_as_today(api: Api) -> None:
    api.clock.set(SUNDAY_LATE)
    utc, auckland = _lifters(api)
    for who in (utc, auckland):
        # Mondays and Sundays, from the Monday before: 2026-02-23, 03-01, 03-02, ...
        api.program(
            who, total_weeks=2, training_days_per_week=2, weekdays=[1, 7], start_date="2026-02-23"
        )
    assert api.get(utc, "/v1/me/today").json()["planned_date"] == "2026-03-01"
    today = api.get(auckland, "/v1/me/today")
    assert today.status_code == 200, today.text
    assert today.json()["planned_date"] == "2026-03-02"


def test_dates_derived_from_the_clock_are_the_lifters_local_dates(api: Api) -> None:
    api.clock.set(SUNDAY_LATE)
    utc, auckland = _lifters(api)
    # A program without a start date starts on the lifter's today.
    assert api.program(utc, total_weeks=1)["start_date"] == "2026-03-01"
    assert api.program(auckland, total_weeks=1)["start_date"] == "2026-03-02"
    # A disruption without a start date starts on the lifter's today.
    body = {"disruption_type": "illness", "severity": "minor"}
    assert api.post(utc, "/v1/me/disruptions", body).json()["affected_date_start"] == "2026-03-01"
    assert (
        api.post(auckland, "/v1/me/disruptions", body).json()["affected_date_start"] == "2026-03-02"
    )
    # Born "today" in Auckland is not yet born in UTC.
    born = {"date_of_birth": "2026-03-02"}
    assert api.patch(auckland, "/v1/me", born).status_code == 200
    assert api.patch(utc, "/v1/me", born).status_code == 422
    # Changing the zone in the same request decides which today the check uses.
    assert api.patch(utc, "/v1/me", {**born, "timezone": AUCKLAND}).status_code == 200


def test_the_engines_now_is_the_same_instant_in_the_lifters_zone(api: Api) -> None:
    api.clock.set(SUNDAY_LATE)
    _, auckland = _lifters(api)
    api.set_max(auckland, "squat", 140)
    api.program(auckland, total_weeks=1, training_days_per_week=3)
    first = api.sessions(auckland)[0]
    assert first["planned_date"] == "2026-03-02"
    served = api.generate(auckland, first["id"])
    assert served.status_code == 200, served.text
    [row] = api.rows(SessionRow, id=first["id"])
    snapshot = JITInput.model_validate(row.jit_input_snapshot)
    assert snapshot.now is not None
    assert snapshot.now.utcoffset() is not None
    assert snapshot.now.isoformat() == "2026-03-02T12:00:00+13:00"
    assert snapshot.now == SUNDAY_LATE
