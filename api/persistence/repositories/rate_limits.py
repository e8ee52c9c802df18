"""Fixed-window rate-limit counters: one upserted row per subject and window (revision 0007).

`hit` counts one request for each subject in the current window and returns the counts; the
upsert (`INSERT ... ON CONFLICT DO UPDATE ... RETURNING`, on SQLite and PostgreSQL alike) is one
statement, so concurrent workers never lose a count. A subject's older windows are deleted on
the way, so the table holds at most one row per active subject.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import text

from api.persistence.db import Unit

__all__ = ["hit"]

_FORGET = text("DELETE FROM rate_limits WHERE subject = :subject AND window_start < :window")
_COUNT = text(
    "INSERT INTO rate_limits (subject, window_start, count) VALUES (:subject, :window, 1) "
    "ON CONFLICT (subject, window_start) DO UPDATE SET count = rate_limits.count + 1 "
    "RETURNING count"
)


def hit(unit: Unit, subjects: Sequence[str], window_start: int) -> dict[str, int]:
    """The count of each subject in the window, this request included."""
    connection = unit.connection()
    counts: dict[str, int] = {}
    for subject in sorted(set(subjects)):  # one order for every writer: no lock cycles
        params = {"subject": subject, "window": window_start}
        connection.execute(_FORGET, params)
        counts[subject] = int(connection.execute(_COUNT, params).scalar_one())
    return counts
