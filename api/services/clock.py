"""The lifter's clock: the server's aware `now` seen in the lifter's time zone.

Every date a service derives from the clock (a program's start, a disruption's default start,
the date-of-birth check, "today", the assembly's `now`) goes through here, so it is the
lifter's local date: at 23:00 UTC on a Sunday a lifter in Pacific/Auckland is already on
Monday. The zone is the lifter's IANA name (`lifters.timezone`, default UTC); a name the
system no longer knows reads as UTC rather than failing a request.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from functools import lru_cache
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["HasTimezone", "local_now", "local_today", "zone"]


class HasTimezone(Protocol):
    @property
    def timezone(self) -> str: ...


@lru_cache(maxsize=256)
def zone(name: str) -> tzinfo:
    """The zone named `name` (validated on the way in; UTC if it has since disappeared)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def local_now(lifter: HasTimezone | str, now: datetime) -> datetime:
    """`now` (aware) as the same instant in the lifter's zone: still aware."""
    name = lifter if isinstance(lifter, str) else lifter.timezone
    return now.astimezone(zone(name or "UTC"))


def local_today(lifter: HasTimezone | str, now: datetime) -> date:
    """The lifter's local date at `now`."""
    return local_now(lifter, now).date()
