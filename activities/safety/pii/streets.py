"""Street cores for the address recognizer: the number and street name an address grows from."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from spacy.lang.en.stop_words import STOP_WORDS

from .vocab import (
    ADDRESS_TOKEN,
    COMPOUND_END,
    FIELD_LABELS,
    INTL_WORDS,
    LEADING_WORDS,
    MEASURES,
    MONTHS,
    PARTICLES,
    STREET_WORDS,
)

_NEVER_IN_STREET = MONTHS | FIELD_LABELS | MEASURES
# A core: first and last token index and a score.
Core = tuple[int, int, float]


@dataclass(frozen=True)
class Tok:
    kind: str
    text: str
    start: int
    end: int

    @property
    def low(self) -> str:
        return self.text.lower().rstrip(".")


def tokens(text: str) -> list[Tok]:
    return [
        Tok(m.lastgroup or "", m.group(), m.start(), m.end()) for m in ADDRESS_TOKEN.finditer(text)
    ]


def is_name_word(tok: Tok, lower: bool) -> bool:
    """A word that can be part of a street, city or country name."""
    if tok.kind != "word" or tok.low in _NEVER_IN_STREET:
        return False
    if tok.low in PARTICLES or tok.low in STREET_WORDS:
        return True
    if tok.low in STOP_WORDS:
        # Upper-case, it is a state or country code ("AT", "IN", "ME").
        return len(tok.text) >= 2 and tok.text.isupper()
    return lower or tok.text[0].isupper() or (len(tok.text) <= 5 and tok.text.endswith("."))


def _ordinal(tok: Tok) -> bool:
    # Numbered streets: "W 42nd St", "5th Avenue".
    return tok.kind == "num" and tok.low[-2:] in ("st", "nd", "rd", "th")


def not_measure(toks: list[Tok], j: int) -> bool:
    """The number at j is not a dose, time or count ("500 mg", "8 am")."""
    return j + 1 >= len(toks) or toks[j + 1].low not in MEASURES


class StreetCores:
    def __init__(self, known_words: Iterable[str] = ()) -> None:
        # English words: after "is on" a street without a suffix ("Allika 46") is a name no
        # dictionary has, while "Level 2" or "Room 5" are everyday words.
        self.known_words = frozenset(known_words)

    def known(self, word: str) -> bool:
        # The dictionary holds lemmas: "kids" is known as "kid".
        return word in self.known_words or (word.endswith("s") and word[:-1] in self.known_words)

    def at(self, toks: list[Tok], i: int, lower: bool) -> Core | None:
        """A street at token i: "12 Main St", "Hämeenkatu 8", "Via Dante 40", "11820 Pikk 3"."""
        tok = toks[i]
        if tok.kind == "num" and len(tok.text) <= 6:
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            if nxt is not None and nxt.low in LEADING_WORDS:
                # "26 rue des Lilas", "9 Rue Verdi St.": the street word leads the name.
                return i, self._street_name_end(toks, i + 1, lower), 0.85
            # Number first: up to five name words ending in a street word, or followed by a
            # second number (European "house-number street number").
            j = i + 1
            while (
                j < len(toks) and j - i <= 5 and (is_name_word(toks[j], lower) or _ordinal(toks[j]))
            ):
                if toks[j].low in STREET_WORDS and (toks[j - 1].kind == "word" or j - 1 > i):
                    return i, j, 0.85
                j += 1
            return self._word_number(toks, i, lower, need_house=True)
        if tok.low in LEADING_WORDS and (lower or tok.text[0].isupper()):
            end = self._street_name_end(toks, i, lower)
            if toks[end].kind == "num":
                return i, end, 0.85
        if tok.kind == "word" and (tok.low in INTL_WORDS or COMPOUND_END.search(tok.low)):
            # A street word of another language or a compound street name, a number within
            # three more words ("Rua Flores 7", "Linzer Strasse 12", "Petőfi u. 3").
            if not (lower or tok.text[0].isupper() or tok.text.endswith(".")):
                return None
            j = i + 1
            while j < len(toks) and j - i <= 3 and is_name_word(toks[j], lower):
                j += 1
            if (
                j < len(toks)
                and toks[j].kind == "num"
                and len(toks[j].text) <= 5
                and not_measure(toks, j)
            ):
                k = i
                while k > 0 and i - k < 3 and is_name_word(toks[k - 1], lower):
                    k -= 1
                return k, j, 0.85
        return None

    def _word_number(
        self, toks: list[Tok], i: int, lower: bool, *, need_house: bool
    ) -> Core | None:
        """Number, one to four capitalised name words, number: "20789 Allika 46"; without
        the house number only after an address word ("lives at Allika 46")."""
        j = i + 1
        while j < len(toks) and j - i <= 4 and is_name_word(toks[j], lower):
            j += 1
        words = toks[i + 1 : j]
        if not words or all(w.low in PARTICLES for w in words):
            return None
        # With no street word and no address word before it, "2 Tylenol 500" must not pass:
        # one of the words has to be a name no English dictionary (drugs included) knows.
        if need_house and all(self.known(w.low) or w.low in PARTICLES for w in words):
            return None
        number = j < len(toks) and toks[j].kind == "num" and len(toks[j].text) <= 5
        if number and not_measure(toks, j):
            return i, j, 0.8 if need_house else 0.7
        if not need_house:
            return i, j - 1, 0.7
        return None

    def after_context(self, toks: list[Tok], i: int, lower: bool) -> Core | None:
        """After an address word a street needs no suffix: "lives at Allika 46", "at 42 Elm"."""
        k = i
        while k > 0 and i - k < 4 and is_name_word(toks[k - 1], lower):
            k -= 1
        if k < i and any(t.low not in PARTICLES for t in toks[k:i]):
            words = toks[k:i]
            if all(self.known(t.low) and t.low not in STREET_WORDS for t in words):
                return None
            return (k, i, 0.7) if not_measure(toks, i) else None
        return self._word_number(toks, i, lower, need_house=False)

    def _street_name_end(self, toks: list[Tok], k: int, lower: bool) -> int:
        """Last token of a street named after its street word: name words (lower-case ones
        too: "rue de la Fontaine"), then the number if one follows."""
        j = k + 1
        while j < len(toks) and j - k <= 4:
            t = toks[j]
            if not (is_name_word(t, lower) or (t.kind == "word" and t.low not in STOP_WORDS)):
                break
            j += 1
        if j < len(toks) and toks[j].kind == "num" and len(toks[j].text) <= 5:
            return j
        return j - 1
