"""The reply as it is said aloud: citations stay in the JSON, not in the caller's ear."""

from __future__ import annotations

import re

_SOURCE = re.compile(r"^\s*\((?:sources?|fuentes?)\s*:[^)]*\)\s*$", re.M | re.I)
# "9:00 AM \u2013 1:00 PM" is read "9:00 AM to 1:00 PM"; a bare dash would be read as nothing.
_RANGE = re.compile(r"\s*[\u2013\u2014]\s*")
_TO = {"en": " to ", "es": " a "}
# Said digit by digit: a voice reads "911" as "nine hundred eleven", which no one dials.
_SERVICE = re.compile(r"(?<![\d$.,-])(?:911|988|[2-8]11)(?![\d-])")
_PHONE = re.compile(r"(?<!\d)(?:\+?1[-.\s])?(?:\(\d{3}\)\s?|\d{3}[-.\s])\d{3}[-.\s]\d{4}(?!\d)")


def _digits(m: re.Match[str]) -> str:
    groups = re.findall(r"\d+", m.group())
    return ", ".join(" ".join(g) for g in groups)


def spoken_text(reply: str, language: str = "en") -> str:
    text = _SOURCE.sub("", reply)
    text = _PHONE.sub(_digits, text)
    text = _SERVICE.sub(_digits, text)
    text = _RANGE.sub(_TO.get(language, " - "), text)
    # Line breaks separate facts on screen; spoken, each line is its own sentence.
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return " ".join(line if line[-1] in ".!?:" else line + "." for line in lines)
