"""/ws/conversation: the NDJSON stream's events over a WebSocket, with resume after a drop.

Frames are JSON. The client authenticates with the X-API-Key or Authorization header, or,
from a browser (which cannot set headers on a WebSocket), with a first frame
`{"type": "auth", "token": "<API key or JWT>"}`. Then:

- `{"type": "message", "prompt", "session_id"?, "patient_id"?, "channel"?, "idempotency_key"?}`
  starts a turn; the server sends `accepted` (with `session_id`, `turn_id`, `resume_token`),
  then the turn's events (`status`, `step`, `text_delta`, `reset`, `done` or `error`), each
  with its `offset` in the turn's event log.
- `{"type": "resume", "session_id", "turn_id", "resume_token", "offset"}` after a reconnect
  sends the events after `offset` and one `done`: the turn went on durably meanwhile.
- `{"type": "ping"}` gets `{"type": "pong"}`; uvicorn also pings at the protocol level.

Backpressure: the next poll of the turn's log waits for the previous frame to be sent, so a
slow client slows only its own reads; nothing is dropped, the log stays in the workflow.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
from datetime import timedelta
from typing import Any, Literal

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import BaseModel, Field, ValidationError
from temporalio.client import Client
from temporalio.contrib.workflow_streams import WorkflowStreamClient

from api.auth import Principal, charge, get_principal
from api.deps import AppState
from api.errors import error_body
from api.routes.pipelines import event_payload, prepare_turn
from api.schemas import SESSION_PATTERN, PipelineRequest, RequestEcho
from api.turns import start_turn, wait_until_started
from core.errors import AurixaError, Unauthenticated, ValidationFailed
from core.payloads import PipelineResult, StreamEvent
from core.temporal import payload_key_spec
from core.workflow_refs import pipeline_workflow_id

router = APIRouter(tags=["websocket"])
log = logging.getLogger("aurixa.api.ws")
AUTH_TIMEOUT_S = 10.0
POLICY_VIOLATION = 1008


class MessageFrame(PipelineRequest):
    type: Literal["message"] = "message"
    channel: str = Field(default="ws", pattern=r"^(rest|chat|voice|ws)$")
    idempotency_key: str | None = Field(default=None, max_length=128, pattern=r"^[\x21-\x7e]+$")


class ResumeFrame(BaseModel):
    type: Literal["resume"] = "resume"
    session_id: str = Field(pattern=SESSION_PATTERN)
    turn_id: str = Field(pattern=r"^[0-9a-f]{32}$")
    resume_token: str = Field(min_length=16, max_length=128)
    offset: int = Field(default=-1, ge=-1, le=1_000_000)


def resume_token(state: AppState, who: Principal, session_id: str, turn_id: str) -> str:
    """A capability for one caller's one turn: another caller, even of the same clinic, who
    learns the session and turn ids still cannot read it."""
    secret = hashlib.sha256(b"ws-resume\0" + payload_key_spec(state.settings).encode()).digest()
    message = f"{who.tenant_id}:{who.user_id}:{session_id}:{turn_id}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:40]


async def _send_error(socket: WebSocket, code: str, message: str) -> None:
    await socket.send_json({"event": "error", **error_body(code, message)})


async def authenticate(socket: WebSocket, state: AppState) -> Principal | None:
    headers = socket.headers
    try:
        if headers.get("x-api-key") or headers.get("authorization"):
            return await get_principal(
                state, headers.get("x-api-key"), headers.get("authorization")
            )
        first = await asyncio.wait_for(socket.receive_json(), timeout=AUTH_TIMEOUT_S)
        token = first.get("token") if isinstance(first, dict) else None
        if not isinstance(first, dict) or first.get("type") != "auth" or not isinstance(token, str):
            raise Unauthenticated('Send {"type": "auth", "token": "<API key or JWT>"} first.')
        return await get_principal(state, None, f"Bearer {token}")
    except WebSocketDisconnect:
        return None  # gone before saying who it was
    except (TimeoutError, ValueError) as err:
        problem: AurixaError = Unauthenticated(f"No valid auth frame ({type(err).__name__}).")
    except AurixaError as err:
        problem = err
    await _send_error(socket, problem.code, problem.message)
    await socket.close(code=POLICY_VIOLATION)
    return None


async def _pump(
    socket: WebSocket,
    client: Client,
    state: AppState,
    wf_id: str,
    after: int,
    echo: RequestEcho,
) -> None:
    """The turn's events after offset `after`, up to and including `done`."""
    stream = WorkflowStreamClient.create(client, wf_id)
    async for item in stream.subscribe(
        ["events"],
        from_offset=after + 1,
        result_type=StreamEvent,
        poll_cooldown=timedelta(milliseconds=state.settings.stream_poll_ms),
    ):
        ev: StreamEvent = item.data
        await socket.send_json({**event_payload(ev, echo), "offset": item.offset})
        if ev.event == "done":
            return


async def _message(socket: WebSocket, state: AppState, who: Principal, raw: Any) -> None:
    frame = MessageFrame.model_validate(raw)
    await charge(state, who)
    turn, session_id, echo = await prepare_turn(
        state, who, frame, frame.idempotency_key, stream=True
    )
    client = await state.temporal.get()
    handle = await start_turn(client, state.settings, turn, session_id)
    stored = handle if isinstance(handle, PipelineResult) else None
    workflow_id = "" if isinstance(handle, PipelineResult) else handle.workflow_id
    await socket.send_json(
        {
            "event": "accepted",
            "session_id": session_id,
            "turn_id": turn.turn_id,
            "workflow_id": workflow_id,
            "resume_token": resume_token(state, who, session_id, turn.turn_id),
            "offset": -1,
        }
    )
    if stored is not None:
        # Answered before (a keyed retry after the conversation continued as new).
        await socket.send_json({**event_payload(StreamEvent("done", result=stored), echo)})
        return
    wf_id = pipeline_workflow_id(who.tenant_id, session_id, turn.turn_id)
    await _wait_started(client, wf_id, state)
    await _pump(socket, client, state, wf_id, -1, echo)


async def _resume(socket: WebSocket, state: AppState, who: Principal, raw: Any) -> None:
    frame = ResumeFrame.model_validate(raw)
    expected = resume_token(state, who, frame.session_id, frame.turn_id)
    if not hmac.compare_digest(expected, frame.resume_token):
        raise ValidationFailed("No such turn for this caller.", code="unknown_turn")
    client = await state.temporal.get()
    wf_id = pipeline_workflow_id(who.tenant_id, frame.session_id, frame.turn_id)
    echo = RequestEcho(
        session_id=frame.session_id,
        prompt="",
        tenant_id=who.tenant_id,
        user_id=who.user_id,
        patient_id=who.patient_id,
    )
    await _wait_started(client, wf_id, state)
    await _pump(socket, client, state, wf_id, frame.offset, echo)


async def _wait_started(client: Client, wf_id: str, state: AppState) -> None:
    await wait_until_started(client, wf_id, timeout_s=state.settings.turn_timeout_s)


@router.websocket("/ws/conversation")
async def conversation_socket(socket: WebSocket) -> None:
    state: AppState = socket.app.state.aurixa
    await socket.accept()
    who = await authenticate(socket, state)
    if who is None:
        return
    await socket.send_json({"event": "ready", "tenant_id": who.tenant_id, "role": who.role})
    try:
        while True:
            try:
                raw = await socket.receive_json()
            except ValueError:
                await _send_error(socket, "invalid_frame", "Frames are JSON objects.")
                continue
            kind = raw.get("type") if isinstance(raw, dict) else None
            try:
                if kind == "ping":
                    await socket.send_json({"type": "pong"})
                elif kind == "message":
                    await _message(socket, state, who, raw)
                elif kind == "resume":
                    await _resume(socket, state, who, raw)
                else:
                    raise ValidationFailed(
                        'Frame "type" is one of message, resume, ping.', code="invalid_frame"
                    )
            except ValidationError as err:
                fields = ", ".join(".".join(map(str, e["loc"])) for e in err.errors()[:5])
                await _send_error(socket, "validation_error", f"Invalid frame: {fields}.")
            except AurixaError as err:
                await _send_error(socket, err.code, err.message)
    except WebSocketDisconnect:
        # The turn, if one is running, goes on in Temporal; the client resumes by offset.
        return
    except Exception as err:
        log.error("websocket failed", extra={"exc_type": type(err).__name__})
        with contextlib.suppress(Exception):  # the socket may be gone already
            await _send_error(socket, "stream_failed", "The connection failed; resume the turn.")
            await socket.close(code=1011)
