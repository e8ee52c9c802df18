"""The lifter's "today" for `GET /v1/me/today`: the one helper that route asks.

It is the lifter's local date (`api.services.clock.local_today`: the server's clock seen in the
lifter's time zone), so the next session to do follows the lifter's calendar.
"""

from __future__ import annotations

from datetime import date, datetime

from api.persistence.tables import LifterRow
from api.services.clock import local_today

__all__ = ["today_for"]


def today_for(lifter: LifterRow, now: datetime) -> date:
    """The date it is for `lifter` at `now` (in the lifter's time zone)."""
    return local_today(lifter, now)
