"""/ws/voice: a duplex voice line. See api/voice_call.py for what happens on the call.

Authenticate as on /ws/conversation (a header, or a first `{"type": "auth", "token"}`
frame), then send `{"type": "start", "sample_rate": 16000, "session_id"?, "patient_id"?}`
and stream the caller's microphone as binary frames of 16-bit little-endian mono PCM at
that rate, at real-time pace. The server sends JSON frames:
`ready` (with `call_id`), `partial` and `final` transcripts, `accepted` (the turn),
`text_delta`, `audio` (a sentence's header: `sentence`, `sample_rate`) followed by binary
frames of that sentence's PCM, `interrupted` (drop every queued reply frame), `done` (the
turn's full result), `error`. The client may send `{"type": "barge_in"}` when its own VAD
hears the caller, `{"type": "ping"}`, and `{"type": "stop"}` to hang up.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import BaseModel, Field, ValidationError

from api.deps import AppState
from api.errors import error_body
from api.routes.ws import POLICY_VIOLATION, authenticate
from api.schemas import SESSION_PATTERN
from api.voice_call import CallTuning, VoiceCall
from core.audio_types import PCM_RATES
from core.errors import AurixaError
from core.voice_payloads import VoiceCallInput
from core.workflow_refs import VOICE_CALL, VOICE_HANG_UP

router = APIRouter(tags=["websocket"])
log = logging.getLogger("aurixa.api.ws_voice")
START_TIMEOUT_S = 10.0
# 100 ms of 48 kHz audio is 9.6 KB; a frame far larger is not a microphone.
MAX_FRAME_BYTES = 65_536


class StartFrame(BaseModel):
    type: str = Field(pattern=r"^start$")
    sample_rate: int = 16_000
    session_id: str | None = Field(default=None, pattern=SESSION_PATTERN)
    patient_id: int | None = Field(default=None, ge=1)


async def _error(socket: WebSocket, code: str, message: str) -> None:
    await socket.send_json({"type": "error", **error_body(code, message)})


@router.websocket("/ws/voice")
async def voice_socket(socket: WebSocket) -> None:
    state: AppState = socket.app.state.aurixa
    await socket.accept()
    who = await authenticate(socket, state)
    if who is None:
        return
    try:
        start = StartFrame.model_validate(
            await asyncio.wait_for(socket.receive_json(), timeout=START_TIMEOUT_S)
        )
        if start.sample_rate not in PCM_RATES:
            raise ValueError(f"sample_rate is one of {', '.join(map(str, PCM_RATES))}")
    except WebSocketDisconnect:
        return
    except (TimeoutError, ValueError, ValidationError) as err:
        await _error(socket, "invalid_start", f"Send a start frame first ({err}).")
        await socket.close(code=POLICY_VIOLATION)
        return
    settings = state.settings
    client = await state.temporal.get()
    call_id = f"voice-call-{uuid.uuid4().hex}"
    handle = await client.start_workflow(
        VOICE_CALL,
        VoiceCallInput(
            who.tenant_id, who.user_id, settings.voice_task_queue, settings.voice_queue_wait_s
        ),
        id=call_id,
        task_queue=settings.temporal_task_queue,
    )
    call = VoiceCall(
        socket,
        state,
        who,
        client,
        handle,
        rate=start.sample_rate,
        session_id=start.session_id,
        patient_id=start.patient_id,
        tuning=CallTuning(end_silence_s=settings.voice_end_silence_s),
    )
    await call.send_json({"type": "ready", "call_id": call_id})
    try:
        while True:
            message = await socket.receive()
            if message["type"] == "websocket.disconnect":
                break
            data = message.get("bytes")
            if data is not None:
                if len(data) > MAX_FRAME_BYTES:
                    await _error(socket, "frame_too_large", "Send audio in frames of 100 ms.")
                    continue
                call.on_audio(data)
                continue
            try:
                frame = json.loads(message.get("text") or "")
                kind = frame.get("type") if isinstance(frame, dict) else None
            except ValueError:
                kind = None
            if kind == "stop":
                break
            if kind == "barge_in":
                await call.interrupt("client")
            elif kind == "ping":
                await call.send_json({"type": "pong"})
            else:
                await _error(socket, "invalid_frame", 'Frame "type" is barge_in, ping or stop.')
    except WebSocketDisconnect:
        pass
    except AurixaError as err:
        with contextlib.suppress(Exception):
            await _error(socket, err.code, err.message)
    except Exception as err:
        log.error("voice call failed", extra={"exc_type": type(err).__name__})
        with contextlib.suppress(Exception):
            await _error(socket, "voice_failed", "The call failed.")
    finally:
        await call.close()
        with contextlib.suppress(Exception):
            await handle.signal(VOICE_HANG_UP)
        with contextlib.suppress(Exception):
            await socket.close()
