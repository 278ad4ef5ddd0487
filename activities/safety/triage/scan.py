"""Finds pattern hits in a message and marks those a guard explains away (negated, past, ...).

The guard expressions live in context.py; what a whole message is framed as, in framing.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import patterns_es as es
from .context import (
    _ACCIDENTAL,
    _ADMIN,
    _ANIMAL,
    _CLAUSE_BREAK,
    _DEVICE,
    _ERRAND_WANT,
    _EXERTION,
    _HYPOTHETICAL,
    _IDIOM,
    _IN_CARE,
    _INFORMATIONAL,
    _LONG_AGO,
    _MILD,
    _MINOR,
    _NEG_STOP,
    _NEGATION,
    _NOT_NOW_TOPIC,
    _PAST_TIME,
    _PAST_VERB,
    _PET_MEDICINE,
    _PRESENT,
    _PROTOCOL,
    _PSEUDO_NEGATION,
    _REASSURED,
    _RESOLVED,
    _SAFE,
    _SELF_HARM_CURRENT,
    _SELF_HARM_PAST,
    _SELF_HARM_RECOVERED,
    _SENTENCE_END,
    _WEEKDAY,
    _not_now,
    _rx,
)
from .patterns import ACUTE, ACUTE_CONTEXT, CAUSES, CUES
from .patterns_self_harm import SELF_HARM


def _merged(*tables: dict[str, tuple[str, ...]]) -> dict[str, tuple[re.Pattern[str], ...]]:
    out: dict[str, tuple[re.Pattern[str], ...]] = {}
    for table in tables:
        for cat, pats in table.items():
            out[cat] = out.get(cat, ()) + tuple(_rx(p) for p in pats)
    return out


_ACUTE = _merged(ACUTE, es.ACUTE_ES)
_CUES = _merged(CUES, es.CUES_ES)
_SELF_HARM = tuple(_rx(p) for p in (*SELF_HARM, *es.SELF_HARM_ES))
_CAUSES = {
    cat: _rx(f"{CAUSES[cat]}|{es.CAUSES_ES[cat]}") for cat in CAUSES.keys() | es.CAUSES_ES.keys()
}
_ACUTE_CONTEXT = _rx(f"{ACUTE_CONTEXT}|{es.ACUTE_CONTEXT_ES}")


@dataclass(frozen=True)
class Hit:
    """One pattern match: `guard` names the reason it does not count, or is None."""

    category: str
    phrase: str
    acute: bool
    guard: str | None = None
    start: int = -1  # where in the normalised text

    @property
    def end(self) -> int:
        return self.start + len(self.phrase)


def _spans(text: str, breaks: re.Pattern[str]) -> list[tuple[int, int]]:
    out, start = [], 0
    for m in breaks.finditer(text):
        out.append((start, m.start()))
        start = m.end()
    out.append((start, len(text)))
    return out


def _within(spans: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    for lo, hi in spans:
        if lo <= pos <= hi:
            return lo, hi
    return 0, 0


_RECENT_INTAKE = _rx(
    r"\b(?:last night|tonight|this morning|earlier today|(?:an?|one|two|few|\d+) hours? ago|"
    r"anoche|esta manana|hace (?:una|unas|\d+) horas?)\b"
)

_SEEN_TO = _rx(
    r"\b(?:sent (?:us|him|her|them|me) home|discharged|(?:was|were) (?:in|at) (?:the )?(?:er|ed|"
    r"hospital|urgent care)|(?:poison control|the er|the hospital) (?:said|told)|nos mandaron a "
    r"casa|(?:le|me|nos) dieron de alta)\b"
)


def _negated(clause_before: str) -> bool:
    window = " ".join(clause_before.split()[-7:])
    for m in reversed(list(_NEGATION.finditer(window))):
        if any(p.start() <= m.start() < p.end() for p in _PSEUDO_NEGATION.finditer(window)):
            continue
        rest = window[m.end() :]
        # A negated verb ("isn't moving, ...") ends at the comma; a list negation ("no
        # fever, chills or chest pain") runs through it.
        if "," in rest and not _LIST_NEGATION.fullmatch(m.group()):
            return False
        return not _NEG_STOP.search(rest)
    return False


_LIST_NEGATION = _rx(
    r"no|denies|denied|without|negative for|free of|nor|none|sin|ni|ningun|ninguna|nada de"
)


_STOPPED_AFTER = _rx(
    r"^\W*(?:but |pero |and |y )?(?:ya |now |it |it'?s |it has |has |se )?(?:stopped|paro|"
    r"se detuvo|"
    r"se paro|went away|se quito|se paso)\b(?!.{0,40}\b(?:again|start\w*|back|otra vez|volvio|de "
    r"nuevo|empez\w*)\b)"
)
# A hit that is itself a negative ("can't breathe") is not reassured by "good" after it.
_NEGATIVE_HIT = _rx(r"\b(?:can'?t|cannot|can not|cant|not|isn'?t|won'?t|unable|no)\b")


def _physical_guard(
    sentence: str, clause: str, before: str, after: str, hit: str = "", text: str = ""
) -> str | None:
    """Why a physical-symptom hit does not describe an emergency now, or None if it may.
    `text`: the whole message, for what any sentence of it says about all of it (a pet, a
    TV show, someone already in hospital care, "it was a paper cut")."""
    whole = text or sentence
    if _IDIOM.search(clause):
        return "idiom"
    animal = _ANIMAL.search(sentence) and not _PET_MEDICINE.search(sentence)
    if _DEVICE.search(before) or animal or _NOT_NOW_TOPIC.search(sentence):
        return "not a person"
    if _IN_CARE.search(whole) or _MINOR.search(whole):
        return "in care"
    if "shot" in hit and _VACCINE.search(whole):
        return "idiom"  # a vaccine shot, not a gunshot
    rest = sentence[sentence.find(hit) + len(hit) :] if hit and hit in sentence else after
    if _STOPPED_AFTER.search(rest):
        return "past"  # "bled a lot but it stopped"
    if _negated(before) or (_REASSURED.search(after) and not _NEGATIVE_HIT.search(hit)):
        return "negated"
    if _INFORMATIONAL.search(clause):
        return "informational"
    if _HYPOTHETICAL.search(sentence):
        return "hypothetical"
    if _RECURRENT.search(sentence):
        return "chronic"
    if (_MILD.search(before) or _EXERTION.search(clause)) and not _ONSET.search(whole):
        return "mild"
    past = bool(_PAST_VERB.search(before) or _PAST_TIME.search(sentence))
    # The hit's own clause says when, and nothing in it says now: "a fit last year, and now
    # a fever" is history whatever the next clause says.
    if (
        _PAST_TIME.search(clause)
        and not _PRESENT.search(_not_now(clause))
        and not _RECURS.search(sentence)
    ):
        return "past"
    # The hit's own verb is past and the message names a weekday or a recovery: history.
    if _PAST_HIT.search(hit) and (_RESOLVED.search(whole) or _WEEKDAY_RX.search(sentence)):
        past = True
        # Recovered from it: only a plain "now" or "again" says it is back.
        if _RESOLVED.search(whole) and not _NOW_STRONG.search(_not_now(sentence)):
            return "past"
    if past and not _PRESENT.search(_not_now(sentence)):
        return "past"
    return None


# "... and I'm having one again": the past episode is back.
_RECURS = _rx(r"\b(?:again|another|once more|it'?s back|otra vez|de nuevo|otra|volvio)\b")
_NOW_STRONG = _rx(r"\b(?:now|right now|again|currently|still|ahorita|ahora|otra vez|de nuevo)\b")
_PAST_HIT = _rx(r"^(?:had|was|were|overdosed|used|tuvo|tuve|le dio|me dio)\b")
_WEEKDAY_RX = _rx(_WEEKDAY + r"|\b(?:lunes|martes|miercoles|jueves|viernes|sabado|domingo)\b")


_VACCINE = _rx(
    r"\b(?:vaccin\w*|immuni[sz]\w*|flu|booster|tetanus|covid|checkup|check-up|well[- ]child|"
    r"physical|nurse gave|vacuna\w*)\b"
)


# Self-harm as a subject of work or study, not a person's state: "suicide prevention training".
_SELF_HARM_TOPIC = _rx(
    r"^\w*\W+(?:prevention|awareness|training|course|class|seminar|workshop|week|month|"
    r"statistics|rates?|research|policy|protocol|screening tool|prevencion|capacitacion|curso|"
    r"taller|as a theme|theme|essay|pamphlets?|folletos?)\b"
)
# Something that happens every time, for years, known to a doctor: not an emergency now.
_RECURRENT = _rx(
    r"\b(?:every time|each time|whenever|cada vez que|siempre que|desde siempre|"
    r"for (?:years|as long as i can remember)|desde hace (?:anos|mucho))\b"
)
# A symptom that began just now is news, even when it came with effort.
_ONSET = _rx(
    r"\b(?:started|began|came on|empezo|comenzo) (?:about |like |around )?(?:an? |\d+ |half an )?"
    r"(?:hour|hours|min\w*|rato|hora|horas) ago|just (?:started|began)|acaba de empezar\b"
)


# A plain denial of the very words matched (the person says they are not suicidal, have no
# thoughts of harming themselves). Narrow on purpose: "I don't want to live" is a self-harm
# phrase that starts with a negation, and "no reason not to" is no denial.
_SELF_HARM_DENIAL = _rx(
    r"\b(?:(?:i'?m|i am|am|is|he'?s|she'?s|(?:he|she) is) not|not|never been|nor|denies|denied|"
    r"no)(?: (?:feeling|actively|really|at all|currently|being))? (?:suicidal|self[- ]?harm\w*)|"
    r"\b(?:no|not|denies|denied|without|not having|never had|don'?t have|do not have) (?:any )?"
    r"(?:active |current |suicidal |self[- ]harm )?(?:thoughts?|ideation|intent\w*|plans?|urges?)"
    r"(?: (?:of|to|about|for))? (?:suicid\w*|hurting|harming|killing|ending|self[- ]harm\w*)|"
    r"\b(?:would never|will never|never going to|not going to|not gonna|no intention of|don'?t "
    r"plan to|(?:was|were|is|are|wasn'?t|weren'?t)? ?not trying to) (?:hurt|harm|kill)|"
    r"\bno (?:tengo|tiene|tenemos) (?:\w+ )?(?:pensamientos|ideas|intencion\w*|ganas|planes) de "
    r"(?:hacer(?:me|se) dano|quitarme|quitarse|matarme|matarse|suicid\w*|lastimar\w*)|"
    r"\b(?:denies|denied|negative for|no) (?:si|hi)(?:/(?:si|hi))?\b|"
    r"\bno (?:soy|estoy|es|esta) suicida|\bnunca me (?:haria|haré|hare) dano|"
    r"\bno (?:me )?(?:quiero|voy a|pienso) hacer(?:me)? dano|"
    r"\bno (?:me )?(?:quiero|voy a|pienso) (?:matar|morir|suicidar)(?:me)?\b|"
    r"\bno (?:estoy pensando en|pienso en|quiero|voy a) (?:hacerme dano|matarme|suicidarme|"
    r"morir)|\b(?:niega|nego|niegan) (?:ideacion|ideas|pensamientos)(?: \w+)?"
)


def _denied(text: str, start: int) -> bool:
    """Whether the self-harm hit at `start` sits inside a plain denial."""
    return any(m.start() <= start < m.end() for m in _SELF_HARM_DENIAL.finditer(text))


# The topic said first, as Spanish does: "taller de prevención del suicidio".
_SELF_HARM_TOPIC_BEFORE = _rx(
    r"\b(?:prevencion|prevention|taller|capacitacion|curso|awareness|platica|charla|"
    r"folletos?) (?:del?|de la|of|sobre(?: el| la)?|about)?\s*$"
)


# Grief, a story or a form about suicide is not a person at risk now.
_SELF_HARM_ABOUT = _rx(
    r"\blost (?:a|my|our|her|his|their) (?:\w+ ){0,2}to suicide|\bsupport group for|"
    r"\b(?:intake|new patient|medical|health) form|form asks|questionnaire|cuestionario|"
    r"\bnovel about|book club|(?:a|the) (?:scene|character|movie|show) (?:where|about)|"
    r"\bresources for (?:parents|families|teachers)"
)


def _self_harm_guard(text: str, after: str = "", start: int = -1) -> str | None:
    if (after and _SELF_HARM_TOPIC.search(after)) or _PROTOCOL.search(text):
        return "topic"
    if _SELF_HARM_ABOUT.search(text) and not _SELF_HARM_CURRENT.search(
        _ERRAND_WANT.sub(" ", _SELF_HARM_RECOVERED.sub(" ", text))
    ):
        return "topic"
    if start > 0 and _SELF_HARM_TOPIC_BEFORE.search(text[max(0, start - 40) : start]):
        return "topic"
    if start >= 0 and _denied(text, start):
        return "negated"
    # Only a plain history is let through: said as past, resolved or asked about for an errand
    # (a chart, a scar, a taper), and with no current cue at all.
    rest = _ERRAND_WANT.sub(" ", _SELF_HARM_RECOVERED.sub(" ", text))
    if (
        _SELF_HARM_PAST.search(text)
        and (_SELF_HARM_RECOVERED.search(text) or _ADMIN.search(text))
        and not _SELF_HARM_CURRENT.search(rest)
    ):
        return "recovered"
    # Someone already in a psychiatric unit or hospital and said to be safe is in care.
    if _IN_CARE.search(text) and _SAFE.search(text) and not _SELF_HARM_CURRENT.search(rest):
        return "in care"
    return None


def scan(text: str) -> list[Hit]:
    """Every pattern hit in normalised `text`, each with the guard that explains it away."""
    sentences = _spans(text, _SENTENCE_END)
    clauses: list[tuple[int, int]] = []
    for lo, hi in sentences:
        clauses += [(lo + a, lo + b) for a, b in _spans(text[lo:hi], _CLAUSE_BREAK)]
    hits: list[Hit] = []

    def context(m: re.Match[str]) -> tuple[str, str, str, str]:
        s_lo, s_hi = _within(sentences, m.start())
        c_lo, c_hi = _within(clauses, m.start())
        return text[s_lo:s_hi], text[c_lo:c_hi], text[c_lo : m.start()], text[m.end() : c_hi]

    for rx in _SELF_HARM:
        for m in rx.finditer(text):
            guard = _self_harm_guard(text, text[m.end() : m.end() + 40], m.start())
            if guard is None and m.group().startswith(("cut", "burn")):
                guard = "accidental" if _ACCIDENTAL.search(text[m.end() :]) else None
            hits.append(Hit("self_harm", m.group(), True, guard, m.start()))
    for category, patterns in _ACUTE.items():
        for rx in patterns:
            for m in rx.finditer(text):
                sentence, clause, before, after = context(m)
                guard = _physical_guard(sentence, clause, before, after, m.group(), text)
                if guard == "past" and category == "overdose_poisoning":
                    # A dose is always told in the past tense ("swallowed them an hour ago");
                    # only a stated time ("yesterday", "last year") makes it history.
                    # Last night's or this morning's dose is still in the body.
                    # Unless it has been seen to since ("the ER sent us home").
                    seen_to = _SEEN_TO.search(text)
                    recent = sentence if seen_to else _RECENT_INTAKE.sub(" ", sentence)
                    guard = "past" if _PAST_TIME.search(recent) else None
                elif (
                    guard == "negated" and category == "overdose_poisoning" and not _negated(before)
                ):
                    # "Ate a pod, seems fine": fine means awake, not that nothing was swallowed.
                    guard = None
                elif guard == "mild" and category == "overdose_poisoning":
                    # "A little" of a poison is how much, not how bad: still a poisoning.
                    guard = None
                elif category == "overdose_poisoning" and _LONG_AGO.search(clause):
                    guard = "past"
                hits.append(Hit(category, m.group(), True, guard, m.start()))
    for category, patterns in _CUES.items():
        for rx in patterns:
            for m in rx.finditer(text):
                sentence, clause, before, after = context(m)
                if category == "self_harm":
                    # Self-harm risk words are weighed by similarity (or escalate when there
                    # is no model); an errand in the same clause never explains them away.
                    hits.append(Hit(category, m.group(), False, _self_harm_guard(text), m.start()))
                    continue
                guard = _physical_guard(sentence, clause, before, after, text=text)
                if guard is None and _ADMIN.search(clause):
                    guard = "errand"
                # A topic word next to "having", "right now", "help", ... is acute.
                acute = guard is None and bool(_ACUTE_CONTEXT.search(clause))
                hits.append(Hit(category, m.group(), acute, guard, m.start()))
    return hits


def causes(text: str) -> set[str]:
    """Categories whose cause (an allergen, a drug or poison) the message names."""
    return {cat for cat, rx in _CAUSES.items() if rx.search(text)}
