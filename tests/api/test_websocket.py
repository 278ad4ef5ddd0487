"""/ws/conversation over a real server: events, ping, auth, and resume after a dropped link."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from core.settings import Settings
from tests.served import served

PROMPT = "What are your opening hours and where do I park?"


@pytest.fixture(scope="module")
def ws_url(settings: Settings, worker: None) -> Iterator[str]:
    # A real uvicorn on its own thread and loop: the suite's worker (same task queue) runs
    # the turns on the test loop meanwhile.
    with served(settings) as port:
        yield f"ws://127.0.0.1:{port}/ws/conversation"


async def _recv(ws: ClientConnection) -> dict[str, Any]:
    frame: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), timeout=60))
    return frame


async def _open(url: str, key: str) -> ClientConnection:
    ws = await connect(url)
    await ws.send(json.dumps({"type": "auth", "token": key}))
    ready = await _recv(ws)
    assert ready["event"] == "ready", ready
    return ws


async def _until_done(ws: ClientConnection) -> list[dict[str, Any]]:
    frames = []
    while True:
        frame = await _recv(ws)
        frames.append(frame)
        if frame["event"] in ("done", "error"):
            return frames


async def test_a_turn_streams_its_events_with_offsets_and_ping(
    ws_url: str, demo_keys: dict[str, str]
) -> None:
    ws = await _open(ws_url, demo_keys["harborview-patient-7"])
    try:
        await ws.send(json.dumps({"type": "ping"}))
        assert (await _recv(ws)) == {"type": "pong"}
        await ws.send(json.dumps({"type": "message", "prompt": PROMPT}))
        accepted = await _recv(ws)
        assert accepted["event"] == "accepted" and accepted["resume_token"]
        frames = await _until_done(ws)
        assert frames[-1]["event"] == "done", frames[-1]
        assert frames[-1]["result"]["session_id"] == accepted["session_id"]
        assert "park" in frames[-1]["final_response"].lower()
        offsets = [f["offset"] for f in frames]
        assert offsets == sorted(offsets) and len(set(offsets)) == len(offsets)
        assert any(f["event"] == "step" for f in frames)
        # A bad frame is answered, and the socket stays open for the next one.
        await ws.send("not json")
        assert (await _recv(ws))["error"]["code"] == "invalid_frame"
        await ws.send(json.dumps({"type": "message", "prompt": ""}))
        assert (await _recv(ws))["error"]["code"] == "validation_error"
        await ws.send(json.dumps({"type": "ping"}))
        assert (await _recv(ws)) == {"type": "pong"}
    finally:
        await ws.close()


async def test_a_client_that_drops_mid_turn_resumes_and_gets_one_done(
    ws_url: str, demo_keys: dict[str, str]
) -> None:
    key = demo_keys["harborview-patient-8"]
    ws = await _open(ws_url, key)
    await ws.send(json.dumps({"type": "message", "prompt": PROMPT}))
    accepted = await _recv(ws)
    first = await _recv(ws)  # at least one event, then the link drops
    assert first["event"] != "done"
    await ws.close()
    await asyncio.sleep(1.0)  # the turn goes on without anyone listening

    again = await _open(ws_url, key)
    try:
        resume = {
            "type": "resume",
            "session_id": accepted["session_id"],
            "turn_id": accepted["turn_id"],
            "resume_token": accepted["resume_token"],
            "offset": first["offset"],
        }
        await again.send(json.dumps(resume))
        rest = await _until_done(again)
        assert [f["event"] for f in rest].count("done") == 1 and rest[-1]["event"] == "done"
        assert all(f["offset"] > first["offset"] for f in rest)
        assert "park" in rest[-1]["final_response"].lower()
    finally:
        await again.close()

    # Another patient of the clinic who learns the ids cannot read the turn.
    other = await _open(ws_url, demo_keys["harborview-patient-9"])
    try:
        await other.send(json.dumps(resume))
        refused = await _recv(other)
        assert refused["event"] == "error" and refused["error"]["code"] == "unknown_turn"
    finally:
        await other.close()


async def test_a_socket_without_valid_credentials_is_closed(ws_url: str) -> None:
    ws = await connect(ws_url)
    await ws.send(json.dumps({"type": "auth", "token": "ak_not-a-real-key"}))
    refused = await _recv(ws)
    assert refused["event"] == "error" and refused["error"]["code"] == "unauthenticated"
    with pytest.raises(ConnectionClosed) as closed:
        await asyncio.wait_for(ws.recv(), timeout=10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008
