"""Reads Markdown articles with a small `key: value` front-matter block."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

_FENCE = "---"


@dataclass(frozen=True)
class ArticleSource:
    slug: str
    title: str
    category: str
    content: str


def load_articles(folder: Path) -> list[ArticleSource]:
    """Every `*.md` file in `folder`, sorted by slug so seeding is deterministic."""
    articles = [_parse(path) for path in folder.glob("*.md")]
    return sorted(articles, key=lambda a: a.slug)


def _parse(path: Path) -> ArticleSource:
    meta, body = split_front_matter(path.read_text(encoding="utf-8"), source=path.name)
    title = meta.get("title") or _first_heading(body) or path.stem
    return ArticleSource(
        slug=path.stem,
        title=title,
        category=meta.get("category", "general"),
        content=body,
    )


def split_front_matter(text: str, *, source: str = "<text>") -> tuple[dict[str, str], str]:
    """Returns (front matter, body); text without a leading fence has no front matter."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != _FENCE:
        return {}, text.strip()
    try:
        end = next(i for i, line in enumerate(lines[1:], start=1) if line.strip() == _FENCE)
    except StopIteration:
        raise ValueError(f"{source}: front matter is not closed with '---'") from None
    meta: dict[str, str] = {}
    for line in lines[1:end]:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise ValueError(f"{source}: front-matter line is not 'key: value': {line!r}")
        meta[key.strip()] = value.strip().strip("\"'")
    return meta, "\n".join(lines[end + 1 :]).strip() + "\n"


def _first_heading(body: str) -> str | None:
    for line in body.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return None
