"""Open slots: a provider's working hours minus live bookings, in the tenant's time zone."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from store.models import Staff
from store.timeutil import WEEKDAYS


def slot_starts(staff: Staff, day: date, tz: str) -> list[datetime]:
    """Every slot start (tz-aware, local) the provider works on `day`."""
    out: list[datetime] = []
    zone = ZoneInfo(tz)
    for window in staff.working_hours.get(WEEKDAYS[day.weekday()], []):
        start = datetime.combine(day, time.fromisoformat(window[0]), zone)
        end = datetime.combine(day, time.fromisoformat(window[1]), zone)
        step = timedelta(minutes=staff.slot_minutes)
        cursor = start
        while cursor + step <= end:
            out.append(cursor)
            cursor += step
    return out


def is_bookable_start(staff: Staff, start: datetime, tz: str) -> bool:
    return start in slot_starts(staff, start.date(), tz)


def free_slots(
    staff: Staff,
    days: Iterable[date],
    booked_local: set[datetime],
    *,
    tz: str,
    not_before: datetime,
    limit: int,
) -> list[datetime]:
    out: list[datetime] = []
    for day in days:
        for start in slot_starts(staff, day, tz):
            if start >= not_before and start not in booked_local:
                out.append(start)
                if len(out) >= limit:
                    return out
    return out
