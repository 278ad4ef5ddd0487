"""Dates and times in natural language, in the tenant's local wall clock.

Callers pass the tenant's "now" (aware or naive; any tzinfo is dropped, the wall-clock reading
is what counts) and get naive local dates and datetimes back. Parsing is dateparser's
`search_dates` (RELATIVE_BASE = local now, PREFER_DATES_FROM = future); around it sits a thin
layer for what it does not do, or gets wrong, for a clinic:

* Guards: a phrase it finds counts only if it holds a date or time cue (weekday or month name,
  today/tomorrow/tonight, next/this week or month, "in N days", "14th", "3/14", "3 PM", "10:30",
  noon). "may I", "I sat down", "a second opinion", "24/7", "now" and durations ("for 30 minutes",
  "2 weeks supply") are not dates. A date before today ("last Friday") is not usable.
* Clocks: a bare hour follows the clinic rule (7-11 AM, 12 noon, 1-6 PM) unless "morning",
  "afternoon", "evening" or "tonight" says otherwise; "half past 2" is 2:30. A time alone is
  today if still ahead, else tomorrow.
* Parts of day ("tomorrow afternoon") set `part` and leave `at` empty; a part of day alone
  ("in the morning") is not a date, and "Good morning" is a greeting.
* "next Tuesday" is dateparser's first Tuesday strictly after today; a bare or "this" Tuesday
  said on a Tuesday is today. "Tuesday next week" is that week's Tuesday; "Tuesday after next"
  is a week after "next Tuesday".
* "the 14th" is the next 14th on or after today, skipping months too short. "March 3"/"3/14"
  (month first) is dateparser's next such date. Spelled-out ordinals are not read: "the first
  of December" is all of December.
* Spans: "next week" is Monday of next week with `span_days=7`; "this week" is today through
  Sunday; "next month"/"this month"/"in December" cover that month (from today if current).
  A time said with a span names no bookable instant and is dropped.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from dateparser.search import search_dates

from core.tool_payloads import PART_WINDOWS


def part_window(part: str) -> tuple[time, time]:
    """The clinic's [start, end) wall-clock window for "morning", "afternoon" or "evening"."""
    try:
        return PART_WINDOWS[part]
    except KeyError:
        raise ValueError(f"unknown part of day: {part!r}") from None


@dataclass(frozen=True)
class WhenSlot:
    day: date
    at: datetime | None  # naive local datetime when a time of day was said
    part: str | None = None  # "morning" | "afternoon" | "evening" when said without a time
    span_days: int = 1  # 7 for "next week": search [day, day + span_days)
    # False when only a time was said and the day is the next time that clock comes round:
    # a dialogue that already has a day keeps its own.
    day_said: bool = True
    # The weekday named ("Friday"), when the day came from one: "only Fridays for me" then
    # "next week" is next week's Friday.
    weekday: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class WhenParts:
    """What a text says about when, before it is turned into one slot."""

    day: date | None = None
    span_days: int = 1
    weekday: int | None = None  # set when the day came from a weekday name alone
    earliest: date | None = None  # with `weekday`: the first date that reference allows
    clock: time | None = None
    part: str | None = None


_I = re.IGNORECASE
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_FULL_MONTHS = (  # "may" is a verb: see _DATE_CUE
    "january|february|march|april|june|july|august|september|october|november|december"
)
_SHORT_MONTH = r"may|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec"

# Pre-normalisations: typos, abbreviations dateparser misses, clock forms it misreads.
_TOMORROW = re.compile(r"\b(?:tomorow|tommorr?ow|tmrw|tmr)\b", _I)
# "sat", "sun" and "wed" are words: they name a day only before a date, time or part of day.
_DAY_CONTEXT = (
    r"(?=\.?,?\s+(?:the\s+)?\d|\s+(?:at|@)\s*\d|\s+(?:morning|afternoon|evening|night"
    rf"|{_FULL_MONTHS}|{_SHORT_MONTH})\b)"
)
_WEEKDAY_ABBR = re.compile(
    rf"\b(?P<full>{'|'.join(_WEEKDAYS)})\b"
    rf"|(?<!')\b(?:(?P<wd>mon|tues?|thu(?:rs?)?|fri)\b|(?P<word>weds?|sat|sun)\b{_DAY_CONTEXT})\.?",
    _I,
)
_MONTH_DOT = re.compile(rf"\b({_SHORT_MONTH})\.", _I)
_DURATION = re.compile(
    r"\bfor\s+(?:\d+|an?|one|two|three|four|five|six|ten)\s+(?:min(?:ute)?|h(?:ou)?r|day|week|month)s?\b"
    r"|\b\d+\s+(?:day|week|month)s?(?:'s?)?\s+(?:supply|worth)\b",
    _I,
)
_CLOCK = re.compile(
    r"(?:\b(?P<rel>half\s+past|quarter\s+past|quarter\s+to)\s+(?P<rh>\d{1,2})\b"
    r"|(?<![\d:/.])\b(?P<h>\d{1,2}):(?P<m>[0-5]\d)\b"
    r"|(?<![\d:/.])\b(?P<oh>\d{1,2})\s*o'?clock\b"
    r"|(?P<at>\b(?:at|around|about)\s+|@\s*)(?P<ah>\d{1,2})\b"
    r"(?![:/.]\d|\s*(?:%|mg|mcg|ml|st|nd|rd|th|days?|weeks?|months?|hours?|minutes?)\b))"
    r"(?!\s*[ap]\.?\s?m\b)",
    _I,
)
_PART = re.compile(
    r"(?<!good )(?<!every )(?<!last )\b(?P<part>morning|afternoon|evening)s?\b"
    rf"|\btonight\b|\b(?:today|tomorrow|{'|'.join(_WEEKDAYS)})\s+night\b",
    _I,
)

# Cues: a phrase dateparser finds is a date only if one of these starts inside it.
_ORDINAL = (
    r"\b(?P<ord>\d{1,2})(?:st|nd|rd|th)\b(?!\s+(?:one|ones|appointment|appt|visit|time|option"
    r"|slot|dose|refill|prescription|of\s+(?:the|my|them|those|these)\b))"
)
_DATE_CUE = re.compile(
    rf"\b(?:{'|'.join(_WEEKDAYS)}|{_FULL_MONTHS}|today|tomorrow|tonight)\b"
    rf"|\b(?:{_SHORT_MONTH[4:]}|(?-i:May))\s+(?:the\s+)?\d{{1,2}}\b"  # "may 2 of us": a verb
    rf"|\bmay\s+\d{{1,2}}(?:st|nd|rd|th)\b|(?<=\b(?:in|on|of)\s)(?:{_SHORT_MONTH})\b"
    r"|\b(?:next|this|coming)\s+(?:week|month)\b|\bin\s+(?:\d+|an?|one|two|three|four)\s+"
    rf"(?:day|week|month)s?\b|{_ORDINAL}|\b20\d\d-\d\d-\d\d\b"
    r"|(?<![\d/])(?:1[0-2]|0?[1-9])/(?:3[01]|[12]\d|0?[1-9])(?:/\d{2,4})?(?![\d/])"
    r"(?!\s*(?:an?|of|tabs?|tablets?|pills?|caps?|capsules?|doses?|hours?|hrs?|cups?|mg)\b)",
    _I,
)
_CLOCK_CUE = re.compile(r"\d\s*[ap]\.?m\b|\d:[0-5]\d|\bnoon\b", _I)
_CLOCK_CUT = re.compile(r"(?:\b(?:at|@)\s*)?\d{1,2}(?::\d\d)?\s*[ap]\.?m\b\.?|\d{1,2}:\d\d", _I)
_SPAN = re.compile(r"\b(?P<mod>next|this|coming)\s+(?P<unit>week|month)\b", _I)
_MONTH_ONLY = re.compile(rf"^(?:in|of|on)?\s*(?:{_FULL_MONTHS}|{_SHORT_MONTH})$", _I)


def part_in(text: str) -> str | None:
    """The part of day a text names, without reading any date ("mornings are best")."""
    return _find_part(text)


# Where a reason starts: "afternoons, because mornings I work" wants the afternoon.
_REASON = re.compile(
    r"\b(?:because|since|cause|cuz|as\s+i|i\s+work|i'?m\s+at\s+work|porque|ya\s+que|pues"
    r"|trabajo|tiene\s+escuela|tengo\s+escuela)\b",
    _I,
)
_NEGATED = re.compile(r"\b(?:no|not|never|except|nada|ni|can'?t|cannot)\s+(?:\w+\s+){0,2}$", _I)


_OTHER_PART = {"morning": "afternoon", "afternoon": "morning"}
_BAD_PART = re.compile(
    r"^\W*(?:are|is|r)?\s*(?:difficult|hard|tough|bad|impossible|no\s+good|not\s+good|a\s+problem"
    r"|out|don'?t\s+work|won'?t\s+work|do\s+not\s+work|are\s+out|no\s+me\s+sirven?"
    r"|no\s+puedo|son\s+dificiles|imposibles?)\b",
    _I,
)


def _find_part(text: str) -> str | None:
    """The part of day said, or None when none (or conflicting ones: "morning or afternoon").
    Two parts with a reason between them ("in the afternoon, since in the morning she has
    school"): the one before the reason, unless it is negated."""
    found = list(_PART.finditer(text))
    parts = {(m["part"] or "evening").lower() for m in found}
    if len(parts) == 1:
        part = parts.pop()
        # "mornings are hard": the other half of the clinic's day.
        if part in _OTHER_PART and _BAD_PART.search(text[found[-1].end() :]):
            return _OTHER_PART[part]
        return part
    reason = _REASON.search(text)
    if len(parts) == 2 and reason is not None:
        before = [m for m in found if m.end() <= reason.start()]
        kept = {(m["part"] or "evening").lower() for m in before}
        if len(kept) == 1 and not _NEGATED.search(text[: before[0].start()]):
            return kept.pop()
    return None


def _clock_text(m: re.Match[str], part: str | None) -> str:
    hour = int(m["rh"] or m["h"] or m["oh"] or m["ah"])
    minute = int(m["m"] or 0)
    rel = (m["rel"] or "").lower()
    if rel:
        minute = 30 if rel.startswith("half") else 15 if "past" in rel else 45
        hour = (hour - 1 or 12) if rel.endswith("to") else hour
    if 13 <= hour <= 23:
        # A 24-hour clock: "at 14" alone makes dateparser read a day or a year out of it.
        return f"{'at ' if m['at'] else ''}{hour}:{minute:02d}"
    if not 1 <= hour <= 12:
        return m.group()  # "0:30" is left to dateparser
    # A part of day decides; else clinic hours: "at 3" is 3 PM, "at 10" is 10 AM.
    pm = part in ("afternoon", "evening") or hour == 12 or (hour <= 6 and part != "morning")
    return f"{'at ' if m['at'] else ''}{hour}:{minute:02d} {'PM' if pm else 'AM'}"


def _normalise(text: str, part: str | None) -> str:
    text = text.replace("\u2019", "'")
    text = _TOMORROW.sub("tomorrow", text)
    # dateparser reads "the day after tomorrow" as tomorrow, and drops a time said after it.
    text = re.sub(r"\b(?:the\s+)?day\s+after\s+tomorrow\b", "in 2 days", text, flags=_I)
    text = _DURATION.sub(lambda m: " " * len(m.group()), text)
    text = _MONTH_DOT.sub(r"\1", text)
    text = re.sub(r"\bmidday\b", "noon", text, flags=_I)
    text = _WEEKDAY_ABBR.sub(lambda m: _weekday_name(m) or m.group(), text)
    return _CLOCK.sub(lambda m: _clock_text(m, part), text)


def _weekday_name(m: re.Match[str]) -> str | None:
    token = (m["wd"] or m["word"] or m["full"] or "").lower()
    return next((name for name in _WEEKDAYS if name.startswith(token[:3])), None)


def _next_day_of_month(today: date, day: int) -> date | None:
    """The first date on or after `today` whose day of month is `day` (skipping short months)."""
    for k in range(13):
        y, m = divmod(today.month - 1 + k, 12)
        if 1 <= day <= calendar.monthrange(today.year + y, m + 1)[1]:
            found = date(today.year + y, m + 1, day)
            if found >= today:
                return found
    return None


def _month_span(first: date, today: date) -> tuple[date, int]:
    start = max(first, today)
    return start, calendar.monthrange(first.year, first.month)[1] - start.day + 1


_SHORTHAND = {
    "wk": "week",
    "wks": "weeks",
    "mornin": "morning",
    "mrng": "morning",
    "aftn": "afternoon",
}
_SHORT = re.compile(r"\b(" + "|".join(_SHORTHAND) + r")\b'?", _I)


_TURNED_DOWN = re.compile(
    r"\b(?:not|no)\s+(?:this|next|the\s+coming)\s+(?:week|month)\b"
    r"|\b(?:this|next)\s+(?:week|month)\s+(?:is\s+out|won'?t\s+work|doesn'?t\s+work|is\s+no\s+good)\b",
    _I,
)
_PLURAL_DAY = re.compile(rf"\b({'|'.join(_WEEKDAYS)})s\b", _I)
_SPELLED = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
_SPELLED_CLOCK = re.compile(
    r"\b(half\s+past|quarter\s+past|quarter\s+to|at)\s+(" + "|".join(_SPELLED) + r")\b"
    r"(?!\s+(?:thirty|fifteen|forty-five))"
    r"|\b(" + "|".join(_SPELLED) + r")\s+(thirty|fifteen|forty-five|o'?clock)\b",
    _I,
)


def _spelled(m: re.Match[str]) -> str:
    if m.group(1):
        return f"{m.group(1)} {_SPELLED[m.group(2).lower()]}"
    hour, rest = _SPELLED[m.group(3).lower()], m.group(4).lower()
    minute = {"thirty": ":30", "fifteen": ":15", "forty-five": ":45"}.get(rest)
    return f"{hour}{minute}" if minute else f"{hour} o'clock"


def describe_when(text: str, now_local: datetime) -> WhenParts:
    """The day, weekday, clock and part of day `text` names, relative to the tenant's now."""
    text = _SHORT.sub(lambda m: _SHORTHAND[m.group(1).lower()], text)  # hurried typing
    text = _PLURAL_DAY.sub(r"\1", text)  # "I can only come on Fridays"
    text = _TURNED_DOWN.sub(" ", text)  # "not this week - Friday of next week"
    text = _SPELLED_CLOCK.sub(_spelled, text)  # "half past ten", "ten thirty"
    base = now_local.replace(tzinfo=None)
    today = base.date()
    part = _find_part(text)
    norm = _normalise(text, part)
    settings = {"RELATIVE_BASE": base, "PREFER_DATES_FROM": "future"}
    found = search_dates(norm, languages=["en"], settings=settings)
    if not found and _CLOCK_CUE.search(norm):  # search_dates misses a text that is only "3 PM"
        norm = f"at {norm}"
        found = search_dates(norm, languages=["en"], settings=settings)
    dated: list[tuple[str, datetime]] = []
    clocked: list[tuple[str, datetime]] = []
    pos, cues = 0, [m.start() for m in _DATE_CUE.finditer(norm)]
    for phrase, when in found or []:
        start = norm.find(phrase, pos)
        pos = start + len(phrase) if start >= 0 else pos
        past = re.search(r"\b(?:last|past|previous|ago)\b", phrase, _I)  # not bookable
        if start >= 0 and not past and any(start <= c < start + len(phrase) for c in cues):
            dated.append((phrase.strip(" ,"), when))
        if _CLOCK_CUE.search(phrase):
            clocked.append((phrase, when))
    clock = clocked[0][1].time() if clocked else None
    ordinal = re.search(_ORDINAL, norm, _I)
    if not dated and ordinal:  # dateparser finds no "31st" while in a 30-day month
        dated.append((ordinal.group(), base))
    span_said = _SPAN.search(norm)
    if span_said and not any(_SPAN.search(p) for p, _ in dated):
        # dateparser loses "next week" beside other words ("sometime next week, mornings are
        # best"); the span is what the patient asked for, so it leads.
        dated.insert(0, (span_said.group(), base))
    if not dated:
        return WhenParts(clock=clock, part=part)

    phrase, when = dated[0]
    day, span, weekday, earliest = when.date(), 1, None, None
    span_m = next((m for p, _ in dated if (m := _SPAN.search(p))), None)
    named = next((w for p, _ in dated for w in _WEEKDAYS if w in p.lower()), None)
    dateless = _CLOCK_CUT.sub("", phrase).strip(" ,")  # the phrase without its clock
    monthless = not re.search(rf"{_FULL_MONTHS}|\b(?:{_SHORT_MONTH})\b|/", dateless, _I)
    monday = today - timedelta(days=today.weekday())
    if span_m and span_m["unit"].lower() == "week":
        week_start = monday + timedelta(weeks=0 if span_m["mod"].lower() == "this" else 1)
        if named:  # "Tuesday next week": one date in that Monday-Sunday week
            day = week_start + timedelta(days=_WEEKDAYS.index(named))
        else:  # dateparser's "next week" is today + 7; a clinic searches the week
            day, span = max(week_start, today), 7 - max(week_start, today).weekday()
    elif span_m:  # dateparser's "next month" is today + 1 month; search that month
        first = today.replace(day=1)
        if span_m["mod"].lower() != "this":
            first = (first + timedelta(days=32)).replace(day=1)
        day, span = _month_span(first, today)
    elif monthless and (m := re.search(_ORDINAL, dateless, _I)):
        # dateparser keeps "the 14th" in this month even when past, and reads "one" as January
        day = _next_day_of_month(today, int(m["ord"])) or day
    elif _MONTH_ONLY.match(dateless):  # dateparser puts "in December" on today's day of month
        day, span = _month_span(day.replace(day=1), today)
    elif named and monthless and not re.search(r"\d", dateless):
        weekday = _WEEKDAYS.index(named)
        strict = bool(re.search(r"\bnext\b", phrase, _I))
        after = re.search(rf"{named}s?\s+after\s+next\b", norm, _I)
        if not strict and not after and weekday == today.weekday():
            day = today  # dateparser jumps a week; "Friday?" said on a Friday means today
        earliest = today + timedelta(days=1 if strict or after else 0)
        if after:  # dateparser reads "Monday after next" as "Monday after"
            day = earliest = day + timedelta(weeks=1)
    if day < today:
        return WhenParts(part=part)  # "last Friday": not something to book
    return WhenParts(day, span, weekday, earliest, None if span > 1 else clock, part)


HORIZON = timedelta(days=400)


def parse_when(text: str, now_local: datetime) -> WhenSlot | None:
    """The day (and time, or part of day) `text` asks for, in the tenant's local wall clock."""
    said = describe_when(text, now_local)
    if said.day is not None and said.day > now_local.date() + HORIZON:
        return None  # a misread ("30 at 14" as a year) or beyond any clinic's booking horizon
    if said.day is None:
        if said.clock is None:
            return None
        base = now_local.replace(tzinfo=None)  # a time alone: today if still ahead, else tomorrow
        at = datetime.combine(base.date(), said.clock)
        at += timedelta(days=1 if at < base else 0)
        return WhenSlot(at.date(), at, day_said=False)
    if said.clock is not None:
        return WhenSlot(said.day, datetime.combine(said.day, said.clock))
    return WhenSlot(said.day, None, said.part, said.span_days, weekday=said.weekday)


def weekday_in(text: str) -> int | None:
    """The weekday named in `text` (0 = Monday), ignoring "sat", "sun" and "wed" as words."""
    m = _WEEKDAY_ABBR.search(text.replace("\u2019", "'"))
    name = _weekday_name(m) if m else None
    return _WEEKDAYS.index(name) if name else None


def next_weekday(today: date, weekday: int) -> date:
    return today + timedelta(days=(weekday - today.weekday()) % 7 or 7)
