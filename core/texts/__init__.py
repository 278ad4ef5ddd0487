"""The product's own words in every language it answers in: say(lang, key, **params).

Guidance, confirmations, clarifying questions, tool outcomes and declines come from here, so a
reply is in the patient's language whichever step wrote it. A language is one module with the
same keys as `en` (tests/core/test_texts.py checks keys and placeholders match); adding one is
a new module here plus its code in SUPPORTED_LANGUAGES.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from types import ModuleType

from . import en, es

DEFAULT_LANGUAGE = "en"
_MODULES: dict[str, ModuleType] = {"en": en, "es": es}
SUPPORTED_LANGUAGES: tuple[str, ...] = tuple(_MODULES)
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "es": "Spanish"}


def texts(lang: str) -> Mapping[str, str]:
    module = _MODULES.get(lang, en)
    table: Mapping[str, str] = module.TEXTS
    return table


def say(lang: str, key: str, /, **params: object) -> str:
    """The text `key` in `lang` (English when the language or the key is missing)."""
    template = texts(lang).get(key) or en.TEXTS[key]
    return template.format(**params) if params else template


def language_or_default(lang: str | None) -> str:
    return lang if lang in _MODULES else DEFAULT_LANGUAGE


def when(dt: datetime, lang: str = DEFAULT_LANGUAGE) -> str:
    """A local date and time as a receptionist would say it: 'Tuesday, March 3 at 10:00 AM'."""
    module = _MODULES.get(lang, en)
    formatted: str = module.when(dt)
    return formatted


def day(d: date, lang: str = DEFAULT_LANGUAGE) -> str:
    """A local date as said in a sentence: 'Tuesday, March 3' / 'el martes 3 de marzo'."""
    module = _MODULES.get(lang, en)
    formatted: str = module.day(d)
    return formatted


def either(options: Sequence[str], lang: str = DEFAULT_LANGUAGE) -> str:
    """'a or b', 'a, b or c' in `lang`."""
    items = list(options)
    if len(items) <= 1:
        return "".join(items)
    word = say(lang, "word.or")
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


def in_order(steps: Sequence[str], lang: str = DEFAULT_LANGUAGE) -> str:
    """One step as is; several as 'first a, then b'."""
    items = list(steps)
    if len(items) == 1:
        return items[0]
    return say(lang, "word.first") + " " + f", {say(lang, 'word.then')} ".join(items)
