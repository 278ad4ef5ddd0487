"""Short-reply cues of a dialogue: "never mind", "let's continue", "and on Saturday?", and
which other task a message names. English and Spanish, matched on accent-free lower case."""

from __future__ import annotations

import re
import unicodedata

_I = re.IGNORECASE


def plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower().replace("\u2019", "'"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.replace("¿", " ").replace("¡", " ").split())


_DAY_ABBR = {
    "mon": "monday",
    "tue": "tuesday",
    "tues": "tuesday",
    "wed": "wednesday",
    "weds": "wednesday",
    "thu": "thursday",
    "thur": "thursday",
    "thurs": "thursday",
    "fri": "friday",
    "sat": "saturday",
    "sun": "sunday",
}
_ABBR = re.compile(r"\b(" + "|".join(_DAY_ABBR) + r")\b\.?", _I)
_RUN_CLOCK = re.compile(r"(?<![\d:/$.,])\b(1[0-2]|[1-9])([0-5]\d)\b(?![\d:/%])")


def normalize_reply(text: str) -> str:
    """A short reply as the date reader expects it: "wed" is Wednesday and "930" is 9:30
    (only in short replies, where "sat" and "930" cannot be a verb or a count)."""
    # "la de las 10", "la de la 1:30": a clock, as "a las 10" already reads.
    text = _ES_CLOCK.sub(r"at \1", text)
    if len(text.split()) > 8:
        return text
    text = _ABBR.sub(lambda m: _DAY_ABBR[m.group(1).lower()], text)
    text = _RUN_CLOCK.sub(r"\1:\2", text)
    return _LUNCH.sub(lambda m: _LUNCH_PART[m.group(1).lower()[:3]], text)


_LUNCH = re.compile(
    r"\b(after|before|despues|después|antes)\s+(?:de\s+)?(?:lunch|comer|almorzar|del\s+almuerzo"
    r"|la\s+comida|mediodia|mediodía|noon)\b",
    _I,
)
_LUNCH_PART = {
    "aft": "in the afternoon",
    "bef": "in the morning",
    "des": "in the afternoon",
    "ant": "in the morning",
}
# "not Monday, Tuesday is better": the day turned down is not the day asked for.
_DAY_NAMES = (
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|lunes|martes|miercoles"
    r"|miércoles|jueves|viernes|sabado|sábado|domingo)"
)
_REJECTED_DAY = re.compile(
    rf"\b(?:not|no|instead\s+of|rather\s+than|en\s+vez\s+del?|en\s+lugar\s+del?)\s+(?:on\s+|el\s+)?"
    rf"{_DAY_NAMES}\b|\b{_DAY_NAMES}\s+(?:won'?t|doesn'?t|does\s+not|will\s+not|can'?t|is\s+out"
    rf"|no\s+(?:puedo|me\s+sirve|me\s+queda))\b",
    _I,
)


_CORRECTION = re.compile(
    r"\b(?:instead|make\s+(?:that|it)|change\s+(?:that|it)|move\s+(?:that|it)|actually|switch\s+it"
    r"|en\s+vez|mejor|cambiela|cambiala|cambialo|muevala|muevela|hagala)\b",
    _I,
)


_MAKE_IT = re.compile(
    r"\b(make|change|move|switch|put)\s+(that|it)\s+(?:to\s+)?(\d{1,2}(?::[0-5]\d)?)\b(?!\s*(?::|[ap]\.?m))",
    _I,
)


def clock_after_make_it(text: str) -> str:
    """ "change it to 4": the number is a time ("change it at 4")."""
    return _MAKE_IT.sub(r"\1 \2 at \3", text)


def corrects(text: str) -> bool:
    """The reply changes what was just done ("actually, put it at 4")."""
    return _CORRECTION.search(plain(text)) is not None


def drop_rejected_days(text: str) -> str:
    """The reply without a day it turns down, when it names another one too."""
    days = re.findall(_DAY_NAMES, text, flags=_I)
    if len({d.lower() for d in days}) < 2:
        return text
    return _REJECTED_DAY.sub(" ", text)


_ES_CLOCK = re.compile(
    r"\b(?:a\s+|de\s+)?las?\s+(\d{1,2}(?::[0-5]\d)?)\b"
    r"(?!\s*(?:de|del|opciones|citas|semanas|horas|dias|personas)\b)",
    _I,
)
# "something later", "¿no tiene algo más tarde?": times after those offered.
_LATER = re.compile(
    r"\b(?:algo|nada|anything|something|any|otro|otra|horarios?|times?)\s+(?:mas\s+tarde|later"
    r"|despues)\b|\blater\s+(?:times?|slots?|ones?|in\s+the\s+day|on)\b|\banything\s+after\b"
    r"|\bmas\s+adelante\b|^\s*later\s*\??\s*$",
    _I,
)


def wants_later(text: str) -> bool:
    return _LATER.search(plain(text)) is not None


_NEVER_MIND = re.compile(
    r"^(?:(?:oh|ok|okay|um+|hmm+|actually|no|nah|wait|sorry|pues|bueno|mejor|ah|eh)[\s,.!]+)*"
    r"(?:never\s*mind|nevermind|nvm|forget\s+(?:it|that|about\s+it)|scratch\s+that"
    r"|don'?t\s+bother|drop\s+it|stop|skip\s+it|leave\s+it|i'?ll\s+(?:do\s+it|call|sort\s+it)"
    r"(?:\s+\w+){0,3}|not\s+(?:now|anymore|any\s+more)|no\s+(?:thanks|thank\s+you)"
    r"|i\s+(?:changed|change)\s+my\s+mind|cancel\s+(?:that|this|the\s+request)"
    r"|olvidalo|olvida(?:lo)?\s+(?:eso)?|olvidelo|dejalo|dejelo|dejalo\s+asi|no\s+importa"
    r"|ya\s+no|mejor\s+no|no\s+gracias|cambie\s+de\s+opinion|para|ya\s+no\s+hace\s+falta)"
    r"(?:[\s,.!]+.*)?$",
    _I,
)


def never_mind(text: str) -> bool:
    """The user drops what is in progress ("never mind", "forget it", "olvídalo")."""
    said = plain(text)
    return len(said.split()) <= 14 and _NEVER_MIND.match(said) is not None


_RESUME = re.compile(
    r"\b(?:continue|resume|go\s+back|get\s+back|back\s+to|carry\s+on|where\s+were\s+we"
    r"|let'?s\s+(?:do|finish|go\s+on)|finish\s+(?:the|my)|now\s+(?:the|my)\s+(?:booking|appointment)"
    r"|sigamos|continuemos|continuar|volvamos|volver|volviendo|regresando|retomemos|retomar"
    r"|sigamos\s+con|en\s+que\s+estabamos|de\s+vuelta)\b",
    _I,
)


def wants_resume(text: str) -> bool:
    return _RESUME.search(plain(text)) is not None


# A follow-up keeps the last question's subject: "and on Saturday?", "what about the other
# office?", "¿y la otra sede?", "how about Westside".
_FOLLOWUP = re.compile(
    r"^(?:and|also|(?:and\s+)?(?:what|how)\s+(?:about|abt|bout)|same\s+for|same\s+question\s+for"
    r"|y|y\s+que\s+tal|que\s+tal|y\s+en|y\s+para|y\s+los|y\s+las|y\s+el|y\s+la|igual\s+para)\b",
    _I,
)
_OTHER_SITE = re.compile(
    r"\b(?:other|another|second|otra|otro|la\s+otra|el\s+otro)\s+"
    r"(?:site|office|location|clinic|branch|one|place|sede|oficina|clinica|sucursal|ubicacion|lugar)\b",
    _I,
)


# A question about the clinic, not an answer to the task: "where do I park there?", "¿dónde me
# estaciono en Westside?". "What about Tuesday?" and "¿qué tal el martes?" are answers.
_QUESTION = re.compile(
    r"^(?:(?:and|also|oh|ok|okay|wait|so|quick\s+q|quick\s+question|y|oye|una\s+pregunta|"
    r"otra\s+cosa|pregunta)[\s,:]+)*(?!(?:what|how)\s+(?:about|abt|bout)\b|que\s+tal)"
    r"(?:where|how|what|why|which|who|do\s+you|does|is\s+there|are\s+there|donde|como|cuanto"
    r"|cuanta|cuantos|que|cual|por\s+que|aceptan|a\s+que\s+hora|hay)\b",
    _I,
)


_CLAUSE = re.compile(r"\s*(?:[.;:!?]|\s-+\s|,\s*(?:but|and|so|pero|y)\s)\s*")
# "any openings after 3?", "¿queda algún hueco el jueves?": a question about open times
# belongs to the task, not to the knowledge base.
_OPEN_TIMES = re.compile(
    r"\b(?:anything|something|any\s+(?:times?|slots?|openings?)|openings?|available|availability"
    r"|free|open\s+(?:times?|slots?)|slots?|algo|alguna?|hueco|horarios?\s+libres?|disponible"
    r"|espacio|lugar)\b"
)


def asks_about_clinic(text: str) -> bool:
    """Some clause of the message opens with a question word ("hold on - where is the lab?"),
    and it is not asking for open times."""
    said = plain(text)
    if _OPEN_TIMES.search(said):
        return False
    return any(_QUESTION.match(c) for c in _CLAUSE.split(said) if c)


def is_followup(text: str) -> bool:
    said = plain(text)
    words = said.split()
    return 0 < len(words) <= 9 and (
        _FOLLOWUP.match(said) is not None or _OTHER_SITE.search(said) is not None
    )


def other_site(text: str) -> bool:
    return _OTHER_SITE.search(plain(text)) is not None


_WEEKDAY = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekends?|weekdays?"
    r"|lunes|martes|miercoles|jueves|viernes|sabados?|domingos?|fines?\s+de\s+semana)\b",
    _I,
)


def rewrite_followup(subject: str, text: str, sites: list[str]) -> str:
    """The last question asked again with what the follow-up changes: another site named or
    "the other one" (every site the subject did not name), another day, or the follow-up's
    words added to the subject."""
    said = plain(text)
    tail = re.sub(_FOLLOWUP, "", said).strip(" ?.!,")
    tail = re.sub(r"^(?:on|at|for|in|the|en|el|la|los|las|para)\s+", "", tail).strip()
    named = [s for s in sites if _site_key(s) and _site_key(s) in said]
    in_subject = [s for s in sites if _site_key(s) and _site_key(s) in plain(subject)]
    if other_site(text) and in_subject:
        named = [s for s in sites if s not in in_subject]
    if named:
        out = subject
        replaced = False
        for s in in_subject:
            pattern = re.compile(re.escape(_site_key(s)), _I)
            if pattern.search(out):
                out = pattern.sub(" and ".join(_site_key(n).title() for n in named), out, 1)
                replaced = True
        if replaced:
            return out
        return f"{subject.rstrip(' ?.')} at {' and '.join(named)}?"
    day = _WEEKDAY.search(tail)
    if day and _WEEKDAY.search(plain(subject)):
        return _WEEKDAY.sub(day.group(), subject, count=1)
    return f"{subject.rstrip(' ?.')} {tail}?".strip()


def _site_key(site: str) -> str:
    """The word that tells a site from its siblings ("westside" of "Harborview Westside")."""
    words = plain(site).split()
    return words[-1] if len(words) > 1 else (words[0] if words else "")


# Which task a message names by its own words: a switch needs the words, not only the
# classifier's label (a bare "Dr. Chen please" mid-booking is not a new request).
TASK_CUES: dict[str, re.Pattern[str]] = {
    "cancel_appointment": re.compile(r"\b(?:cancel\w*|call\s+off|anula\w*)\b", _I),
    "reschedule_appointment": re.compile(
        r"\b(?:reschedul\w*|re-schedul\w*|move|push|postpone|change\s+(?:my|the)\s+appointment"
        r"|reprogram\w*|cambia\w*\s+(?:mi|la|una|de|el)\s+(?:\w+\s+)?(?:cita|consulta|turno)"
        r"|mover\w*|pasar\w*\s+(?:mi|la|el)?\s*(?:cita|consulta)?\s*(?:al|para)\b|aplazar)\b",
        _I,
    ),
    "prescription_refill": re.compile(
        r"\b(?:refill\w*|prescription|meds?|medication|medicine|pills|resurt\w*|receta"
        r"|medicamento|medicina|pastillas)\b",
        _I,
    ),
    "book_appointment": re.compile(
        r"\b(?:book\w*|appointment|appt|schedule\s+(?:a|an|me)|see\s+(?:a|the|dr|doctor)"
        r"|cita|agendar|reservar|consulta)\b",
        _I,
    ),
    "check_insurance": re.compile(
        r"\b(?:insurance|insured|coverage|covered|copay|co-pay|deductible|seguro|cubre|copago)\b",
        _I,
    ),
    "list_appointments": re.compile(
        r"\b(?:my\s+appointments|when\s+is\s+my|what\s+appointments|mis\s+citas|cuando\s+es\s+mi)\b",
        _I,
    ),
    "schedule_callback": re.compile(
        r"\b(?:call\s+me|callback|call\s+back|ring\s+me|llamen|llamar|llamada)\b", _I
    ),
    "human_handoff": re.compile(
        r"\b(?:human|real\s+person|someone\s+real|speak\s+to|talk\s+to|persona|hablar\s+con)\b", _I
    ),
}


def names_task(text: str, intent: str) -> bool:
    cue = TASK_CUES.get(intent)
    return cue is not None and cue.search(plain(text)) is not None
