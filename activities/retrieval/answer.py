"""Answer selection at sentence level: the units that answer one question part, or none.

A unit scores by its meaning (multilingual cosine), the question's terms it and its section
label hold (by idf), whether it looks like the fact asked for (a time, an amount...) and
names the day asked about. Sections about a sibling the question does not name (another
site) are dropped before scoring, so their values can never be mixed in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from core.payloads import AnswerPart, Evidence

from .asks import CUE_TERMS, DAY_TERMS, Ask, days_in, shapes
from .text import tokenize
from .unit_index import UnitIndex
from .units import Unit


@dataclass(frozen=True)
class AnswerConfig:
    """Weights and bars, calibrated on the answers dev split (bench/eval_answers.py)."""

    dense_weight: float = 0.5
    lexical_weight: float = 0.5
    label_share: float = 0.6  # a query term in the section label counts this much
    type_bonus: float = 0.15
    type_penalty: float = 0.1
    day_bonus: float = 0.2
    day_penalty: float = 0.35
    rank_prior: float = 0.06
    heading_bonus: float = 0.3
    tie_margin: float = 0.08
    max_units: int = 3
    max_items: int = 7
    # Answerability: the best unit's support (the lexical share, plus these when it has the
    # kind of fact and the day asked for) or its meaning must clear one of these bars.
    typed_support: float = 0.2
    day_support: float = 0.2
    min_support: float = 0.4
    min_dense: float = 0.35
    min_dense_alone: float = 0.62
    min_support_with_dense: float = 0.25
    foreign_dense: float = 0.35
    foreign_dense_alone: float = 0.5


# Conversational words that carry no subject: never "unknown" when the corpus lacks them.
_FILLER = frozenset(
    tokenize(
        "please thanks thank hi hello hey tell know wondering wonder need want question quick "
        "ask anyone someone okay ok really actually still also guys clinic office yall "
        "cant dont wont im ive id youre theyre isnt arent doesnt didnt "
        "por favor gracias hola quiero necesito saber pregunta"
    )
)


# Words too common to be what a question is about, though a clinic's articles may never
# use them; stems, as the tokenizer makes them.
_COMMON = frozenset(
    tokenize(
        "around anyway expect already before after earlier later happen happens actually "
        "something anything everything someone another either neither instead without "
        "possible probably usually normally really right thing things people person"
    )
)


def _subject(term: str) -> bool:
    """Whether an unseen term is likely the question's subject ("acupunctur", "dental")
    rather than a short everyday word ("yet", "ever", "done"): by its length, a proxy that
    needs no word list beyond the one above."""
    return len(term) >= 6 and term not in _COMMON


@dataclass
class Scored:
    unit: Unit
    score: float
    lexical: float  # support: the idf share of the question found, plus type and day
    dense: float
    typed: bool


class AnswerSelector:
    def __init__(self, config: AnswerConfig | None = None) -> None:
        self.config = config or AnswerConfig()

    def select(
        self,
        units: UnitIndex,
        idf: Callable[[str], float],
        ask: Ask,
        positions: list[int],
        query_vector: NDArray[np.float32] | None,
        *,
        foreign: bool = False,
    ) -> AnswerPart:
        """`positions`: candidate chunks, best first. `foreign`: the question is not in the
        corpus's language, so its words say little and the meaning has to carry it."""
        cfg = self.config
        raw_terms = list(dict.fromkeys(tokenize(ask.full)))
        terms = [units.repair(t) for t in raw_terms]
        # Day names are matched as days (a range holds them), not as words.
        # A cue word the corpus never uses ("time") is stood for by the answer's shape.
        weights = {
            t: idf(t)
            for t in terms
            if t not in _FILLER
            and not t.isdigit()
            and t not in DAY_TERMS
            and (t in units.vocabulary or t not in CUE_TERMS)
        }
        total = sum(weights.values()) or 1.0
        unknown = [t for t in weights if t not in units.vocabulary and _subject(t)]
        rank = {p: r for r, p in enumerate(positions)}
        rows = self._keep_named(units, set(terms), units.units(positions))
        scored: list[Scored] = []
        for unit, vector in rows:
            own = set(tokenize(unit.text))
            label = set(tokenize(unit.label))
            hit = sum(w for t, w in weights.items() if t in own)
            hit += cfg.label_share * sum(w for t, w in weights.items() if t in label - own)
            lexical = hit / total
            dense = (
                float(vector @ query_vector)
                if vector is not None and query_vector is not None
                else 0.0
            )
            found = shapes(unit.text)
            typed = bool(ask.types & found)
            score = cfg.dense_weight * dense + cfg.lexical_weight * lexical
            if ask.types:
                score += cfg.type_bonus if typed else -cfg.type_penalty
            day_hit = False
            if ask.days:
                said = days_in(unit.text)
                day_hit = bool(said & ask.days)
                if day_hit:
                    score += cfg.day_bonus
                elif said:
                    score -= cfg.day_penalty
            # The section whose own heading names what the question names is about it; a
            # sentence elsewhere that merely mentions it is not.
            heading_terms = set(tokenize(unit.heading.rpartition(" > ")[2]))
            named = sum(w for t, w in weights.items() if t in heading_terms) / total
            score += cfg.heading_bonus * named
            score += cfg.rank_prior / (1 + rank.get(unit.chunk, len(rank)))
            support = lexical + cfg.typed_support * typed + cfg.day_support * day_hit
            scored.append(Scored(unit, score, support, dense, typed))
        asks = sorted(ask.types)
        if not scored:
            return AnswerPart(ask.text, False, asks=asks)
        scored.sort(key=lambda s: -s.score)
        best = scored[0]
        if not self._answerable(best, unknown, foreign):
            return AnswerPart(ask.text, False, asks=asks)
        chosen = self._around(best, scored)
        evidence = [
            Evidence(u.article_id, u.title, u.heading, u.text)
            for u in sorted(chosen, key=lambda u: (positions.index(u.chunk), u.order))
        ]
        return AnswerPart(ask.text, True, evidence, asks)

    def _answerable(self, best: Scored, unknown: list[str], foreign: bool) -> bool:
        cfg = self.config
        # Across languages cosines run lower and the question's words are not the corpus's.
        alone = cfg.foreign_dense_alone if foreign else cfg.min_dense_alone
        weak = cfg.foreign_dense if foreign else cfg.min_dense
        if unknown and not foreign and best.dense < alone:
            # A subject the clinic never wrote about ("acupuncture") is not answered by a
            # sentence that merely shares the question's other words.
            return False
        return (
            best.lexical >= cfg.min_support
            or best.dense >= alone
            or (best.dense >= weak and best.lexical >= cfg.min_support_with_dense)
        )

    def _around(self, best: Scored, scored: list[Scored]) -> list[Unit]:
        """The best unit, its near ties in the same section, and the list it belongs to or
        introduces: a list item needs its lead, a lead needs its items."""
        cfg = self.config
        top = best.unit
        chosen = [top]
        same_list = [
            s.unit
            for s in scored
            if s.unit.is_item
            and s.unit.chunk == top.chunk
            and s.unit.lead == (top.order if not top.is_item else top.lead)
            and s.unit.heading == top.heading
        ]
        for s in scored[1:]:
            if len(chosen) >= cfg.max_units:
                break
            near = s.score >= best.score - cfg.tie_margin
            if near and s.unit.article_id == top.article_id and s.unit.heading == top.heading:
                chosen.append(s.unit)
        if top.text.endswith(":"):
            chosen += [u for u in same_list if u not in chosen][: cfg.max_items]
        if top.is_item:
            lead = next(
                (s.unit for s in scored if s.unit.chunk == top.chunk and s.unit.order == top.lead),
                None,
            )
            if lead is not None and lead not in chosen:
                chosen.insert(0, lead)
        return chosen

    @staticmethod
    def _keep_named(
        units: UnitIndex, terms: set[str], rows: list[tuple[Unit, NDArray[np.float32] | None]]
    ) -> list[tuple[Unit, NDArray[np.float32] | None]]:
        """When the question names one of a group of sibling names (a site), drops every unit
        whose section or text names another of them and not the one asked about. Siblings
        that are not names (a "Holidays" section beside the sites) stay: they may apply to
        every site, and the label score already prefers the section the question names."""
        asked = {t for t in terms if t in units.names}
        rivals = set().union(*(units.names[t] for t in asked)) - asked if asked else set()
        if not rivals:
            return rows
        kept = []
        for unit, vector in rows:
            said = set(tokenize(f"{unit.heading} {unit.text}"))
            if said & rivals and not said & asked:
                continue
            kept.append((unit, vector))
        return kept
