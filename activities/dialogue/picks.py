"""Which offered option a reply means: by ordinal, by value, by attribute, or a plain yes.

Everything the reply says narrows the offered list (an intersection, like a receptionist
reading "the Tuesday one at 9"); an ordinal names one line outright. Several options left
is an ambiguity the caller turns into a narrower question, never a guess; none left means
the reply said something the list does not hold ("10:30" when 10:30 was not offered), which
the caller treats as a new constraint.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, time

from core.confirmation import reply_kind
from core.dialogue import Option

from ..tools.extractor import titled_names
from ..tools.slots import NamedEntity, describe_when, part_window, resolve_name
from ..tools.when_es import to_english_dates

_ORDINAL_WORDS = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "fifth": 5,
    "5th": 5,
    "sixth": 6,
    "6th": 6,
    "seventh": 7,
    "7th": 7,
    "eighth": 8,
    "8th": 8,
    "primer": 1,
    "primero": 1,
    "primera": 1,
    "segundo": 2,
    "segunda": 2,
    "tercer": 3,
    "tercero": 3,
    "tercera": 3,
    "cuarto": 4,
    "cuarta": 4,
    "quinto": 5,
    "quinta": 5,
    "sexto": 6,
    "sexta": 6,
    "septimo": 7,
    "septima": 7,
    "octavo": 8,
    "octava": 8,
}
# "the first one", "option 2", "#3", "el segundo", "la opcion 4": an ordinal is a pick only
# where it names a line, not a date ("the first of December") or a count ("2 kids").
_ORDINAL = re.compile(
    r"(?:^|\b(?:the|el|la|lo|number|option|opcion|numero|no\.?|choice|take|pick|want|quiero"
    r"|prefiero|dame|book)\s+)(?P<word>" + "|".join(_ORDINAL_WORDS) + r")\b"
    r"(?!\s+(?:of|de)\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|ene|abr|ago|dic))"
    r"|(?:\b(?:number|option|opcion|numero|no\.?|choice|la|el)\s*|#\s*)(?P<num>\d{1,2})\b"
    r"(?!\s*(?::|[ap]\.?m\b|h\b|de\b|o'?clock))"
    r"|^\s*(?P<alone>\d)\s*[.!]?\s*$",
    re.IGNORECASE,
)
_LAST = re.compile(
    r"\b(?:the\s+)?last(?:\s+(?:one|option|slot|time))?\b|\bultim[oa]\b", re.IGNORECASE
)
_LATEST = re.compile(r"\blatest\b|\blater\s+one\b|\bmas\s+tarde\b|\bultima\s+hora\b", re.I)
_EARLIEST = re.compile(
    r"\b(?:earliest|soonest|first\s+(?:available|open|free)|asap)\b"
    r"|\bmas\s+(?:temprano|temprana|pronto)\b",
    re.IGNORECASE,
)
# Words naming no task of their own: "works", "that one", "me quedo con": a short reply of
# these and option values is a pick.
_PICK_CUE = re.compile(
    r"\b(?:one|ones|works|work|fine|good|perfect|great|take|that|this|book|grab|want|prefer"
    r"|please|ok|okay|sounds|uno|una|esa|ese|esta|este|sirve|perfecto|bien|quedo|tomo|quiero"
    r"|prefiero|opcion|option|slot|time|horario|hora|porfa|gracias|queda|sirve|la\s+de|el\s+de"
    r"|la\s+que|el\s+que|those|these|estos|estas|esos|esas)\b",
    re.IGNORECASE,
)


@dataclass
class Pick:
    """The options the reply fits. `how`: ordinal | value | yes | extreme | none (nothing in
    the reply picks) | unmatched (it named values no option has)."""

    options: list[Option] = field(default_factory=list)
    how: str = "none"
    said: list[str] = field(default_factory=list)  # which features narrowed the list


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower().replace("\u2019", "'"))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def _start(option: Option) -> datetime | None:
    return datetime.fromisoformat(option.start_local) if option.start_local else None


def _same_clock(start: datetime, clock: time) -> bool:
    # A bare "at 2" is read by the clinic rule; an offered 2 PM also answers "2" said as AM.
    hour = start.hour
    return start.minute == clock.minute and hour in (clock.hour, (clock.hour + 12) % 24)


def ordinal_in(text: str) -> int | str | None:
    """1-based line number, "last", or None."""
    plain = _plain(text)
    m = _ORDINAL.search(plain)
    if m:
        if m["word"]:
            return _ORDINAL_WORDS[m["word"]]
        return int(m["num"] or m["alone"])
    if _LAST.search(plain) and not re.search(r"\blast\s+(?:week|month|time|visit)\b", plain):
        return "last"
    return None


def resolve_pick(text: str, offered: list[Option], now_local: datetime) -> Pick:
    if not offered:
        return Pick()
    plain = _plain(text)
    ordinal = ordinal_in(text)
    if ordinal is not None:
        # "the first afternoon slot": the ordinal counts within what the rest says.
        pool, said = _narrow(text, offered, now_local)
        if said and not pool:
            return Pick([], "unmatched", ["ordinal", *said])
        within = pool if said else offered
        if ordinal == "last":
            return Pick([within[-1]], "ordinal", ["ordinal", *said])
        assert isinstance(ordinal, int)
        if 1 <= ordinal <= len(within):
            return Pick([within[ordinal - 1]], "ordinal", ["ordinal", *said])
        return Pick([], "unmatched", ["ordinal"])
    if len(offered) == 1 and reply_kind(text) == "yes":
        return Pick(list(offered), "yes", ["yes"])
    extreme = "latest" if _LATEST.search(plain) else "earliest" if _EARLIEST.search(plain) else ""
    # "lo más tarde posible" is the latest, not an afternoon: the superlative is no value.
    rest = _EARLIEST.sub(" ", _LATEST.sub(" ", plain))
    pool, said = _narrow(rest, offered, now_local)
    if extreme:
        # "your last slot, I finish work at 3": the superlative decides.
        timed = [o for o in (pool or offered) if o.start_local]
        if timed:
            pick = (max if extreme == "latest" else min)(timed, key=lambda o: o.start_local or "")
            return Pick([pick], "extreme", [*said, extreme])
    if not said:
        return Pick()
    return Pick(pool, "value" if pool else "unmatched", said)


def _narrow(
    text: str, offered: list[Option], now_local: datetime
) -> tuple[list[Option], list[str]]:
    """The options every value said fits, and which values were said."""
    pool = list(offered)
    said: list[str] = []
    when = describe_when(to_english_dates(text), now_local)
    timed = [(o, s) for o in pool if (s := _start(o)) is not None]
    if timed:
        if when.clock is not None:
            clock = when.clock
            pool = [o for o, s in timed if _same_clock(s, clock)]
            said.append("time")
        elif when.part is not None:
            begin, end = part_window(when.part)
            pool = [o for o, s in timed if begin <= s.time() < end]
            said.append("part")
        if when.weekday is not None:
            pool = [o for o in pool if (s := _start(o)) and s.weekday() == when.weekday]
            said.append("weekday")
        elif when.day is not None:
            last = when.day.toordinal() + when.span_days
            pool = [
                o for o in pool if (s := _start(o)) and when.day.toordinal() <= s.toordinal() < last
            ]
            said.append("date")
    names = sorted({o.provider_name for o in offered if o.provider_name})
    if names:
        named = names_in(text, [NamedEntity(i, n) for i, n in enumerate(names)])
        if named:
            chosen = {names[i] for i in named}
            pool = [o for o in pool if o.provider_name in chosen]
            said.append("provider")
    sites = _site_words(offered)
    hit = {site for site, words in sites.items() if words & set(re.findall(r"\w+", _plain(text)))}
    if hit and len(sites) > 1:
        pool = [o for o in pool if o.site_name in hit]
        said.append("site")
    labels = [o for o in offered if o.kind == "prescription"]
    if labels:
        words = set(re.findall(r"[a-z]{4,}", _plain(text)))
        named_rx = [o for o in pool if words & set(re.findall(r"[a-z]{4,}", _plain(o.label)))]
        if named_rx:
            pool = named_rx
            said.append("medication")
    return pool, said


_TITLES = frozenset({"dr", "dra", "doctor", "doctora", "doc"})


def names_in(text: str, people: list[NamedEntity]) -> set[int]:
    """Who the reply names: a word of their name said as is, or a near spelling after a
    title ("dr okafr"). Bare fuzzy words would read "primera" as Priya."""
    words = set(re.findall(r"[a-z]{3,}", _plain(text)))
    exact = {
        p.id for p in people if words & (set(re.findall(r"[a-z]{3,}", _plain(p.name))) - _TITLES)
    }
    titled = titled_names(text)
    if exact or not titled:
        return exact
    return set(resolve_name(" ".join(f"Dr. {n}" for n in titled), people).ids)


def _site_words(offered: list[Option]) -> dict[str, set[str]]:
    """Each site's distinguishing words ("downtown" of "Harborview Downtown")."""
    names = {o.site_name for o in offered if o.site_name}
    words = {n: set(re.findall(r"\w+", _plain(n))) for n in names}
    shared = set.intersection(*words.values()) if words else set()
    return {n: w - shared for n, w in words.items()}


def looks_like_pick(text: str) -> bool:
    """A reply short and plain enough to be an answer to a list, not a new request."""
    words = re.findall(r"\w+", text)
    plain = _plain(text)
    superlative = _LATEST.search(plain) or _EARLIEST.search(plain)
    if len(words) <= 20 and (ordinal_in(text) is not None or superlative):
        return True
    return len(words) <= 16 and (len(words) <= 7 or bool(_PICK_CUE.search(_plain(text))))
