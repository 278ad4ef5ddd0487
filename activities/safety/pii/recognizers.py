"""Pattern recognizers for identifiers clinics handle: MRN, member id, DOB, SSN, cards, phones."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable

from presidio_analyzer import LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from core.pii import DATE_TEXT, DOB, DOB_AFTER, MEMBER_ID, MRN, id_ok, luhn_ok

# A finding's value is the named group "v" when the pattern has one (the context words that
# made it a match are not part of the value), otherwise the whole match.
_VALUE = "v"


class RegexRecognizer(LocalRecognizer):
    """Runs compiled patterns; subclasses may re-score or reject a match in `score`."""

    ENTITY = ""
    PATTERNS: tuple[tuple[re.Pattern[str], float], ...] = ()

    def __init__(self) -> None:
        super().__init__(supported_entities=[self.ENTITY], name=type(self).__name__)

    def load(self) -> None:
        pass

    def score(self, text: str, start: int, end: int, base: float) -> float | None:
        return base

    def spans(self, text: str) -> Iterable[tuple[int, int, float]]:
        for pattern, base in self.PATTERNS:
            for m in pattern.finditer(text):
                start, end = m.span(_VALUE) if _VALUE in pattern.groupindex else m.span()
                score = self.score(text, start, end, base)
                if score is not None:
                    yield start, end, score

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if entities and self.ENTITY not in entities:
            return []
        return results(self, self.ENTITY, self.spans(text))


def results(
    recognizer: LocalRecognizer, entity: str, spans: Iterable[tuple[int, int, float]]
) -> list[RecognizerResult]:
    meta = {
        RecognizerResult.RECOGNIZER_NAME_KEY: type(recognizer).__name__,
        RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: recognizer.id,
    }
    return [
        RecognizerResult(entity, start, end, score, recognition_metadata=dict(meta))
        for start, end, score in spans
    ]


def near(text: str, start: int, end: int, words: re.Pattern[str], before: int, after: int) -> bool:
    """Whether a context word occurs shortly before or after the span."""
    return bool(
        words.search(text, max(0, start - before), start)
        or words.search(text, end, min(len(text), end + after))
    )


def _shape(value: str) -> str:
    """ "HV-004512" -> "AA-999999": what a second id of the same kind looks like."""
    return re.sub(r"\d", "9", re.sub(r"[A-Za-z]", "A", value))


_ID_TOKEN = re.compile(r"(?<![\w-])[A-Za-z0-9][A-Za-z0-9 -]{3,22}[A-Za-z0-9](?![\w-])")


class MedicalRecordNumberRecognizer(RegexRecognizer):
    ENTITY = "MEDICAL_RECORD_NUMBER"
    PATTERNS = ((MRN, 0.9),)

    def score(self, text: str, start: int, end: int, base: float) -> float | None:
        return base if id_ok(text[start:end]) else None

    def spans(self, text: str) -> Iterable[tuple[int, int, float]]:
        """Labelled ids, and a second id of the same shape said right after one ("mine is
        H7162, my wife's is H7163"; "la mía es MX-77 y la de él MX-78")."""
        found = list(super().spans(text))
        yield from found
        taken = [(a, b) for a, b, _ in found]
        for start, end, _ in found:
            shape = _shape(text[start:end])
            for m in _ID_TOKEN.finditer(text, end, min(len(text), end + 80)):
                for value_start in (
                    m.start(),
                    *[m.start() + i + 1 for i, c in enumerate(m.group()) if c == " "],
                ):
                    value_end = value_start + len(shape)
                    value = text[value_start:value_end]
                    if (
                        value_end <= len(text)
                        and _shape(value) == shape
                        and id_ok(value)
                        and not any(a < value_end and value_start < b for a, b in taken)
                        and (value_end == len(text) or not text[value_end].isalnum())
                    ):
                        taken.append((value_start, value_end))
                        yield value_start, value_end, 0.8


class InsuranceMemberIdRecognizer(MedicalRecordNumberRecognizer):
    ENTITY = "INSURANCE_MEMBER_ID"
    PATTERNS = ((MEMBER_ID, 0.9),)


class DateOfBirthRecognizer(RegexRecognizer):
    """A date next to a birth word; and, in a clinic chat where appointments lie ahead, a full
    date at least two years past ("Jean Lafleur, 11/30/1952, needs a form")."""

    ENTITY = "DATE_OF_BIRTH"
    PATTERNS = ((DOB, 0.9), (DOB_AFTER, 0.9))
    OLD = re.compile(rf"(?i)(?<![\w/.-])(?P<v>{DATE_TEXT})")
    YEAR = re.compile(r"(?:19|20)\d\d")

    def spans(self, text: str) -> Iterable[tuple[int, int, float]]:
        found = list(super().spans(text))
        yield from found
        last_year = datetime.date.today().year - 2
        for m in self.OLD.finditer(text):
            start, end = m.span(_VALUE)
            year = self.YEAR.search(text[start:end])
            old = year is not None and int(year.group()) <= last_year
            if old and not any(a < end and start < b for a, b, _ in found):
                yield start, end, 0.55


class SsnRecognizer(RegexRecognizer):
    """US SSNs as people type them, test numbers included (presidio's rejects 123-45-6789)."""

    ENTITY = "US_SSN"
    CONTEXT = re.compile(r"(?i)\b(?:ssn|ss#|social(?:\s+security)?|tax\s*id|itin)\b")
    PATTERNS = (
        (re.compile(r"(?<![\w-])(?P<v>\d{3}-\d{2}-\d{4})(?![\w-])"), 0.85),
        (re.compile(r"(?<![\w.-])(?P<v>\d{3}([ .])\d{2}\2\d{4})(?![\w-]|\.\d)"), 0.6),
        (re.compile(r"(?<![\w-])(?P<v>\d{9})(?![\w-])"), 0.0),
        (
            re.compile(
                r"(?i)\b(?:ssn|social(?:\s+security)?(?:\s+number)?)[^.\n\d]{0,24}?"
                r"(?:last\s*(?:4|four)(?:\s*digits)?|ending\s*(?:in|with))\s*(?:is|are|:)?\s*"
                r"(?P<v>\d{4})\b"
            ),
            0.8,
        ),
        # "last 4 of my SSN are 1234", "últimos cuatro de mi seguro social: 1234".
        (
            re.compile(
                r"(?i)\b(?:last\s*(?:4|four)(?:\s*digits)?|[uú]ltimos\s*(?:4|cuatro)(?:\s*d[ií]gitos)?)"
                r"\s*(?:of|de(?:l)?)?\s*(?:my|mi|el|his|her|su)?\s*(?:ssn|social(?:\s+security)?|"
                r"seguro\s+social)(?:\s+(?:number|n[uú]mero))?\s*(?:are|is|son|es|:)?\s*"
                r"(?P<v>\d{4})\b"
            ),
            0.8,
        ),
        (
            re.compile(
                r"(?i)\bseguro\s+social[^.\n\d]{0,24}?(?:termina(?:do)?\s+en|acaba\s+en)\s*"
                r"(?P<v>\d{4})\b"
            ),
            0.8,
        ),
    )

    def score(self, text: str, start: int, end: int, base: float) -> float | None:
        digits = re.sub(r"\D", "", text[start:end])
        if len(digits) == 9 and (
            digits[3:5] == "00" or digits[5:] == "0000" or digits[:3] == "000"
        ):
            return None
        if near(text, start, end, self.CONTEXT, 40, 0):
            return max(base, 0.9)
        # Nine bare digits are as likely an account or member number: only with context.
        return base or None


class CardNumberRecognizer(RegexRecognizer):
    """Luhn-valid card numbers, including the 2-series and 12-digit Maestro numbers that
    presidio's own pattern misses, and scored high enough to stand without context."""

    ENTITY = "CREDIT_CARD"
    CONTEXT = re.compile(r"(?i)\b(?:card|credit|debit|visa|master\s?card|amex|maestro|cc)\b")
    PATTERNS = (
        (re.compile(r"(?<![\w-])(?P<v>\d{12,19})(?![\w-])"), 0.95),
        (re.compile(r"(?<![\w-])(?P<v>\d{4}([ -])\d{4}\2\d{4}\2\d{1,7})(?![\w-])"), 0.95),
        (re.compile(r"(?<![\w-])(?P<v>\d{4}([ -])\d{6}\2\d{4,5})(?![\w-])"), 0.95),
    )

    def score(self, text: str, start: int, end: int, base: float) -> float | None:
        digits = re.sub(r"\D", "", text[start:end])
        if not 12 <= len(digits) <= 19 or not luhn_ok(digits) or len(set(digits)) == 1:
            return None
        # One in ten random 12-digit numbers passes Luhn: those need a card word nearby.
        if len(digits) == 12 and not near(text, start, end, self.CONTEXT, 40, 0):
            return None
        return base


_PHONE_CONTEXT = re.compile(
    r"(?i)\b(?:phone|tel|telephone|mobile|cell|cellphone|fax|desk|office|call(?:ed|ing)?"
    r"|text|sms|reach|contact|dial|ring|answering|messages?|whats\s?app|landline|voicemail"
    r"|number|home|work|tel[eé]fono|celular|cel|llamar|ll[aá]me(?:me|nme)?|marcar|m[oó]vil"
    r"|n[uú]mero|whatsapp)\b"
)
_EXT = r"(?:\s?(?:x|ext\.?|extension)\s?\d{1,5})?"


class PhoneDigitsRecognizer(RegexRecognizer):
    """Phone numbers in the digit groupings people write, beside presidio's phonenumbers-based
    matcher (which only knows a few regions' formats): strong shapes stand alone, loose digit
    groups need a phone word nearby."""

    ENTITY = "PHONE_NUMBER"
    STRONG = (
        # North American: (555) 201-3344, 555.201.3344, +1-555-201-3344, 001-555-201-3344.
        re.compile(
            rf"(?<![\w+-])(?P<v>(?:(?:\+?1|001)[ .-]?)?(?:\(\d{{3}}\)\s?|\d{{3}}[ .-])"
            rf"\d{{3}}[ .-]\d{{4}}{_EXT})(?!\w|-\d)"
        ),
        # International with a country code: +44 7700 900123, +46 (0)8 928 571 38.
        re.compile(
            rf"(?<![\w+])(?P<v>\+\d{{1,3}}[ .-]?(?:\(0\)\s?)?\d{{1,5}}(?:[ .-]\d{{2,5}}){{0,4}}"
            rf"{_EXT}|\+\d{{8,15}})(?!\w|-\d)"
        ),
    )
    LOOSE = re.compile(
        rf"(?<![\w+./:-])(?P<v>(?:\(\d{{2,4}}\)\s?)?\d{{2,6}}(?:[ .-]\d{{2,6}}){{0,4}}{_EXT})"
        rf"(?![\w/:]|[.-]\d)"
    )
    _DATE = re.compile(r"\d{4}[./-]\d{1,2}[./-]\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}")

    def spans(self, text: str) -> Iterable[tuple[int, int, float]]:
        for pattern in self.STRONG:
            for m in pattern.finditer(text):
                digits = sum(c.isdigit() for c in m.group(_VALUE))
                if 10 <= digits <= 16:
                    yield (*m.span(_VALUE), 0.75)
        for m in self.LOOSE.finditer(text):
            value = m.group(_VALUE)
            digits = sum(c.isdigit() for c in value)
            if not 7 <= digits <= 15 or self._DATE.fullmatch(value):
                continue
            start, end = m.span(_VALUE)
            if near(text, start, end, _PHONE_CONTEXT, 40, 16):
                yield start, end, 0.6
            elif digits == 10 and value.isdigit() and value[0] != "0":
                yield start, end, 0.45
