"""Speech in and out as short workflows on the pipeline queue whose one activity runs on the
voice queue: the API stays model-free, and without a voice worker the call fails fast
(schedule-to-start) instead of waiting out the turn timeout."""

from __future__ import annotations

from datetime import timedelta

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

_RETRY = RetryPolicy(maximum_attempts=2, non_retryable_error_types=list(AUDIO_ERRORS))


@workflow.defn(name="SpeechToTextWorkflow")
class SpeechToTextWorkflow:
    @workflow.run
    async def run(self, req: TranscribeInput, task_queue: str, queue_wait_s: float) -> Transcript:
        return await workflow.execute_activity(
            "voice_transcribe",
            req,
            task_queue=task_queue,
            result_type=Transcript,
            # Long enough for a voice worker busy with another caller, short enough to say
            # "no voice worker" while the caller still waits (VOICE_QUEUE_WAIT_S).
            schedule_to_start_timeout=timedelta(seconds=queue_wait_s),
            start_to_close_timeout=timedelta(seconds=120),
            retry_policy=_RETRY,
        )


@workflow.defn(name="TextToSpeechWorkflow")
class TextToSpeechWorkflow:
    @workflow.run
    async def run(self, req: SynthesizeInput, task_queue: str, queue_wait_s: float) -> Speech:
        return await workflow.execute_activity(
            "voice_synthesize",
            req,
            task_queue=task_queue,
            result_type=Speech,
            # Long enough for a voice worker busy with another caller, short enough to say
            # "no voice worker" while the caller still waits (VOICE_QUEUE_WAIT_S).
            schedule_to_start_timeout=timedelta(seconds=queue_wait_s),
            start_to_close_timeout=timedelta(seconds=120),
            retry_policy=_RETRY,
        )
