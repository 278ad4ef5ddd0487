"""Slot extraction: dates and times relative to the tenant's clock, and provider names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateparser.search import search_dates
from rapidfuzz import fuzz

_BARE_HOUR = re.compile(r"\bat (\d{1,2})(?![:\d]|\s*(?:am|pm|a\.m\.|p\.m\.))\b", re.IGNORECASE)
_HAS_TIME = re.compile(
    r"\b(?:\d{1,2}:\d{2}|\d{1,2}\s*(?:am|pm|a\.m\.|p\.m\.)|noon|at \d{1,2})\b", re.IGNORECASE
)
_TITLE = re.compile(r"^(?:dr\.?|doctor)\s+", re.IGNORECASE)
_ID_REF = re.compile(r"(?:appointment|appt|visit|#)\s*(?:number|no\.?|id)?\s*#?(\d+)", re.I)
_WEEKDAY = re.compile(r"\b(mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\b", re.I)


def _clinic_hour(match: re.Match[str]) -> str:
    # "at 10" means 10 AM and "at 3" means 3 PM in a clinic that works 7 AM to 7 PM.
    hour = int(match.group(1))
    suffix = "am" if 7 <= hour <= 11 else "pm"
    return f"at {hour}:00{suffix}"


@dataclass(frozen=True)
class WhenSlot:
    day: date
    at: datetime | None  # naive local datetime when a time of day was said


def parse_when(text: str, now_local: datetime) -> WhenSlot | None:
    normalised = _BARE_HOUR.sub(_clinic_hour, text)
    base = now_local.replace(tzinfo=None)
    found = search_dates(
        normalised,
        languages=["en"],
        settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "future"},
    )
    if not found:
        return None
    phrase, value = found[0]
    if value.date() < base.date():
        # "the 14th" said on the 21st means next month's 14th.
        month = value.month % 12 + 1
        value = value.replace(year=value.year + (value.month == 12), month=month)
    has_time = bool(_HAS_TIME.search(phrase))
    return WhenSlot(value.date(), value if has_time else None)


def appointment_id_in(text: str) -> int | None:
    m = _ID_REF.search(text)
    return int(m.group(1)) if m else None


def weekday_in(text: str) -> int | None:
    m = _WEEKDAY.search(text)
    if not m:
        return None
    return ("mon", "tue", "wed", "thu", "fri", "sat", "sun").index(m.group(1).lower()[:3])


@dataclass(frozen=True)
class NamedEntity:
    id: int
    name: str


def match_names(text: str, candidates: list[NamedEntity], *, threshold: int = 80) -> list[int]:
    """Ids of candidates named in `text`: exact surname or first word first, fuzzy second."""
    words = re.findall(r"[A-Za-z][A-Za-z'-]+", text.lower())
    exact: list[int] = []
    fuzzy: list[int] = []
    for cand in candidates:
        parts = _TITLE.sub("", cand.name).lower().replace(".", "").split()
        keys = {parts[-1], parts[0]} if parts else set()
        if keys & set(words):
            exact.append(cand.id)
        elif any(fuzz.ratio(k, w) >= threshold for k in keys for w in words if len(w) > 3):
            fuzzy.append(cand.id)
    return exact or fuzzy


def next_weekday(today: date, weekday: int) -> date:
    return today + timedelta(days=(weekday - today.weekday()) % 7 or 7)
