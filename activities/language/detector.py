"""Per-message language detection among the languages the product answers in.

lingua's models ship inside its wheel (nothing is downloaded); restricted to the supported
languages it needs ~30 MB per language and ~0.1 ms per message. Short replies ("ok", "no",
"Dr. Chen") carry too little text to decide, so the conversation's language wins for them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from lingua import IsoCode639_1, LanguageDetectorBuilder

from core.texts import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES

# lingua's confidence that decides on its own; a longer message may decide on less.
_CONFIDENT = 0.85
_CONFIDENT_LONG = 0.70
_SURE = 0.95
_SHORT_WORDS = 3
# Characters only Spanish uses among the supported languages: one settles a short message.
_SPANISH_MARKS = re.compile(r"[ñ¿¡áéíóú]", re.IGNORECASE)
# Short words that are Spanish and never English: "hola", "gracias", "si" on their own.
_SPANISH_WORDS = frozenset(
    {
        "hola",
        "gracias",
        "si",
        "buenas",
        "buenos",
        "dias",
        "tardes",
        "noches",
        "ayuda",
        "cita",
        "citas",
        "receta",
        "quiero",
        "necesito",
        "porfa",
        "adios",
        "oiga",
        "disculpe",
        "senorita",
        "senor",
        "doctora",
        "llamenme",
        "llamame",
        "ahorita",
        "mañana",
        "manana",
        "hoy",
        "tengo",
        "puedo",
    }
)
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Detected:
    code: str  # ISO 639-1, one of the supported languages
    confidence: float
    source: str  # "detector" | "hint" | "default"


class LanguageDetector:
    """Immutable after construction; lingua's detector is thread-safe."""

    def __init__(
        self, languages: Sequence[str] = SUPPORTED_LANGUAGES, default: str = DEFAULT_LANGUAGE
    ) -> None:
        unknown = [code for code in languages if code not in SUPPORTED_LANGUAGES]
        if unknown:
            raise ValueError(f"no product texts for languages {unknown}")
        self.languages = tuple(languages)
        self.default = default if default in self.languages else self.languages[0]
        self._single = len(self.languages) == 1
        if not self._single:
            codes = [IsoCode639_1.from_str(code) for code in self.languages]
            self._detector = (
                LanguageDetectorBuilder.from_iso_codes_639_1(*codes)
                .with_preloaded_language_models()
                .build()
            )

    def detect(self, text: str, hint: str | None = None) -> Detected:
        """The message's language; `hint` is the conversation's language so far."""
        hint = hint if hint in self.languages else None
        words = _WORD.findall(text)
        if self._single or not words:
            return Detected(hint or self.default, 0.0, "hint" if hint else "default")
        if "es" in self.languages and _SPANISH_MARKS.search(text):
            return Detected("es", 1.0, "detector")
        values = self._detector.compute_language_confidence_values(text)
        top = values[0]
        code = top.language.iso_code_639_1.name.lower()
        value = round(top.value, 3)
        short = len(words) < _SHORT_WORDS
        # A short reply ("ok", "yes") switches the conversation's language only when certain.
        bar = _SURE if short and hint is not None else _CONFIDENT
        if top.value >= bar or (top.value >= _CONFIDENT_LONG and not short):
            return Detected(code, value, "detector")
        # Too little text to tell ("ok", "cancel #12", "Dr. Chen"): the conversation's
        # language, else a word only Spanish has, else the default.
        if hint is not None:
            return Detected(hint, value, "hint")
        if "es" in self.languages and any(w.lower() in _SPANISH_WORDS for w in words):
            return Detected("es", value, "detector")
        return Detected(self.default, value, "default")
