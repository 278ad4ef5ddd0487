"""Conversions between a tenant's local wall-clock time and the naive UTC stored in the DB."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_hhmm(hhmm: str) -> time:
    hours, _, minutes = hhmm.partition(":")
    return time(int(hours), int(minutes))


def now_local(tz: str) -> datetime:
    return datetime.now(ZoneInfo(tz))


def to_utc_naive(local: datetime, tz: str) -> datetime:
    """A local wall-clock datetime (naive means "in `tz`") as naive UTC, the storage form."""
    if local.tzinfo is None:
        local = local.replace(tzinfo=ZoneInfo(tz))
    return local.astimezone(UTC).replace(tzinfo=None)


def local_to_utc_naive(day: date, hhmm: str, tz: str) -> datetime:
    """Wall-clock `hhmm` on `day` in zone `tz`, as a naive UTC datetime (the storage form)."""
    return to_utc_naive(datetime.combine(day, parse_hhmm(hhmm)), tz)


def utc_naive_to_local(dt: datetime, tz: str) -> datetime:
    """A stored naive UTC datetime as an aware datetime in zone `tz`."""
    return dt.replace(tzinfo=UTC).astimezone(ZoneInfo(tz))


def fmt_local(dt: datetime) -> str:
    """'Tuesday, March 3 at 10:00 AM': how a receptionist would say it."""
    return f"{dt:%A, %B} {dt.day} at {dt:%I:%M %p}".replace(" 0", " ")


def weekday_in_weeks(today: date, weeks: int, weekday: str) -> date:
    """The first `weekday` on or after `today + weeks` weeks; negative weeks give past dates."""
    start = today + timedelta(weeks=weeks)
    return start + timedelta(days=(WEEKDAYS.index(weekday) - start.weekday()) % 7)


def within_working_hours(
    working_hours: Mapping[str, Sequence[Sequence[str]]], local_start: datetime, minutes: int
) -> bool:
    """True when [start, start + minutes) lies inside one range of that weekday's hours."""
    local_end = local_start + timedelta(minutes=minutes)
    if local_end.date() != local_start.date():
        return False
    for begin, end in working_hours.get(WEEKDAYS[local_start.weekday()], ()):
        if parse_hhmm(begin) <= local_start.time() and local_end.time() <= parse_hhmm(end):
            return True
    return False
