"""PII patterns shared by the safety engine and the log filter, so both redact the same things."""

from __future__ import annotations

import re
from dataclasses import dataclass

SSN = re.compile(r"\b(?!000|666|9\d\d)\d{3}[- ](?!00)\d{2}[- ](?!0000)\d{4}\b")
EMAIL = re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b")
# 13-19 digits, optionally grouped by spaces or dashes; confirmed by the Luhn checksum.
CARD = re.compile(r"\b(?:\d[ -]?){12,18}\d\b")
PHONE = re.compile(
    r"(?<![\w-])(?:\+?1[ .-]?)?(?:\(\d{3}\)\s?|\d{3}[ .-])\d{3}[ .-]\d{4}(?![\w-])|\b\d{10}\b"
)


@dataclass(frozen=True)
class PiiMatch:
    entity: str
    start: int
    end: int


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def find_pii(text: str) -> list[PiiMatch]:
    """Non-overlapping matches, the more specific entity winning where two overlap."""
    found: list[PiiMatch] = []
    for m in EMAIL.finditer(text):
        found.append(PiiMatch("EMAIL_ADDRESS", m.start(), m.end()))
    for m in SSN.finditer(text):
        found.append(PiiMatch("US_SSN", m.start(), m.end()))
    for m in CARD.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if 13 <= len(digits) <= 19 and luhn_ok(digits):
            found.append(PiiMatch("CREDIT_CARD", m.start(), m.end()))
    for m in PHONE.finditer(text):
        found.append(PiiMatch("PHONE_NUMBER", m.start(), m.end()))
    found.sort(key=lambda p: (p.start, -(p.end - p.start)))
    kept: list[PiiMatch] = []
    for match in found:
        if kept and match.start < kept[-1].end:
            continue
        kept.append(match)
    return kept


def redact(text: str) -> tuple[str, list[PiiMatch]]:
    matches = find_pii(text)
    out = text
    for match in reversed(matches):
        out = out[: match.start] + f"<{match.entity}>" + out[match.end :]
    return out, matches
