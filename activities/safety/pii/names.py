"""Person names the small spaCy model misses: found from the words around them and spread."""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from presidio_analyzer import LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc, Span, Token

from .gazetteer import names
from .lower_names import lower_case_names
from .name_layout import card_name, repeats, siblings, speakers
from .name_tokens import is_name_token
from .recognizers import results
from .vocab import (
    KIN_WORDS,
    KNOWN_ORGS,
    NAME_INTRO,
    NAME_INTRO_CAPITALISED,
    NAME_INTRO_WEAK,
    NAME_PARTICLES,
    NOT_NAMES,
    ORG_WORDS,
    PERSON_VERB,
    SPANISH_NAME_WORDS,
    SPEECH_VERBS,
    STREET_WORDS,
)

# Entity kinds that no misread name gets: a number or a date is never a person.
_NOT_A_NAME_KINDS = frozenset(
    {"DATE", "TIME", "MONEY", "CARDINAL", "ORDINAL", "QUANTITY", "PERCENT"}
)
_PLACE_PREPOSITIONS = frozenset({"in", "at", "near", "from", "to", "into", "across", "en", "de"})


def _before_street(doc: Doc, span: Span) -> bool:
    """The span is followed by a street word, so it names a street ("Madison Ave")."""
    return span.end < len(doc) and doc[span.end].lower_.rstrip(".") in STREET_WORDS


def _person_shaped(tokens: Iterable[Token]) -> bool:
    toks = list(tokens)
    if not 1 <= len(toks) <= 4:
        return False
    for t in toks:
        if t.lower_ in ORG_WORDS or t.lower_ in KNOWN_ORGS or t.lower_ in NOT_NAMES:
            return False
        if len(t.text.rstrip(".")) > 1 and t.text.isupper():
            return False  # an acronym: "CVS", "IBM"
        shaped = t.text[:1].isupper() and all(c.isalpha() or c in "'\u2019.-" for c in t.text)
        inner = t.i not in (toks[0].i, toks[-1].i)
        # An inner hyphen joins a double-barrelled name ("Anne-Lotte"), an inner particle a
        # family name ("Joost van Dam"); nothing else may.
        inner_hyphen = t.text == "-" and inner
        if not (shaped or inner_hyphen or (inner and t.lower_ in NAME_PARTICLES)):
            return False
    return True


class PersonContextRecognizer(LocalRecognizer):
    ENTITY = "PERSON"

    RULES = frozenset(
        {
            "strong",
            "capital",
            "weak",
            "org",
            "card",
            "speakers",
            "verbs",
            "listed",
            "roles",
            "lists",
            "repeats",
            "pairs",
            "lower",
        }
    )

    def __init__(self, known_words: Iterable[str] = (), rules: Iterable[str] = RULES) -> None:
        # English words (from the lemmatizer's tables): a capitalised word that is one is more
        # likely a company, a drug or a sentence start than a surname.
        self.known_words = frozenset(known_words)
        self.rules = frozenset(rules)
        if "listed" in self.rules:
            names()  # read the name lists now (about half a second), not on the first message
        super().__init__(supported_entities=[self.ENTITY], name=type(self).__name__)

    def _unknown(self, t: Token) -> bool:
        return t.lower_ not in self.known_words and t.lemma_.lower() not in self.known_words

    def load(self) -> None:
        pass

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        doc = getattr(nlp_artifacts, "tokens", None)
        if not isinstance(doc, Doc) or (entities and self.ENTITY not in entities):
            return []
        return results(self, self.ENTITY, self.spans(text, doc))

    def spans(self, text: str, doc: Doc) -> list[tuple[int, int, float]]:
        lower_text = not any(c.isupper() for c in text)
        starts = [t.idx for t in doc]
        found: list[tuple[int, int, float]] = []

        def take(char: int, lowercase_ok: bool, weak: bool, score: float) -> None:
            k = bisect.bisect_left(starts, char)
            span = self._take(doc, k, lowercase_ok)
            if span is None:
                return
            # After a weak cue the first word must be one no English dictionary has (drug
            # names are in it: "with Lipitor") or one the NER itself calls a person.
            first = doc[k]
            listed = first.text in names()[0] and first.lower_ not in NOT_NAMES
            if weak and not (
                (
                    first.ent_type_ == "PERSON"
                    or (first.pos_ == "PROPN" and (self._unknown(first) or listed))
                )
                and self._not_other_entity(span)
            ):
                return
            found.append((span.start_char, span.end_char, score))

        rules = self.rules
        for m in NAME_INTRO.finditer(text) if "strong" in rules else ():
            take(m.end(), True, False, 0.8)
        for m in NAME_INTRO_CAPITALISED.finditer(text) if "capital" in rules else ():
            take(m.end(), lower_text, False, 0.75)
        for m in NAME_INTRO_WEAK.finditer(text) if "weak" in rules else ():
            take(m.end(), False, True, 0.6)
        if "lower" in rules:
            found.extend(lower_case_names(text, doc, self._unknown))
        for ent in doc.ents if "org" in rules else ():
            # The small model calls many unfamiliar full names an organisation; company names
            # are mostly made of English words ("Harbor Bank"), full names mostly not.
            words = [t for t in ent if len(t.text.rstrip(".")) > 1]
            if (
                ent.label_ == "ORG"
                and len(words) >= 2
                and self._not_other_entity(ent)
                and any(self._unknown(t) for t in words)
            ):
                found.append((ent.start_char, ent.end_char, 0.5))
        if "card" in rules:
            found.extend(card_name(text, doc))
        if "speakers" in rules:
            found.extend(speakers(text))
        if "verbs" in rules:
            found.extend(self._subjects(text, doc, lower_text))
        if "listed" in rules:
            found.extend(self._listed(doc, lower_text))
        if "roles" in rules and not lower_text:
            found.extend(self._roles(doc))
        if "pairs" in rules and not lower_text:
            found.extend(self._pairs(doc))
            found.extend(self._initialled(doc))
            found.extend(self._listed_runs(doc))
        # spaCy's own names seed the list and repeat rules; presidio's SpacyRecognizer reports
        # them, so they are not reported twice from here; except a lower-case one, which the
        # engine drops from the NER in text with capitals: where a rule here agrees, it is
        # reported with the higher score, so that presidio keeps this recognizer's copy.
        ner = {(e.start_char, e.end_char) for e in doc.ents if e.label_ == "PERSON"}
        seeds = found + [(start, end, 0.85) for start, end in ner]
        if "lists" in rules:
            seeds += siblings(doc, seeds, lower_text, self._unknown)
        if "repeats" in rules:
            seeds += repeats(text, seeds, lower_text)
        out = [s for s in seeds if (s[0], s[1]) not in ner]
        out += [
            (start, end, 0.9)
            for start, end, _ in found
            if (start, end) in ner and text[start:end].islower()
        ]
        return out

    @staticmethod
    def _take(doc: Doc, k: int, lowercase_ok: bool) -> Span | None:
        """Up to four name tokens from token k: "Mara J. Quill", "Joost van Dam"."""
        j, last = k, -1
        while j < len(doc) and j - k < 6:
            t = doc[j]
            glued = j > k and doc[j - 1].text in "-'\u2019" and not doc[j - 1].whitespace_
            if is_name_token(t, lowercase_ok, continuation=j > k):
                last = j
            elif glued and last == j - 2 and t.is_alpha and t.lower_ not in STOP_WORDS:
                last = j  # the lower-case half of "Mi-rae", "Min-jun"
            elif t.text in "-'\u2019" and last == j - 1 and not doc[j - 1].whitespace_:
                pass  # "Anne-Lotte" comes as three tokens
            elif not (t.lower_ in NAME_PARTICLES and last == j - 1 and j + 1 < len(doc)):
                break
            j += 1
        return doc[k : last + 1] if last >= k else None

    def _subjects(self, text: str, doc: Doc, lower_text: bool) -> list[tuple[int, int, float]]:
        """The name before a verb only people do ("Tobin lives nearby", "Osei began teaching"), or
        addressed at the start of a sentence ("Renata, could you check my file?")."""
        out: list[tuple[int, int, float]] = []
        starts = [t.idx for t in doc]
        for m in PERSON_VERB.finditer(text):
            k = bisect.bisect_left(starts, m.start())
            j = k
            while j > 0 and k - j < 5:
                prev = doc[j - 1]
                particle = prev.lower_ in NAME_PARTICLES and j - 1 > 0
                if not (is_name_token(prev, lower_text) or particle):
                    break
                j -= 1
            while j < k and doc[j].lower_ in NAME_PARTICLES:
                j += 1  # a name starts with a name, not with "van"
            if j < k and (doc[k - 1].pos_ == "PROPN" or lower_text or self._unknown(doc[k - 1])):
                span = doc[j:k]
                if self._not_other_entity(span) or lower_text or self._misread(span):
                    out.append((span.start_char, span.end_char, 0.6))
        return out

    def _listed(self, doc: Doc, lower_text: bool) -> list[tuple[int, int, float]]:
        """Names from the name lists. A capitalised given name with the name words after it:
        alone it must be a word no English dictionary has ("Efimiya", not "Amber"), and a
        dictionary word ("Adam") needs a listed or non-dictionary surname after it. In text
        written all in lower case, a given name followed by a listed surname ("maria lopez").
        A surname alone is not enough: too many are also places and companies."""
        given, family = names()
        out: list[tuple[int, int, float]] = []
        k = 0
        while k < len(doc):
            t = doc[k]
            k += 1
            if lower_text:
                span = self._lower_name(doc, t, given, family)
                if span is not None:
                    out.append((span.start_char, span.end_char, 0.6))
                    k = span.end
                continue
            if not (t.text[:1].isupper() and not t.text.isupper()):
                continue
            if t.text not in given:
                continue
            span = self._take(doc, t.i, False)
            if span is None:
                continue
            if (
                not self._not_other_entity(span)
                and not self._full_name(doc, span, family)
                and not self._given_called_place(doc, span)
            ):
                continue
            if _before_street(doc, span):
                continue  # "Madison Ave"
            rest = [w for w in span[1:] if len(w.text.rstrip(".")) > 1]
            if rest:
                ok = self._unknown(t) or any(w.text in family or self._unknown(w) for w in rest)
            else:
                ok = self._unknown(t) and t.lower_ not in SPANISH_NAME_WORDS
            if ok:
                out.append((span.start_char, span.end_char, 0.6))
                k = span.end
        return out

    def _roles(self, doc: Doc) -> list[tuple[int, int, float]]:
        """A name in a place only a person takes: after a speech verb and after its "to"
        ("said Ilse to Bram"), or owning kin ("Marta's daughter", "Ivo Lund's funeral")."""
        given, family = names()
        out: list[tuple[int, int, float]] = []

        def person_at(k: int) -> Span | None:
            if k >= len(doc) or not doc[k].text[:1].isupper():
                return None
            span = self._take(doc, k, False)
            if span is None or not _person_shaped(span):
                return None
            if any(t.ent_type_ in _NOT_A_NAME_KINDS for t in span):
                return None
            first = span[0]
            known = first.text in given or first.text in family or span[-1].text in family
            return span if known or self._unknown(first) else None

        for t in doc:
            if t.lower_ in SPEECH_VERBS and t.pos_ == "VERB":
                span = person_at(t.i + 1)
                if span is not None:
                    out.append((span.start_char, span.end_char, 0.6))
                    nxt = span.end
                    if nxt + 1 < len(doc) and doc[nxt].lower_ == "to":
                        other = person_at(nxt + 1)
                        if other is not None:
                            out.append((other.start_char, other.end_char, 0.6))
            elif t.text in ("'s", "\u2019s", "'") and t.i + 1 < len(doc):
                if doc[t.i + 1].lower_ not in KIN_WORDS:
                    continue
                j = t.i
                while j > 0 and t.i - j < 4 and is_name_token(doc[j - 1], False):
                    j -= 1
                span = person_at(j) if j < t.i else None
                if span is not None and span.end == t.i:
                    out.append((span.start_char, span.end_char, 0.6))
        return out

    def _pairs(self, doc: Doc) -> list[tuple[int, int, float]]:
        """Two or three capitalised words shaped like a full name wherever they stand: the first
        a listed given name or a word no dictionary has, the last a listed surname or such a
        word, one of them listed ("Dobrosław Tomaszewski", "Olumide Adeyemi")."""
        given, family = names()
        out: list[tuple[int, int, float]] = []
        k = 0
        while k < len(doc):
            t = doc[k]
            k += 1
            if not (t.text[:1].isupper() and not t.text.isupper() and len(t.text) > 1):
                continue
            if t.text not in given and not self._unknown(t):
                continue
            span = self._take(doc, t.i, False)
            if span is None or len(span) < 2:
                continue
            last = span[-1]
            if len(last.text.rstrip(".")) == 1 or not (last.text in family or self._unknown(last)):
                continue
            if t.text not in given and last.text not in family:
                continue
            if _before_street(doc, span):
                continue  # "Madison Ave"
            if self._not_other_entity(span) or self._full_name(doc, span, family):
                out.append((span.start_char, span.end_char, 0.55))
                k = span.end
        return out

    def _initialled(self, doc: Doc) -> list[tuple[int, int, float]]:
        """A capitalised word, a middle initial and a capitalised word ("Faina D. Yefremova"): a
        person's name whenever the outer words are not both dictionary words ("Vitamin D")."""
        out: list[tuple[int, int, float]] = []
        for k in range(len(doc) - 2):
            first, mid, last = doc[k], doc[k + 1], doc[k + 2]
            if len(mid.text.rstrip(".")) != 1 or not mid.text[0].isupper() or mid.text == "I":
                continue
            span = doc[k : k + 3]
            if not _person_shaped(span) or any(len(t.text.rstrip(".")) < 2 for t in (first, last)):
                continue
            if not (self._unknown(first) or self._unknown(last)):
                continue
            if self._not_other_entity(span) or span[0].ent_type_ in ("GPE", "PRODUCT", "ORG"):
                out.append((span.start_char, span.end_char, 0.6))
        return out

    def _listed_runs(self, doc: Doc) -> list[tuple[int, int, float]]:
        """A list of capitalised single words joined by commas and "and", two or more of them
        on the name lists ("founders: Kovac, Becker and Ortiz"): every member is a name."""
        given, family = names()
        out: list[tuple[int, int, float]] = []
        k = 0
        while k < len(doc):
            members: list[Token] = []
            j = k
            while j < len(doc):
                t = doc[j]
                shaped = t.text[:1].isupper() and not t.text.isupper() and t.is_alpha
                if not shaped or t.lower_ in NOT_NAMES or t.lower_ in ORG_WORDS:
                    break
                members.append(t)
                nxt = doc[j + 1] if j + 1 < len(doc) else None
                if nxt is None or nxt.text not in (",", "and", "&"):
                    break
                j += 2
                if j < len(doc) and doc[j].text == "and":
                    j += 1  # "A, B, and C"
            listed = sum(t.text in given or t.text in family for t in members)
            if len(members) >= 2 and listed >= 2 and all(t.pos_ == "PROPN" for t in members):
                out.extend((t.idx, t.idx + len(t.text), 0.55) for t in members)
                k = members[-1].i + 1
            else:
                k += 1
        return out

    def _full_name(self, doc: Doc, span: Span, family: frozenset[str]) -> bool:
        """A listed given name with listed or non-dictionary surnames after it is a person even
        where the small model calls it a place or a product ("Evelyn Park", "Tomás Herrera"),
        unless a place-taking preposition comes before it ("in Evelyn Park")."""
        rest = [w for w in span[1:] if len(w.text.rstrip(".")) > 1]
        if not 1 <= len(rest) <= 2 or not _person_shaped(span):
            return False
        if any(w.ent_type_ in _NOT_A_NAME_KINDS for w in span):
            return False
        if span.start > 0 and doc[span.start - 1].lower_ in _PLACE_PREPOSITIONS:
            return False
        return all(w.text in family or self._unknown(w) for w in rest)

    def _lower_name(
        self, doc: Doc, t: Token, given: frozenset[str], family: frozenset[str]
    ) -> Span | None:
        """A name in all-lower-case text: a listed given name and a listed surname ("maria
        lopez"); a middle initial between a name and a word no dictionary has ("codey m
        ross" shape); or a listed given name before a word no dictionary has."""
        if t.lower_ in SPANISH_NAME_WORDS or t.lower_ in STOP_WORDS or t.lower_ in NOT_NAMES:
            return None
        listed = t.text.title() in given
        odd = t.is_alpha and len(t) > 2 and self._unknown(t)
        if not (listed or odd):
            return None
        j = t.i + 1
        initial = j < len(doc) and len(doc[j].text.rstrip(".")) == 1 and doc[j].is_alpha
        if initial:
            j += 1
        if j >= len(doc) or doc[j].lower_ in STOP_WORDS or not doc[j].is_alpha:
            return None
        last = doc[j]
        surname = last.text.title() in family or (len(last) > 2 and self._unknown(last))
        if listed and last.text.title() in family:
            return doc[t.i : j + 1]
        # The initial is the evidence when the first word is not a listed name.
        # Short listed names are also Spanish words ("del", "lo"): they need the initial.
        if surname and (initial or (listed and len(t) > 3)) and last.lower_ not in NOT_NAMES:
            return doc[t.i : j + 1]
        return None

    def _given_called_place(self, doc: Doc, span: Span) -> bool:
        """A lone given name no dictionary has ("Celina", "Franciska") that the small model
        calls a place, with no place preposition before it ("in Celina")."""
        t = span[0]
        return (
            len(span) == 1
            and {t.ent_type_} == {"GPE"}
            and self._unknown(t)
            and t.lower_ not in SPANISH_NAME_WORDS
            and not (t.i > 0 and doc[t.i - 1].lower_ in _PLACE_PREPOSITIONS)
        )

    def _misread(self, span: Span) -> bool:
        """A name the small model calls a place, where only a person fits (the subject of
        "lives", "said", "is allergic"): its first word a listed or non-dictionary name."""
        given, family = names()
        kinds = {t.ent_type_ for t in span if t.lower_ not in NAME_PARTICLES}
        kinds -= {"", "PERSON", "ORG"}
        first = span[0]
        listed = first.text in given or first.text in family or span[-1].text in family
        return (
            kinds <= {"GPE", "NORP", "LOC", "PRODUCT"}
            and _person_shaped(span)
            and (listed or self._unknown(first))
        )

    @staticmethod
    def _not_other_entity(span: Span) -> bool:
        # The small model calls unfamiliar names organisations, but a place is a place.
        kinds = {t.ent_type_ for t in span if t.lower_ not in NAME_PARTICLES}
        return not kinds - {"", "PERSON", "ORG"} and _person_shaped(span)
