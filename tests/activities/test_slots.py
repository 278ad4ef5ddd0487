"""Dates and provider names from natural language, in the tenant's own time zone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from activities.tools.slots import NamedEntity, appointment_id_in, match_names, parse_when

NY = ZoneInfo("America/New_York")


def test_tomorrow_at_ten_across_a_week_boundary() -> None:
    saturday_night = datetime(2026, 11, 28, 22, 30, tzinfo=NY)
    when = parse_when("Book me tomorrow at 10", saturday_night)
    assert when is not None and when.at == datetime(2026, 11, 29, 10, 0)
    sunday = parse_when("next Tuesday afternoon", datetime(2026, 11, 29, 9, 0, tzinfo=NY))
    assert sunday is not None and sunday.day == date(2026, 12, 1) and sunday.at is None


def test_local_date_not_utc() -> None:
    # 11 PM in New York is already tomorrow in UTC; "tomorrow" is still local.
    late = datetime(2026, 3, 3, 23, 0, tzinfo=NY)
    when = parse_when("tomorrow at 3", late)
    assert when is not None and when.at == datetime(2026, 3, 4, 15, 0)


def test_day_of_month_in_the_past_means_next_month() -> None:
    when = parse_when("on the 14th at 9:30", datetime(2026, 11, 21, 9, 0, tzinfo=NY))
    assert when is not None and when.at == datetime(2026, 12, 14, 9, 30)


def test_provider_names() -> None:
    staff = [
        NamedEntity(1, "Dr. Maya Chen"),
        NamedEntity(2, "Dr. Samuel Okafor"),
        NamedEntity(3, "Dr. Lucas Chen"),
    ]
    assert match_names("book with Okafor", staff) == [2]
    assert match_names("book with dr okafur", staff) == [2]
    assert match_names("with Dr Chen", staff) == [1, 3]  # ambiguous: the planner asks
    assert match_names("what are your hours", staff) == []


def test_appointment_reference() -> None:
    assert appointment_id_in("cancel appointment 12") == 12
    assert appointment_id_in("cancel #7 please") == 7
    assert appointment_id_in("cancel my Thursday visit") is None
