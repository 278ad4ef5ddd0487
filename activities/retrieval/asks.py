"""What a question asks for (a time, a day, an amount, a duration, a place, a phone number),
how such a fact looks in a sentence, and how a question splits into parts."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

from .text import fold, tokenize

_I = re.I
# Question cues per answer type, English and Spanish, on accent-folded lower-case text.
_ASKS: dict[str, re.Pattern[str]] = {
    "time": re.compile(
        r"\b(?:hours?|what time|when (?:do|does|is|are|can)|open(?:s|ing)?|clos(?:e|es|ing)|"
        r"until|horario|hora|abre[ns]?|cierra[ns]?|a que hora)\b",
        _I,
    ),
    "money": re.compile(
        r"\b(?:cost|costs|price|fee|fees|how much(?! (?:notice|time|advance|warning|longer|"
        r"earlier|later|sooner))|copay|charge[sd]?|pay|bill|\$|cuesta|"
        r"cuanto(?! tiempo| antes)|"
        r"precio|cobran?|tarifa|pagar)\b",
        _I,
    ),
    "duration": re.compile(
        r"\b(?:how long|how many (?:days|hours|minutes|weeks)|how soon|how early|"
        # "How late is it open" asks for a clock time; "how late can I be", for minutes.
        r"how late(?! (?:\w+ ){0,3}?(?:open|close|closes|closing|stay|stays|run|runs)\b)|"
        r"how far in advance|minutes? early|ahead of time|turnaround|cuanto tiempo|"
        r"how much (?:notice|time|advance|warning)|cuanto antes|"
        r"cuantos (?:dias|minutos|horas)|con cuanta anticipacion)\b",
        _I,
    ),
    "place": re.compile(
        r"\b(?:where|address|located|location|park|parking|directions|which site|"
        r"which (?:office|location|clinic)|donde|direccion|estacionar|estacionamiento)\b",
        _I,
    ),
    "phone": re.compile(r"\b(?:phone|number to call|call|fax|telefono|llamar)\b", _I),
}
# Words that say what kind of fact is wanted: the answer's shape stands for them, so a corpus
# that never writes "time" can still answer "what time...".
CUE_TERMS = frozenset(
    tokenize(
        "time times hour hours open opening close closing until cost costs price fee fees much "
        "copay charge pay bill long many soon early late far advance where address located "
        "location park parking directions phone number call fax minutes days weeks "
        "horario hora abre abren cierra cierran cuesta cuanto precio cobran tarifa pagar tiempo "
        "dias minutos donde direccion estacionar estacionamiento telefono llamar"
    )
)
# How each type of fact looks in a sentence.
_TIME = r"\b\d{1,2}(?::\d{2})?\s?(?:a\.?m\.?|p\.?m\.?)|\bnoon\b|\bmidnight\b|\b\d{1,2}:\d{2}\b"
_SHAPES: dict[str, re.Pattern[str]] = {
    "time": re.compile(rf"{_TIME}|\bclosed\b|\b24 hours\b|\bcerrad[oa]\b", _I),
    "money": re.compile(
        r"\$\s?\d|\b\d+ (?:dollars|percent)\b|\d+%|\bfree\b|\bno (?:fee|charge|cost)\b", _I
    ),
    "duration": re.compile(
        r"\b(?:\d+|one|two|three|four|five|six|seven|eight|ten|twelve|fifteen|twenty|thirty|"
        r"forty-eight|a|an)[ -](?:business |calendar |working )?"
        r"(?:minutes?|hours?|days?|weeks?|months?|years?)\b|\bsame day\b|\bovernight\b",
        _I,
    ),
    "place": re.compile(
        r"\b(?:street|st\.|avenue|ave\.|road|rd\.|boulevard|blvd|drive|lane|way|suite|floor|"
        r"level|garage|lot|parking|building|entrance|wing|room|desk|bus|train|station|line)\b",
        _I,
    ),
    "phone": re.compile(r"\(?\d{3}\)?[ .-]\d{3}-\d{4}|\b\d{3}-\d{4}\b"),
}

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_WORDS = {
    **{d: i for i, d in enumerate(DAYS)},
    **{d[:3]: i for i, d in enumerate(DAYS)},
    "tues": 1,
    "thur": 3,
    "thurs": 3,
    "lunes": 0,
    "martes": 1,
    "miercoles": 2,
    "jueves": 3,
    "viernes": 4,
    "sabado": 5,
    "sabados": 5,
    "domingo": 6,
    "domingos": 6,
}
DAY_TERMS = frozenset(t for word in _DAY_WORDS for t in tokenize(word))
_DAY = "|".join(sorted(_DAY_WORDS, key=len, reverse=True))
_RANGE = re.compile(
    rf"\b({_DAY})s?\b\.?\s*(?:-|\u2013|\u2014|to|through|thru|a|al)\s*({_DAY})s?\b", _I
)
_ONE_DAY = re.compile(rf"\b({_DAY})s?\b", _I)
_WEEKDAYS = re.compile(r"\b(?:weekdays?|entre semana|dias habiles)\b", _I)
_WEEKEND = re.compile(r"\b(?:weekends?|fin(?:es)? de semana)\b", _I)


@dataclass(frozen=True)
class Ask:
    """One question (or part of one): its text and what kind of fact answers it."""

    text: str
    types: frozenset[str]
    days: frozenset[int]
    # Words carried over from an earlier part ("...Riverside..., and where do I park there?").
    context: str = ""

    @property
    def full(self) -> str:
        return f"{self.text} {self.context}".strip()


# Cached: selection asks it of the same units for every question.
@lru_cache(maxsize=50_000)
def days_in(text: str) -> frozenset[int]:
    """Weekdays a text names, ranges expanded ("Monday to Friday" holds Wednesday)."""
    folded = fold(text)
    found: set[int] = set()
    for m in _RANGE.finditer(folded):
        a, b = _DAY_WORDS[m.group(1).lower()], _DAY_WORDS[m.group(2).lower()]
        found.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
    rest = _RANGE.sub(" ", folded)
    # "Sat" or "Sun" alone are days only next to times or other days; "mon" is rarely a word.
    found.update(_DAY_WORDS[m.group(1).lower()] for m in _ONE_DAY.finditer(rest))
    if _WEEKDAYS.search(folded):
        found.update(range(5))
    if _WEEKEND.search(folded):
        found.update((5, 6))
    return frozenset(found)


def analyse(question: str, context: str = "") -> Ask:
    folded = fold(question)
    types = {name for name, cue in _ASKS.items() if cue.search(folded)}
    if "duration" in types:
        types.discard("time")  # "how long is the wait" asks for minutes, not a clock time
    days = days_in(question)
    if days and not types & {"money", "place", "phone", "duration"}:
        types.add("time")  # "are you open Sunday?": the answer is that day's hours
    return Ask(question.strip(), frozenset(types), days, context)


# "How much is X", not "do I get charged if...": a yes/no question about money may be
# answered in words ("never charged", "covered"), an amount question only by an amount.
_AMOUNT_ASKED = re.compile(
    r"\b(?:how much|cost|costs|price|prices|cuanto cuesta|cuanto cobran|cuanto es|precio)\b", _I
)
_YES_NO = re.compile(
    r"^\W*(?:is|are|do|does|did|will|would|can|could|should|am|hay|tienen|cobran|me cobran)\b", _I
)


def asks_amount(ask: Ask) -> bool:
    folded = fold(ask.text)
    return (
        ask.types == {"money"} and bool(_AMOUNT_ASKED.search(folded)) and not _YES_NO.search(folded)
    )


@lru_cache(maxsize=50_000)
def shapes(text: str) -> frozenset[str]:
    return frozenset(name for name, shape in _SHAPES.items() if shape.search(text))


# A question ends at "?"; a second question also starts at "and"/"also"/"y" followed by a
# question word or an auxiliary ("..., and can I get a flu shot there?").
_SECOND = re.compile(
    r"(?:,\s*|\s+)(?:and|also|plus|y|ademas|tambien)\s+(?=(?:also\s+)?(?:whats|what|when|where|"
    r"which|"
    r"who|how|is|are|do|does|can|could|will|should|que|cual|cuando|donde|como|cuanto|puedo|"
    r"hay|se puede|tienen|aceptan|a que|a cual|en que|de que|para que)\b|"
    # "...hours on weekdays and the price": a second fact named by its noun.
    r"(?:the|its|their|el|la|los|las) (?:price|cost|fee|phone number|address|hours|precio|"
    r"costo|telefono|direccion|horario)\b)",
    _I,
)
_MIN_PART_WORDS = 3


_ASKING = re.compile(
    r"^\W*(?:whats|what|when|where|which|who|how|is|are|do|does|can|could|will|should|may|"
    r"que|cual|cuando|donde|como|cuanto|cuanta|cuantos|puedo|hay|tienen|aceptan)\b",
    re.I,
)


# Front-desk shorthand and phrasings said for what articles write out. "PT" in capitals is
# physical therapy; "pt" in lower case is the patient a staff member asks for.
_SHORTHAND = (
    (re.compile(r"\bPT\b"), "physical therapy"),
    (re.compile(r"\bpts?\b"), "patient"),
    (re.compile(r"\bw/o\b", _I), "without"),
    (re.compile(r"\b(?:get|be|show up|come in) there\b|\bshow up\b", _I), "arrive"),
)


def expand_shorthand(text: str) -> str:
    for pattern, words in _SHORTHAND:
        text = pattern.sub(words, text)
    return text


def split_question(text: str) -> list[str]:
    """The separate questions in a message, in order; one part when it asks one thing. A
    statement after a question ("..., tengo que ir en ayunas") is its context, not a part."""
    pieces: list[str] = []
    for piece in re.split(r"(?<=[?])\s+|(?<=[?])(?=\S)", text.strip()):
        if not piece.strip():
            continue
        # "...? and what's the price": the conjunction does not make it a statement.
        bare = re.sub(r"^\W*(?:and|also|plus|y|ademas|tambien)\s+", "", fold(piece), flags=_I)
        asking = "?" in piece or _ASKING.search(bare)
        if pieces and not asking:
            pieces[-1] = f"{pieces[-1]} {piece.strip()}"
        else:
            pieces.append(piece.strip())
    parts: list[str] = []
    for piece in pieces:
        folded = fold(piece)
        cuts = [0, *(m.start() for m in _SECOND.finditer(folded)), len(piece)]
        for a, b in itertools.pairwise(cuts):
            part = piece[a:b].strip(" ,;")
            part = re.sub(r"^(?:and|also|plus|y|ademas|tambien)\s+", "", part, flags=_I)
            if len(part.split()) >= _MIN_PART_WORDS or not parts:
                parts.append(part)
            else:
                parts[-1] = f"{parts[-1]} {part}"
    return parts or [text.strip()]
