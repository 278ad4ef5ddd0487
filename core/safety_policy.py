"""A tenant's safety policy: banned words and topics, and what to do on each finding."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

POLICY_KEY = "safety_policy"
PII_OPERATORS = ("replace", "mask", "hash")
# What each kind of finding may do. Emergencies always escalate: no policy may silence one.
ACTIONS: dict[str, tuple[str, ...]] = {
    "pii": ("redact", "block"),
    "injection": ("flag", "block"),
    "banned_word": ("block", "redact", "flag"),
    "banned_topic": ("block", "flag"),
}
DEFAULT_ACTIONS = {
    "pii": "redact",
    "injection": "flag",
    "banned_word": "block",
    "banned_topic": "block",
}
BLOCKED_REPLY = (
    "I'm sorry, I can't help with that here. Please contact the clinic directly if you need "
    "to discuss it."
)


@dataclass
class SafetyPolicy:
    banned_words: list[str] = field(default_factory=list)
    # Short descriptions ("cosmetic surgery prices"); a message close in meaning matches.
    banned_topics: list[str] = field(default_factory=list)
    actions: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_ACTIONS))
    # Entity type -> operator; entities not named use "replace" (<ENTITY>).
    pii_operators: dict[str, str] = field(default_factory=dict)
    # Redact PII from what is sent to an external LLM provider (the offline one sees all).
    redact_for_llm: bool = True
    blocked_reply: str = BLOCKED_REPLY

    def action(self, finding: str) -> str:
        return self.actions.get(finding, DEFAULT_ACTIONS[finding])

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> SafetyPolicy:
        if not data:
            return cls()
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        policy = cls(**known)
        policy.actions = {**DEFAULT_ACTIONS, **policy.actions}
        return policy
