"""API keys: random, shown once, stored only as a SHA-256 digest."""

from __future__ import annotations

import hashlib
import secrets


def new_api_key(prefix: str = "ak") -> str:
    return f"{prefix}_{secrets.token_urlsafe(24)}"


def hash_api_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()
