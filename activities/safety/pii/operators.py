"""Per-entity anonymization operators (replace, mask, hash) as presidio-anonymizer configs."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping

from presidio_anonymizer.entities import OperatorConfig

OPERATORS: tuple[str, ...] = ("replace", "mask", "hash")
DEFAULT_OPERATOR = "replace"

# Identifiers whose last four characters people use to tell them apart ("card ending 4242",
# "phone ending 0199"); masking keeps those and hides the rest.
KEEP_LAST_FOUR = frozenset(
    {
        "CREDIT_CARD",
        "PHONE_NUMBER",
        "US_SSN",
        "MEDICAL_RECORD_NUMBER",
        "INSURANCE_MEMBER_ID",
    }
)
MASK_CHAR = "*"


def mask_value(entity: str, value: str) -> str:
    """Letters and digits become `*`; separators stay so the shape is still readable."""
    keep_from = len(value)
    if entity in KEEP_LAST_FOUR:
        seen = 0
        for i in range(len(value) - 1, -1, -1):
            if value[i].isalnum():
                seen += 1
                if seen == 4:
                    keep_from = i
                    break
        # Too short to keep anything without giving the whole value away.
        if seen < 4 or sum(c.isalnum() for c in value) <= 6:
            keep_from = len(value)
    elif entity == "EMAIL_ADDRESS" and "@" in value:
        local, domain = value.split("@", 1)
        return local[:1] + MASK_CHAR * max(len(local) - 1, 1) + "@" + domain
    return "".join(MASK_CHAR if c.isalnum() and i < keep_from else c for i, c in enumerate(value))


def salt_bytes(secret: str | bytes) -> bytes:
    """Any secret becomes the 32 bytes presidio's hash wants (it refuses salts under 16)."""
    raw = secret.encode() if isinstance(secret, str) else secret
    return hashlib.sha256(b"aurixa-pii-salt:" + raw).digest()


def _masker(entity: str) -> Callable[[str], str]:
    return lambda value: mask_value(entity, value)


def operator_config(entity: str, name: str, salt: bytes) -> OperatorConfig:
    if name == "replace":
        return OperatorConfig("replace", {"new_value": f"<{entity}>"})
    if name == "mask":
        # presidio's own mask counts characters from one end; ours keeps separators and the
        # last four, so it runs as a custom operator inside the anonymizer.
        return OperatorConfig("custom", {"lambda": _masker(entity)})
    if name == "hash":
        # Salted, so a value hashes the same within a tenant but cannot be looked up elsewhere.
        return OperatorConfig("hash", {"hash_type": "sha256", "salt": salt})
    raise ValueError(f"unknown PII operator {name!r}; expected one of {', '.join(OPERATORS)}")


def operator_configs(
    entities: set[str], operators: Mapping[str, str] | None, salt: bytes
) -> dict[str, OperatorConfig]:
    """One config per entity present; `operators` maps entity (or "DEFAULT") to a name."""
    chosen = dict(operators or {})
    default = chosen.pop("DEFAULT", DEFAULT_OPERATOR)
    for name in (*chosen.values(), default):
        if name not in OPERATORS:
            raise ValueError(
                f"unknown PII operator {name!r}; expected one of {', '.join(OPERATORS)}"
            )
    return {e: operator_config(e, chosen.get(e, default), salt) for e in entities}
