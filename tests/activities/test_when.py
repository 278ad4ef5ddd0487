"""Dates and times from natural language, in the tenant's own time zone (dateparser + guards)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from activities.tools.when import (
    WhenParts,
    WhenSlot,
    describe_when,
    next_weekday,
    parse_when,
    part_window,
    weekday_in,
)

NY = ZoneInfo("America/New_York")

# Fixed local "now"s (November 2026: the 23rd is a Monday).
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=NY)
TUESDAY = datetime(2026, 11, 24, 9, 0, tzinfo=NY)
FRIDAY = datetime(2026, 11, 27, 9, 0, tzinfo=NY)
SATURDAY = datetime(2026, 11, 28, 9, 0, tzinfo=NY)


def slot(
    day: date, *, at: datetime | None = None, part: str | None = None, span_days: int = 1
) -> WhenSlot:
    return WhenSlot(day, at, part, span_days)


# --- weekdays and week boundaries -------------------------------------------------------------


def test_next_tuesday_afternoon_said_on_saturday() -> None:
    when = parse_when("next Tuesday afternoon", SATURDAY)
    assert when == slot(date(2026, 12, 1), part="afternoon")
    sunday = datetime(2026, 11, 29, 9, 0, tzinfo=NY)
    assert parse_when("next Tuesday afternoon", sunday) == slot(date(2026, 12, 1), part="afternoon")


def test_next_tuesday_said_on_tuesday_is_a_week_away_but_tuesday_is_today() -> None:
    # "next X" = first X strictly after today (dateparser); a bare or "this" X includes today.
    assert parse_when("next Tuesday afternoon", TUESDAY) == slot(
        date(2026, 12, 1), part="afternoon"
    )
    assert parse_when("can I come Tuesday?", TUESDAY) == slot(date(2026, 11, 24))
    assert parse_when("this Tuesday", TUESDAY) == slot(date(2026, 11, 24))
    assert parse_when("Tuesday at 10", TUESDAY) == slot(
        date(2026, 11, 24), at=datetime(2026, 11, 24, 10, 0)
    )
    assert parse_when("next Tuesday", MONDAY) == slot(date(2026, 11, 24))


def test_weekday_variants() -> None:
    assert parse_when("this Friday", FRIDAY) == slot(date(2026, 11, 27))
    assert parse_when("Friday at 10am", SATURDAY) == slot(
        date(2026, 12, 4), at=datetime(2026, 12, 4, 10, 0)
    )
    assert parse_when("Tuesday next week", MONDAY) == slot(date(2026, 12, 1))
    assert parse_when("next week on Tuesday", MONDAY) == slot(date(2026, 12, 1))
    assert parse_when("Monday after next", TUESDAY) == slot(date(2026, 12, 7))
    assert parse_when("the day after tomorrow", SATURDAY) == slot(date(2026, 11, 30))
    assert parse_when("in two weeks", TUESDAY) == slot(date(2026, 12, 8))
    assert parse_when("in 3 days", TUESDAY) == slot(date(2026, 11, 27))
    assert parse_when("Weds at 10", MONDAY) == slot(
        date(2026, 11, 25), at=datetime(2026, 11, 25, 10, 0)
    )
    assert parse_when("Sat morning", MONDAY) == slot(date(2026, 11, 28), part="morning")
    assert parse_when("last Friday", SATURDAY) is None  # past: not something to book


def test_week_and_month_phrases_are_spans() -> None:
    assert parse_when("anything next week?", SATURDAY) == slot(date(2026, 11, 30), span_days=7)
    assert parse_when("this week", MONDAY) == slot(date(2026, 11, 23), span_days=7)
    # Said on a Friday, "this week" is what is left of it.
    assert parse_when("this week", FRIDAY) == slot(date(2026, 11, 27), span_days=3)
    # A time with no particular day is not a bookable instant.
    assert parse_when("next week at 3", MONDAY) == slot(date(2026, 11, 30), span_days=7)
    assert parse_when("next week in the morning", MONDAY) == slot(
        date(2026, 11, 30), part="morning", span_days=7
    )
    assert parse_when("next month", MONDAY) == slot(date(2026, 12, 1), span_days=31)
    assert parse_when("this month", MONDAY) == slot(date(2026, 11, 23), span_days=8)
    # A month without a day (dateparser would put it on today's day of month) is that month.
    assert parse_when("sometime in January", MONDAY) == slot(date(2027, 1, 1), span_days=31)


def test_tomorrow_at_3_said_on_sunday_night() -> None:
    sunday_night = datetime(2026, 11, 29, 21, 0, tzinfo=NY)
    assert parse_when("tomorrow at 3", sunday_night) == slot(
        date(2026, 11, 30), at=datetime(2026, 11, 30, 15, 0)
    )
    saturday_night = datetime(2026, 11, 28, 22, 30, tzinfo=NY)
    when = parse_when("Book me tomorrow at 10", saturday_night)
    assert when is not None and when.at == datetime(2026, 11, 29, 10, 0)


def test_typos_of_tomorrow() -> None:
    for text in ("tomorow at 3", "tmrw at 3", "tommorow at 3pm"):
        assert parse_when(text, MONDAY) == slot(
            date(2026, 11, 24), at=datetime(2026, 11, 24, 15, 0)
        ), text


def test_tenant_time_zone_decides_the_day() -> None:
    instant = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)  # Sun 19:00 in LA, Mon 12:00 in Tokyo
    la = instant.astimezone(ZoneInfo("America/Los_Angeles"))
    tokyo = instant.astimezone(ZoneInfo("Asia/Tokyo"))
    assert parse_when("tomorrow at 10", la) == slot(
        date(2026, 11, 30), at=datetime(2026, 11, 30, 10, 0)
    )
    assert parse_when("tomorrow at 10", tokyo) == slot(
        date(2026, 12, 1), at=datetime(2026, 12, 1, 10, 0)
    )
    assert parse_when("Monday", la) == slot(date(2026, 11, 30))
    assert parse_when("Monday", tokyo) == slot(date(2026, 11, 30))
    assert parse_when("next Monday", tokyo) == slot(date(2026, 12, 7))
    # 11 PM in New York is already tomorrow in UTC; "tomorrow" is still local.
    late = datetime(2026, 3, 3, 23, 0, tzinfo=NY)
    assert parse_when("tomorrow at 3", late) == slot(
        date(2026, 3, 4), at=datetime(2026, 3, 4, 15, 0)
    )


# --- days of month and calendar dates ---------------------------------------------------------


def test_day_of_month_in_the_past_means_next_month() -> None:
    nov_21 = datetime(2026, 11, 21, 9, 0, tzinfo=NY)
    assert parse_when("the 14th", nov_21) == slot(date(2026, 12, 14))
    assert parse_when("on the 14th at 9:30", nov_21) == slot(
        date(2026, 12, 14), at=datetime(2026, 12, 14, 9, 30)
    )


def test_day_of_month_across_a_year_end_and_short_months() -> None:
    dec_21 = datetime(2026, 12, 21, 9, 0, tzinfo=NY)
    assert parse_when("the 14th", dec_21) == slot(date(2027, 1, 14))
    assert parse_when("the 21st", dec_21) == slot(date(2026, 12, 21))  # today
    # November has no 31st: the next one is December's.
    assert parse_when("on the 31st", MONDAY) == slot(date(2026, 12, 31))


def test_calendar_dates() -> None:
    assert parse_when("March 3", MONDAY) == slot(date(2027, 3, 3))
    assert parse_when("the 1st of December", MONDAY) == slot(date(2026, 12, 1))
    assert parse_when("May 5th", MONDAY) == slot(date(2027, 5, 5))
    assert parse_when("Dec. 1st, 2026 at 2:15pm", MONDAY) == slot(
        date(2026, 12, 1), at=datetime(2026, 12, 1, 14, 15)
    )
    assert parse_when("12/3", MONDAY) == slot(date(2026, 12, 3))  # month first
    assert parse_when("2026-12-03", MONDAY) == slot(date(2026, 12, 3))
    # dateparser does not read spelled-out ordinals: "the first of December" is December.
    assert parse_when("the first of December", MONDAY) == slot(date(2026, 12, 1), span_days=31)


# --- times and parts of day -------------------------------------------------------------------


def test_clock_forms() -> None:
    def at(text: str) -> datetime | None:
        when = parse_when(f"Friday {text}", MONDAY)
        return when.at if when else None

    assert at("at noon") == datetime(2026, 11, 27, 12, 0)
    assert at("at midday") == datetime(2026, 11, 27, 12, 0)
    assert at("3:30pm") == datetime(2026, 11, 27, 15, 30)
    assert at("at 3:30") == datetime(2026, 11, 27, 15, 30)  # clinic hours: PM
    assert at("at 10") == datetime(2026, 11, 27, 10, 0)  # clinic hours: AM
    assert at("at 15:00") == datetime(2026, 11, 27, 15, 0)
    assert at("half past 2") == datetime(2026, 11, 27, 14, 30)
    assert at("quarter to 3") == datetime(2026, 11, 27, 14, 45)
    assert at("at 8 in the evening") == datetime(2026, 11, 27, 20, 0)
    assert at("morning at 6") == datetime(2026, 11, 27, 6, 0)
    assert at("at 3 o'clock") == datetime(2026, 11, 27, 15, 0)


def test_time_alone_is_today_if_still_ahead_else_tomorrow() -> None:
    eleven = datetime(2026, 11, 23, 11, 0, tzinfo=NY)

    def alone(day: date, at: datetime) -> WhenSlot:
        # The day was not said: a dialogue that already has one keeps its own.
        return WhenSlot(day, at, day_said=False)

    assert parse_when("at 3", eleven) == alone(date(2026, 11, 23), datetime(2026, 11, 23, 15, 0))
    assert parse_when("at 10", eleven) == alone(date(2026, 11, 24), datetime(2026, 11, 24, 10, 0))
    assert parse_when("3 PM", eleven) == alone(date(2026, 11, 23), datetime(2026, 11, 23, 15, 0))
    assert parse_when("Tuesday at 3", eleven).day_said  # type: ignore[union-attr]


def test_parts_of_day() -> None:
    assert parse_when("tomorrow morning", SATURDAY) == slot(date(2026, 11, 29), part="morning")
    assert parse_when("tonight", SATURDAY) == slot(date(2026, 11, 28), part="evening")
    assert parse_when("tonight at 7", SATURDAY) == slot(
        date(2026, 11, 28), at=datetime(2026, 11, 28, 19, 0)
    )
    # A greeting is not a part of day; "morning or afternoon" names no single part.
    assert parse_when("Good morning! Tomorrow please", SATURDAY) == slot(date(2026, 11, 29))
    assert parse_when("tomorrow morning or afternoon", SATURDAY) == slot(date(2026, 11, 29))
    assert part_window("morning") == (time(7), time(12))
    assert part_window("afternoon") == (time(12), time(17))
    assert part_window("evening") == (time(17), time(20))
    with pytest.raises(ValueError):
        part_window("night")


def test_an_appointment_id_or_duration_is_not_a_date_or_time() -> None:
    assert parse_when("move appointment 12 to tomorrow at 3", MONDAY) == slot(
        date(2026, 11, 24), at=datetime(2026, 11, 24, 15, 0)
    )
    assert parse_when("tomorrow, for 30 minutes", MONDAY) == slot(date(2026, 11, 24))


@pytest.mark.parametrize(
    "text",
    [
        "book with Dr Chen",
        "I need a refill of 2 inhalers",
        "appointment 12",
        "cancel #3",
        "may I book a visit",
        "may 2 of us come in",
        "I'd like a second opinion",
        "I need it now",
        "I sat down and called",
        "sun is out, wed like to book",
        "c'mon, any slot",
        "I take 1/2 a tablet",
        "are you open 24/7",
        "it takes 30 minutes",
        "for 30 minutes",
        "I need a 2 weeks supply",
        "my dose is 10 mg at most",
        "cancel the 2nd one",
        "can I come in the morning",
        "Good afternoon",
    ],
)
def test_date_free_texts_return_none(text: str) -> None:
    assert parse_when(text, MONDAY) is None


def test_describe_when() -> None:
    assert describe_when("my Thursday appointment", TUESDAY) == WhenParts(
        date(2026, 11, 26), weekday=3, earliest=date(2026, 11, 24)
    )
    assert describe_when("next Thursday", datetime(2026, 11, 26, 8, 0)) == WhenParts(
        date(2026, 12, 3), weekday=3, earliest=date(2026, 11, 27)
    )
    assert describe_when("my 3pm appointment", TUESDAY) == WhenParts(clock=time(15, 0))
    assert describe_when("next week", TUESDAY) == WhenParts(date(2026, 11, 30), span_days=7)


def test_weekday_in_ignores_english_words() -> None:
    assert weekday_in("cancel my Thursday visit") == 3
    assert weekday_in("I sat with Dr Chen on the sun deck") is None
    assert weekday_in("c'mon") is None
    assert weekday_in("Weds at 10") == 2
    assert next_weekday(date(2026, 11, 24), 1) == date(2026, 12, 1)
    assert next_weekday(date(2026, 11, 24), 2) == date(2026, 11, 25)


def test_twenty_four_hour_clock_and_horizon() -> None:
    base = datetime(2026, 11, 21, 10, 0)
    said = parse_when("Book me with Dr X on November 30 at 14", base)
    assert said is not None and said.at == datetime(2026, 11, 30, 14, 0)
    said = parse_when("tomorrow at 14", base)
    assert said is not None and said.at == datetime(2026, 11, 22, 14, 0)
    assert parse_when("in 2099", base) is None
