"""The business refusal every tool may raise: explained to the user, never retried."""

from __future__ import annotations


class ToolRefused(Exception):
    """A business rule said no; nothing was written. Explained to the user, never retried."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
