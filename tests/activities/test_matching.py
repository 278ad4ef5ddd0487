"""Provider and medication names, and which booked appointment a patient means."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from activities.tools.matching import (
    AppointmentMatch,
    AppointmentRef,
    NamedEntity,
    NameMatch,
    appointment_id_in,
    match_names,
    resolve_appointment,
    resolve_name,
)

NY = ZoneInfo("America/New_York")
TUESDAY = datetime(2026, 11, 24, 9, 0, tzinfo=NY)  # November 2026: the 23rd is a Monday

STAFF = [
    NamedEntity(1, "Dr. Maya Chen"),
    NamedEntity(2, "Dr. Samuel Okafor"),
    NamedEntity(3, "Dr. Lucas Chen"),
]

RXS = [
    NamedEntity(10, "Lisinopril 10mg"),
    NamedEntity(11, "Albuterol inhaler"),
    NamedEntity(12, "Metformin 500 mg"),
]


def test_provider_names() -> None:
    assert match_names("book with Okafor", STAFF) == [2]
    assert match_names("book with dr okafur", STAFF) == [2]
    assert match_names("with Dr Chen", STAFF) == [1, 3]  # ambiguous: the planner asks
    assert match_names("what are your hours", STAFF) == []


def test_appointment_reference() -> None:
    assert appointment_id_in("cancel appointment 12") == 12
    assert appointment_id_in("cancel #7 please") == 7
    assert appointment_id_in("cancel my Thursday visit") is None
    # Ordinals, times and durations after "appointment"/"visit" are not ids.
    assert appointment_id_in("my appointment 14th of December") is None
    assert appointment_id_in("move the appointment 3pm to 4pm") is None
    assert appointment_id_in("a visit 2 weeks from now") is None
    assert appointment_id_in("my appointment 3 o'clock Friday") is None


# --- resolve_name: providers -----------------------------------------------------------------


def test_two_providers_sharing_a_surname_are_ambiguous() -> None:
    for text in ("with Dr Chen", "Chen", "dr. chen please"):
        match = resolve_name(text, STAFF)
        assert match.ids == [1, 3] and match.ambiguous, text
        assert match.said is not None and match.said.lower() == "chen"
    full = resolve_name("Dr. Maya Chen tomorrow", STAFF)
    assert full.ids == [1] and not full.ambiguous and full.said == "Maya Chen"


def test_first_name_of_one_and_surname_of_another_is_ambiguous() -> None:
    staff = [NamedEntity(1, "Dr. Lucas Chen"), NamedEntity(2, "Dr. Amy Lucas, MD")]
    match = resolve_name("with Lucas", staff)
    assert match.ids == [1, 2] and match.ambiguous and match.said == "Lucas"


def test_typos_need_a_title_or_capital() -> None:
    staff = [NamedEntity(1, "Dr. Maya Chen"), NamedEntity(2, "Dr. Samuel Okafor")]
    assert resolve_name("Dr Chenn", staff) == NameMatch([1], False, "Chenn")
    assert resolve_name("see Okafur tomorrow", staff).ids == [2]
    assert resolve_name("book with okafur", staff).ids == []  # no title, no capital


def test_common_words_are_not_names() -> None:
    staff = [NamedEntity(5, "Dr. Amy Cann"), NamedEntity(6, "Dr. Will Turner")]
    assert resolve_name("Can I book for tomorrow?", staff).ids == []
    assert resolve_name("will I be seen today", staff).ids == []
    assert resolve_name("I'd like to see Will", staff).ids == [6]
    assert resolve_name("Monday with Dr Will", staff).ids == [6]


# --- resolve_name: medications ---------------------------------------------------------------


def test_medication_names() -> None:
    assert resolve_name("refill my inhaler", RXS) == NameMatch([11], False, "inhaler")
    assert resolve_name("the albuterol please", RXS).ids == [11]
    assert resolve_name("lisinoprill", RXS) == NameMatch([10], False, "lisinoprill")
    assert resolve_name("metformin 1000mg", RXS).ids == [12]  # strength ignored
    assert resolve_name("I need a refill of 2 inhalers", RXS).ids == [11]
    assert resolve_name("a refill please", RXS).ids == []
    two = [*RXS, NamedEntity(13, "Fluticasone 110 mcg inhaler")]
    assert resolve_name("my inhaler", two) == NameMatch([11, 13], True, "inhaler")
    assert resolve_name("the albuterol inhaler", two).ids == [11]


# --- resolve_appointment ---------------------------------------------------------------------

APPTS = [
    AppointmentRef(1, datetime(2026, 11, 26, 9, 0), "Dr. Maya Chen"),  # this Thursday, AM
    AppointmentRef(2, datetime(2026, 11, 26, 15, 0), "Dr. Samuel Okafor"),  # this Thursday, PM
    AppointmentRef(3, datetime(2026, 12, 3, 10, 0), "Dr. Lucas Chen"),  # next week's Thursday
    AppointmentRef(4, datetime(2026, 12, 14, 11, 0), "Dr. Samuel Okafor"),  # Monday the 14th
]


def test_explicit_appointment_id_wins() -> None:
    assert resolve_appointment("cancel appointment 3 on Thursday", APPTS, TUESDAY).ids == [3]
    assert resolve_appointment("cancel #12", APPTS, TUESDAY) == AppointmentMatch([], "id_not_found")


def test_weekday_means_the_earliest_upcoming_such_day() -> None:
    match = resolve_appointment("cancel my Thursday appointment", APPTS, TUESDAY)
    assert match == AppointmentMatch([1, 2], "filtered:weekday")  # not next week's (3)
    # Said on that Thursday, "next Thursday" skips today.
    thursday = datetime(2026, 11, 26, 8, 0, tzinfo=NY)
    assert resolve_appointment("my next Thursday visit", APPTS, thursday).ids == [3]
    assert resolve_appointment("my Friday appointment", APPTS, TUESDAY).ids == []


def test_filters_combine() -> None:
    assert resolve_appointment("my visit with Dr Okafor", APPTS, TUESDAY).ids == [2, 4]
    assert resolve_appointment(
        "my Thursday appointment with Okafor", APPTS, TUESDAY
    ) == AppointmentMatch([2], "filtered:provider+weekday")
    assert resolve_appointment("my morning appointment on Thursday", APPTS, TUESDAY).ids == [1]
    assert resolve_appointment("my 3pm appointment", APPTS, TUESDAY).ids == [2]
    # Weekday after the other filters: Lucas Chen's Thursday is next week's.
    assert resolve_appointment("Thursday with Dr Lucas Chen", APPTS, TUESDAY).ids == [3]


def test_dates_filter_appointments() -> None:
    assert resolve_appointment("the one on the 14th", APPTS, TUESDAY).ids == [4]
    assert resolve_appointment("my appointment next week", APPTS, TUESDAY).ids == [3]
    assert resolve_appointment("my appointment tomorrow", APPTS, TUESDAY) == AppointmentMatch(
        [], "no_match:date"
    )


def test_ambiguous_or_unfiltered_references() -> None:
    assert resolve_appointment("my Chen appointment", APPTS, TUESDAY).ids == [1, 3]
    assert resolve_appointment("cancel my appointment", APPTS, TUESDAY) == AppointmentMatch(
        [1, 2, 3, 4], "all"
    )
    assert resolve_appointment("cancel it", APPTS[3:], TUESDAY) == AppointmentMatch([4], "only_one")
    assert resolve_appointment("cancel it", [], TUESDAY) == AppointmentMatch([], "none")


def test_appointment_reference_by_date_and_time_of_day() -> None:
    assert resolve_appointment("my Dec 14 appointment", APPTS, TUESDAY) == AppointmentMatch(
        [4], "filtered:date"
    )
    assert resolve_appointment("my afternoon appointment", APPTS, TUESDAY).ids == [2]
    assert resolve_appointment("my Thursday 9am with Chen", APPTS, TUESDAY) == AppointmentMatch(
        [1], "filtered:provider+time+weekday"
    )
    # Same instant, tenant-local days: Wednesday in New York, already Thursday in Tokyo.
    instant = datetime(2026, 11, 25, 16, 0, tzinfo=UTC)
    new_york, tokyo = instant.astimezone(NY), instant.astimezone(ZoneInfo("Asia/Tokyo"))
    assert resolve_appointment("my appointment tomorrow", APPTS, new_york).ids == [1, 2]
    assert resolve_appointment("my appointment tomorrow", APPTS, tokyo).ids == []
