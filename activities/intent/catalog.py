"""Intents as data: the default clinic set lives in default_intents.json; tenants extend it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULT_INTENTS_FILE = Path(__file__).resolve().parent / "default_intents.json"
OUT_OF_SCOPE = "out_of_scope"
# Where a turn goes after classification (workflows/pipeline.py). Tenant-defined intents
# cannot be "agent": an agent intent needs a tool plan, and tools are code.
PATHS = frozenset({"knowledge", "agent", "smalltalk", "emergency", "handoff", "out_of_scope"})
TENANT_PATHS = frozenset({"knowledge", "smalltalk", "handoff"})


@dataclass(frozen=True)
class IntentDef:
    name: str
    path: str
    description: str
    examples: tuple[str, ...]
    # Regexes (case-insensitive) that decide the intent outright; higher priority wins.
    rules: tuple[str, ...] = field(default=())
    priority: int = 0


def load_default_intents(path: Path = DEFAULT_INTENTS_FILE) -> tuple[IntentDef, ...]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    intents = tuple(
        IntentDef(
            name=item["name"],
            path=item["path"],
            description=item["description"],
            examples=tuple(item["examples"]),
            rules=tuple(item.get("rules", ())),
            priority=int(item.get("priority", 0)),
        )
        for item in raw["intents"]
    )
    unknown = {i.path for i in intents} - PATHS
    if unknown:
        raise ValueError(f"{path}: unknown intent paths {sorted(unknown)}")
    return intents


def merge_intents(
    defaults: Sequence[IntentDef], custom: Sequence[IntentDef]
) -> tuple[IntentDef, ...]:
    """A custom entry named like a default adds examples and rules (and may override its
    description and priority); any other name is a new intent."""
    merged = {i.name: i for i in defaults}
    for extra in custom:
        base = merged.get(extra.name)
        if base is None:
            merged[extra.name] = extra
            continue
        merged[extra.name] = replace(
            base,
            description=extra.description or base.description,
            examples=base.examples + tuple(e for e in extra.examples if e not in base.examples),
            rules=base.rules + tuple(r for r in extra.rules if r not in base.rules),
            priority=extra.priority if extra.priority else base.priority,
        )
    return tuple(merged.values())
