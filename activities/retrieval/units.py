"""Answer units: the sentences and list items of a chunk, each with its section label."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .chunking import Chunk

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z¿¡(\"'])")
_MARKUP = re.compile(r"\*\*|__|`")
_BULLET = re.compile(r"^\s*(?:[-*+]|\d{1,2}[.)])\s+")


@dataclass(frozen=True)
class Unit:
    """One statement an answer can quote: verbatim apart from Markdown markup."""

    article_id: int
    title: str
    heading: str  # the section path, "" for text under the title alone
    text: str
    chunk: int  # the chunk's position in the tenant index
    order: int  # reading order within the chunk
    lead: int = -1  # for a list item: the order of the line that introduces the list
    is_item: bool = False

    @property
    def label(self) -> str:
        return f"{self.title} > {self.heading}" if self.heading else self.title

    def embed_text(self) -> str:
        # A list item ("Saturday: 9 AM - 1 PM") means little without its section's name.
        return f"{self.label}: {self.text}"


def split_units(chunk: Chunk, position: int) -> list[Unit]:
    """The chunk's body as units; the title line and `## path` lines label, never answer."""
    units: list[Unit] = []
    heading = ""
    lead = -1
    for raw in chunk.text.splitlines()[1:]:
        line = _MARKUP.sub("", raw).strip()
        if not line:
            lead = -1
            continue
        if line.startswith("## "):
            heading, lead = line[3:].strip(), -1
            continue
        if line.startswith("#"):
            continue
        item = bool(_BULLET.match(line))
        body = _BULLET.sub("", line).strip() if item else line
        parts = [p.strip() for p in _SENTENCE.split(body) if p.strip()]
        for n, part in enumerate(parts):
            if len(part.split()) < 2 and not re.search(r"\d", part):
                continue
            units.append(
                Unit(
                    chunk.article_id,
                    chunk.title,
                    heading,
                    part,
                    position,
                    len(units),
                    lead=lead if item else -1,
                    is_item=item,
                )
            )
            if not item and n == len(parts) - 1:
                # A line ending in a colon introduces the list that follows it.
                lead = len(units) - 1 if part.endswith(":") else -1
    return units
