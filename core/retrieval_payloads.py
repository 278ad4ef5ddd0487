"""Payloads of the retrieve step: passages, the sentences chosen to answer, and coverage."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class RetrieveInput:
    tenant_id: int
    query: str
    top_k: int = 4
    # None: the engine's configured defaults.
    mode: str | None = None
    rerank: str | None = None
    context_tokens: int | None = None
    # The patient's language: an article in it is preferred when nearly as relevant.
    language: str | None = None


@dataclass
class Passage:
    article_id: int
    title: str
    text: str
    score: float
    chunk_index: int = 0
    retrievers: list[str] = field(default_factory=list)
    # Source attribution: the heading path and the body's character offsets in the article.
    heading: str = ""
    start: int = 0
    end: int = 0
    # The sentences chosen to answer, within the context budget (may be empty).
    excerpt: str = ""


@dataclass
class Evidence:
    """A sentence or list item chosen to answer, verbatim, with where it stands."""

    article_id: int
    title: str
    heading: str
    text: str


@dataclass
class AnswerPart:
    """One question of a message (a message may ask two) and what answers it."""

    question: str
    covered: bool
    evidence: list[Evidence] = field(default_factory=list)
    # The kinds of fact asked for: time, money, duration, place, phone.
    asks: list[str] = field(default_factory=list)


@dataclass
class RetrieveOutput:
    passages: list[Passage]
    covered: bool
    # Sentence-level answer selection, one entry per question part (empty: not computed).
    parts: list[AnswerPart] = field(default_factory=list)
    # The tenant's knowledge is being (re)built: "not covered" may only mean "not yet".
    indexing: bool = False
    # The clinic's policy refused the query (/rag/retrieve only); nothing was searched.
    blocked_reply: str | None = None


def retrieve_report(found: RetrieveOutput) -> dict[str, Any]:
    """The retrieve step as a turn's steps show it: sections and scores, never the text."""
    return {
        "covered": found.covered,
        "passages": [
            {
                "article_id": p.article_id,
                "title": p.title,
                "heading": p.heading,
                "chunk_index": p.chunk_index,
                "offsets": [p.start, p.end],
                "score": p.score,
                "retrievers": p.retrievers,
            }
            for p in found.passages
        ],
        "indexing": found.indexing,
        # What answers each question part: sections only, the reply holds the text.
        "parts": [
            {
                "question_words": len(p.question.split()),
                "covered": p.covered,
                "asks": p.asks,
                "evidence": [
                    {"article_id": e.article_id, "heading": e.heading} for e in p.evidence
                ],
            }
            for p in found.parts
        ],
    }
