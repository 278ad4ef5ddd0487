"""Language per message, and Spanish dates read by the English date parser."""

from __future__ import annotations

from datetime import datetime

import pytest

from activities.language.detector import LanguageDetector
from activities.tools.when import parse_when
from activities.tools.when_es import to_english_dates


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector()


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("necesito una cita para mi hijo", "es"),
        ("¿a qué hora abren?", "es"),
        ("hola", "es"),
        ("I need to book a physical next week", "en"),
        ("cancel #12", "en"),  # too short to tell, no history: the default
    ],
)
def test_detects_the_language(detector: LanguageDetector, text: str, code: str) -> None:
    assert detector.detect(text).code == code


def test_a_short_reply_keeps_the_conversation_language(detector: LanguageDetector) -> None:
    assert detector.detect("ok", hint="es").code == "es"
    assert detector.detect("yes", hint="es").code == "es"
    assert detector.detect("thanks, that is all I needed today", hint="es").code == "en"


def test_an_unsupported_language_is_refused_at_construction() -> None:
    with pytest.raises(ValueError):
        LanguageDetector(("en", "fr"))


NOW = datetime(2026, 12, 4, 15, 0)  # a Friday afternoon


@pytest.mark.parametrize(
    ("spanish", "day", "at"),
    [
        ("mañana a las 3 de la tarde", "2026-12-05", "15:00"),
        ("el próximo martes a las 10", "2026-12-08", "10:00"),
        ("el 14 de diciembre a las 10:30", "2026-12-14", "10:30"),
        ("pasado mañana a las 9 y media", "2026-12-06", "09:30"),
    ],
)
def test_spanish_dates(spanish: str, day: str, at: str) -> None:
    when = parse_when(to_english_dates(spanish), NOW)
    assert when is not None and when.day.isoformat() == day
    assert when.at is not None and when.at.strftime("%H:%M") == at


def test_spanish_spans_and_moves() -> None:
    week = parse_when(to_english_dates("la semana que viene por la mañana"), NOW)
    assert week is not None and week.span_days == 7 and week.part == "morning"
    moved = to_english_dates("cambiar mi cita del martes para el jueves a las 10")
    assert "to thursday at 10" in moved
    assert to_english_dates("book me tomorrow at 10") == "book me tomorrow at 10"
