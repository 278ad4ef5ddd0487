"""POST /api/v1/pipelines (one JSON reply) and /api/v1/pipelines/stream (NDJSON events)."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Header
from fastapi.responses import StreamingResponse

from api.auth import LimitedPrincipalDep, PrincipalDep, resolve_patient
from api.deps import StateDep, TemporalDep
from api.errors import error_body
from api.schemas import PipelineRequest, PipelineResponse, RequestEcho
from api.turns import follow, new_session_id, new_turn_id, run_turn, start_turn
from core.errors import ValidationFailed
from core.input_guard import check_input, visible
from core.logging import request_id_var
from core.payloads import Caller, PipelineResult, StreamEvent, TurnInput

router = APIRouter(prefix="/api/v1/pipelines", tags=["pipelines"])
log = logging.getLogger("aurixa.api.pipelines")
IdempotencyHeader = Annotated[
    str | None, Header(alias="Idempotency-Key", max_length=128, pattern=r"^[\x21-\x7e]+$")
]


async def prepare_turn(
    state: StateDep,
    who: PrincipalDep,
    body: PipelineRequest,
    idempotency_key: str | None,
    *,
    stream: bool,
) -> tuple[TurnInput, str, RequestEcho]:
    # Oversized or degenerate input stops here, before any engine or workflow sees it.
    problem = check_input(body.prompt, max_chars=state.settings.max_prompt_chars)
    if problem:
        raise ValidationFailed(problem.message, code=problem.code)
    # What the engines read, store and echo is what a reader sees: no invisible characters.
    body.prompt = visible(body.prompt)
    patient_id = await resolve_patient(state, who, body.patient_id)
    session_id = body.session_id or new_session_id(idempotency_key, who.tenant_id, who.user_id)
    caller = Caller(who.tenant_id, who.user_id, who.role, patient_id, request_id_var.get())
    batch_ms = state.settings.stream_batch_ms if stream else 0
    turn_id = new_turn_id(idempotency_key, who.tenant_id, who.user_id)
    turn = TurnInput(turn_id, body.prompt, caller, body.channel, batch_ms)
    echo = RequestEcho(
        session_id=session_id,
        prompt=body.prompt,
        tenant_id=who.tenant_id,
        user_id=who.user_id,
        patient_id=patient_id,
    )
    return turn, session_id, echo


@router.post("", response_model=PipelineResponse)
async def run_pipeline(
    body: PipelineRequest,
    state: StateDep,
    who: LimitedPrincipalDep,
    client: TemporalDep,
    idempotency_key: IdempotencyHeader = None,
) -> PipelineResponse:
    turn, session_id, echo = await prepare_turn(state, who, body, idempotency_key, stream=False)
    result = await run_turn(client, state.settings, turn, session_id)
    log.info("turn done", extra={"turn_id": turn.turn_id, "intent": result.intent})
    return PipelineResponse.from_result(result, echo)


def _line(payload: dict[str, Any]) -> bytes:
    return (json.dumps(payload, separators=(",", ":")) + "\n").encode()


def event_payload(ev: StreamEvent, echo: RequestEcho) -> dict[str, Any]:
    if ev.event == "done" and ev.result is not None:
        response = PipelineResponse.from_result(ev.result, echo).model_dump()
        return {"event": "done", "final_response": ev.result.final_response, "result": response}
    if ev.event == "text_delta":
        return {"event": "text_delta", "delta": ev.delta}
    if ev.event == "reset":
        return {"event": "reset", "message": "Discard the partial text; the reply restarts."}
    if ev.event == "error":
        return {"event": "error", **error_body("step_failed", f"The {ev.step} step failed.")}
    return {"event": ev.event, "step": ev.step, "status": ev.status, "message": ev.message}


@router.post("/stream")
async def stream_pipeline(
    body: PipelineRequest,
    state: StateDep,
    who: LimitedPrincipalDep,
    client: TemporalDep,
    idempotency_key: IdempotencyHeader = None,
) -> StreamingResponse:
    turn, session_id, echo = await prepare_turn(state, who, body, idempotency_key, stream=True)
    # Accepted before the response starts, so a rejected turn is still a proper HTTP error.
    handle = await start_turn(client, state.settings, turn, session_id)
    rid = request_id_var.get()
    workflow_id = handle.workflow_id if not isinstance(handle, PipelineResult) else ""

    async def events() -> AsyncIterator[bytes]:
        token = request_id_var.set(rid)
        try:
            yield _line(
                {
                    "event": "status",
                    "step": "accepted",
                    "status": "accepted",
                    "message": "Turn accepted",
                    "session_id": session_id,
                    "turn_id": turn.turn_id,
                    "workflow_id": workflow_id,
                }
            )
            if isinstance(handle, PipelineResult):
                # Answered before (a keyed retry after the conversation continued as new).
                yield _line(event_payload(StreamEvent("done", result=handle), echo))
                return
            async for ev in follow(client, state.settings, turn, session_id):
                yield _line(event_payload(ev, echo))
                if ev.event == "done":
                    return
            # The stream ended without `done`: fall back to the update's own result.
            result = await handle.result()
            yield _line(event_payload(StreamEvent("done", result=result), echo))
        except Exception as err:
            log.error("stream failed", extra={"exc_type": type(err).__name__})
            yield _line(
                {
                    "event": "error",
                    **error_body(
                        "stream_failed",
                        "Progress could not be streamed; the turn continues and "
                        "its result is available from the conversation.",
                    ),
                }
            )
        finally:
            request_id_var.reset(token)

    return StreamingResponse(
        events(), media_type="application/x-ndjson", headers={"X-Session-Id": session_id}
    )
