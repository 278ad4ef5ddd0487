"""Temporal activity for intent classification."""

from __future__ import annotations

from typing import TYPE_CHECKING

from temporalio import activity

from core.payloads import ClassifyInput, ClassifyOutput

if TYPE_CHECKING:
    from .engine import IntentEngine


class IntentActivities:
    def __init__(self, engine: IntentEngine) -> None:
        self.engine = engine

    @activity.defn(name="classify")
    def classify(self, inp: ClassifyInput) -> ClassifyOutput:
        return self.engine.classify(inp.text)
