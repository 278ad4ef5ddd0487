"""Markdown-aware chunking sized in the embedding model's own tokens, with source offsets."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tokenizers import Tokenizer

# MiniLM reads 256 tokens; the title and heading lines prefixed to each chunk take some of
# them, so bodies stop well short and nothing an author wrote is silently truncated.
MAX_TOKENS = 200
OVERLAP_TOKENS = 32
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")

# Token spans of a text: (char start, char end) per token, in order.
Spans = list[tuple[int, int]]
SpanFn = Callable[[str], Spans]


@dataclass(frozen=True)
class Chunk:
    """One indexed piece of an article. `text` is what is embedded and BM25-indexed (title,
    heading path and body); `start`/`end` locate the body in the article's content."""

    article_id: int
    title: str
    index: int
    text: str
    heading: str = ""
    start: int = 0
    end: int = 0


def token_spans_from(tokenizer_file: Path) -> SpanFn:
    """Token offsets from the embedding model's WordPiece tokenizer, without its padding or
    truncation (both would distort a count)."""
    tokenizer = Tokenizer.from_file(str(tokenizer_file))
    tokenizer.no_padding()
    tokenizer.no_truncation()

    def spans(text: str) -> Spans:
        return list(tokenizer.encode(text, add_special_tokens=False).offsets)

    return spans


@dataclass(frozen=True)
class _Section:
    path: str  # "Billing > Payment plans"
    start: int
    end: int


def _sections(content: str) -> list[_Section]:
    """Body spans under each heading; the path keeps every enclosing heading level."""
    sections: list[_Section] = []
    trail: list[tuple[int, str]] = []
    body_start = 0
    pos = 0

    def close(end: int) -> None:
        if content[body_start:end].strip():
            sections.append(_Section(" > ".join(t for _, t in trail), body_start, end))

    for line in content.splitlines(keepends=True):
        match = _HEADING.match(line.rstrip("\n"))
        if match:
            close(pos)
            level = len(match.group(1))
            trail = [(lv, t) for lv, t in trail if lv < level] + [(level, match.group(2))]
            body_start = pos + len(line)
        pos += len(line)
    close(len(content))
    return sections


def _strip(content: str, start: int, end: int) -> tuple[int, int]:
    while start < end and content[start].isspace():
        start += 1
    while end > start and content[end - 1].isspace():
        end -= 1
    return start, end


def _windows(content: str, start: int, end: int, spans: SpanFn) -> list[tuple[int, int, int]]:
    """(start, end, tokens) pieces of one section, each at most MAX_TOKENS, overlapping by
    OVERLAP_TOKENS, cut at a sentence end where one lies in the window's second half."""
    tokens = [(s + start, e + start) for s, e in spans(content[start:end])]
    if len(tokens) <= MAX_TOKENS:
        return [(start, end, len(tokens))]
    pieces: list[tuple[int, int, int]] = []
    first = 0
    while first < len(tokens):
        last = min(first + MAX_TOKENS, len(tokens)) - 1
        if last < len(tokens) - 1:
            cut = _sentence_cut(content, tokens, first, last)
            # Never cut inside a word: back off to a token followed by a gap.
            while cut > first + MAX_TOKENS // 2 and tokens[cut][1] == tokens[cut + 1][0]:
                cut -= 1
            last = cut
        pieces.append((tokens[first][0], tokens[last][1], last - first + 1))
        if last == len(tokens) - 1:
            break
        floor = max(last + 1 - OVERLAP_TOKENS, first + 1)
        # The overlap starts at a sentence start inside it if there is one, else at a word.
        first = next(
            (i for i in range(floor, last + 1) if content[tokens[i - 1][1] - 1] in ".!?"),
            floor,
        )
        while first > 0 and tokens[first][0] == tokens[first - 1][1]:
            first += 1
    return pieces


def _sentence_cut(content: str, tokens: Spans, first: int, last: int) -> int:
    """The last token in the window's second half that ends a sentence or a line."""
    half = first + (last - first) // 2
    for i in range(last, half, -1):
        end = tokens[i][1]
        after = content[end : end + 1]
        if (content[end - 1] in ".!?;:" and (not after or after.isspace())) or after == "\n":
            return i
    return last


def chunk_article(article_id: int, title: str, content: str, spans: SpanFn) -> list[Chunk]:
    """Small neighbouring sections are packed together up to MAX_TOKENS; long ones are split
    with overlap. Each piece keeps its heading path so it stands alone in a prompt."""
    pieces: list[tuple[str, int, int, int]] = []  # heading path, start, end, tokens
    for section in _sections(content):
        start, end = _strip(content, section.start, section.end)
        # An article's own H1 usually repeats its title; the title line already says it.
        path = section.path
        if path == title or path.startswith(f"{title} > "):
            path = path[len(title) + 3 :]
        for s, e, n in _windows(content, start, end, spans):
            pieces.append((path, s, e, n))
    chunks: list[Chunk] = []
    group: list[tuple[str, int, int, int]] = []

    def flush() -> None:
        if not group:
            return
        lines = [title]
        for path, s, e, _ in group:
            if path:
                lines.append(f"## {path}")
            lines.append(content[s:e])
        heading = group[0][0]
        chunks.append(
            Chunk(
                article_id, title, len(chunks), "\n".join(lines), heading, group[0][1], group[-1][2]
            )
        )
        group.clear()

    for piece in pieces:
        if group and sum(p[3] for p in group) + piece[3] > MAX_TOKENS:
            flush()
        group.append(piece)
    flush()
    return chunks
