"""Pipeline steps for dialogue state: read it before a turn is understood, write it after.

The state comes from the conversation workflow and goes back in the turn's result, so it is
durable (event history) and survives a worker restart between two turns. Reading it is one
activity (`follow_dialogue`), run only when the state holds something; writing it is pure
workflow code over what the turn did.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from temporalio import workflow
from temporalio.contrib.workflow_streams import WorkflowTopicHandle

from core.dialogue import (
    TASKS,
    DialogueInput,
    DialogueMove,
    DialogueState,
    Option,
    Task,
    state_summary,
)
from core.payloads import (
    Caller,
    Choice,
    PipelineInput,
    PipelineResult,
    PlanOutput,
    SlotInfo,
    Slots,
    StepRecord,
    StreamEvent,
    ToolArgs,
    ToolCall,
    ToolResult,
)
from core.texts import day as say_day
from core.texts import say
from core.texts import when as say_when

from .policies import ENGINE, ActivityOptions

if TYPE_CHECKING:
    from .confirmation import Planned

with workflow.unsafe.imports_passed_through():
    from activities.actions.activity import has_side_effect
    from activities.tools.activity import ToolActivities


def slot_options(slots: list[SlotInfo], lang: str) -> list[Option]:
    return [
        Option(
            n,
            "slot",
            f"{s.provider_name}: {say_when(datetime.fromisoformat(s.start_local), lang)}",
            staff_id=s.staff_id,
            provider_name=s.provider_name,
            site_name=s.site_name,
            start_local=s.start_local,
        )
        for n, s in enumerate(slots, 1)
    ]


def choice_options(choices: list[Choice]) -> list[Option]:
    out = []
    for n, c in enumerate(choices, 1):
        option = Option(
            n, c.kind, c.label, provider_name=c.provider_name, start_local=c.start_local
        )
        if c.kind == "appointment":
            option.appointment_id = c.id
        elif c.kind == "prescription":
            option.prescription_id = c.id
        elif c.kind == "provider":
            option.staff_id = c.id
        out.append(option)
    return out


def asked_words(args: ToolArgs, provider: str, lang: str) -> str:
    """What an availability search asked for, in words: "with Dr. Ortega on Wednesday,
    December 9 in the morning"."""
    parts = []
    if args.day_local:
        first = date.fromisoformat(args.day_local)
        if args.span_days > 1:
            last = first + timedelta(days=args.span_days - 1)
            parts.append(
                say(lang, "tool.asked_span", first=say_day(first, lang), last=say_day(last, lang))
            )
        else:
            parts.append(say(lang, "tool.asked_on", day=say_day(first, lang)))
    if args.part_of_day:
        parts.append(say(lang, f"tool.asked_part.{args.part_of_day}"))
    when = " ".join(parts)
    return say(lang, "tool.slots_asked_with", provider=provider, when=when) if provider else when


class DialogueSteps:
    """Mixed into the pipeline: the dialogue state in, the dialogue state out."""

    steps: list[StepRecord]
    events: WorkflowTopicHandle[StreamEvent]
    lang: str
    acting_patient: int | None
    dialogue: DialogueState
    # What this turn did, as the state needs it.
    plan_seen: PlanOutput | None
    plan_intent: str
    results_seen: list[ToolResult]
    move: DialogueMove | None
    early_move: DialogueMove | None  # read within the understanding activity

    if TYPE_CHECKING:

        async def _step(
            self,
            name: str,
            fn: Callable[..., Any],
            arg: Any,
            opts: ActivityOptions,
            summary: dict[str, Any] | None = None,
        ) -> Any: ...

        async def _lookup(self, inp: PipelineInput, call: ToolCall, label: str) -> ToolResult: ...

    def _offered_lines(self) -> list[str]:
        task = self.dialogue.task
        return [f"{o.number}. {o.label}" for o in (task.offered if task else [])]

    def _open_dialogue(self, inp: PipelineInput) -> None:
        state = inp.dialogue or DialogueState()
        if state.expired(workflow.now().timestamp()):
            state = DialogueState()
        self.dialogue = state

    async def _follow(self, caller: Caller, prompt: str, intent: str, path: str) -> DialogueMove:
        """What the message means given the state: read within the understanding activity
        (recorded here as its own step, like classify), else one read-only activity."""
        if self.early_move is not None:
            move = self.early_move
            done = self.steps[-1].end_time
            self.steps.append(StepRecord("dialogue", "success", None, None, None, done, done))
            self.events.publish(StreamEvent("step", step="dialogue", status="success"))
        else:
            move = await self._step(
                "dialogue",
                ToolActivities.follow_dialogue,
                DialogueInput(caller, prompt, self.dialogue, intent, path, self.lang),
                ENGINE,
            )
        self.steps[-1].output = {"move": move.move, "how": move.how, **state_summary(move.state)}
        self.move, self.dialogue = move, move.state
        return move

    def _close_dialogue(self, result: PipelineResult, kind: str, question: str = "") -> None:
        """The state after the turn. `kind`: escalated | knowledge | task | done | other."""
        state = dataclasses.replace(self.dialogue, language=self.lang)
        if kind == "escalated":
            # An emergency pre-empts everything; the task is kept aside, not offered back.
            state = DialogueState(parked=state.task or state.parked, language=self.lang)
        elif kind == "knowledge":
            state.subject, state.last_kind = question, "knowledge"
        elif kind in ("task", "done"):
            state.task = None if kind == "done" else self._task_after(state.task, result)
            state.last_kind = "task"
        else:
            state.last_kind = "other"
        state.last_booked = self._booked()
        if kind != "escalated" and state.task is None and state.parked and not state.offered_resume:
            offer = say(
                self.lang,
                "dialogue.resume_offer",
                task=say(self.lang, f"dialogue.task.{state.parked.intent}"),
            )
            result.final_response = f"{result.final_response}\n\n{offer}"
            self.events.publish(StreamEvent("text_delta", step="dialogue", delta=f"\n\n{offer}"))
            state.offered_resume = True
        now = workflow.now().timestamp()
        state.updated_at = now
        had_state = not self.dialogue.is_empty()
        result.dialogue = state
        if had_state or not state.is_empty():
            self.steps.append(
                StepRecord("dialogue_state", "success", None, state_summary(state), None, now, now)
            )

    def _booked(self) -> Option | None:
        """The appointment this turn booked, kept one turn for a correction."""
        made = [r for r in self.results_seen if r.ok and r.tool == "create_appointment"]
        if not made or not made[-1].appointments:
            return None
        a = made[-1].appointments[0]
        return Option(
            1,
            "appointment",
            a.provider_name,
            provider_name=a.provider_name,
            site_name=a.site_name,
            start_local=a.start_local,
            appointment_id=a.id,
        )

    def _task_after(self, before: Task | None, result: PipelineResult) -> Task | None:
        intent = self.plan_intent
        if intent not in TASKS:
            return before
        plan = self.plan_seen
        slots = (plan.slots if plan else None) or (before.slots if before else Slots())
        if any(r.ok and has_side_effect(r.tool) for r in self.results_seen):
            return None  # done: booked, cancelled, moved, requested
        if result.pending is not None:
            offered = choice_options([c for c in slots.choices if c.kind == "appointment"])
            return Task(intent, slots, offered, "confirm", self.acting_patient)
        found = [r for r in self.results_seen if r.tool == "get_availability"]
        if found:
            if found[-1].ok and found[-1].slots:
                offered = slot_options(found[-1].slots, self.lang)
                return Task(intent, slots, offered, "pick", self.acting_patient)
            return Task(intent, slots, [], "time", self.acting_patient)
        if plan is not None and plan.clarification:
            offered = choice_options(slots.choices)
            return Task(intent, slots, offered, "clarify", self.acting_patient)
        return None

    async def _nearest_if_none(
        self, inp: PipelineInput, planned: Planned, results: list[ToolResult]
    ) -> list[ToolResult]:
        """No open time for what was asked ("Dr. Ortega on Wednesday"): say so, with the
        nearest open times of the same provider from that day on."""
        if len(results) != 1 or len(planned.calls) != 1:
            return results
        found, asked = results[0], planned.calls[0].args
        if found.tool != "get_availability" or not found.ok or found.slots:
            return results
        if not (asked.day_local or asked.part_of_day) or not workflow.patched("nearest-slots"):
            return results
        wider = ToolCall(
            "get_availability",
            ToolArgs(staff_id=asked.staff_id, day_local=asked.day_local, span_days=14),
        )
        nearest = await self._lookup(inp, wider, "nearest")
        if not nearest.ok or not nearest.slots:
            return results
        provider = nearest.slots[0].provider_name if asked.staff_id else ""
        nearest.message_key = "tool.slots_nearest"
        nearest.params = {"asked": asked_words(asked, provider, self.lang)}
        self.results_seen[-1:] = [nearest]
        return [nearest]
