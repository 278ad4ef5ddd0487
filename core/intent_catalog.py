"""Intents as data: definitions in default_intents.json, examples per language in examples/.

Tenants extend the set through the admin API. An intent's `label` is the name the API
reports (the product's 11 labels); small talk and "let me talk to a person" are intents of
their own, because they are answered differently, but report as out_of_scope and
schedule_callback.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

# The catalogue's data stays beside the engine that is fitted on it; this module holds only
# its types and loaders, so the API can list a clinic's intents without loading the engine.
INTENT_DATA = Path(__file__).resolve().parent.parent / "activities" / "intent"
DEFAULT_INTENTS_FILE = INTENT_DATA / "default_intents.json"
EXAMPLES_DIR = INTENT_DATA / "examples"
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
    # What the API calls it; empty means the intent's own name.
    label: str = ""

    @property
    def reported(self) -> str:
        return self.label or self.name


def load_examples(directory: Path = EXAMPLES_DIR) -> dict[str, list[str]]:
    """Examples per intent name, every language's file merged (languages share one model)."""
    merged: dict[str, list[str]] = {}
    for path in sorted(directory.glob("*.json")):
        for name, texts in json.loads(path.read_text(encoding="utf-8"))["examples"].items():
            merged.setdefault(name, []).extend(texts)
    return merged


def load_default_intents(
    path: Path = DEFAULT_INTENTS_FILE, examples_dir: Path = EXAMPLES_DIR
) -> tuple[IntentDef, ...]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    examples = load_examples(examples_dir)
    intents = tuple(
        IntentDef(
            name=item["name"],
            path=item["path"],
            description=item["description"],
            examples=tuple(item.get("examples", ())) + tuple(examples.get(item["name"], ())),
            rules=tuple(item.get("rules", ())),
            priority=int(item.get("priority", 0)),
            label=item.get("label", ""),
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
