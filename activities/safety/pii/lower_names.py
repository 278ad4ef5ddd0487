"""Names typed in lower case after a title or an introduction, in text with capitals elsewhere.

A hurried patient writes "can dr patel see him" or "this is priya calling" in a message that
is otherwise capitalised, so spaCy's tagger reads the name as a common noun. All-lower-case
texts are read by the name-list rules in names.py already.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc, Token

from .gazetteer import names
from .vocab import LISTED_INTRO, NOT_NAMES, SPANISH_NAME_WORDS, TITLE_LOWER


def _name_word(t: Token, after_title: bool, unknown: Callable[[Token], bool]) -> bool:
    """A lower-case word that may be a name here: on the name lists and not an English word
    ("will", "grace"), or after a title any word no dictionary has ("okafor")."""
    low = t.lower_
    if not t.is_alpha or low in STOP_WORDS or low in NOT_NAMES or low in SPANISH_NAME_WORDS:
        return False
    given, family = names()
    listed = t.text.title() in given or t.text.title() in family
    return (listed or after_title) and unknown(t)


def lower_case_names(
    text: str, doc: Doc, unknown: Callable[[Token], bool]
) -> list[tuple[int, int, float]]:
    """(start, end, score) of each lower-case name after a title or an introduction;
    `unknown` tells whether a token is missing from the English dictionary."""
    out: list[tuple[int, int, float]] = []
    starts = [t.idx for t in doc]
    cues = [(m, True) for m in TITLE_LOWER.finditer(text)]
    cues += [(m, False) for m in LISTED_INTRO.finditer(text)]
    for m, after_title in cues:
        k = bisect.bisect_left(starts, m.end())
        if k >= len(doc) or doc[k].text[:1].isupper():
            continue  # a capitalised name is the other rules' to take
        j = k
        while j < len(doc) and j - k < 4:
            t = doc[j]
            if t.text == "-" and j > k and not doc[j - 1].whitespace_ and j + 1 < len(doc):
                j += 2  # "jun-seo": the half after the hyphen goes with the first
                continue
            if not _name_word(t, after_title or j > k, unknown):
                break
            j += 1
        j = min(j, len(doc))
        while j > k and doc[j - 1].text == "-":
            j -= 1
        if j > k:
            out.append((doc[k].idx, doc[j - 1].idx + len(doc[j - 1]), 0.6))
            # "minh and bao": the list after an introduction to several people.
            if (
                j + 1 < len(doc)
                and doc[j].lower_ in ("and", "y")
                and _name_word(doc[j + 1], False, unknown)
            ):
                out.append((doc[j + 1].idx, doc[j + 1].idx + len(doc[j + 1]), 0.6))
    return out
