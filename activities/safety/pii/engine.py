"""PiiEngine: find PII with presidio-analyzer and anonymize it with presidio-anonymizer."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from presidio_analyzer import AnalyzerEngine
from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import RecognizerResult
from spacy.lang.en.stop_words import STOP_WORDS

from .analyzer import PII_ENTITIES, build_analyzer, english_words
from .gate import PiiGate
from .gazetteer import names
from .operators import operator_configs, salt_bytes
from .vocab import (
    CALENDAR_WORDS,
    DRUG_BRANDS,
    DRUG_STEM,
    NOT_IN_NAMES,
    NOT_NAME_END,
    NOT_NAME_START,
    NOT_NAMES,
)

# Where two findings overlap the lower tier wins: checksummed or labelled identifiers over
# loose shapes, and anything over a person name (names turn up inside emails and addresses).
_TIER: dict[str, int] = {
    "CREDIT_CARD": 0,
    "US_SSN": 0,
    "EMAIL_ADDRESS": 0,
    "MEDICAL_RECORD_NUMBER": 1,
    "INSURANCE_MEMBER_ID": 1,
    "DATE_OF_BIRTH": 1,
    "PHONE_NUMBER": 2,
    "STREET_ADDRESS": 2,
    "PERSON": 3,
}
# Below this an SSN finding had neither dashes nor an SSN word beside it (recognizers.py).
_SSN_SHAPE_ONLY = 0.85
# presidio-anonymizer's constructor carries no annotations; this gives the call a type.
_new_anonymizer: Callable[[], AnonymizerEngine] = AnonymizerEngine
# Entities compared by their digits when checking the allow-list: "(617) 555-0100" in a reply
# is the same number as "617.555.0100" on the clinic's page.
_NUMERIC = frozenset({"PHONE_NUMBER", "CREDIT_CARD", "US_SSN"})


@dataclass(frozen=True)
class PiiFinding:
    entity: str
    start: int
    end: int
    score: float


def plausible(entity: str, value: str, *, from_ner: bool, text_has_capitals: bool) -> bool:
    """Drops what no name looks like: "MRN", "O2", "Email", a date the NER called a person,
    and a lower-case "name" the NER found in text whose writer does use capitals."""
    if entity != "PERSON":
        return True
    letters = sum(c.isalpha() for c in value)
    if letters < 2 or any(c.isdigit() for c in value):
        return False
    if value.isupper() and len(value) <= 4:
        return False
    words = value.lower().split()
    if all(w in NOT_NAMES or w in STOP_WORDS for w in words):
        return False
    if any(w.strip(".,:") in NOT_IN_NAMES for w in words):
        return False
    if any(w in DRUG_BRANDS or DRUG_STEM.search(w) for w in words):
        return False
    return not (from_ner and text_has_capitals and value == value.lower())


_TOKEN = re.compile(r"\S+")


def _listed_name(value: str) -> bool:
    """Some word of it is on the name lists ("Daniela al", not "Mastercard" or "Llámenme")."""
    given, family = names()
    return any(w in given or w in family for w in re.findall(r"[^\W\d_]+", value))


def trim_person(text: str, start: int, end: int) -> tuple[int, int]:
    """Drops the words a name does not start with ("Soy", "Paciente", "Buenas") from the front
    of a person span, and those it does not end with ("el", "de") from its back: spaCy's
    English model often takes them in with a Spanish name ("la doctora Chen el martes")."""
    tokens = list(_TOKEN.finditer(text, start, end))
    while tokens and _word(tokens[0]) in NOT_NAME_START | NOT_NAMES | CALENDAR_WORDS:
        tokens.pop(0)
    while tokens and _word(tokens[-1]) in NOT_NAME_END | NOT_NAMES | CALENDAR_WORDS:
        tokens.pop()
    if not tokens:
        return end, end
    return tokens[0].start(), min(end, tokens[-1].end())


def _word(token: re.Match[str]) -> str:
    return token.group().lower().strip(".,:;?!¿¡")


def _tier(f: PiiFinding) -> int:
    # Nine digits grouped 3-2-4 with spaces and no SSN word nearby are only a shape: inside a
    # labelled member id ("Anthem ID YRK 482 10 9931") the label wins.
    if f.entity == "US_SSN" and f.score < _SSN_SHAPE_ONLY:
        return _TIER["PHONE_NUMBER"]
    return _TIER.get(f.entity, 2)


def resolve_overlaps(findings: Iterable[PiiFinding]) -> list[PiiFinding]:
    """Non-overlapping findings in text order, the more specific entity winning."""
    # Two recognizers finding the same entity in overlapping text found one thing: spaCy's
    # "Ryan" and the context rule's "Ryan P Costa" are one name.
    merged: list[PiiFinding] = []
    for f in sorted(findings, key=lambda f: (f.entity, f.start)):
        last = merged[-1] if merged else None
        if last is not None and last.entity == f.entity and f.start < last.end:
            merged[-1] = PiiFinding(
                f.entity, last.start, max(last.end, f.end), max(last.score, f.score)
            )
        else:
            merged.append(f)
    ranked = sorted(merged, key=lambda f: (_tier(f), -f.score, f.start - f.end, f.start))
    kept: list[PiiFinding] = []
    for f in ranked:
        if all(f.end <= k.start or f.start >= k.end for k in kept):
            kept.append(f)
    return sorted(kept, key=lambda f: f.start)


def _words(value: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", value.casefold()).split())


_WORD = re.compile(r"[^\W\d_]+")
_EXTENSION = re.compile(r"(?i)[\s,]*(?:ext(?:ension)?\.?|x)\s*:?\s*\d{1,5}$")
# A run of digits with the separators phone numbers are written with.
_NUMBER_RUN = re.compile(r"\+?\(?\d[\d\s().-]{5,}\d")


class _AllowList:
    """Values that are not PII where they appear (the clinic's own phone numbers, addresses)."""

    def __init__(self, values: Iterable[str]) -> None:
        values = list(values)
        self.words = [w for w in (_words(v) for v in values) if w]
        self.digits = [d for d in (re.sub(r"\D", "", v) for v in values) if len(d) >= 7]
        self._vocab = {w.lower() for v in values for w in _WORD.findall(v)}
        short = sorted({v.strip() for v in values if 3 <= len(v.strip()) <= 60}, key=len)
        self._phrases = (
            re.compile(
                r"(?<!\w)(?:" + "|".join(re.escape(v) for v in reversed(short)) + r")(?!\w)",
                re.IGNORECASE,
            )
            if short
            else None
        )

    def mask(self, text: str) -> str:
        """`text` with the digits of its allowed numbers hidden, offsets unchanged: the
        clinic's own phone number in a reply would otherwise cost the phone matcher's full
        pass (most of a reply check) only to be allowed afterwards."""
        if not self.digits:
            return text

        def hide(m: re.Match[str]) -> str:
            value = m.group()
            if not self.allows("PHONE_NUMBER", value):
                return value
            return re.sub(r"\d", "x", value)

        return _NUMBER_RUN.sub(hide, text)

    def blank(self, text: str) -> str:
        """`text` with every allowed value that is a short phrase (a provider's or site's name)
        replaced by underscores, for the gate only: what is left is what could still be PII."""
        text = self.mask(text)
        if self._phrases is not None:
            text = self._phrases.sub(lambda m: "_" * len(m.group()), text)
        # A word the clinic's own sources use ("Hours" of a cited title) starts no new PII.
        return _WORD.sub(
            lambda m: " " * len(m.group()) if m.group().lower() in self._vocab else m.group(), text
        )

    def allows(self, entity: str, value: str) -> bool:
        digits = re.sub(r"\D", "", value)
        if entity in _NUMERIC and len(digits) >= 7:
            # A country code or a dropped area code on either side is the same number.
            return any(d.endswith(digits) or digits.endswith(d) for d in self.digits)
        words = _words(value)
        if not words:
            return False
        pattern = re.compile(rf"(?<!\w){re.escape(words)}(?!\w)")
        return any(pattern.search(w) for w in self.words)


class PiiEngine:
    """Build once per process (loading spaCy takes about a second) and share: `find` and
    `anonymize` may be called from any thread."""

    def __init__(
        self,
        *,
        hash_secret: str | bytes | None = None,
        analyzer: AnalyzerEngine | None = None,
        entities: Iterable[str] = PII_ENTITIES,
    ) -> None:
        self.entities = list(entities)
        self._analyzer = analyzer or build_analyzer()
        nlp = getattr(self._analyzer.nlp_engine, "nlp", {}).get("en")
        self._gate = PiiGate(english_words(nlp) if nlp is not None else frozenset())
        self._anonymizer = _new_anonymizer()
        # Without a secret, hashes are stable only within this process.
        self._salt = salt_bytes(hash_secret if hash_secret is not None else os.urandom(32))
        # spaCy does not promise thread safety for one pipeline; analysis is a few ms, so
        # callers take turns rather than each loading a model.
        self._lock = threading.Lock()

    def find(self, text: str) -> list[PiiFinding]:
        if not text.strip() or not self._gate.may_hold_pii(text):
            return []  # nothing a recognizer could start from: spaCy is not run
        with self._lock:
            results = self._analyzer.analyze(text=text, language="en", entities=self.entities)
        capitals = any(c.isupper() for c in text)
        findings = []
        for r in results:
            start, end = (r.start, r.end)
            if r.entity_type == "PERSON":
                # spaCy glues a phone number onto the name before it ("Daniela al +1 956"), and
                # presidio then drops the context rule's plain name as contained in it: keep
                # the words before the first one with a digit.
                digit = re.search(r"\S*\d", text[start:end])
                if digit is not None and _listed_name(text[start : start + digit.start()]):
                    end = start + digit.start()
                start, end = trim_person(text, start, end)
            elif r.entity_type == "PHONE_NUMBER":
                # The number is the PII; an extension is the office's ("ext. 12").
                ext = _EXTENSION.search(text, start, end)
                end = ext.start() if ext is not None else end
            if end > start and plausible(
                r.entity_type,
                text[start:end],
                from_ner=(r.recognition_metadata or {}).get("recognizer_name") == "SpacyRecognizer",
                text_has_capitals=capitals,
            ):
                findings.append(PiiFinding(r.entity_type, start, end, r.score))
        return resolve_overlaps(findings)

    def anonymize(
        self,
        text: str,
        *,
        operators: Mapping[str, str] | None = None,
        allow: Iterable[str] | None = None,
        hash_secret: str | bytes | None = None,
    ) -> tuple[str, list[PiiFinding]]:
        """The text with each finding replaced by its entity's operator, and the findings.

        `operators` maps an entity (or "DEFAULT") to "replace" (`<ENTITY>`, the default),
        "mask" (`***-***-0199`) or "hash" (salted sha256, hex); `allow` lists values that are
        not PII here; `hash_secret` overrides the engine's (one per tenant).
        """
        salt = self._salt if hash_secret is None else salt_bytes(hash_secret)
        # Built before looking at the text so that a bad operator name fails every call.
        configs = operator_configs(set(self.entities), operators, salt)
        allowed = _AllowList(allow) if allow else None
        if allowed and not self._gate.may_hold_pii(allowed.blank(text)):
            return text, []  # only the clinic's own names and numbers: nothing to analyse
        findings = self.find(allowed.mask(text) if allowed else text)
        if allowed:
            findings = [f for f in findings if not allowed.allows(f.entity, text[f.start : f.end])]
        if not findings:
            return text, []
        result = self._anonymizer.anonymize(
            text=text,
            analyzer_results=[
                RecognizerResult(f.entity, f.start, f.end, f.score) for f in findings
            ],
            operators=configs,
            # Two adjacent findings stay two findings (a name then a phone number).
            merge_entities_with_spaces=False,
        )
        return result.text, findings
