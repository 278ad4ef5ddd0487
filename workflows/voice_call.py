"""One workflow per live voice call (/ws/voice): the speech steps it asks for run on the
voice queue as updates, and what happened on the call (utterances, turns, interruptions)
is kept in its history and answered by the `events` query. The turns themselves are the
ordinary conversation workflows; this one never touches the clinic's data."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

from workflows.voice import on_voice_queue

with workflow.unsafe.imports_passed_through():
    from core.voice_payloads import (
        CallEvent,
        Heard,
        HearInput,
        Speech,
        SynthesizeInput,
        VoiceCallInput,
    )


@workflow.defn(name="VoiceCallWorkflow")
class VoiceCallWorkflow:
    # The input is read at construction, so an update in the first task already has it.
    @workflow.init
    def __init__(self, call: VoiceCallInput) -> None:
        self._events: list[CallEvent] = []
        self._ended = False
        self._call = call

    @workflow.run
    async def run(self, call: VoiceCallInput) -> list[CallEvent]:
        try:
            await workflow.wait_condition(
                lambda: self._ended, timeout=timedelta(seconds=call.max_call_s)
            )
        except TimeoutError:
            self._events.append(CallEvent("error", call.max_call_s, detail={"why": "max_call"}))
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._events

    @workflow.update(name="hear")
    async def hear(self, req: HearInput) -> Heard:
        call = self._call
        return await on_voice_queue(
            "voice_hear", req, Heard, call.voice_task_queue, call.queue_wait_s
        )

    @workflow.update(name="speak")
    async def speak(self, req: SynthesizeInput) -> Speech:
        call = self._call
        return await on_voice_queue(
            "voice_synthesize", req, Speech, call.voice_task_queue, call.queue_wait_s
        )

    @hear.validator
    def _hear_open(self, req: HearInput) -> None:
        if self._ended:
            raise ValueError("the call has ended")

    @speak.validator
    def _speak_open(self, req: SynthesizeInput) -> None:
        if self._ended:
            raise ValueError("the call has ended")

    @workflow.signal(name="note")
    def note(self, event: CallEvent) -> None:
        self._events.append(event)

    @workflow.signal(name="hang_up")
    def hang_up(self) -> None:
        self._ended = True

    @workflow.query(name="events")
    def events(self) -> list[CallEvent]:
        return self._events
