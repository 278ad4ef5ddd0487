"""Every language says everything English says, with the same placeholders."""

from __future__ import annotations

import string
from datetime import datetime

from core.texts import SUPPORTED_LANGUAGES, either, in_order, say, texts, when


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def test_every_language_has_every_key_with_the_same_placeholders() -> None:
    english = texts("en")
    for lang in SUPPORTED_LANGUAGES:
        table = texts(lang)
        assert set(table) == set(english), lang
        for key, template in english.items():
            assert _fields(table[key]) == _fields(template), (lang, key)


def test_dates_and_lists_are_said_per_language() -> None:
    at = datetime(2026, 12, 8, 15, 30)
    assert when(at, "en") == "Tuesday, December 8 at 3:30 PM"
    assert when(at, "es") == "el martes 8 de diciembre a las 3:30 p. m."
    assert either(["a", "b", "c"], "es") == "a, b o c"
    assert in_order(["x", "y"], "en") == "first x, then y"
    assert say("fr", "reply.hello", capabilities="…").startswith("Hello!")  # English fallback
