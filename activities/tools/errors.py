"""The business refusal every tool may raise: explained to the user, never retried."""

from __future__ import annotations

from core.texts import DEFAULT_LANGUAGE, say


class ToolRefused(Exception):
    """A business rule said no; nothing was written. Explained to the user, never retried.

    The message is core.texts' "tool.<code>" (or `key`) with `params`; the result carries
    both, so the reply can be said again in the user's language."""

    def __init__(self, code: str, *, key: str | None = None, **params: object) -> None:
        self.code = code
        self.key = key or f"tool.{code}"
        self.params = {name: str(value) for name, value in params.items()}
        self.message = say(DEFAULT_LANGUAGE, self.key, **self.params)
        super().__init__(self.message)
