"""Emergency triage and PII redaction on their own."""

from __future__ import annotations

import pytest

from activities.safety.emergency import triage
from activities.safety.engine import SafetyEngine


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("I have crushing chest pain and my left arm is numb", "cardiac"),
        ("my dad is slurring his words", "stroke"),
        ("I can't breathe", "breathing"),
        ("she took a whole bottle of pills", "overdose_poisoning"),
        ("I keep thinking about suicide", "self_harm"),
        ("my son is having a seizure right now", "seizure"),
    ],
)
def test_emergencies(text: str, category: str) -> None:
    result = triage(text)
    assert result.requires_escalation and result.category == category
    assert "911" in result.guidance or "988" in result.guidance


@pytest.mark.parametrize(
    "text",
    [
        "I had a seizure in 2019",
        "I do not have chest pain",
        "What are the signs of a stroke?",
        "What are your opening hours?",
        "I need a refill of my inhaler",
    ],
)
def test_not_emergencies(text: str) -> None:
    assert not triage(text).requires_escalation


def test_pii_redacted_in_and_out() -> None:
    engine = SafetyEngine()
    screened = engine.screen("My SSN is 123-45-6789, card 4111 1111 1111 1111, mail a@b.co")
    assert "123-45-6789" not in screened.redacted_text
    assert "<US_SSN>" in screened.redacted_text and "<CREDIT_CARD>" in screened.redacted_text
    assert "<EMAIL_ADDRESS>" in screened.redacted_text
    # A 16-digit number that fails the Luhn check is not a card.
    assert "4111 1111 1111 1112" in engine.screen("ref 4111 1111 1111 1112").redacted_text
    out = engine.check_output(
        "Call us at (617) 555-0100 or Jane at (617) 555-0199.",
        allowed=["Front desk (617) 555-0100"],
    )
    assert "(617) 555-0100" in out.text and "(617) 555-0199" not in out.text
