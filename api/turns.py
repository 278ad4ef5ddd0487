"""Delivers a turn to its conversation workflow (update-with-start) and follows its stream."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

from temporalio.client import (
    Client,
    WithStartWorkflowOperation,
    WorkflowUpdateFailedError,
    WorkflowUpdateHandle,
    WorkflowUpdateRPCTimeoutOrCancelledError,
    WorkflowUpdateStage,
)
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
)
from temporalio.contrib.workflow_streams import WorkflowStreamClient
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from core import search_attributes as sa
from core.errors import AurixaError, TurnFailed, TurnStillRunning, ValidationFailed
from core.payloads import ConversationInput, PipelineResult, StreamEvent, TurnInput
from core.settings import Settings
from core.workflow_refs import (
    CONVERSATION,
    SEND_MESSAGE,
    TURN_ANSWERED,
    TURN_REJECTED,
    conversation_workflow_id,
    pipeline_workflow_id,
)


def _scoped(idempotency_key: str, tenant_id: int, user_id: int, what: str) -> str:
    # The key is the caller's own: two callers who happen to send the same key get two
    # turns, and one caller can never be handed another's stored outcome.
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{what}:{tenant_id}:{user_id}:{idempotency_key}").hex


def new_turn_id(idempotency_key: str | None, tenant_id: int, user_id: int) -> str:
    # A client retry with the same Idempotency-Key maps to the same turn, hence the same
    # workflow ids and tool keys: the turn runs once.
    if idempotency_key:
        return "k" + _scoped(idempotency_key, tenant_id, user_id, "turn")
    return uuid.uuid4().hex


def new_session_id(idempotency_key: str | None, tenant_id: int, user_id: int) -> str:
    """A new conversation's id; a retry of the same keyed request without a session_id
    lands in the same conversation (and so the same turn), not a fresh one."""
    if idempotency_key:
        return _scoped(idempotency_key, tenant_id, user_id, "session")
    return uuid.uuid4().hex


def _start_op(settings: Settings, turn: TurnInput, session_id: str) -> WithStartWorkflowOperation:
    caller = turn.caller
    return WithStartWorkflowOperation(
        CONVERSATION,
        ConversationInput(
            tenant_id=caller.tenant_id,
            session_id=session_id,
            patient_id=caller.patient_id,
            max_turns_per_run=settings.conversation_max_turns_per_run,
            idle_timeout_s=settings.conversation_idle_timeout_s,
            history_turns=settings.conversation_history_turns,
            confirmation_timeout_s=settings.conversation_confirmation_timeout_s,
        ),
        id=conversation_workflow_id(caller.tenant_id, session_id),
        task_queue=settings.temporal_task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        search_attributes=TypedSearchAttributes(
            [
                SearchAttributePair(sa.TENANT_ID, str(caller.tenant_id)),
                SearchAttributePair(sa.SESSION_ID, session_id),
                SearchAttributePair(sa.PATIENT_ID, str(caller.patient_id or "")),
            ]
        ),
    )


# A Temporal server restarting (or a frontend failing over) cuts the turn's long poll with
# a transport error. The turn goes on in the workflow, so the API asks again with the same
# update id (the server deduplicates it) instead of failing the patient's request, for at
# most ENGINE_OUTAGE_S; then the outage is real and the answer is 503.
ENGINE_OUTAGE_S = 30.0
ENGINE_RETRY_S = 0.25


def _blip(err: RPCError) -> bool:
    return err.status in (RPCStatusCode.UNAVAILABLE, RPCStatusCode.UNKNOWN)


async def _settle(start_op: WithStartWorkflowOperation) -> None:
    # Retrieves the failed start's outcome, quietly: its future would warn if never read.
    with contextlib.suppress(asyncio.CancelledError, RPCError):
        await start_op.workflow_handle()


async def run_turn(
    client: Client, settings: Settings, turn: TurnInput, session_id: str
) -> PipelineResult:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + settings.turn_timeout_s
    outage_since: float | None = None
    while True:
        start_op = _start_op(settings, turn, session_id)
        call = asyncio.ensure_future(
            client.execute_update_with_start_workflow(
                SEND_MESSAGE,
                turn,
                start_workflow_operation=start_op,
                id=turn.turn_id,
                result_type=PipelineResult,
            )
        )
        # Waiting on a separate task: the client turns cancellation into its own error type,
        # so cancelling this request's task (asyncio.timeout) would not surface as a timeout.
        done, _ = await asyncio.wait({call}, timeout=max(0.0, deadline - loop.time()))
        if not done:
            call.cancel()
            with contextlib.suppress(
                asyncio.CancelledError, WorkflowUpdateRPCTimeoutOrCancelledError
            ):
                await call
            await _settle(start_op)
            raise TurnStillRunning(
                f"The turn is still running; its reply will appear in "
                f"/api/v1/conversations/{session_id}, or retry with the same Idempotency-Key."
            )
        try:
            return call.result()
        except WorkflowUpdateFailedError as err:
            if _answered(err):
                return await stored_result(client, turn, session_id)
            raise _update_failed(err) from err
        except RPCError as err:
            await _settle(start_op)
            outage_since = outage_since or loop.time()
            if not _blip(err) or loop.time() - outage_since > ENGINE_OUTAGE_S:
                raise
        await asyncio.sleep(ENGINE_RETRY_S)


async def stored_result(client: Client, turn: TurnInput, session_id: str) -> PipelineResult:
    """A turn retried with its key after the conversation continued as new: the answer its
    pipeline gave the first time (kept for the namespace's retention)."""
    wf_id = pipeline_workflow_id(turn.caller.tenant_id, session_id, turn.turn_id)
    stored: PipelineResult = await client.get_workflow_handle(
        wf_id, result_type=PipelineResult
    ).result()
    return stored


def _answered(err: WorkflowUpdateFailedError) -> bool:
    cause = err.cause
    return isinstance(cause, ApplicationError) and cause.type == TURN_ANSWERED


async def start_turn(
    client: Client, settings: Settings, turn: TurnInput, session_id: str
) -> WorkflowUpdateHandle[PipelineResult] | PipelineResult:
    """The accepted turn's update handle, or the stored result of a turn answered before."""
    try:
        handle = await client.start_update_with_start_workflow(
            SEND_MESSAGE,
            turn,
            result_type=PipelineResult,
            start_workflow_operation=_start_op(settings, turn, session_id),
            id=turn.turn_id,
            wait_for_stage=WorkflowUpdateStage.ACCEPTED,
        )
        # A validator's refusal comes back as the handle's outcome, not as an error: read
        # it now (no network call), so the caller answers 422 instead of streaming a turn
        # whose pipeline never starts. The SDK exposes the outcome only through result().
        outcome = getattr(handle, "_known_outcome", None)
        if outcome is not None and outcome.HasField("failure"):
            await handle.result()
        return handle
    except WorkflowUpdateFailedError as err:
        if _answered(err):
            return await stored_result(client, turn, session_id)
        raise _update_failed(err) from err


def _update_failed(err: WorkflowUpdateFailedError) -> AurixaError:
    cause = err.cause
    if isinstance(cause, ApplicationError) and cause.type == TURN_REJECTED:
        return ValidationFailed(f"Turn rejected: {cause.message}.")
    # The pipeline itself failed (it answers its own engine failures, so this is rare).
    return TurnFailed("The turn failed; nothing beyond its recorded steps was changed.")


async def follow(
    client: Client, settings: Settings, turn: TurnInput, session_id: str
) -> AsyncIterator[StreamEvent]:
    """Events of the turn's pipeline workflow, from its first to `done`."""
    wf_id = pipeline_workflow_id(turn.caller.tenant_id, session_id, turn.turn_id)
    await wait_until_started(client, wf_id, timeout_s=settings.turn_timeout_s)
    stream = WorkflowStreamClient.create(client, wf_id)
    async for item in stream.subscribe(
        ["events"],
        result_type=StreamEvent,
        poll_cooldown=timedelta(milliseconds=settings.stream_poll_ms),
    ):
        yield item.data
        if item.data.event == "done":
            return


async def wait_until_started(client: Client, wf_id: str, *, timeout_s: float) -> None:
    # The child pipeline starts only once the conversation has taken the turn (a previous
    # turn of the session may still be running).
    handle = client.get_workflow_handle(wf_id)
    delay = 0.005
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        try:
            await handle.describe()
            return
        except RPCError as err:
            if err.status != RPCStatusCode.NOT_FOUND:
                raise
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"pipeline {wf_id} did not start")
        await asyncio.sleep(delay)
        delay = min(delay * 2, 0.1)
