"""Temporal activities for planning and executing clinic tools."""

from __future__ import annotations

from typing import TYPE_CHECKING

from temporalio import activity

from core.payloads import ExecuteToolInput, PlanInput, PlanOutput, Slots, ToolResult

if TYPE_CHECKING:
    from .executor import ToolExecutor
    from .planner import ToolPlanner


class ToolActivities:
    def __init__(self, planner: ToolPlanner, executor: ToolExecutor) -> None:
        self.planner = planner
        self.executor = executor

    @activity.defn(name="plan_tools")
    async def plan_tools(self, inp: PlanInput) -> PlanOutput:
        return await self.planner.plan(inp.caller, inp.intent, inp.text)

    @activity.defn(name="execute_tool")
    async def execute_tool(self, inp: ExecuteToolInput) -> ToolResult:
        return await self.executor.execute(inp.caller, inp.call, inp.idempotency_key)

    @activity.defn(name="extract_slots")
    async def extract_slots(self, inp: PlanInput) -> Slots:
        return await self.planner.extractor.extract(inp.caller, inp.intent, inp.text)
