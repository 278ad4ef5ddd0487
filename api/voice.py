"""Runs speech workflows for the voice routes: audio goes by encrypted reference, the API
loads no model, and audio problems come back as typed errors."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import TypeVar

from temporalio.client import Client, WorkflowFailureError
from temporalio.exceptions import ActivityError, ApplicationError, TimeoutError

from core.blobs import BlobStore
from core.errors import ServiceUnavailable, ValidationFailed
from core.settings import Settings
from core.temporal import payload_key_spec
from core.voice_payloads import AUDIO_ERRORS, Speech, SynthesizeInput, TranscribeInput, Transcript
from core.workflow_refs import SPEECH_TO_TEXT, TEXT_TO_SPEECH

_T = TypeVar("_T")


def blob_store(settings: Settings) -> BlobStore:
    return BlobStore(settings.blob_path, payload_key_spec(settings))


async def transcribe(
    client: Client, settings: Settings, blobs: BlobStore, audio: bytes, content_type: str
) -> Transcript:
    ref = await asyncio.to_thread(blobs.put, audio, kind="audio")
    try:
        req = TranscribeInput(ref, content_type, None, settings.voice_max_seconds)
        return await _run(client, settings, SPEECH_TO_TEXT, req, Transcript)
    finally:
        await asyncio.to_thread(blobs.delete, ref)  # the audio is kept no longer than needed


async def synthesize(client: Client, settings: Settings, text: str, language: str) -> Speech:
    req = SynthesizeInput(text, language)
    return await _run(client, settings, TEXT_TO_SPEECH, req, Speech)


async def take_audio(blobs: BlobStore, speech: Speech) -> bytes | None:
    if not speech.available or speech.audio_ref is None:
        return None
    try:
        return await asyncio.to_thread(blobs.get, speech.audio_ref)
    finally:
        await asyncio.to_thread(blobs.delete, speech.audio_ref)


async def _run(client: Client, settings: Settings, name: str, req: object, kind: type[_T]) -> _T:
    try:
        return await client.execute_workflow(
            name,
            args=[req, settings.voice_task_queue, settings.voice_queue_wait_s],
            id=f"voice-{name.removesuffix('Workflow').lower()}-{uuid.uuid4().hex}",
            task_queue=settings.temporal_task_queue,
            result_type=kind,
            execution_timeout=timedelta(seconds=settings.voice_timeout_s),
        )
    except WorkflowFailureError as err:
        cause = err.cause.cause if isinstance(err.cause, ActivityError) else err.cause
        if isinstance(cause, ApplicationError) and cause.type in AUDIO_ERRORS:
            code = str(cause.details[0]) if cause.details else "bad_audio"
            raise ValidationFailed(cause.message, code=code) from err
        if isinstance(cause, TimeoutError) or isinstance(err.cause, TimeoutError):
            raise ServiceUnavailable(
                "No voice worker answered; try again or type your message.",
                code="voice_unavailable",
            ) from err
        raise ServiceUnavailable("The voice step failed.", code="voice_failed") from err
