"""Street addresses: a street core (number and street name) grown over unit, city, state and ZIP."""

from __future__ import annotations

import re
from collections.abc import Iterable

from spacy.lang.en.stop_words import STOP_WORDS

from core.pii import PHONE

from .recognizers import RegexRecognizer
from .streets import StreetCores, Tok, is_name_word, not_measure, tokens
from .vocab import (
    ADDRESS_CONTEXT,
    MILITARY_ADDRESS,
    NAMED_STREET,
    PARTICLES,
    PHONE_LINE,
    PO_BOX,
    UNIT_WORDS,
)

_PHONE_AT = re.compile(rf"(?:\+\d{{1,3}}[ .-]?)?(?:{PHONE.pattern})")


class StreetAddressRecognizer(RegexRecognizer):
    ENTITY = "STREET_ADDRESS"

    def __init__(self, known_words: Iterable[str] = ()) -> None:
        self.cores = StreetCores(known_words)
        super().__init__()

    def spans(self, text: str) -> Iterable[tuple[int, int, float]]:
        toks = tokens(text)
        if not any(t.kind == "num" for t in toks):
            return []
        lower = not any(c.isupper() for c in text)
        found: list[tuple[int, int, float]] = []
        ends = {t.end: i for i, t in enumerate(toks)}
        starts = {t.start: i for i, t in enumerate(toks)}
        for m in (*MILITARY_ADDRESS.finditer(text), *PO_BOX.finditer(text)):
            last = ends.get(m.end())
            end = m.end() if last is None else toks[self._grow_right(text, toks, last, lower)].end
            found.append((m.start(), end, 0.9))
        for m in NAMED_STREET.finditer(text):
            found.append((m.start("v"), m.end("v"), 0.6))
        for i, tok in enumerate(toks):
            core = self.cores.at(toks, i, lower)
            if core is None and tok.kind == "num" and self._context_before(text, toks, i):
                core = self.cores.after_context(toks, i, lower)
            if core is None:
                continue
            lo, hi, score = core
            lo = self._grow_left(toks, lo)
            hi = self._grow_right(text, toks, hi, lower)
            found.append((toks[lo].start, toks[hi].end, score))
        for m in re.finditer(r"(?i)\bcorner\s+of\s", text):
            i = starts.get(m.end(), -1)
            if i < 0:
                i = next((k for k, t in enumerate(toks) if t.start >= m.end()), len(toks))
            corner_end = self._corner(toks, i, lower)
            if corner_end is not None:
                found.append((m.start(), toks[corner_end].end, 0.85))
        # An address never starts inside a phone number ("+1 202-555-0187 ext. 12").
        phones = [m.span() for m in _PHONE_AT.finditer(text)]
        found = [f for f in found if not any(a <= f[0] < b for a, b in phones)]
        return _merge(found)

    def _context_before(self, text: str, toks: list[Tok], i: int) -> bool:
        # The address word must come right before (a few tokens, no sentence break between).
        lo = toks[max(0, i - 6)].start
        window = text[lo : toks[i].start]
        matches = list(ADDRESS_CONTEXT.finditer(window))
        last = matches[-1] if matches else None
        return last is not None and not re.search(r"[.?!]\s", window[last.end() :])

    def _grow_left(self, toks: list[Tok], lo: int) -> int:
        while lo > 0:
            prev = toks[lo - 1]
            if (
                (prev.kind == "num" and len(prev.text) <= 6)
                or (prev.low in UNIT_WORDS and toks[lo].kind == "num")
                or (
                    prev.kind == "word" and prev.low in {"ul", "u", "c", "p.o", "rua", "rue", "via"}
                )
            ):
                lo -= 1
            else:
                break
        return lo

    def _grow_right(self, text: str, toks: list[Tok], hi: int, lower: bool) -> int:
        """Over units, city, state, country and ZIP, across the lines of an address block."""
        last, lines, j = hi, 0, hi + 1
        while j < len(toks) and j - hi < 30:
            tok = toks[j]
            # A phone number after the ZIP ("NJ 08820, 732-555-0147") is not the address's.
            if (tok.kind == "num" or tok.text in "+(") and _PHONE_AT.match(text, tok.start):
                break
            if tok.kind == "num":
                if len(tok.text.replace("-", "")) > 6 or not not_measure(toks, j):
                    break
                last = j
            elif tok.kind == "word":
                if not (is_name_word(tok, lower) or tok.low in UNIT_WORDS or tok.low == "nan"):
                    break
                if tok.low not in PARTICLES:
                    last = j
            elif tok.kind == "nl":
                blank = tok.text.count("\n") > 1
                line_end = text.find("\n", tok.end)
                line = text[tok.end : line_end if line_end >= 0 else len(text)]
                if lines >= 5 or not self._address_line(line, lower, blank):
                    break
                lines += 1
            elif tok.text == "." and toks[j - 1].kind == "word" and len(toks[j - 1].text) > 4:
                break  # a sentence ends; abbreviations ("St.") and house numbers ("19.") don't
            elif tok.text == "." and re.fullmatch(r"\d{5}(?:-\d{4})?", toks[j - 1].text):
                break  # so does one after a ZIP code
            elif tok.text not in ",.()#/-'":
                break
            elif tok.text == ")":
                last = j
            j += 1
        return last

    def _address_line(self, line: str, lower: bool, blank: bool) -> bool:
        # Up to where a sentence ends: "OULUNSALO, FI 90460. Call me on arrival."
        line = re.split(r"[?!]|(?<=[^\W\d_]{5})\.\s|(?<=\d)\.\s+(?=[A-Z][a-z])", line)[0]
        words = line.replace(",", " ").split()
        if not words or len(words) > 8 or re.search(r"[:@]", line) or PHONE_LINE.search(line):
            return False
        toks = tokens(line)
        if any(
            t.kind == "word"
            and not is_name_word(t, lower)
            and t.low not in UNIT_WORDS
            and t.low != "nan"
            for t in toks
        ):
            return False
        # After a blank line only a last "Country ZIP" line still belongs to the address.
        return not blank or bool(re.search(r"\d{3,6}\s*$", line))

    def _corner(self, toks: list[Tok], i: int, lower: bool) -> int | None:
        """ "the corner of A and B": both streets, one of which names a number or street word."""
        j, seen_and = i, False
        while j < len(toks) and j - i < 14:
            tok = toks[j]
            if tok.low == "and" and not seen_and and j > i:
                seen_and = True
            elif not (
                tok.kind == "num"
                or is_name_word(tok, lower)
                or (tok.kind == "word" and tok.low not in STOP_WORDS)
                or tok.text in ".-'"
            ):
                break
            j += 1
        end = j - 1
        while end > i and (toks[end].kind == "punct" or toks[end].low in PARTICLES):
            end -= 1
        return end if seen_and and toks[end].low != "and" else None


def _merge(spans: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
    merged: list[tuple[int, int, float]] = []
    for start, end, score in sorted(spans):
        if merged and start <= merged[-1][1]:
            s0, e0, sc0 = merged[-1]
            merged[-1] = (s0, max(e0, end), max(sc0, score))
        else:
            merged.append((start, end, score))
    return merged
