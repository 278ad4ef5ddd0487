"""Pure text rules for held plans: yes/no replies, action clauses, and what the user is told."""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

from core.texts import DEFAULT_LANGUAGE, in_order, say

ReplyKind = Literal["yes", "no", "other"]

# Strict on purpose: only a whole message that is one of these counts. "yes but Tuesday"
# carries a change of mind, so it is a new request, never a confirmation.
# English and Spanish together: a reply is matched whole, so the languages cannot collide.
_YES_HEADS = ("yes", "yeah", "yep", "yup", "sure", "ok", "okay", "si", "claro", "dale", "va")
_YES_TAILS = (
    "",
    "please",
    "go ahead",
    "please go ahead",
    "do it",
    "please do",
    "confirm",
    "por favor",
    "adelante",
    "hagalo",
    "confirmo",
    "esta bien",
    "de acuerdo",
)
_YES_ALONE = (
    "confirm",
    "confirmed",
    "i confirm",
    "go ahead",
    "do it",
    "please do",
    "proceed",
    "confirmo",
    "confirmado",
    "adelante",
    "de acuerdo",
    "esta bien",
    "hagalo",
    "por supuesto",
)
_NO_HEADS = ("no", "nope", "nah")
_NO_TAILS = (
    "",
    "thanks",
    "thank you",
    "don't",
    "please don't",
    "cancel that",
    "keep it",
    "gracias",
    "mejor no",
    "no lo haga",
    "dejelo asi",
)
_NO_ALONE = (
    "don't",
    "do not",
    "please don't",
    "don't do it",
    "cancel that",
    "never mind",
    "mejor no",
    "no lo haga",
    "olvidelo",
    "dejelo asi",
    "no gracias",
)
_THANKS = ("", " thanks", " thank you", " gracias")


def _phrases(heads: tuple[str, ...], tails: tuple[str, ...], alone: tuple[str, ...]) -> set[str]:
    said = {f"{h} {t}".strip() for h in heads for t in tails} | set(alone)
    return {f"{s}{thanks}" for s in said for thanks in _THANKS}


YES = frozenset(_phrases(_YES_HEADS, _YES_TAILS, _YES_ALONE))
NO = frozenset(_phrases(_NO_HEADS, _NO_TAILS, _NO_ALONE))
_PUNCT = re.compile(r"[.,!;:]+")


def reply_kind(text: str) -> ReplyKind:
    """Whether a message answers a held plan with yes, with no, or is something else."""
    said = unicodedata.normalize("NFKD", text.lower().replace("\u2019", "'"))
    said = "".join(ch for ch in said if not unicodedata.combining(ch))
    said = _PUNCT.sub(" ", said.replace("¡", " ").replace("¿", " "))
    said = " ".join(said.split())
    if said in YES:
        return "yes"
    if said in NO:
        return "no"
    return _loose_kind(said)


# A yes or no said in a hurry: "yes pls", "yea go ahead", "si, cancelela por favor". The head
# decides; everything after it must be courtesy or a restatement of the go-ahead, so a reply
# carrying a change ("yes but Tuesday", "ok, at 3 instead") is never a confirmation.
_LOOSE_YES = frozenset(
    [
        "yes",
        "yeah",
        "yea",
        "ya",
        "yep",
        "yup",
        "sure",
        "ok",
        "okay",
        "k",
        "kk",
        "si",
        "sip",
        "claro",
        "dale",
        "va",
        "correct",
        "right",
        "absolutely",
        "perfect",
        "perfecto",
        "exacto",
        "exactly",
        "affirmative",
        "vale",
        "bueno",
    ]
)
_LOOSE_NO = frozenset(["no", "nope", "nah", "nop", "negative"])
_FILLER = frozenset(
    [
        "please",
        "pls",
        "plz",
        "thanks",
        "thank",
        "thx",
        "ty",
        "you",
        "go",
        "ahead",
        "do",
        "it",
        "that's",
        "thats",
        "that",
        "is",
        "fine",
        "good",
        "great",
        "works",
        "sounds",
        "confirm",
        "confirmed",
        "correct",
        "right",
        "sure",
        "ok",
        "okay",
        "yes",
        "yeah",
        "perfect",
        "please,",
        "cool",
        "awesome",
        "one",
        "the",
        "it",
        "this",
        "is",
        "por",
        "favor",
        "porfa",
        "porfavor",
        "gracias",
        "esta",
        "bien",
        "de",
        "acuerdo",
        "adelante",
        "hagalo",
        "hazlo",
        "confirmo",
        "perfecto",
        "claro",
        "si",
        "eso",
        "es",
        "esa",
        "ese",
        "cancelela",
        "cancelala",
        "cancela",
        "cancel",
        "cancelalo",
        "reservela",
        "reservala",
        "reserva",
        "book",
        "move",
        "muevala",
        "cambiela",
        "pidela",
        "pidalo",
        "request",
        "refill",
        "resurtala",
        "hagame",
        "it's",
        "its",
        "all",
        "set",
        "lo",
        "la",
        "le",
        "me",
        "muchas",
        "mil",
        "dale",
        "asi",
        "mejor",
        "keep",
        "leave",
        "dont",
        "don't",
        "do",
        "not",
        "thanks,",
        "thank-you",
        "gracias",
    ]
)
# Spanish go-aheads with a pronoun ("confírmela", "hagámoslo").
_FILLER |= {"confirmela", "confirmala", "confirmalo", "confirmelo", "hagamoslo", "listo"}
_ACTS = frozenset(
    [
        "cancel",
        "cancela",
        "cancelela",
        "cancelala",
        "cancelalo",
        "book",
        "reservela",
        "reservala",
        "reserva",
        "move",
        "muevala",
        "cambiela",
        "request",
        "refill",
        "resurtala",
        "pidela",
        "pidalo",
        "do",
        "hagalo",
        "hazlo",
        "adelante",
    ]
)
_CHANGE = re.compile(
    r"\b(?:but|pero|instead|actually|wait|espere|espera|change|cambiar|another|otro|otra"
    r"|different|diferente|en\s+vez|mejor\s+(?:el|la|a\s+las))\b|\d"
)


# "tramítelo", "envíela", "pídamelo": a go-ahead verb with its pronoun, whatever the verb.
_CLITIC = re.compile(r"^[a-z]{3,}(?:elo|ela|alo|ala|elos|alos|amelo|emelo|amela|emela)$")


def _loose_kind(said: str) -> ReplyKind:
    words = said.split()
    if not words or len(words) > 8 or _CHANGE.search(said):
        return "other"
    head, rest = words[0], words[1:]
    if head in _LOOSE_YES and all(w in _FILLER or _CLITIC.match(w) for w in rest):
        # "ok don't": the filler may not turn the yes around.
        return "other" if {"dont", "don't", "not"} & set(rest) else "yes"
    if head in _LOOSE_NO and all(w in _FILLER and w not in _ACTS for w in rest):
        return "no"
    return "other"


# A new clause starts at a sentence break, a comma, "and" or "then", but only when an action
# verb follows: "book me with Dr Chen and Dr Patel" stays one clause.
_ACTION = (
    r"(?:cancel|book|schedule|reschedule|move|refill|request|cancela|cancelar|agenda|agendar|"
    r"reprograma|reprogramar|cambia|cambiar|resurte|resurtir|pide|pedir)\b"
)
_LEAD = (
    r"(?:(?:please|also|then|and|i want to|i'd like to|i would like to|can you|could you|"
    r"por favor|tambien|luego|y|quiero|me gustaria|puede|podria)\s+)*"
)
_BREAK = re.compile(
    rf"(?:\s*[;.!?]\s+|,?\s+(?:and|then|y|luego)\s+|,\s+)(?={_LEAD}{_ACTION})", re.IGNORECASE
)
_LEADING = re.compile(rf"^{_LEAD}", re.IGNORECASE)


def split_clauses(text: str) -> list[str]:
    """The action clauses of a message, in the order said ("cancel X and then book Y")."""
    parts = [_LEADING.sub("", p.strip(" ,;")).strip() for p in _BREAK.split(text)]
    return [p for p in parts if p]


_EARLIEST = re.compile(
    r"\b(?:earliest|soonest|first\s+(?:available|open|free)|next\s+(?:available|open|free))\b",
    re.IGNORECASE,
)


def wants_earliest(text: str) -> bool:
    """ "book the earliest slot with Dr. Chen next week": the first open time is the choice."""
    return _EARLIEST.search(text) is not None


def confirmation_question(steps: list[str], lang: str = DEFAULT_LANGUAGE) -> str:
    key = "confirm.one" if len(steps) == 1 else "confirm.many"
    return say(lang, key, steps=in_order(steps, lang))


def declined_reply(steps: list[str], lang: str = DEFAULT_LANGUAGE) -> str:
    return say(lang, "confirm.declined", steps=in_order(steps, lang))


def expired_reply(steps: list[str], lang: str = DEFAULT_LANGUAGE) -> str:
    return say(lang, "confirm.expired", steps=in_order(steps, lang))


def outcome_reply(
    done: list[str],
    failed: tuple[str, str] | None,
    skipped: list[str],
    lang: str = DEFAULT_LANGUAGE,
) -> str:
    """What a multi-step plan did, what failed and why, and what it therefore did not do."""
    lines = list(done)
    if failed is not None:
        step, why = failed
        if why[1:2].islower() and not why.startswith("I "):
            why = why[0].lower() + why[1:]
        lines.append(say(lang, "outcome.failed", step=step, why=why))
    if skipped:
        lines.append(say(lang, "outcome.skipped", steps=" / ".join(skipped)))
    if failed is not None:
        lines.append(say(lang, "outcome.nothing_else" if done else "outcome.nothing"))
    return "\n".join(lines)
