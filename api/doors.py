"""Calls to the engines' side doors: one update to this minute's door workflow (started by
the first request of the minute), not a workflow per request. See workflows/engine_door.py
and ADR 0014."""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from temporalio.client import (
    Client,
    WithStartWorkflowOperation,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError

from core.errors import TurnFailed
from core.settings import Settings
from core.workflow_refs import (
    DOOR_BUCKET_S,
    DOOR_CLOSING,
    DOOR_SHARDS,
    ENGINE_DOOR,
    door_workflow_id,
)

T = TypeVar("T")
# A door that closed between the API's choice and the update: ask the next one, a few times.
ATTEMPTS = 4
# A door lives for its minute and a grace period; the run itself may never outlive this.
DOOR_RUN_TIMEOUT = timedelta(minutes=10)


@dataclass(frozen=True)
class DoorCall:
    workflow_id: str  # the door that served the request (find it in the Temporal UI)
    update_id: str  # the request within that door's history


async def call_door(
    client: Client,
    settings: Settings,
    update: str,
    arg: Any,
    result_type: type[T],
    *,
    tenant_id: int,
    timeout_s: float,
    failed: str,
) -> tuple[T, DoorCall]:
    """Runs `update` at a door and returns its result; `failed` is the message of the 502
    when the engine itself failed."""
    update_id = f"{update}-{tenant_id}-{uuid.uuid4().hex}"
    for attempt in range(ATTEMPTS):
        bucket = int(time.time() // DOOR_BUCKET_S) + (1 if attempt else 0)
        queue = settings.temporal_task_queue
        wf_id = door_workflow_id(queue, random.randrange(DOOR_SHARDS), bucket)
        start: WithStartWorkflowOperation[Any, Any] = WithStartWorkflowOperation(
            ENGINE_DOOR,
            id=wf_id,
            task_queue=settings.temporal_task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            # A door that closed early (it served its share) is started again under its id.
            id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
            execution_timeout=DOOR_RUN_TIMEOUT,
        )
        try:
            result = await asyncio.wait_for(
                client.execute_update_with_start_workflow(
                    update,
                    arg,
                    start_workflow_operation=start,
                    id=update_id,
                    result_type=result_type,
                ),
                timeout=timeout_s,
            )
            return result, DoorCall(wf_id, update_id)
        except WorkflowUpdateFailedError as err:
            cause = err.cause
            if isinstance(cause, ApplicationError) and cause.type == DOOR_CLOSING:
                continue
            raise TurnFailed(failed) from err
        except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError) as err:
            raise TurnFailed(failed) from err
        finally:
            with contextlib.suppress(asyncio.CancelledError, RPCError, TimeoutError):
                await asyncio.wait_for(start.workflow_handle(), timeout=1)
    raise TurnFailed(failed)
