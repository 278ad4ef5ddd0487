"""A tenant's answer units with their multilingual vectors, its vocabulary for typo repair,
and the sibling sections whose values must never be mixed (one site's hours for another's)."""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

import numpy as np
from numpy.typing import NDArray

from .chunking import Chunk
from .text import fold, tokenize
from .units import Unit, split_units

Embed = Callable[[list[str]], NDArray[np.float32]]
# Below this many chunks every unit is embedded when the index is built (about a second for a
# clinic's 30 articles), so a Spanish question can search all of them; larger corpora embed
# only the units of the chunks a question retrieves.
FULL_INDEX_MAX_CHUNKS = 600
_WORD = re.compile(r"[A-Za-zÀ-ÿ]+")


class VectorCache:
    """An encoder's unit vectors by text, kept across index versions: a re-index after one
    article changed embeds only that article's new sentences."""

    def __init__(self, embed: Embed, *, limit: int = 50_000) -> None:
        self._embed = embed
        self._limit = limit
        self._vectors: dict[str, NDArray[np.float32]] = {}

    def __call__(self, texts: Sequence[str]) -> NDArray[np.float32]:
        missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        for start in range(0, len(missing), 256):
            batch = missing[start : start + 256]
            for text, vec in zip(batch, self._embed(batch), strict=True):
                self._vectors[text] = vec
        if len(self._vectors) > self._limit:
            keep = set(texts)
            self._vectors = {t: v for t, v in self._vectors.items() if t in keep}
        if not texts:
            return np.empty((0, 1), dtype=np.float32)
        return np.stack([self._vectors[t] for t in texts]).astype(np.float32)


Row = tuple[Unit, NDArray[np.float32] | None, NDArray[np.float32] | None]


class UnitIndex:
    """`embed`: the multilingual encoder (meaning across languages, the cross-lingual
    search); `embed_en`: the English encoder, sharper on English paraphrase."""

    def __init__(
        self,
        chunks: list[Chunk],
        embed: Embed | None,
        vocabulary: Iterable[str],
        embed_en: Embed | None = None,
    ) -> None:
        self.chunks = chunks
        self._embed = embed
        self._embed_en = embed_en
        self._units: dict[int, list[Unit]] = {}
        self._vectors: dict[int, NDArray[np.float32]] = {}
        self._en: dict[int, NDArray[np.float32]] = {}
        self.vocabulary = frozenset(vocabulary)
        self._deletions: dict[str, str] | None = None
        self.names = _sibling_groups(chunks)
        # Small enough to embed every unit, which the cross-lingual search needs; done by
        # build_all, off the start-up path (the worker warms it once it polls).
        self.small = embed is not None and len(chunks) <= FULL_INDEX_MAX_CHUNKS
        self.complete = False
        self._lock = threading.Lock()

    def build_all(self) -> None:
        if self.small and not self.complete:
            self.ensure(range(len(self.chunks)))
            self.complete = True

    @property
    def dense(self) -> bool:
        return self._embed is not None

    def ensure(self, positions: Iterable[int]) -> None:
        # A search thread and the warm-up thread may fill the same chunks: one at a time.
        with self._lock:
            self._ensure(list(positions))

    def _ensure(self, positions: list[int]) -> None:
        missing = [p for p in positions if p not in self._units]
        if not missing:
            return
        new = {p: split_units(self.chunks[p], p) for p in missing}
        texts = [u.embed_text() for p in missing for u in new[p]]
        for embed, store in ((self._embed, self._vectors), (self._embed_en, self._en)):
            if embed is None:
                continue
            vectors = embed(texts) if texts else np.empty((0, 1), np.float32)
            at = 0
            for p in missing:
                store[p] = vectors[at : at + len(new[p])]
                at += len(new[p])
        self._units.update(new)

    def units(self, positions: Iterable[int]) -> list[Row]:
        """Each unit of the chunks with its multilingual and English vectors (None: no
        such encoder)."""
        positions = list(dict.fromkeys(positions))
        self.ensure(positions)
        out: list[Row] = []
        for p in positions:
            vecs, en = self._vectors.get(p), self._en.get(p)
            for i, unit in enumerate(self._units[p]):
                out.append(
                    (
                        unit,
                        vecs[i] if vecs is not None else None,
                        en[i] if en is not None else None,
                    )
                )
        return out

    def nearest_chunks(self, query: NDArray[np.float32], k: int) -> list[int]:
        """Chunks holding the units closest to the query (any language): the cross-lingual
        path, since BM25 and the English encoder find nothing for a Spanish question."""
        if not self.complete or not self._vectors:
            return []
        positions = sorted(self._vectors)
        matrix = [self._vectors[p] for p in positions if len(self._vectors[p])]
        owners = [p for p in positions for _ in range(len(self._vectors[p]))]
        if not matrix:
            return []
        sims = np.concatenate(matrix) @ query
        ranked: list[int] = []
        for i in np.argsort(-sims):
            if owners[i] not in ranked:
                ranked.append(owners[i])
            if len(ranked) >= k:
                break
        return ranked

    def repair(self, term: str) -> str:
        """A query term the corpus never saw, mapped to a corpus term one edit away
        ("apointment" -> "appoint"); unchanged when there is none or it is short."""
        if term in self.vocabulary or len(term) < 5 or term.isdigit():
            return term
        if self._deletions is None:
            table: dict[str, str] = {}
            for word in sorted(self.vocabulary):
                if len(word) >= 4:
                    for variant in _deletes(word):
                        table.setdefault(variant, word)
            self._deletions = table
        for variant in (term, *_deletes(term)):
            hit = self._deletions.get(variant)
            # Typos rarely touch the first letter, and other words often differ only
            # there ("dental" is not a misspelt "mental").
            if hit is not None and hit[0] == term[0]:
                return hit
        return term


def _deletes(word: str) -> list[str]:
    return [word[:i] + word[i + 1 :] for i in range(len(word))] + [word]


def _sibling_groups(chunks: list[Chunk]) -> dict[str, frozenset[str]]:
    """For terms that name one section among its siblings (under the same parent heading)
    and are names in the text (capitalised mid-sentence, like a site): the names of the
    sibling sections. A term two siblings share ("Harborview") names neither."""
    paths: dict[int, set[str]] = defaultdict(set)
    for c in chunks:
        for line in c.text.splitlines()[1:]:
            if line.startswith("## "):
                paths[c.article_id].add(line[3:].strip())
    capitalised = _capitalised_terms(chunks)
    names: dict[str, set[str]] = defaultdict(set)
    for heads in paths.values():
        by_parent: dict[str, list[str]] = defaultdict(list)
        for path in heads:
            by_parent[path.rpartition(" > ")[0]].append(path)
        for members in by_parent.values():
            term_sets = [set(tokenize(m.rpartition(" > ")[2])) for m in members]
            counts: dict[str, int] = defaultdict(int)
            for terms in term_sets:
                for term in terms:
                    counts[term] += 1
            own = [{t for t in terms if counts[t] == 1} & capitalised for terms in term_sets]
            every = set().union(*own) if own else set()
            for mine in own:
                for term in mine:
                    names[term] |= every - mine
    return {t: frozenset(v) for t, v in names.items() if v}


def _capitalised_terms(chunks: list[Chunk]) -> set[str]:
    """Terms written capitalised in the middle of sentences at least four times in five."""
    upper: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    for c in chunks:
        for line in c.text.splitlines()[1:]:
            if line.startswith("#"):
                continue
            # A sentence's (or list item's) first word is capitalised whatever it is.
            for sentence in re.split(r"(?<=[.!?:])\s+", line.lstrip("-*+ ")):
                for word in _WORD.findall(sentence)[1:]:
                    for term in tokenize(word):
                        total[term] += 1
                        upper[term] += word[:1].isupper()
    return {t for t, n in total.items() if n >= 2 and upper[t] >= 0.8 * n and fold(t) == t}
