"""Which of a clinic's patients a staff member's message names ("cancel Emily Carter's visit").

Stricter than provider names: acting on the wrong patient is worse than asking, so a patient
is named only by two parts of their name ("Emily Carter", "Carter, Emily"), or by the surname
after a title ("Mr. Whitaker", "Sra. Martínez"). Matching ignores case and accents.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_TITLES = r"(?:mr|mrs|ms|miss|mx|sr|sra|srta|senor|senora|senorita|don|dona)\.?"
_WORD = re.compile(r"[a-z][a-z'\-]*")


@dataclass(frozen=True)
class PatientName:
    id: int
    full_name: str


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in text if not unicodedata.combining(ch)).replace("\u2019", "'")


def _parts(name: str) -> list[str]:
    return [w.removesuffix("'s") for w in _WORD.findall(_fold(name)) if len(w) > 1]


def named_patients(text: str, patients: list[PatientName]) -> list[int]:
    """Ids of the patients `text` names, in the order given; empty when none is named."""
    folded = _fold(text)
    words = {w.removesuffix("'s") for w in _WORD.findall(folded)}
    found: list[int] = []
    for patient in patients:
        parts = _parts(patient.full_name)
        if not parts:
            continue
        both = len(parts) >= 2 and sum(p in words for p in parts) >= 2
        surname = parts[-1]
        titled = re.search(rf"\b{_TITLES}\s+{re.escape(surname)}\b", folded) is not None
        if both or titled:
            found.append(patient.id)
    return found
