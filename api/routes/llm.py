"""POST /api/v1/llm/route, /llm/generate and /llm/generate/stream: the gateway, turn-free."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from temporalio.client import Client, WorkflowFailureError, WorkflowHandle
from temporalio.contrib.workflow_streams import WorkflowStreamClient
from temporalio.exceptions import TimeoutError as TemporalTimeout

from api.access_log import record_engine_call
from api.auth import EngineAdminDep, Principal
from api.deps import AppState, StateDep, TemporalDep
from api.errors import error_body, input_blocked
from api.llm_schemas import GenerateBody, GenerateResponse, RouteBody, RouteResponse
from api.llm_store import effective_budget, effective_routing
from core.errors import (
    AurixaError,
    BudgetExceeded,
    GenerationTimedOut,
    PermissionDenied,
    ServiceUnavailable,
    TurnFailed,
    ValidationFailed,
)
from core.input_guard import check_input, visible
from core.llm_config import OFFLINE
from core.llm_payloads import (
    CONTENT_POLICY,
    INPUT_BLOCKED,
    INVALID_REQUEST,
    LlmGenerateRequest,
    LlmGenerateResult,
    RouteInput,
    RouteOutput,
)
from core.logging import request_id_var
from core.payloads import StreamEvent
from core.workflow_refs import LLM_GENERATE, LLM_ROUTE

router = APIRouter(prefix="/api/v1/llm", tags=["llm"])
log = logging.getLogger("aurixa.api.llm")
ROUTE_TIMEOUT = timedelta(seconds=30)

GenerateRun = WorkflowHandle[Any, LlmGenerateResult]


def _checked(prompt: str, state: AppState) -> str:
    """The prompt as the engines should read it; oversized, degenerate or hiding input stops
    here, before any engine or workflow sees it."""
    problem = check_input(prompt, max_chars=state.settings.max_prompt_chars)
    if problem:
        raise ValidationFailed(problem.message, code=problem.code)
    return visible(prompt)


async def _allowed(state: AppState, who: Principal, deployment: str | None) -> None:
    """A named deployment must exist and be one the clinic's policy allows."""
    if deployment is None or deployment == OFFLINE:
        return
    routing, _ = await effective_routing(state.sessions, state.settings)
    if deployment not in {d.name for d in routing.deployments}:
        raise ValidationFailed(f"No deployment named {deployment!r}.", code="unknown_deployment")
    budget, _ = await effective_budget(state.sessions, state.settings, who.tenant_id)
    if not budget.allows(deployment):
        raise PermissionDenied(
            f"This clinic's policy does not allow the deployment {deployment!r}.",
            code="deployment_not_allowed",
        )


@router.post("/route", response_model=RouteResponse)
async def route_llm(
    body: RouteBody, state: StateDep, who: EngineAdminDep, client: TemporalDep
) -> RouteResponse:
    """Where a generate call would go now, and why; no model is called."""
    body.prompt = _checked(body.prompt, state)
    await _allowed(state, who, body.deployment)
    workflow_id = f"llm-route-{who.tenant_id}-{uuid.uuid4().hex}"
    try:
        decision: RouteOutput = await client.execute_workflow(
            LLM_ROUTE,
            RouteInput(who.tenant_id, body.prompt, body.intent, body.deployment),
            id=workflow_id,
            task_queue=state.settings.temporal_task_queue,
            result_type=RouteOutput,
            execution_timeout=ROUTE_TIMEOUT,
        )
    except WorkflowFailureError as err:
        raise TurnFailed("Routing failed; please retry.") from err
    await record_engine_call(
        state, who, "llm_route", workflow_id, deployment=body.deployment, intent=body.intent
    )
    if decision.blocked_reply is not None:
        raise input_blocked(decision.blocked_reply)
    return RouteResponse.of(decision, workflow_id)


async def _start(
    state: AppState, who: Principal, client: Client, body: GenerateBody, *, stream: bool
) -> GenerateRun:
    body.prompt = _checked(body.prompt, state)
    await _allowed(state, who, body.deployment)
    workflow_id = f"llm-generate-{who.tenant_id}-{uuid.uuid4().hex}"
    settings = state.settings
    handle = await client.start_workflow(
        LLM_GENERATE,
        LlmGenerateRequest(
            who.tenant_id,
            body.prompt,
            body.deployment,
            body.grounded,
            request_key=workflow_id,
            stream_batch_ms=settings.stream_batch_ms if stream else 0,
            offline_on_reject=False,
            top_k=settings.retrieval_top_k,
        ),
        id=workflow_id,
        task_queue=settings.temporal_task_queue,
        result_type=LlmGenerateResult,
        # Nobody reads a raw request's answer after its caller gave up: stop the work too.
        execution_timeout=timedelta(seconds=settings.turn_timeout_s),
    )
    await record_engine_call(
        state,
        who,
        "llm_generate",
        workflow_id,
        deployment=body.deployment,
        grounded=body.grounded,
        stream=stream,
    )
    return handle


def _failure(result: LlmGenerateResult) -> AurixaError | None:
    if result.error == INPUT_BLOCKED:
        return input_blocked(result.blocked_reply)
    if result.error == CONTENT_POLICY:
        return ValidationFailed(
            "The model provider refused this request under its content policy.",
            code=CONTENT_POLICY,
        )
    if result.error == INVALID_REQUEST:
        return ValidationFailed("The model provider rejected the request.", code=INVALID_REQUEST)
    if result.error is not None:
        return ServiceUnavailable("No language model answered; retry shortly.", code=result.error)
    if result.output is None:
        return TurnFailed("Generation failed; please retry.")
    if result.output.refused:
        # The gateway answered without calling a model: the tenant's budget says no.
        return BudgetExceeded("The clinic's monthly LLM budget is used up.")
    return None


async def _outcome(handle: GenerateRun, grounded: bool) -> GenerateResponse:
    try:
        result = await handle.result()
    except WorkflowFailureError as err:
        if isinstance(err.cause, TemporalTimeout):
            raise GenerationTimedOut("The model did not answer in time.") from err
        raise TurnFailed("Generation failed; please retry.") from err
    problem = _failure(result)
    if problem is not None:
        raise problem
    assert result.output is not None
    return GenerateResponse.of(
        result.output,
        handle.id,
        grounded=grounded,
        covered=result.covered,
        screened=result.screened,
    )


@router.post("/generate", response_model=GenerateResponse)
async def generate(
    body: GenerateBody, state: StateDep, who: EngineAdminDep, client: TemporalDep
) -> GenerateResponse:
    """402 llm_budget_exceeded when the tenant's budget refuses (policy refuse); 422
    llm_content_policy / llm_invalid_request when the provider refuses the request."""
    handle = await _start(state, who, client, body, stream=False)
    return await _outcome(handle, body.grounded)


def _line(payload: dict[str, Any]) -> bytes:
    return (json.dumps(payload, separators=(",", ":")) + "\n").encode()


async def _follow(client: Client, state: AppState, handle: GenerateRun) -> AsyncIterator[bytes]:
    stream = WorkflowStreamClient.create(client, handle.id)
    async for item in stream.subscribe(
        ["events"],
        result_type=StreamEvent,
        poll_cooldown=timedelta(milliseconds=state.settings.stream_poll_ms),
    ):
        ev = item.data
        if ev.event == "text_delta":
            yield _line({"event": "delta", "delta": ev.delta})
        elif ev.event == "reset":
            message = ev.message or "retrying"
            yield _line({"event": "reset", "message": f"Discard the partial text: {message}."})
        elif ev.event == "done":
            return


@router.post("/generate/stream")
async def generate_stream(
    body: GenerateBody, state: StateDep, who: EngineAdminDep, client: TemporalDep
) -> StreamingResponse:
    """NDJSON: `delta` lines, `reset` when the text so far must be discarded, then one `done`
    (the /generate body) or one `error` ({code, message, request_id}, the codes of
    /generate). Input problems are answered before the stream starts, as HTTP errors."""
    handle = await _start(state, who, client, body, stream=True)
    rid = request_id_var.get()

    async def events() -> AsyncIterator[bytes]:
        token = request_id_var.set(rid)
        try:
            async for line in _follow(client, state, handle):
                yield line
            done = await _outcome(handle, body.grounded)
            yield _line({"event": "done", **done.model_dump(mode="json")})
        except AurixaError as err:
            yield _line({"event": "error", **error_body(err.code, err.message)})
        except Exception as err:
            log.error("llm stream failed", extra={"exc_type": type(err).__name__})
            yield _line(
                {
                    "event": "error",
                    **error_body("stream_failed", "The reply could not be streamed."),
                }
            )
        finally:
            request_id_var.reset(token)

    return StreamingResponse(
        events(), media_type="application/x-ndjson", headers={"X-Workflow-Id": handle.id}
    )
