"""The voice channel through the API and a real voice worker (whisper tiny.en, piper):
a spoken question answered from the right article, a spoken emergency escalated with the
guidance spoken first, typed errors for bad audio, and the platform without text to speech."""

from __future__ import annotations

import base64
import io
import re
import wave
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fastapi import FastAPI
from temporalio.client import Client

from activities.voice.activity import VoiceActivities
from activities.voice.stt import SpeechToText
from activities.voice.worker import create_voice_worker
from api.main import create_app
from core.blobs import BlobStore
from core.settings import Settings
from core.temporal import payload_key_spec
from tests.conftest import key_headers
from tests.voice_fixtures import FIXTURES, HUMAN_CLIP

WAV = {"Content-Type": "audio/wav"}
# What these add to an ordinary turn (speech in and out) does not depend on the database.
pytestmark = pytest.mark.sqlite_pass


def _wav(seconds: float, rate: int = 16_000) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\x00\x00" * int(seconds * rate))
    return out.getvalue()


@pytest.fixture
async def staff(demo_keys: dict[str, str]) -> dict[str, str]:
    return key_headers(demo_keys["harborview-reception"])


async def test_a_spoken_question_is_answered_from_the_right_article_in_speech(
    api: httpx.AsyncClient, demo_keys: dict[str, str], voice_worker: None, settings: Settings
) -> None:
    resp = await api.post(
        "/api/v1/voice/process?session_id=voice-q-1",
        content=(FIXTURES / "question_hours.wav").read_bytes(),
        headers={**key_headers(demo_keys["harborview-patient-2"]), **WAV},
    )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert "saturday" in body["transcript"]["text"].lower()
    words = body["transcript"]["words"]
    assert words and all(w["start"] <= w["end"] for w in words)
    assert 0.5 < body["transcript"]["confidence"] <= 1.0
    turn = body["response"]
    assert turn["intent"] == "knowledge_question"
    assert [c["title"] for c in turn["citations"]] == ["Opening Hours"]
    assert "Saturday" in turn["final_response"]
    assert body["speech"] == {"available": True, "reason": None}
    audio = base64.b64decode(body["reply_audio"]["base64"])
    with wave.open(io.BytesIO(audio)) as w:
        assert w.getframerate() == body["reply_audio"]["sample_rate"]
        assert w.getnframes() / w.getframerate() > 2.0
    # Nothing of the caller's audio is left behind on disk.
    assert list(settings.blob_path.glob("audio/*.blob")) == []


async def test_a_spoken_emergency_escalates_and_the_guidance_is_spoken_first(
    api: httpx.AsyncClient, demo_keys: dict[str, str], voice_worker: None, stt: SpeechToText
) -> None:
    resp = await api.post(
        "/api/v1/voice/process",
        content=(FIXTURES / "emergency_chest.wav").read_bytes(),
        headers={**key_headers(demo_keys["harborview-patient-7"]), **WAV},
    )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    turn = body["response"]
    assert turn["requires_escalation"] is True
    assert turn["escalation_tier"] == "911"
    assert turn["request"]["prompt"] == body["transcript"]["text"]
    names = [s["name"] for s in turn["steps"]]
    assert "execute_tool" not in names and "plan_tools" not in names
    # Played back through whisper, the reply's opening words carry the 911 guidance.
    from activities.voice.audio import decode

    audio = base64.b64decode(body["reply_audio"]["base64"])
    heard = stt.transcribe(decode(audio, "audio/wav", 120)).text
    # Piper's "nine" is sometimes heard as "mine": the digits said one by one is the point.
    assert re.search(r"\b(9|nine|mine)[ ,-]*(1|one)[ ,-]*(1|one)\b", heard[:80].lower()), heard


async def test_staff_transcribe_a_human_recording_and_get_speech_back(
    api: httpx.AsyncClient, staff: dict[str, str], voice_worker: None
) -> None:
    resp = await api.post(
        "/api/v1/voice/stt",
        content=HUMAN_CLIP.read_bytes(),
        headers={**staff, **WAV},
    )
    assert resp.status_code == 200, resp.text
    assert resp.json()["text"].lower().strip(" .") == "in being comparatively modern"
    resp = await api.post(
        "/api/v1/voice/tts", json={"text": "Your callback is booked. Goodbye."}, headers=staff
    )
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"] == "audio/wav"
    assert resp.headers["x-speech-sentences"] == "2"
    assert resp.content.startswith(b"RIFF")


async def test_raw_pcm_at_another_rate_and_octet_stream_are_accepted(
    api: httpx.AsyncClient, staff: dict[str, str], voice_worker: None
) -> None:
    with wave.open(str(HUMAN_CLIP)) as w:
        rate, pcm = w.getframerate(), w.readframes(w.getnframes())
    resp = await api.post(
        "/api/v1/voice/stt",
        content=pcm,
        headers={**staff, "Content-Type": f"audio/L16; rate={rate}"},
    )
    assert resp.status_code == 200, resp.text
    assert "comparatively" in resp.json()["text"].lower()
    # A generic client's octet-stream: the container is read from the first bytes.
    resp = await api.post(
        "/api/v1/voice/stt",
        content=HUMAN_CLIP.read_bytes(),
        headers={**staff, "Content-Type": "application/octet-stream"},
    )
    assert resp.status_code == 200, resp.text
    assert "comparatively" in resp.json()["text"].lower()


@pytest.mark.parametrize(
    ("content_type", "audio", "status", "code"),
    [
        ("text/plain", b"hello", 415, "unsupported_media_type"),
        ("audio/wav", b"", 422, "empty_audio"),
        ("audio/ogg", b"RIFF....WAVE", 422, "bad_audio"),
        ("audio/wav", b"RIFF\x10\x00\x00\x00WAVEnot really audio", 422, "bad_audio"),
        ("audio/L16; rate=16000", b"\x00\x01\x02", 422, "bad_audio"),
        ("audio/L16; rate=12345", b"\x00\x00", 415, "unsupported_media_type"),
        ("application/octet-stream", b"\x00\x01 not audio", 422, "bad_audio"),
        ("audio/wav", _wav(3.0), 422, "silent_audio"),
        ("audio/wav", _wav(61.0, 8_000), 422, "audio_too_long"),
    ],
)
async def test_bad_audio_gets_a_typed_error(
    api: httpx.AsyncClient,
    demo_keys: dict[str, str],
    voice_worker: None,
    content_type: str,
    audio: bytes,
    status: int,
    code: str,
) -> None:
    resp = await api.post(
        "/api/v1/voice/process",
        content=audio,
        headers={**key_headers(demo_keys["harborview-patient-3"]), "Content-Type": content_type},
    )
    assert resp.status_code == status, resp.text
    assert resp.json()["error"]["code"] == code
    assert resp.json()["error"]["request_id"]


async def test_speech_tools_are_for_staff(
    api: httpx.AsyncClient, demo_keys: dict[str, str], voice_worker: None
) -> None:
    patient = key_headers(demo_keys["harborview-patient-3"])
    resp = await api.post("/api/v1/voice/tts", json={"text": "hello"}, headers=patient)
    assert resp.status_code == 403
    resp = await api.post(
        "/api/v1/voice/tts",
        json={"text": "hola", "language": "es"},
        headers=key_headers(demo_keys["harborview-reception"]),
    )
    assert resp.status_code == 422
    assert resp.json()["error"]["code"] == "no_voice_for_language"


async def test_without_the_tts_extra_replies_are_text_with_a_flag(
    temporal_client: Client,
    settings: Settings,
    stt: SpeechToText,
    demo_keys: dict[str, str],
    worker: None,
) -> None:
    # Its own voice queue, served by a worker that has whisper but no piper.
    alone = settings.model_copy(update={"voice_task_queue": "voice-no-tts"})
    blobs = BlobStore(alone.blob_path, payload_key_spec(alone))
    voice = VoiceActivities(stt, None, blobs, tts_reason="tts_not_installed")
    app: FastAPI = create_app(alone)
    with ThreadPoolExecutor(2) as pool:
        async with (
            create_voice_worker(temporal_client, alone, voice, pool),
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://t", timeout=60
            ) as client,
        ):
            resp = await client.post(
                "/api/v1/voice/process",
                content=(FIXTURES / "question_hours.wav").read_bytes(),
                headers={**key_headers(demo_keys["harborview-patient-4"]), **WAV},
            )
            assert resp.status_code == 200, resp.text
            body = resp.json()
            assert body["speech"] == {"available": False, "reason": "tts_not_installed"}
            assert body["reply_audio"] is None
            assert body["response"]["citations"]
            resp = await client.post(
                "/api/v1/voice/tts",
                json={"text": "hello"},
                headers=key_headers(demo_keys["harborview-reception"]),
            )
            assert resp.status_code == 503
            assert resp.json()["error"]["code"] == "tts_unavailable"


async def test_no_voice_worker_is_a_503_not_a_hang(
    settings: Settings, demo_keys: dict[str, str], worker: None
) -> None:
    nobody = settings.model_copy(
        update={"voice_task_queue": "voice-nobody-polls", "voice_queue_wait_s": 1.0}
    )
    app: FastAPI = create_app(nobody)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://t", timeout=60
        ) as client,
    ):
        resp = await client.post(
            "/api/v1/voice/stt",
            content=(FIXTURES / "question_hours.wav").read_bytes(),
            headers={**key_headers(demo_keys["harborview-reception"]), **WAV},
        )
    assert resp.status_code == 503, resp.text
    assert resp.json()["error"]["code"] == "voice_unavailable"
    assert list(nobody.blob_path.glob("audio/*.blob")) == []
