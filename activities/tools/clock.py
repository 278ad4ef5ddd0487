"""Tenant-local time helpers: the database stores naive UTC, people speak local time."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo


def now_local(tz: str) -> datetime:
    return datetime.now(ZoneInfo(tz))


def to_utc_naive(local: datetime, tz: str) -> datetime:
    if local.tzinfo is None:
        local = local.replace(tzinfo=ZoneInfo(tz))
    return local.astimezone(UTC).replace(tzinfo=None)


def to_local(utc_naive: datetime, tz: str) -> datetime:
    return utc_naive.replace(tzinfo=UTC).astimezone(ZoneInfo(tz))


def fmt_local(dt: datetime) -> str:
    """'Tuesday, March 3 at 10:00 AM': how a receptionist would say it."""
    return f"{dt:%A, %B} {dt.day} at {dt:%I:%M %p}".replace(" 0", " ")
