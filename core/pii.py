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

# Clinic identifiers have no shape of their own (an MRN is just digits), so they are only
# recognised after the words that label them; the value alone is the match (group "v").
# Between a label and its value: "MRN: 123", "member ID is 123", "policy number # 123".
ID_FILLER = r"(?:\s*(?:is|was|are|to|as|:|#|=|-|number|num|no\.?|es|son|era|:)\s*){0,3}\s*"
# A few words between the label and the verb that gives its value ("chart number at your
# clinic is", "MRN for me is", "número de afiliado, creo que es"): without a phone word among
# them, since "the number to call is 617-555-0100" labels a phone number.
ID_GAP = (
    r"(?:,?\s+(?:(?!(?:phone|call|cell|text|tel[eé]fono|celular|llamar)\b)[^\W\d_]+,?\s+){1,4}?"
    r"(?:is|was|es|era|says|said|reads|shows|dice|dec[ií]a)\b)?"
)
# Letters, digits and inner dashes, dots or spaces ("XJH123456789", "HV-004512", "W12 345 678"),
# opening with a digit or a short capitalised prefix so that "MRN pending" never matches; a
# space-separated group must hold a digit. `id_ok` then asks for four digits in all.
ID_VALUE = (
    r"(?P<v>(?:(?-i:[A-Z]{1,4})[\s-])?[A-Z]*\d[A-Z0-9]*"
    r"(?:[-.][A-Z0-9]+|\s(?=[A-Z]{0,3}\d)[A-Z0-9]{2,}){0,4})(?![\w-])"
)
_NO = r"(?:number|num\.?|no\.?|#|id)"
_NUM_ES = r"(?:n[uú]mero|n[uú]m\.?|no\.?|#|id)"
MRN_LABEL = (
    rf"\b(?:MRN|MR\s?#|med(?:ical)?\.?\s+rec(?:ord)?s?\.?(?:\s*{_NO})?"
    rf"|(?:patient|chart|hospital|record|account|acct)\s*{_NO}"
    rf"|(?:chart|account|acct)(?=\s*:?\s*\d)|exp\.(?=\s*:?\s*\d)"
    # Spanish: "expediente", "historia clínica", "número de paciente".
    rf"|expediente(?:\s+m[eé]dico)?(?:\s+en\s+la\s+cl[ií]nica)?(?:\s*{_NUM_ES})?"
    rf"|historia\s+cl[ií]nica(?:\s*{_NUM_ES})?"
    rf"|{_NUM_ES}\s+de\s+(?:paciente|expediente|registro|historia))"
)
_PAYER = (
    r"(?:aetna|cigna|bcbs|blue\s+cross(?:\s+blue\s+shield)?|united(?:healthcare)?|uhc|humana|"
    r"medicare|medicaid|masshealth|medi-cal|tufts|harvard\s+pilgrim|kaiser|anthem|tricare|"
    r"ambetter|molina|oscar|insurance|plan|health\s+plan|seguro|aseguranza)"
)
# A payer's own name written right before an id ("Cigna U7782013402", "Medicare 5TF2-JK8-RW41"):
# the generic words of _PAYER ("plan", "insurance") are left out, and the id must be long.
_PAYER_NAME = r"(?:aetna|cigna|bcbs|blue\s+cross(?:\s+blue\s+shield)?|united(?:healthcare)?|uhc|"
_PAYER_NAME += r"humana|medicare|medicaid|masshealth|medi-cal|tufts|kaiser|anthem|tricare|molina)"
# An id opening: letters (a plan prefix, any case) with a space or dash, then a digit.
_ID_AHEAD = r"[A-Z]{0,4}[\s-]?\d"
MEMBER_LABEL = (
    rf"\b(?:(?:member|subscriber|policy|insurance|beneficiary|medicaid|medicare|insured)(?:'s)?"
    rf"\s*(?:id(?:entification)?\s*)?{_NO}|(?:insurance|id|member)\s+card\s*{_NO}?"
    rf"|{_PAYER},?\s+(?:member\s+)?(?:id|number|#|no\.?)|ins\.?\s+id|\bid\s*#"
    rf"|(?:member|subscriber|policy|afiliad[oa])(?=\s*:?\s*{_ID_AHEAD})"
    rf"|{_PAYER}(?=\s+(?:es|is|:)\s+[A-Z]*\d)"
    rf"|{_PAYER_NAME}(?=[\s:-]+(?!MRN|MR\b)(?-i:[A-Z]{{0,4}}-?\d[A-Z0-9]{{5,}}|[A-Z0-9]{{2,5}}(?:-[A-Z0-9]{{2,5}}){{2}}"
    rf"|[A-Z]{{2,4}}\s\d{{4,}})(?![\w-]))"
    rf"|card\s+(?:says|reads|shows)|(?:nueva\s+)?credencial(?:\s+dice)?"
    rf"|identificaci[oó]n\s+del\s+seguro"
    # A payer named, then its identification number: "Medi-Cal, número de identificación".
    rf"|{_PAYER_NAME}[^.\n\d]{{0,30}}?{_NUM_ES}\s+de\s+identificaci[oó]n"
    # Spanish: "número de afiliado", "póliza", "ID de miembro".
    rf"|{_NUM_ES}\s+de\s+(?:afiliad[oa]|miembro|socio|asegurad[oa]|p[oó]liza|seguro|"
    rf"beneficiari[oa]|credencial)|p[oó]liza(?:\s+de\s+(?:mi|su)\s+\w+)?(?:\s*{_NUM_ES})?"
    rf"|afiliaci[oó]n(?:\s*{_NUM_ES})?)"
)
MRN = re.compile(rf"(?i){MRN_LABEL}{ID_GAP}{ID_FILLER}{ID_VALUE}")
MEMBER_ID = re.compile(rf"(?i){MEMBER_LABEL}{ID_GAP}{ID_FILLER}{ID_VALUE}")

# A date of birth is a date next to a birth word; other dates (appointments) are not PII here.
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
    # Spanish months and their abbreviations ("12-abr-1988", "3 de mayo de 1985").
    r"|enero|ene|febrero|marzo|abril|abr|mayo|junio|julio|agosto|ago|septiembre|setiembre|"
    r"octubre|noviembre|diciembre|dic)(?![a-z])"
)
DATE_TEXT = (
    rf"(?:\d{{4}}[/.-]\d{{1,2}}[/.-]\d{{1,2}}|\d{{1,2}}[/.-]\d{{1,2}}[/.-](?:\d{{4}}|\d{{2}})"
    rf"|{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+|de\s+)?{_MONTH}\.?(?:,?\s+(?:de(?:l)?\s+)?\d{{4}})?"
    rf"|\d{{1,2}}[/.\s-]{_MONTH}\.?[/.\s-]\d{{2,4}})(?![\d/])"
)
DOB_CONTEXT = (
    r"(?:DOB|D\.O\.B\.?|date\s+of\s+birth|birth\s?date|birthday|b-?day|born(?:\s+on)?"
    r"|fecha\s+de\s+(?:nacimiento|nac\.?)|f\.?\s?(?:de\s+)?nac\.?|\bFN\b|nac[ií](?:ó|o|mos)?"
    r"(?:\s+el)?|nacid[oa](?:\s+el)?|nacimiento|cumplea[ñn]os)"
)
DOB = re.compile(
    rf"(?i)\b{DOB_CONTEXT}(?:\s*(?:is|was|:|-|=|on|the|of|i\s+was|it'?s|as|me|mine|him|her|"
    rf"hers|his|same|,|es|el|fue|del|de|mi|su|which\s+is|correct\s+one\s+is)\s*){{0,4}}\s*"
    rf"(?P<v>{DATE_TEXT})"
)
DOB_AFTER = re.compile(
    rf"(?i)(?<![\w/.-])(?P<v>{DATE_TEXT})\s*[(,-]?\s*(?:is\s+(?:my|his|her|their)\s+)?"
    rf"(?:DOB|D\.O\.B\.?|date\s+of\s+birth|birth\s?date|birthday)\b"
)


def id_ok(value: str) -> bool:
    return sum(c.isdigit() for c in value) >= 4


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
    # Labelled identifiers come before the shapes they may share (a 10-digit MRN looks like a
    # phone number) so that, on a tie, the label wins.
    for entity, pattern in (
        ("MEDICAL_RECORD_NUMBER", MRN),
        ("INSURANCE_MEMBER_ID", MEMBER_ID),
        ("DATE_OF_BIRTH", DOB),
        ("DATE_OF_BIRTH", DOB_AFTER),
    ):
        for m in pattern.finditer(text):
            if entity == "DATE_OF_BIRTH" or id_ok(m.group("v")):
                found.append(PiiMatch(entity, m.start("v"), m.end("v")))
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
