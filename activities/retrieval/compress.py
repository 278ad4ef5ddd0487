"""Context compression: the sentences of the retrieved passages that answer, within a budget."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from .text import tokenize

RANK_PRIOR = 0.5
_SENTENCE = re.compile(r"[^\n.!?]*(?:[.!?]+(?=\s|$)|\n|$)")


@dataclass(frozen=True)
class Sentence:
    passage: int  # rank of the passage it came from
    start: int  # offsets within that passage's text
    end: int
    score: float


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-empty sentence or line; numbers like "8:30" or "2.5" stay
    whole because a split needs whitespace after the full stop."""
    spans = []
    for m in _SENTENCE.finditer(text):
        start, end = m.start(), m.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans


def select(
    query: str,
    texts: list[str],
    budget_tokens: int,
    count_tokens: Callable[[str], int],
    idf: Callable[[str], float],
) -> list[list[tuple[int, int]]]:
    """Per passage (chunk texts: a title line, `## heading` lines, body), the (start, end)
    spans to keep, in reading order. Sentences score by the idf of the query terms they
    contain, plus a prior for the passage's rank; the best go first until the budget is
    spent, and the best one is kept whatever the budget."""
    terms = set(tokenize(query))
    found: list[tuple[int, int, int, float]] = []
    for rank, text in enumerate(texts):
        for start, end in sentences(text):
            if start == 0 or text[start] == "#":
                continue  # the title and heading lines label the passage; they answer nothing
            words = set(tokenize(text[start:end]))
            # Length-normalised so a long list does not win merely by being long.
            hit = sum(idf(t) for t in terms & words) / math.sqrt(max(len(words), 1))
            found.append((rank, start, end, hit))
    best = max((h for *_, h in found), default=0.0) or 1.0
    # Shared words pick the answering sentences first; a rank prior then fills the budget
    # from the best passages, so a list under a matching heading ("Monday to Friday: 8 AM"
    # under "Opening hours") is kept although it repeats none of the query's words.
    scored = [
        Sentence(rank, start, end, hit / best + RANK_PRIOR / (1 + rank))
        for rank, start, end, hit in found
    ]
    keep: list[list[tuple[int, int]]] = [[] for _ in texts]
    spent = 0
    order = sorted(scored, key=lambda s: (-s.score, s.passage, s.start))
    for i, sent in enumerate(order):
        cost = count_tokens(texts[sent.passage][sent.start : sent.end])
        if spent + cost > budget_tokens and i > 0:
            continue
        keep[sent.passage].append((sent.start, sent.end))
        spent += cost
    return [sorted(spans) for spans in keep]
