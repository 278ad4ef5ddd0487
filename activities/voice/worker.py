"""The voice worker: whisper (and piper, when installed) loaded once, polling the voice queue."""

from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor

from temporalio.client import Client
from temporalio.worker import Worker

from core.blobs import BlobStore
from core.settings import Settings
from core.temporal import payload_key_spec

from .activity import VoiceActivities
from .stt import SpeechToText
from .tts import load_tts, tts_installed

log = logging.getLogger("aurixa.voice")


def build_voice(settings: Settings) -> VoiceActivities:
    began = time.perf_counter()
    stt = SpeechToText(settings.voice_stt_model, settings.whisper_dir)
    tts = load_tts(settings.voice_tts)
    reason = "tts_off" if not settings.voice_tts else "tts_not_installed"
    blobs = BlobStore(settings.blob_path, payload_key_spec(settings))
    log.info(
        "voice models loaded",
        extra={
            "stt": stt.name,
            "tts": tts is not None,
            "tts_installed": tts_installed(),
            "seconds": round(time.perf_counter() - began, 2),
        },
    )
    return VoiceActivities(stt, tts, blobs, tts_reason=reason)


# Audio a request left behind (a reply the caller interrupted, an API process that died
# mid-request) is deleted after this long; a live request takes seconds.
BLOB_TTL_S = 600.0


async def sweep_blobs(blobs: BlobStore, every_s: float = 60.0) -> None:
    """Runs beside the voice worker until cancelled."""
    while True:
        removed = await asyncio.to_thread(blobs.sweep, BLOB_TTL_S)
        if removed:
            log.info("stale audio deleted", extra={"blobs": removed})
        await asyncio.sleep(every_s)


VOICE_SLOTS = 4


def create_voice_worker(
    client: Client, settings: Settings, voice: VoiceActivities, executor: ThreadPoolExecutor
) -> Worker:
    # Transcriptions take turns on the model's lock (CTranslate2 uses both cores for one);
    # the slots beside them keep a live call's VAD checks (milliseconds each) from queueing
    # behind a transcript, which delayed noticing the end of a caller's turn by ~0.4 s.
    return Worker(
        client,
        task_queue=settings.voice_task_queue,
        activities=[voice.transcribe, voice.hear, voice.synthesize],
        activity_executor=executor,
        max_concurrent_activities=VOICE_SLOTS,
    )
