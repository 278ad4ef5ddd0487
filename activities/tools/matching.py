"""Provider and medication names, and which booked appointment a patient means.

Names are matched exactly first (titles, credentials and strengths stripped), then fuzzily with
rapidfuzz; ties are reported as ambiguous so the planner asks. Appointment references combine an
explicit id, a provider name and what the text says about when (see `when.describe_when`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from rapidfuzz import fuzz

from .when import describe_when, part_window

_WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_ID_REF = re.compile(
    r"(?:\b(?:appointment|appt|visit)\s*(?:number|no\.?|id)?|#)\s*#?(\d+)"
    r"(?!\d|\s*(?::\d|/\d|(?:st|nd|rd|th|am|pm|a\.m|p\.m|o'?clock|days?|weeks?|months?|hours?|minutes?)\b))",
    re.IGNORECASE,
)


def appointment_id_in(text: str) -> int | None:
    m = _ID_REF.search(text)
    return int(m.group(1)) if m else None


# --------------------------------------------------------------------------------------------
# Names: providers and medications


@dataclass(frozen=True)
class NamedEntity:
    id: int
    name: str


@dataclass(frozen=True)
class NameMatch:
    ids: list[int]  # best matches, in candidate order; empty when nothing was named
    ambiguous: bool  # more than one candidate fits equally well: ask which
    said: str | None  # the word(s) of the text that matched, as written


_TITLES = frozenset(
    {"dr", "doctor", "doc", "nurse", "prof", "professor", "mr", "mrs", "ms", "miss", "mx"}
    | {"dra", "doctora", "sr", "sra", "srta", "enfermera", "enfermero"}
)
_CREDENTIALS = frozenset(
    {"md", "do", "np", "pa", "rn", "phd", "dds", "dmd", "pharmd", "dnp", "fnp", "aprn", "mbbs"}
    | {"jr", "sr", "ii", "iii", "c"}
)
_UNITS = frozenset({"mg", "mcg", "g", "ml", "l", "iu", "unit", "units", "meq", "mmol"})
# Words that can be names but are far more often plain English: they name someone only with a
# title ("Dr Will") or a capital mid-sentence ("see Will"), or alongside another matching part.
_COMMON_WORDS = """can will may bill mark grant hope joy faith rose june april august dawn
    summer hunter chase rich ray art pat sue don guy jack frank miles lane hall king long young
    white brown green black gray grey wood wells hill price ward banks rice cook page love baker
    walker carter mason cole best little bell rivers sunny chance sky lake park field fields
    stone case nice good day early late english french rush lamb fox bird wolf fish fisher cash
    gold silver burns cross key law light north south west east small strong sweet wise free van
    von der den del della de la le da di du st"""
_COMMON = frozenset(_COMMON_WORDS.split())
_CALENDAR = frozenset(
    _WEEKDAY_NAMES
    + _MONTH_NAMES
    + ("today", "tonight", "tomorrow", "morning", "afternoon", "evening", "week", "month")
)
# Never fuzzily matched: the vocabulary of the requests themselves.
_REQUEST_TEXT = """appointment appointments book booking cancel reschedule refill refills
    prescription prescriptions please thanks thank available availability doctor clinic visit
    schedule need want would could should there their about with have next this that when what
    which where time times slot slots"""
_REQUEST_WORDS = frozenset(_REQUEST_TEXT.split())
_NEVER_FUZZY = _COMMON | _CALENDAR | _REQUEST_WORDS
_TEXT_WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019]*")


def _norm(word: str) -> str:
    word = word.lower().replace("\u2019", "'")
    if word.endswith("'s"):
        word = word[:-2]
    return word.replace("'", "").replace(".", "")


def _name_keys(name: str) -> set[str]:
    keys: set[str] = set()
    for i, token in enumerate(re.split(r"[\s,/()+-]+", name)):
        if any(ch.isdigit() for ch in token) or "%" in token:
            continue  # strengths: "10mg", "500", "0.5%"
        key = _norm(token.strip(".,;:"))
        if (
            not key
            or not key.isalpha()
            or key in _TITLES
            or key in _UNITS
            or (i > 0 and key in _CREDENTIALS)
        ):
            continue
        keys.add(key)
    return keys


@dataclass(frozen=True)
class _Word:
    norm: str
    said: str
    evidence: bool  # a title before it, or a capital not explained by a sentence start


def _text_words(text: str) -> list[_Word]:
    words: list[_Word] = []
    previous = ""
    for m in _TEXT_WORD.finditer(text):
        norm = _norm(m.group())
        before = text[: m.start()].rstrip()
        sentence_start = not before or before[-1] in '.!?:;"('
        titled = previous in _TITLES
        capital = m.group()[0].isupper() and not sentence_start and norm not in _CALENDAR
        said = re.sub(r"['\u2019]s?$", "", m.group())  # "Okafor's" was said as "Okafor"
        words.append(_Word(norm, said, titled or capital))
        previous = norm
    return words


def _exact(word: _Word, key: str) -> bool:
    return word.norm == key or word.norm in (key + "s", key + "es")


def resolve_name(text: str, candidates: list[NamedEntity], *, threshold: int = 80) -> NameMatch:
    """Which of `candidates` (providers or medications) `text` names.

    Exact matches on any part of a name (titles, credentials and strengths stripped) beat fuzzy
    ones, and candidates matching more parts ("Maya Chen") beat those matching fewer ("Chen").
    Ties are ambiguous: two Dr. Chens, or a first name of one provider that is another's surname.
    Fuzzy matching ("Dr Chenn", "lisinoprill") needs a word of 4+ letters and, unless the name
    part is long (7+ letters, typical of drug names), a title before it or a capital letter.
    """
    words = _text_words(text)
    keyed = [(cand, _name_keys(cand.name)) for cand in candidates]

    scores: list[tuple[float, NamedEntity, set[int]]] = []
    for cand, keys in keyed:
        strong: set[str] = set()
        weak: set[str] = set()
        used: set[int] = set()
        for wi, word in enumerate(words):
            for key in keys:
                if not _exact(word, key):
                    continue
                plain = len(key) <= 2 or key in _COMMON or key in _CALENDAR
                (weak if plain and not word.evidence else strong).add(key)
                used.add(wi)
        if strong:
            scores.append((len(strong | weak), cand, used))

    if not scores:
        for cand, keys in keyed:
            best = 0.0
            used = set()
            for wi, word in enumerate(words):
                if len(word.norm) < 4 or word.norm in _NEVER_FUZZY:
                    continue
                for key in keys:
                    if len(key) < 4 or not (word.evidence or len(key) >= 7):
                        continue
                    ratio = fuzz.ratio(word.norm, key)
                    if ratio >= threshold and ratio >= best:
                        if ratio > best:
                            used = set()
                        best = ratio
                        used.add(wi)
            if best:
                scores.append((best, cand, used))

    if not scores:
        return NameMatch([], False, None)
    top = max(score for score, _, _ in scores)
    ids: list[int] = []
    said_at: set[int] = set()
    for score, cand, used in scores:
        if score == top:
            if cand.id not in ids:
                ids.append(cand.id)
            said_at |= used
    said = " ".join(words[i].said for i in sorted(said_at))
    return NameMatch(ids, len(ids) > 1, said)


def match_names(text: str, candidates: list[NamedEntity], *, threshold: int = 80) -> list[int]:
    """Ids of candidates named in `text` (see `resolve_name`); several when ambiguous."""
    return resolve_name(text, candidates, threshold=threshold).ids


# --------------------------------------------------------------------------------------------
# Appointment references


@dataclass(frozen=True)
class AppointmentRef:
    id: int
    start_local: datetime  # naive, the tenant's wall clock
    provider_name: str


@dataclass(frozen=True)
class AppointmentMatch:
    ids: list[int]  # in start order; one id means resolved, several mean "ask which"
    # "id" | "id_not_found" | "none" (no appointments) | "only_one" | "all" (nothing said
    # narrows it) | "filtered:<filters>" | "no_match:<filters>", filters joined by "+" from
    # provider, time, part, weekday, date.
    reason: str


def resolve_appointment(
    text: str, appointments: list[AppointmentRef], tz_now_local: datetime
) -> AppointmentMatch:
    """Which of `appointments` the patient means.

    An explicit id ("appointment 12", "#12") wins, but only if it is one of `appointments`.
    Otherwise everything said narrows the list (intersection): provider, exact time ("my 3pm"),
    part of day, and the day. A weekday ("my Thursday appointment", also "next Thursday") means
    the earliest upcoming such day holding one of the remaining appointments: two Thursdays
    booked means this coming one, as a receptionist would read it ("next Thursday" said on a
    Thursday skips today). Other days ("tomorrow", "the 14th", "next week") filter by date range.
    If nothing narrows the list, a single appointment is the answer and several are all returned
    so the caller can ask; if the filters exclude everything, ids is empty ("no_match").
    """
    explicit = appointment_id_in(text)
    if explicit is not None:
        if any(a.id == explicit for a in appointments):
            return AppointmentMatch([explicit], "id")
        return AppointmentMatch([], "id_not_found")
    pool = sorted(appointments, key=lambda a: (a.start_local, a.id))
    if not pool:
        return AppointmentMatch([], "none")

    said = describe_when(text, tz_now_local)
    used: list[str] = []

    named = resolve_name(text, [NamedEntity(i, a.provider_name) for i, a in enumerate(pool)])
    if named.ids:
        keep = set(named.ids)
        pool = [a for i, a in enumerate(pool) if i in keep]
        used.append("provider")
    if said.clock is not None:
        pool = [a for a in pool if a.start_local.time().replace(second=0) == said.clock]
        used.append("time")
    elif said.part is not None:
        start, end = part_window(said.part)
        pool = [a for a in pool if start <= a.start_local.time() < end]
        used.append("part")
    day = said.day
    if day is not None and said.weekday is not None and said.earliest is not None:
        first, weekday = said.earliest, said.weekday
        pool = [
            a for a in pool if a.start_local.weekday() == weekday and a.start_local.date() >= first
        ]
        if pool:
            soonest = pool[0].start_local.date()
            pool = [a for a in pool if a.start_local.date() == soonest]
        used.append("weekday")
    elif day is not None:
        end_day = day + timedelta(days=said.span_days)
        pool = [a for a in pool if day <= a.start_local.date() < end_day]
        used.append("date")

    ids = [a.id for a in pool]
    if not used:
        return AppointmentMatch(ids, "only_one" if len(ids) == 1 else "all")
    return AppointmentMatch(ids, f"{'filtered' if ids else 'no_match'}:{'+'.join(used)}")
