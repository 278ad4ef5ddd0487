"""Chunking of Markdown articles and the BM25 tokenizer."""

from __future__ import annotations

import re
from dataclasses import dataclass

STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
    ]
)
_WORD = re.compile(r"[a-z0-9]+")


def _stem(word: str) -> str:
    # Light suffix stripping: enough to match "hours"/"hour", "parking"/"park".
    for suffix in ("ing", "ies", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            stem = word[: -len(suffix)]
            return stem + "y" if suffix == "ies" else stem
    return word


def tokenize(text: str) -> list[str]:
    return [_stem(w) for w in _WORD.findall(text.lower()) if w not in STOP_WORDS]


@dataclass(frozen=True)
class Chunk:
    article_id: int
    title: str
    index: int
    text: str


def _sections(content: str) -> list[tuple[str, str]]:
    sections: list[tuple[str, str]] = []
    heading, buf = "", list[str]()
    for line in content.splitlines():
        if line.startswith("#"):
            if any(b.strip() for b in buf):
                sections.append((heading, "\n".join(buf).strip()))
            heading, buf = line.lstrip("#").strip(), []
        else:
            buf.append(line)
    if any(b.strip() for b in buf):
        sections.append((heading, "\n".join(buf).strip()))
    return sections


def chunk_article(
    article_id: int, title: str, content: str, *, max_words: int = 140, overlap: int = 30
) -> list[Chunk]:
    """Markdown-aware chunks: small neighbouring sections are packed together and long ones
    split with overlap; every piece keeps its `## heading` line so it stands alone."""
    pieces: list[str] = []
    for heading, body in _sections(content):
        label = f"## {heading}\n" if heading and heading != title else ""
        words = body.split()
        if len(words) <= max_words:
            pieces.append(label + body)
            continue
        step = max_words - overlap
        for start in range(0, len(words) - overlap, step):
            pieces.append(label + " ".join(words[start : start + max_words]))
    chunks: list[Chunk] = []
    current: list[str] = []
    size = 0
    for piece in pieces:
        n = len(piece.split())
        if current and size + n > max_words:
            chunks.append(Chunk(article_id, title, len(chunks), f"{title}\n" + "\n".join(current)))
            current, size = [], 0
        current.append(piece)
        size += n
    if current:
        chunks.append(Chunk(article_id, title, len(chunks), f"{title}\n" + "\n".join(current)))
    return chunks
