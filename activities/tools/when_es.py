"""Spanish dates and times, rewritten as the English phrases `when` already understands.

"mañana a las 3 de la tarde" -> "tomorrow at 3 pm", "el próximo martes" -> "next tuesday",
"la semana que viene" -> "next week", "el 14 de diciembre" -> "december 14". One parser with
its clinic rules (hours, spans, weekdays) serves both languages; only the words differ. An
English text passes through unchanged: none of these Spanish words occur in it.
"""

from __future__ import annotations

import re
import unicodedata

_WEEKDAYS = {
    "lunes": "monday",
    "martes": "tuesday",
    "miercoles": "wednesday",
    "jueves": "thursday",
    "viernes": "friday",
    "sabado": "saturday",
    "domingo": "sunday",
}
_MONTHS = {
    "enero": "january",
    "febrero": "february",
    "marzo": "march",
    "abril": "april",
    "mayo": "may",
    "junio": "june",
    "julio": "july",
    "agosto": "august",
    "septiembre": "september",
    "setiembre": "september",
    "octubre": "october",
    "noviembre": "november",
    "diciembre": "december",
}
_NUMBERS = {"un": "1", "una": "1", "dos": "2", "tres": "3", "cuatro": "4", "cinco": "5"}
_DAY = "|".join(_WEEKDAYS)
_MONTH = "|".join(_MONTHS)
_I = re.IGNORECASE

# (pattern, replacement) in order: longer phrases first, so "pasado mañana" is not "tomorrow".
_RULES: tuple[tuple[re.Pattern[str], str | None], ...] = tuple(
    (re.compile(pattern, _I), repl)
    for pattern, repl in (
        (r"\bpasado manana\b", "in 2 days"),
        (r"\b(?:de|por|en) (?:la|las) mananas?\b", "in the morning"),
        (r"\b(?:de|por|en) (?:la|las) tardes?\b", "in the afternoon"),
        (r"\b(?:de|por|en) (?:la|las) noches?\b", "in the evening"),
        (r"\besta manana\b", "today in the morning"),
        (r"\besta tarde\b", "today in the afternoon"),
        (r"\besta noche\b", "tonight"),
        (r"\bmanana\b", "tomorrow"),
        (r"\bhoy\b", "today"),
        (r"\bmediodia\b", "noon"),
        (
            r"\b(?:la )?(?:proxima semana|semana proxima|semana que viene|semana que entra"
            r"|semana entrante|otra semana)\b",
            "next week",
        ),
        (r"\besta semana\b", "this week"),
        (r"\b(?:el )?(?:proximo mes|mes que viene|mes entrante)\b", "next month"),
        (r"\beste mes\b", "this month"),
        (rf"\b(?:el )?(?:proximo|siguiente) ({_DAY})\b", r"next \1"),
        (rf"\b(?:el )?({_DAY}) (?:proximo|que viene|que entra|de la otra semana)\b", r"next \1"),
        (rf"\beste ({_DAY})\b", r"this \1"),
        (r"\ben (\d+|un|una|dos|tres|cuatro|cinco) (dia|dias|semana|semanas|mes|meses)\b", None),
        (rf"\b(?:el )?(\d{{1,2}}) de ({_MONTH})\b", r"\2 \1"),
        (r"\ba (?:las|la) (\d{1,2}) y media\b", r"at \1:30"),
        (r"\ba (?:las|la) (\d{1,2}) y cuarto\b", r"at \1:15"),
        (r"\b(?:las|la) (\d{1,2}) y media\b", r"\1:30"),
        (r"\b(?:las|la) (\d{1,2}) y cuarto\b", r"\1:15"),
        (r"\ba (?:las|la) (\d{1,2}(?::\d\d)?)\b", r"at \1"),
        (r"\b(?:sobre|como a|tipo) las (\d{1,2}(?::\d\d)?)\b", r"around \1"),
        (r"\bel (\d{1,2})\b(?! de)", r"the \1th"),
    )
)
_UNITS = {
    "dia": "day",
    "dias": "days",
    "semana": "week",
    "semanas": "weeks",
    "mes": "month",
    "meses": "months",
}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def _in_n(m: re.Match[str]) -> str:
    count = _NUMBERS.get(m.group(1).lower(), m.group(1))
    return f"in {count} {_UNITS[m.group(2).lower()]}"


def to_english_dates(text: str) -> str:
    """`text` with its Spanish date and time phrases in English; other words unchanged."""
    out = _fold(text)
    for pattern, repl in _RULES:
        out = pattern.sub(_in_n if repl is None else repl, out)
    for spanish, english in (*_WEEKDAYS.items(), *_MONTHS.items()):
        out = re.sub(rf"\b{spanish}\b", english, out, flags=_I)
    # "para el jueves", "al lunes": the new time of a move, as "to" marks it in English.
    days = "|".join(_WEEKDAYS.values())
    out = re.sub(
        rf"\b(?:para|al|a)(?: el| la| las)? (?=(?:next |this )?(?:{days}|tomorrow|today|in 2 days|"
        r"next week|the \d|\d|at \d))",
        "to ",
        out,
        flags=_I,
    )
    # "at 3 in the afternoon" -> "at 3 pm": the English parser's clock rule then applies.
    out = re.sub(r"\b(\d{1,2}(?::\d\d)?) in the (?:afternoon|evening)\b", r"\1 pm", out, flags=_I)
    return re.sub(r"\b(\d{1,2}(?::\d\d)?) in the morning\b", r"\1 am", out, flags=_I)
