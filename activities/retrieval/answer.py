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

from core.retrieval_payloads import AnswerPart, Evidence

from .asks import CUE_TERMS, DAY_TERMS, Ask, asks_amount, days_in, shapes
from .synonyms import concept
from .text import term_set, tokenize
from .unit_index import Row, UnitIndex
from .units import Unit


@dataclass(frozen=True)
class AnswerConfig:
    """Weights and bars, set by hand and by grid search on the answers dev split
    (bench/eval_answers.py); a listwise softmax fit on the same split ranked no better."""

    # Per FEATURES: dense, dense_en, text, label, typed, untyped, day_hit, day_miss, day_none,
    # heading, extra, rank, item, bias.
    weights: tuple[float, ...] = (
        *(0.25, 0.5, 0.5, 0.3, 0.15, -0.1, 0.2, -0.35, -0.15, 0.3, 0.0, 0.06, 0.0, 0.0),
    )
    label_share: float = 0.6  # a query term in the section label counts this much
    tie_margin: float = 0.08
    tie_any_section: bool = True
    site_margin: float = 0.1
    max_units: int = 3
    max_items: int = 7
    # Answerability: the best unit's support (the lexical share, plus these when it has the
    # kind of fact and the day asked for) plus its cosine must reach the bar.
    typed_support: float = 0.2
    day_support: float = 0.2
    dense_in_bar: float = 1.0
    answer_bar: float = 0.8
    foreign_bar: float = 0.6


# Conversational words that carry no subject: they weigh nothing in a question.
FILLER = frozenset(
    tokenize(
        "please thanks thank hi hello hey tell know wondering wonder need want question quick "
        "ask anyone someone okay ok really actually still also guys clinic office yall "
        "cant dont wont im ive id youre theyre isnt arent doesnt didnt "
        "por favor gracias hola quiero necesito saber pregunta"
    )
)


# The features a unit is scored on; its score is their dot product with the weights.
FEATURES = (
    "dense",  # USE cosine between question and labelled unit
    "dense_en",  # MiniLM cosine, English questions only
    "text",  # idf share of the question's terms in the unit's own text
    "label",  # idf share found only in its title and heading path
    "typed",  # it has the shape of the fact asked for (time, amount...)
    "untyped",  # a shape was asked for and it has none
    "day_hit",  # it names (or spans) the weekday asked about
    "day_miss",  # it names other weekdays only
    "day_none",  # a weekday was asked about and it names none
    "heading",  # idf share of the question in its own (last) heading
    "extra",  # idf of its heading path's words the question does not name, scaled
    "rank",  # 1 / (1 + its chunk's fused rank)
    "item",  # a list item
    "bias",
)
# Roughly the idf of a term in one chunk of a clinic's hundred: the scale of "extra".
MAX_IDF = 4.0
(
    DENSE,
    DENSE_EN,
    TEXT,
    LABEL,
    TYPED,
    UNTYPED,
    DAY_HIT,
    DAY_MISS,
    DAY_NONE,
    HEADING,
    EXTRA,
    RANK,
    ITEM,
    BIAS,
) = range(len(FEATURES))


def unit_features(
    row: Row,
    queries: tuple[NDArray[np.float32] | None, NDArray[np.float32] | None],
    ask: Ask,
    weights: dict[str, float],
    total: float,
    idf: Callable[[str], float],
    rank: dict[int, int],
    units: UnitIndex,
) -> NDArray[np.float64]:
    unit, vector, vector_en = row
    query, query_en = queries
    f = np.zeros(len(FEATURES))
    own = term_set(unit.text)
    label = term_set(unit.label) - own
    f[DENSE] = float(vector @ query) if vector is not None and query is not None else 0.0
    if vector_en is not None and query_en is not None:
        f[DENSE_EN] = float(vector_en @ query_en)
    f[TEXT] = sum(w for t, w in weights.items() if concept(t) & own) / total
    f[LABEL] = sum(w for t, w in weights.items() if concept(t) & label and not concept(t) & own)
    f[LABEL] /= total
    if ask.types:
        typed = bool(ask.types & shapes(unit.text))
        f[TYPED], f[UNTYPED] = float(typed), float(not typed)
    if ask.days:
        said = days_in(unit.text)
        f[DAY_HIT] = float(bool(said & ask.days))
        f[DAY_MISS] = float(bool(said) and not said & ask.days)
        f[DAY_NONE] = float(not said)
    last = term_set(unit.heading.rpartition(" > ")[2])
    f[HEADING] = sum(w for t, w in weights.items() if concept(t) & last) / total
    # Absolute, not a share: a common word in every site's heading ("Maplebrook") costs
    # little, a subject the question never named ("Holidays", "lab") costs a lot.
    path = term_set(unit.heading) - units.names.keys()
    f[EXTRA] = sum(idf(t) for t in path if t not in weights and not t.isdigit()) / MAX_IDF
    f[RANK] = 1.0 / (1 + rank.get(unit.chunk, len(rank)))
    f[ITEM] = float(unit.is_item)
    f[BIAS] = 1.0
    return f


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
        query_en: NDArray[np.float32] | None = None,
        *,
        foreign: bool = False,
    ) -> AnswerPart:
        """`positions`: candidate chunks, best first; the question's multilingual and English
        vectors. `foreign`: the question is not in the corpus's language, so its words say
        little, the English encoder nothing, and the multilingual meaning has to carry it."""
        cfg = self.config
        raw_terms = list(dict.fromkeys(tokenize(ask.full)))
        terms = [units.repair(t) for t in raw_terms]
        # Day names are matched as days (a range holds them), not as words.
        # A cue word the corpus never uses ("time") is stood for by the answer's shape.
        weights = {
            t: idf(t)
            for t in terms
            if t not in FILLER
            and not t.isdigit()
            and t not in DAY_TERMS
            and (t in units.vocabulary or t not in CUE_TERMS)
        }
        total = sum(weights.values()) or 1.0
        rank = {p: r for r, p in enumerate(positions)}
        rows = self._keep_named(units, set(terms), units.units(positions))
        weights_vec = np.asarray(cfg.weights, dtype=np.float64)
        scored: list[Scored] = []
        queries = (query_vector, None if foreign else query_en)
        for row in rows:
            f = unit_features(row, queries, ask, weights, total, idf, rank, units)
            support = f[TEXT] + cfg.label_share * f[LABEL] + cfg.typed_support * f[TYPED]
            support += cfg.day_support * f[DAY_HIT]
            # The bar reads the sharper encoder the question allows.
            meaning = f[DENSE] if foreign or query_en is None else f[DENSE_EN]
            scored.append(Scored(row[0], float(f @ weights_vec), support, meaning, bool(f[TYPED])))
        asks = sorted(ask.types)
        if not scored:
            return AnswerPart(ask.text, False, asks=asks)
        scored.sort(key=lambda s: -s.score)
        best = scored[0]
        if not self._answerable(best, foreign):
            return AnswerPart(ask.text, False, asks=asks)
        asked_names = any(t in units.names for t in terms)
        if not asked_names:
            best = self._per_site(best, scored, units)
        chosen = self._around(best, scored, ask, units, asked_names)
        # Overlapping chunks repeat a sentence: it is said once.
        unique = {(u.article_id, u.heading, u.text): u for u in reversed(chosen)}
        evidence = [
            Evidence(u.article_id, u.title, u.heading, u.text)
            for u in sorted(unique.values(), key=lambda u: (positions.index(u.chunk), u.order))
        ]
        if asks_amount(ask) and not any("money" in shapes(e.text) for e in evidence):
            # A price asked, and the sentences found name none: the clinic has not written
            # this one down ("how much is X" answered by "we offer X" is no answer).
            return AnswerPart(ask.text, False, asks=asks)
        return AnswerPart(ask.text, True, evidence, asks)

    def _answerable(self, best: Scored, foreign: bool) -> bool:
        """Support (the question's idf found, plus shape and day) and meaning add up: a
        sentence that shares few words must mean the same, one that means little alike must
        share most words. A subject the corpus never uses already weighs against support.
        Across languages cosines run lower and the words are not the corpus's."""
        cfg = self.config
        bar = cfg.foreign_bar if foreign else cfg.answer_bar
        return best.lexical + cfg.dense_in_bar * best.dense >= bar

    def _around(
        self, best: Scored, scored: list[Scored], ask: Ask, units: UnitIndex, named: bool
    ) -> list[Unit]:
        """The best unit, its near ties in the same section, and the list it belongs to or
        introduces: a list item needs its lead, a lead needs its items, and a schedule asked
        about without a day is the whole list. A question that names no site, answered from
        one site's section, gets the same rows of every sibling site ("your hours")."""
        cfg = self.config
        top = best.unit
        chosen = [top]
        for s in scored[1:]:
            if len(chosen) >= cfg.max_units:
                break
            near = s.score >= best.score - cfg.tie_margin
            same = s.unit.article_id == top.article_id and (
                cfg.tie_any_section or s.unit.heading == top.heading
            )
            if near and same:
                chosen.append(s.unit)
        rows = _list_of(top, scored)
        if top.text.endswith(":") or (top.is_item and not ask.days and _schedule(rows)):
            chosen += [u for u in rows if u not in chosen][: cfg.max_items]
        if top.is_item:
            lead = next(
                (s.unit for s in scored if s.unit.chunk == top.chunk and s.unit.order == top.lead),
                None,
            )
            if lead is not None and lead not in chosen:
                chosen.insert(0, lead)
        if not named:
            if not top.is_item and not ask.days and "time" in ask.types:
                # Its own site's schedule too, as the sibling sites give theirs.
                rows = [s.unit for s in scored if s.unit.is_item and s.unit.heading == top.heading]
                if rows and _schedule(_list_of(rows[0], scored)):
                    chosen += [u for u in _list_of(rows[0], scored) if u not in chosen]
            chosen += [u for u in _sibling_rows(top, scored, ask, units) if u not in chosen]
        return chosen

    def _per_site(self, best: Scored, scored: list[Scored], units: UnitIndex) -> Scored:
        """A question that names no site, about something each site has its own value for,
        is answered per site: a site section's unit nearly as good as the best goes first
        (and brings its sibling sites' rows along)."""
        if any(t in units.names for t in term_set(best.unit.heading)):
            site = [best]
        else:
            site = [
                s
                for s in scored
                if s.score >= best.score - self.config.site_margin
                and any(t in units.names for t in term_set(s.unit.heading))
            ]
        # A site's schedule row beats a sentence about one of its departments.
        rows = [
            s for s in scored if s.unit.is_item and site and s.unit.heading == site[0].unit.heading
        ]
        schedule = [s for s in rows if _schedule(_list_of(s.unit, scored))]
        if schedule and schedule[0].score >= best.score - self.config.site_margin:
            return schedule[0]
        return site[0] if site else best

    @staticmethod
    def _keep_named(units: UnitIndex, terms: set[str], rows: list[Row]) -> list[Row]:
        """When the question names one of a group of sibling names (a site), drops every unit
        whose section or text names another of them and not the one asked about. Siblings
        that are not names (a "Holidays" section beside the sites) stay: they may apply to
        every site, and the label score already prefers the section the question names."""
        asked = {t for t in terms if t in units.names}
        rivals = set().union(*(units.names[t] for t in asked)) - asked if asked else set()
        kept = []
        for row in rows:
            said = term_set(row[0].heading) | term_set(row[0].text)
            if rivals and said & rivals and not said & asked:
                continue
            kept.append(row)
        return kept


def _list_of(top: Unit, scored: list[Scored]) -> list[Unit]:
    """The items of the list `top` introduces or belongs to, in reading order."""
    lead = top.lead if top.is_item else top.order
    items = [
        s.unit
        for s in scored
        if s.unit.is_item
        and s.unit.chunk == top.chunk
        and s.unit.lead == lead
        and s.unit.heading == top.heading
    ]
    return sorted(items, key=lambda u: u.order)


def _sibling_rows(top: Unit, scored: list[Scored], ask: Ask, units: UnitIndex) -> list[Unit]:
    own = {t for t in term_set(top.heading) if t in units.names}
    if not own:
        return []
    rivals = set().union(*(units.names[t] for t in own))
    rows: list[Unit] = []
    for rival in sorted(rivals):
        section = [
            s
            for s in scored
            if s.unit.article_id == top.article_id
            and rival in term_set(s.unit.heading)
            and not own & term_set(s.unit.heading)
        ]
        if not section:
            continue
        head = section[0].unit  # scored is best first
        items = _list_of(head, scored)
        if head.is_item and not ask.days and _schedule(items):
            rows += items
        else:
            rows.append(head)
    return rows


def _schedule(items: list[Unit]) -> bool:
    """A list of weekdays and their hours: asked about without a day, it is answered whole.
    Any other list (fees by visit type) answers with the row asked about only."""
    return bool(items) and 2 * sum(bool(days_in(u.text)) for u in items) >= len(items)
