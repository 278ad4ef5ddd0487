"""Temporal activities for planning and executing clinic tools."""

from __future__ import annotations

from typing import TYPE_CHECKING

from temporalio import activity

from core.dialogue import DialogueInput, DialogueMove
from core.payloads import ExecuteToolInput, PlanInput, PlanOutput, Slots, ToolResult

from ..dialogue.clinic import load_clinic
from ..dialogue.follow import follow

if TYPE_CHECKING:
    from .executor import ToolExecutor
    from .llm_planner import LlmToolPlanner
    from .planner import ToolPlanner


class ToolActivities:
    def __init__(
        self,
        planner: ToolPlanner,
        executor: ToolExecutor,
        *,
        model_planner: LlmToolPlanner | None = None,
    ) -> None:
        self.planner = planner
        self.executor = executor
        # Asks a tools-capable model when the routing has one; otherwise (and on any model
        # failure) it hands the turn to the deterministic planner.
        self.model_planner = model_planner

    @activity.defn(name="plan_tools")
    async def plan_tools(self, inp: PlanInput) -> PlanOutput:
        if self.model_planner is None:
            return await self.planner.plan(
                inp.caller,
                inp.intent,
                inp.text,
                lang=inp.language,
                named_patients=inp.named_patients,
                known=inp.known,
            )
        info = activity.info()
        return await self.model_planner.plan(
            inp.caller,
            inp.intent,
            inp.text,
            request_key=inp.request_key or f"{info.workflow_id}:{info.activity_id}",
            attempt=info.attempt,
            # The activity id is fixed by the workflow's history: a retry keeps its slot.
            slot=f"plan{info.activity_id}",
            lang=inp.language,
            named_patients=inp.named_patients,
            known=inp.known,
            options=inp.offered,
        )

    @activity.defn(name="follow_dialogue")
    async def follow_dialogue(self, inp: DialogueInput) -> DialogueMove:
        """What the message means given the conversation's dialogue state (read-only)."""
        clinic = await load_clinic(self.planner.sessions, inp.caller.tenant_id)
        return follow(inp, clinic)

    @activity.defn(name="execute_tool")
    async def execute_tool(self, inp: ExecuteToolInput) -> ToolResult:
        return await self.executor.execute(inp.caller, inp.call, inp.idempotency_key)

    @activity.defn(name="extract_slots")
    async def extract_slots(self, inp: PlanInput) -> Slots:
        return await self.planner.extractor.extract(inp.caller, inp.intent, inp.text, inp.language)
