"""The turn's workflows run outside the sandbox in production (ADR 0016); the suite runs them
inside it, so a forbidden call in them fails a test. This checks that the switch does that."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
from temporalio import workflow
from temporalio.client import Client, WorkflowFailureError
from temporalio.worker import Worker

from worker import workflow_runners
from workflows.conversation import ConversationWorkflow
from workflows.pipeline import PipelineWorkflow


@workflow.defn(sandboxed=False)
class ReadsTheClock:
    @workflow.run
    async def run(self) -> str:
        return datetime.now().isoformat()  # what a workflow must never do


def test_the_turns_workflows_are_the_unsandboxed_ones() -> None:
    for cls in (ConversationWorkflow, PipelineWorkflow):
        assert workflow._Definition.must_from_class(cls).sandboxed is False


@pytest.mark.parametrize("sandbox_all", [True, False])
async def test_sandbox_all_catches_a_forbidden_call(
    temporal_client: Client, sandbox_all: bool
) -> None:
    queue = f"sandbox-{uuid.uuid4().hex[:6]}"
    async with Worker(
        temporal_client,
        task_queue=queue,
        workflows=[ReadsTheClock],
        # A forbidden call fails the run at once instead of retrying its task forever.
        workflow_failure_exception_types=[Exception],
        **workflow_runners(sandbox_all),
    ):
        # By name: typing the call with the method confuses mypy's checks of other files.
        handle = await temporal_client.start_workflow(
            "ReadsTheClock",
            id=f"clock-{uuid.uuid4().hex[:8]}",
            task_queue=queue,
            execution_timeout=timedelta(seconds=20),
            result_type=str,
        )
        if sandbox_all:
            with pytest.raises(WorkflowFailureError):
                await handle.result()
        else:
            assert await handle.result()
