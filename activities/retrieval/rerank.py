"""Reranking of fused candidates: a title/heading keyword boost, then MMR for diversity."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from .chunking import Chunk
from .text import tokenize

RERANKERS = ("none", "keyword", "mmr", "keyword+mmr")


def keyword_boost(
    query_terms: set[str], candidates: list[tuple[Chunk, float]], boost: float
) -> list[tuple[Chunk, float]]:
    """The seed's boost: a chunk whose title or heading names the query's terms is about
    them, not merely mentioning them. Multiplicative, so it works on RRF and cosine scales."""
    if not query_terms or boost <= 0:
        return candidates
    boosted = []
    for chunk, score in candidates:
        label = set(tokenize(f"{chunk.title} {chunk.heading}"))
        share = len(query_terms & label) / len(query_terms)
        boosted.append((chunk, score * (1.0 + boost * share)))
    # Stable: equal scores keep the fused order.
    return sorted(boosted, key=lambda pair: -pair[1])


def mmr(relevance: list[float], vectors: NDArray[np.float32], k: int, lam: float) -> list[int]:
    """Maximal marginal relevance over candidates already in relevance order: each pick
    trades its (min-max normalised) relevance against its cosine to what is already picked,
    so four near-copies of one paragraph do not fill the whole context."""
    n = len(relevance)
    if n == 0:
        return []
    rel = np.asarray(relevance, dtype=np.float64)
    spread = rel.max() - rel.min()
    rel = (rel - rel.min()) / spread if spread > 0 else np.ones(n)
    sims = vectors @ vectors.T
    chosen = [0]
    best_sim = sims[0].astype(np.float64).copy()
    while len(chosen) < min(k, n):
        gain = lam * rel - (1 - lam) * best_sim
        gain[chosen] = -np.inf
        pick = int(np.argmax(gain))
        chosen.append(pick)
        best_sim = np.maximum(best_sim, sims[pick])
    return chosen
