"""Whether one token can be part of a person's name: shared by the name rules and the layout
rules (lists, contact cards)."""

from __future__ import annotations

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Token

from .gazetteer import names
from .vocab import NOT_NAMES


def is_name_token(t: Token, lowercase_ok: bool, continuation: bool = False) -> bool:
    text = t.text
    if not text[:1].isalpha() or not all(c.isalpha() or c in "'\u2019.-" for c in text):
        return False
    if len(text.rstrip(".")) == 1:
        return text[0].isupper() and text != "I"  # an initial: "J", "M."
    low = t.lower_
    if low in STOP_WORDS or low in NOT_NAMES or "." in text:
        return False
    if text[0].isupper():
        return True
    if not lowercase_ok:
        return False
    if t.pos_ in ("PROPN", "NOUN", "X"):
        return True
    # In lower-case text the tagger guesses: "jerković" after "borna" comes back an adjective,
    # and so does "mary" in "my name is mary-kate". A listed given name may open a name; after
    # a first name, a word on the name lists is a name part all the same.
    given, family = names()
    title = text.title()
    return title in given or (continuation and title in family)
