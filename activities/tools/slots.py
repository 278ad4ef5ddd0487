"""Slot extraction: dates and times (`when`), names and appointment references (`matching`)."""

from __future__ import annotations

from .matching import (
    AppointmentMatch,
    AppointmentRef,
    NamedEntity,
    NameMatch,
    appointment_id_in,
    match_names,
    resolve_appointment,
    resolve_name,
)
from .when import (
    PART_WINDOWS,
    WhenParts,
    WhenSlot,
    describe_when,
    next_weekday,
    parse_when,
    part_window,
    weekday_in,
)

__all__ = [
    "PART_WINDOWS",
    "AppointmentMatch",
    "AppointmentRef",
    "NameMatch",
    "NamedEntity",
    "WhenParts",
    "WhenSlot",
    "appointment_id_in",
    "describe_when",
    "match_names",
    "next_weekday",
    "parse_when",
    "part_window",
    "resolve_appointment",
    "resolve_name",
    "weekday_in",
]
