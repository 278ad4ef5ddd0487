"""Given names and surnames of many countries, for the name recognizer.

The lists are Faker's person providers (census and registry name lists per locale), read
from the installed package at start-up: nothing is downloaded, nothing copied here. Only
names in Latin script are kept, since the messages the platform reads are English and
Spanish."""

from __future__ import annotations

import importlib
import unicodedata
from functools import lru_cache

# Locales whose names patients and staff of a US clinic most often carry.
LOCALES = [
    "en_US",
    "en_GB",
    "en_IE",
    "en_IN",
    "en_NG",
    "en_KE",
    "en_PK",
    "en_NZ",
    "es_ES",
    "es_MX",
    "es_CO",
    "es_AR",
    "es_CL",
    "pt_BR",
    "pt_PT",
    "fr_FR",
    "fr_CA",
    "de_DE",
    "de_AT",
    "it_IT",
    "pl_PL",
    "hr_HR",
    "cs_CZ",
    "sk_SK",
    "sl_SI",
    "fi_FI",
    "sv_SE",
    "da_DK",
    "no_NO",
    "nl_NL",
    "tr_TR",
    "vi_VN",
    "ro_RO",
    "hu_HU",
    "lt_LT",
    "lv_LV",
    "et_EE",
    "id_ID",
    "yo_NG",
    "ig_NG",
    "ha_NG",
    "sw",
    "zu_ZA",
    "tw_GH",
    "is_IS",
    "ga_IE",
]


def _latin(word: str) -> bool:
    return bool(word) and all("LATIN" in unicodedata.name(c, "") or c in "'-" for c in word)


def _collect(provider: type, attrs: tuple[str, ...], into: set[str]) -> None:
    for attr in attrs:
        value = provider.__dict__.get(attr)
        if isinstance(value, dict):
            value = list(value)
        if isinstance(value, list | tuple | set | frozenset):
            into.update(w for w in value if isinstance(w, str) and _latin(w))


@lru_cache(maxsize=1)
def names() -> tuple[frozenset[str], frozenset[str]]:
    """(given names, surnames), each as written ("María", "O'Neill")."""
    given: set[str] = set()
    family: set[str] = set()
    for locale in LOCALES:
        try:
            module = importlib.import_module(f"faker.providers.person.{locale}")
        except ImportError:
            continue
        provider = module.Provider
        _collect(
            provider,
            ("first_names", "first_names_female", "first_names_male", "first_names_nonbinary"),
            given,
        )
        _collect(provider, ("last_names",), family)
    return frozenset(given), frozenset(family)
