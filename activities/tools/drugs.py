"""Which of a patient's prescriptions a message names, and when it names one not on file.

A name matches a prescription by its exact name, a known synonym or brand ("Zoloft" for
sertraline), or, for a typo, by edit distance, but only when no other drug on the patient's
list or in drug_names.json is as close, and never across a look-alike pair (losartan is not
valsartan, prednisone is not prednisolone). A drug the patient names that is not on file is
reported as such: the planner asks, it never substitutes another prescription.
"""

from __future__ import annotations

import itertools
import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz

DRUG_NAMES = Path(__file__).with_name("drug_names.json")
# A typo must be this close (rapidfuzz ratio) to a name on file, and clearly closer than to
# any other drug.
TYPO_RATIO = 84.0
TYPO_MARGIN = 6.0
# Words of a prescription's name that say its form, not the drug.
_FORM_WORDS = frozenset(
    [
        "tablet",
        "tablets",
        "tab",
        "tabs",
        "capsule",
        "capsules",
        "cap",
        "caps",
        "oral",
        "solution",
        "suspension",
        "syrup",
        "liquid",
        "inhaler",
        "hfa",
        "diskus",
        "cream",
        "ointment",
        "gel",
        "patch",
        "drops",
        "spray",
        "nasal",
        "injection",
        "pen",
        "er",
        "xr",
        "xl",
        "sr",
        "dr",
        "la",
        "cr",
        "ec",
        "ir",
        "odt",
        "extended",
        "release",
        "delayed",
        "chewable",
        "mg",
        "mcg",
        "ml",
        "units",
        "unit",
    ]
)
# Words that follow "refill of my ..." without naming a drug.
_NOT_A_NAME = frozenset(
    [
        "pills",
        "pill",
        "meds",
        "med",
        "medicine",
        "medicines",
        "medication",
        "medications",
        "prescription",
        "prescriptions",
        "rx",
        "script",
        "scripts",
        "refill",
        "refills",
        "it",
        "them",
        "one",
        "ones",
        "usual",
        "regular",
        "stuff",
        "inhaler",
        "cream",
        "drops",
        "pastillas",
        "pastilla",
        "medicina",
        "medicinas",
        "medicamento",
        "medicamentos",
        "receta",
        "recetas",
        "resurtido",
        "tratamiento",
        "la",
        "las",
        "el",
        "los",
        "mi",
        "mis",
        "de",
        "del",
        "para",
        "por",
        "favor",
        "please",
        "the",
        "my",
        "a",
        "an",
        "of",
        "for",
        "blood",
        "pressure",
        "bp",
        "cholesterol",
        "thyroid",
        "diabetes",
        "sugar",
        "heart",
        "birth",
        "control",
        "allergy",
        "allergies",
        "asthma",
        "pain",
        "sleeping",
        "sleep",
        "anxiety",
        "depression",
        "stomach",
        "acid",
        "reflux",
        "water",
        "nerve",
        "seizure",
        "presion",
        "azucar",
        "tiroides",
        "colesterol",
        "corazon",
        "dolor",
        "ansiedad",
        "dormir",
        "alergia",
        "asma",
        "estomago",
        "anticonceptivas",
        "anticonceptivos",
        "depresion",
        "nervios",
        "diabetico",
    ]
)
_OBJECT = re.compile(
    r"\b(?:refill|refills|renew|renewal|more|out of|running low on|ran out of|need|resurtir|"
    r"resurtido|resurtan|surtir|receta|recetas|mas|se me acabo|se me acabaron|me quede sin)"
    r"\s+(?:(?:of|for|on|my|the|some|de|del|mi|mis|la|las|el|los|para)\s+){0,3}"
    r"(?P<name>[a-z][a-z\-]{3,})"
)
_WORD = re.compile(r"[a-z][a-z\-]*")
_STRENGTH = re.compile(
    r"\d+(?:\.\d+)?\s*(?:mg|mcg|g|ml|units?|%)(?:\s*/\s*\d*(?:\.\d+)?\s*(?:ml|l))?", re.I
)


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower().replace("\u2019", "'"))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


@dataclass(frozen=True)
class Vocabulary:
    generic_of: dict[str, str]  # every known name (generic, brand, Spanish) -> its generic
    look_alike: frozenset[frozenset[str]]  # pairs of generics never matched to each other

    def names_of(self, generic: str) -> set[str]:
        return {name for name, g in self.generic_of.items() if g == generic}

    def confusable(self, a: str, b: str) -> bool:
        ga, gb = self.generic_of.get(a, a), self.generic_of.get(b, b)
        return ga != gb and frozenset((ga, gb)) in self.look_alike


@lru_cache(maxsize=1)
def vocabulary(path: Path = DRUG_NAMES) -> Vocabulary:
    raw = json.loads(path.read_text(encoding="utf-8"))
    generic_of: dict[str, str] = {}
    for generic, synonyms in raw["drugs"].items():
        for name in (generic, *synonyms):
            generic_of[fold(name)] = generic
    pairs = frozenset(
        frozenset(generic_of.get(fold(n), fold(n)) for n in pair) for pair in raw["look_alike"]
    )
    return Vocabulary(generic_of, pairs)


@dataclass(frozen=True)
class Prescribed:
    id: int
    name: str  # as on file: "Methylphenidate ER (Concerta)"
    dosage: str = ""  # "18 mg tablet, once each morning"

    @property
    def label(self) -> str:
        """Name and strength, as the confirmation question says it: "Sertraline 50 mg"."""
        strength = _STRENGTH.search(self.dosage or "")
        return f"{self.name} {strength.group()}" if strength else self.name


@dataclass
class MedicationMatch:
    ids: list[int] = field(default_factory=list)  # prescriptions named (several: ask which)
    said: str | None = None  # the medication word as the patient wrote it
    not_on_file: bool = False  # a medication was named and none of the patient's is it


def _keys(rx: Prescribed, vocab: Vocabulary) -> set[str]:
    """Every name that means this prescription: its own words, and their synonyms."""
    words = {w for w in _WORD.findall(fold(rx.name)) if len(w) > 2 and w not in _FORM_WORDS}
    words |= {part for w in words for part in w.split("-") if len(part) > 3}
    whole = fold(re.sub(r"\(.*?\)", "", rx.name)).strip()
    keys = set(words) | {whole}
    for key in list(keys):
        generic = vocab.generic_of.get(key)
        if generic:
            keys |= vocab.names_of(generic)
    return {k for k in keys if k}


def match_medication(
    text: str, prescriptions: list[Prescribed], vocab: Vocabulary | None = None
) -> MedicationMatch:
    vocab = vocab or vocabulary()
    folded = fold(text)
    words = _WORD.findall(folded)
    phrases = set(words) | {f"{a} {b}" for a, b in itertools.pairwise(words)}
    keyed = [(rx, _keys(rx, vocab)) for rx in prescriptions]
    exact = [rx.id for rx, keys in keyed if keys & phrases]
    if exact:
        said = next((w for w in words for _, keys in keyed if w in keys), None)
        return MedicationMatch(exact, said)
    # A drug the vocabulary knows, said exactly, that is none of the patient's.
    known = [p for p in phrases if p in vocab.generic_of]
    if known:
        return MedicationMatch([], max(known, key=len), not_on_file=True)
    typo = _typo(words, keyed, vocab)
    if typo is not None:
        return typo
    named = _OBJECT.search(folded)
    if named and named.group("name") not in _NOT_A_NAME:
        return MedicationMatch([], named.group("name"), not_on_file=True)
    return MedicationMatch()


def _typo(
    words: list[str], keyed: list[tuple[Prescribed, set[str]]], vocab: Vocabulary
) -> MedicationMatch | None:
    """A misspelt drug name: the closest name overall must be one of a single prescription's,
    clearly ahead of every other drug, and not its look-alike."""
    all_names = list(vocab.generic_of)
    for word in words:
        if len(word) < 5 or word in _NOT_A_NAME:
            continue
        scored = sorted(
            (
                (fuzz.ratio(word, name), name)
                for name in all_names + [k for _, ks in keyed for k in ks]
            ),
            reverse=True,
        )
        best_ratio, best_name = scored[0]
        if best_ratio < TYPO_RATIO:
            continue
        owners = [rx for rx, keys in keyed if best_name in keys]
        rivals = [
            r
            for r, n in scored[1:]
            if r > best_ratio - TYPO_MARGIN
            and vocab.generic_of.get(n, n) != vocab.generic_of.get(best_name, best_name)
        ]
        if len(owners) == 1 and not rivals:
            return MedicationMatch([owners[0].id], word)
        if not owners:
            # Closest to a drug that is not on file (or to two drugs at once): not a match.
            return MedicationMatch([], word, not_on_file=True)
    return None
