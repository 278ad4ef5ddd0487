"""Fusion of the BM25 and dense candidate lists into one ranking.

Kept apart from the engine so an offline evaluation can re-fuse the same candidates under
other parameters without embedding each query again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from .chunking import Chunk

MODES = ("bm25", "dense", "hybrid", "weighted")

Scored = list[tuple[Chunk, float]]
Ranked = list[tuple[Chunk, float, list[str]]]
_Key = tuple[int, int]


def _key(chunk: Chunk) -> _Key:
    return (chunk.article_id, chunk.index)


def rrf(runs: Sequence[tuple[str, Scored]], k: int) -> Ranked:
    """Reciprocal rank fusion; labels list every run that found the chunk, in run order."""
    fused: dict[_Key, float] = defaultdict(float)
    found_by: dict[_Key, list[str]] = defaultdict(list)
    chunks: dict[_Key, Chunk] = {}
    for name, scored in runs:
        for rank, (chunk, _score) in enumerate(scored):
            key = _key(chunk)
            fused[key] += 1.0 / (k + rank + 1)
            found_by[key].append(name)
            chunks[key] = chunk
    # sorted() is stable, so ties keep first-seen order (the first run wins).
    order = sorted(fused, key=lambda key: -fused[key])
    return [(chunks[key], fused[key], found_by[key]) for key in order]


def _min_max(scored: Scored) -> dict[_Key, float]:
    if not scored:
        return {}
    values = [s for _, s in scored]
    low, high = min(values), max(values)
    # A single candidate (or a flat list) carries no spread; treat each as that run's best.
    if high == low:
        return {_key(c): 1.0 for c, _ in scored}
    return {_key(c): (s - low) / (high - low) for c, s in scored}


def weighted(runs: Sequence[tuple[str, Scored, float]]) -> Ranked:
    """Sum of min-max normalised scores times each run's weight. A chunk a run did not return
    counts as that run's minimum (0), since it fell below the candidate depth."""
    fused: dict[_Key, float] = defaultdict(float)
    found_by: dict[_Key, list[str]] = defaultdict(list)
    chunks: dict[_Key, Chunk] = {}
    for name, scored, weight in runs:
        for key, norm in _min_max(scored).items():
            fused[key] += weight * norm
            found_by[key].append(name)
        for chunk, _ in scored:
            chunks[_key(chunk)] = chunk
    order = sorted(fused, key=lambda key: -fused[key])
    return [(chunks[key], fused[key], found_by[key]) for key in order]


def fuse(mode: str, dense: Scored, sparse: Scored, *, rrf_k: int, alpha: float) -> Ranked:
    """One ranking by `mode`; `alpha` weights the dense side in "weighted"."""
    if mode == "bm25":
        return [(c, s, ["bm25"]) for c, s in sparse]
    if mode == "dense":
        return [(c, s, ["dense"]) for c, s in dense]
    if mode == "hybrid":
        return rrf([("dense", dense), ("bm25", sparse)], rrf_k)
    if mode == "weighted":
        return weighted([("dense", dense, alpha), ("bm25", sparse, 1.0 - alpha)])
    raise ValueError(f"unknown retrieval mode {mode!r}; expected one of {MODES}")
