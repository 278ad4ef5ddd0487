"""Speech in and out as short workflows on the pipeline queue whose one activity runs on the
voice queue: the API stays model-free, and without a voice worker the call fails fast
(schedule-to-start) instead of waiting out the turn timeout."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from core.voice_payloads import (
        AUDIO_ERRORS,
        Speech,
        SynthesizeInput,
        TranscribeInput,
        Transcript,
    )

_T = TypeVar("_T")
# A caller is waiting: one quick second try, then they hear about it.
RETRY = RetryPolicy(
    maximum_attempts=2,
    initial_interval=timedelta(milliseconds=100),
    non_retryable_error_types=list(AUDIO_ERRORS),
)


async def on_voice_queue(
    activity: str, req: Any, result_type: type[_T], task_queue: str, queue_wait_s: float
) -> _T:
    """Runs a voice activity on the voice workers' queue. The wait for a free voice worker
    is bounded (VOICE_QUEUE_WAIT_S): long enough for one busy with another caller, short
    enough to say "no voice worker" while the caller still waits."""
    result: _T = await workflow.execute_activity(
        activity,
        req,
        result_type=result_type,
        task_queue=task_queue,
        schedule_to_start_timeout=timedelta(seconds=queue_wait_s),
        start_to_close_timeout=timedelta(seconds=120),
        retry_policy=RETRY,
    )
    return result


@workflow.defn(name="SpeechToTextWorkflow")
class SpeechToTextWorkflow:
    @workflow.run
    async def run(self, req: TranscribeInput, task_queue: str, queue_wait_s: float) -> Transcript:
        return await on_voice_queue("voice_transcribe", req, Transcript, task_queue, queue_wait_s)


@workflow.defn(name="TextToSpeechWorkflow")
class TextToSpeechWorkflow:
    @workflow.run
    async def run(self, req: SynthesizeInput, task_queue: str, queue_wait_s: float) -> Speech:
        return await on_voice_queue("voice_synthesize", req, Speech, task_queue, queue_wait_s)
