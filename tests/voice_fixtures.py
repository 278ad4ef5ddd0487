"""A real voice worker for the voice tests: whisper tiny.en and piper, on the settings'
voice queue. The CI installs the tts extra (make tts), so a missing piper fails here."""

from __future__ import annotations

from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from temporalio.client import Client

from activities.voice.activity import VoiceActivities
from activities.voice.stt import SpeechToText
from activities.voice.tts import TextToSpeech
from activities.voice.worker import VOICE_SLOTS, create_voice_worker
from core.blobs import BlobStore
from core.settings import Settings
from core.temporal import payload_key_spec

# Clinic requests synthesized with the piper voice, padded with half a second of silence
# each side, and one LJSpeech clip read by a person (see fixtures/voice/README.md).
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "voice"
HUMAN_CLIP = FIXTURES / "ljspeech_LJ001-0002.wav"


@pytest.fixture(scope="session")
def stt(settings: Settings) -> SpeechToText:
    return SpeechToText("tiny.en", settings.whisper_dir)


@pytest.fixture(scope="session")
async def voice_worker(
    temporal_client: Client, settings: Settings, stt: SpeechToText, worker: None
) -> AsyncIterator[None]:
    blobs = BlobStore(settings.blob_path, payload_key_spec(settings))
    voice = VoiceActivities(stt, TextToSpeech(), blobs, tts_reason="tts_not_installed")
    with ThreadPoolExecutor(VOICE_SLOTS) as pool:
        async with create_voice_worker(temporal_client, settings, voice, pool):
            yield
