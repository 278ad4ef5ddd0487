"""Temporal activities for the safety engine."""

from __future__ import annotations

from typing import TYPE_CHECKING

from temporalio import activity

from core.payloads import CheckOutputInput, CheckOutputOutput, ScreenInput, ScreenOutput

if TYPE_CHECKING:
    from .engine import SafetyEngine


class SafetyActivities:
    def __init__(self, engine: SafetyEngine) -> None:
        self.engine = engine

    @activity.defn(name="screen_input")
    def screen_input(self, inp: ScreenInput) -> ScreenOutput:
        return self.engine.screen(inp.text)

    @activity.defn(name="check_output")
    def check_output(self, inp: CheckOutputInput) -> CheckOutputOutput:
        return self.engine.check_output(inp.text, inp.allowed)
