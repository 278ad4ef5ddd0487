"""/ws/voice over a real server and voice worker, driven by the command-line client at real
time: a spoken question answered in speech, and a caller who speaks over the reply."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import pytest
from temporalio.client import Client
from websockets.asyncio.client import connect

from core.settings import Settings
from core.voice_payloads import CallEvent
from core.workflow_refs import VOICE_EVENTS
from devstack.voice_client import pcm16k, run_call
from tests.served import served
from tests.voice_fixtures import FIXTURES

# Each call plays audio at real time (about 40 s in all); the turn inside is an ordinary one.
pytestmark = pytest.mark.sqlite_pass


@pytest.fixture(scope="module")
def voice_url(settings: Settings, voice_worker: None) -> Iterator[str]:
    with served(settings) as port:
        yield f"ws://127.0.0.1:{port}/ws/voice"


async def _events(client: Client, call_id: str) -> list[CallEvent]:
    handle = client.get_workflow_handle(call_id)
    events: list[CallEvent] = await handle.query(VOICE_EVENTS, result_type=list[CallEvent])
    return events


async def test_a_spoken_question_is_answered_in_speech_over_the_line(
    voice_url: str, demo_keys: dict[str, str], temporal_client: Client
) -> None:
    question = pcm16k((FIXTURES / "question_hours.wav").read_bytes())
    log = await run_call(voice_url, demo_keys["harborview-patient-8"], question)
    final = log.first("final")
    assert final is not None and "saturday" in final["text"].lower()
    assert log.first("accepted") is not None
    done = log.first("done")
    assert done is not None, log.events
    assert [c["title"] for c in done["result"]["citations"]] == ["Opening Hours"]
    audio = log.first("audio")
    assert audio is not None and audio["since_end_of_speech_ms"] > 0
    # The whole reply was spoken: a few seconds of 16-bit audio, not a click.
    assert len(log.audio) / 2 / log.sample_rate > 3.0
    ready = log.first("ready")
    assert ready is not None
    kinds = [e.kind for e in await _events(temporal_client, ready["call_id"])]
    assert kinds == ["utterance"]


async def test_a_caller_who_speaks_over_the_reply_stops_it_and_is_heard(
    voice_url: str, demo_keys: dict[str, str], temporal_client: Client
) -> None:
    question = pcm16k((FIXTURES / "question_hours.wav").read_bytes())
    emergency = pcm16k((FIXTURES / "emergency_chest.wav").read_bytes())
    log = await run_call(
        voice_url,
        demo_keys["harborview-patient-9"],
        question,
        barge_in=emergency,
        barge_after_s=0.3,
    )
    stopped = log.first("interrupted")
    assert stopped is not None, [e for _, e in log.events]
    assert stopped["by"] == "speech"
    # The server stops sending at once; nothing of the old reply arrives after it says so.
    assert stopped["stop_ms"] < 150
    interrupted_at = log.at("interrupted")
    assert interrupted_at is not None and log.barge_start is not None
    # Heard within a second of the caller's first word (the recording opens with 0.5 s of
    # silence); the bench reports this latency's percentiles.
    assert interrupted_at - (log.barge_start + 0.5) < 1.0
    # The interruption itself was heard and answered: an emergency, its guidance spoken.
    dones = [e for _, e in log.events if e.get("type") == "done"]
    assert dones and dones[-1]["result"]["escalation_tier"] == "911"
    assert [e for t, e in log.events if e.get("type") == "audio" and t > interrupted_at]
    ready = log.first("ready")
    assert ready is not None
    kinds = [e.kind for e in await _events(temporal_client, ready["call_id"])]
    assert kinds == ["utterance", "interrupted", "utterance"]


async def test_a_call_must_start_with_a_start_frame(
    voice_url: str, demo_keys: dict[str, str]
) -> None:
    async with connect(
        voice_url, additional_headers={"X-API-Key": demo_keys["harborview-patient-8"]}
    ) as ws:
        await ws.send(json.dumps({"type": "start", "sample_rate": 12345}))
        frame = json.loads(await asyncio.wait_for(ws.recv(), timeout=10))
        assert frame["type"] == "error"
        assert frame["error"]["code"] == "invalid_start"
    async with connect(voice_url) as ws:
        await ws.send(json.dumps({"type": "auth", "token": "ak_not_a_key"}))
        frame = json.loads(await asyncio.wait_for(ws.recv(), timeout=10))
        assert frame["error"]["code"] == "unauthenticated"
