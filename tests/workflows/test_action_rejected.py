"""An action carrying values the database can never store ends `rejected` after one attempt:
the user is told plainly that nothing changed (not "staff will retry"), the ledger row says
why without quoting the value, and no operator retry is offered. The API refuses such values
at the edge; this is the worker's own guard for whatever reaches it another way (a workflow
started from the Temporal UI or CLI, a planner bug)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
from temporalio.client import Client

from core.actions import ACTION_REJECTED, ActionInput, ActionOutput
from core.payloads import Caller, ToolArgs, ToolCall
from core.settings import Settings
from core.texts import say
from store.models import ActionExecution, AuditLog, Patient
from tests.conftest import TEST_DB, key_headers
from tests.helpers import rows
from worker import Engines
from workflows.actions import ActionWorkflow

BEYOND_ANY_ID = 2**63  # past SQLite's 64-bit integers and PostgreSQL's integer columns


async def _run(client: Client, settings: Settings, caller: Caller, call: ToolCall, key: str):
    out: ActionOutput = await client.execute_workflow(
        ActionWorkflow.run,
        ActionInput(caller, call, key),
        id=f"rejected-{uuid.uuid4().hex}",
        task_queue=settings.temporal_task_queue,
    )
    return out.result


async def test_values_the_database_refuses_end_rejected_after_one_attempt(
    api: httpx.AsyncClient,
    demo_keys: dict[str, str],
    engines: Engines,
    temporal_client: Client,
    settings: Settings,
) -> None:
    patient = (await rows(engines, Patient, Patient.full_name == "Grace Liu"))[0]
    caller = Caller(tenant_id=1, user_id=1, role="patient", patient_id=patient.id)
    soon = (datetime.now(UTC) + timedelta(days=2)).replace(tzinfo=None).isoformat()
    calls = [ToolCall("create_appointment", ToolArgs(staff_id=BEYOND_ANY_ID, start_local=soon))]
    if TEST_DB == "postgres":  # SQLite stores NUL; PostgreSQL's text cannot
        calls.append(
            ToolCall("schedule_callback", ToolArgs(reason="call me\x00", start_local=soon))
        )
    staff = key_headers(demo_keys["harborview-reception"])
    for call in calls:
        key = f"rejected-{uuid.uuid4().hex}"
        result = await _run(temporal_client, settings, caller, call, key)
        assert not result.ok and result.error_code == ACTION_REJECTED, result
        assert result.message == say("en", "tool.action_rejected")
        assert "retry" not in result.message

        (row,) = await rows(engines, ActionExecution, ActionExecution.idempotency_key == key)
        assert row.status == "rejected" and row.attempts == 1, (row.status, row.attempts)
        assert row.error is not None and row.error.startswith("ActionInputRefused")
        assert str(BEYOND_ANY_ID) not in row.error and "call me" not in row.error
        audits = await rows(engines, AuditLog, AuditLog.action == "action_rejected")
        assert any(a.details.get("key") == key for a in audits)

        listed = await api.get("/api/v1/actions", params={"status": "rejected"}, headers=staff)
        assert listed.status_code == 200, listed.text
        shown = next(a for a in listed.json()["actions"] if a["id"] == row.id)
        assert shown["status"] == "rejected" and shown["rerun"] is None
        retried = await api.post(f"/api/v1/actions/{row.id}/retry", headers=staff)
        assert retried.status_code == 409, retried.text
        assert "same way" in retried.json()["error"]["message"]

        # The same key again (a client's retry): the same answer, and no new attempt.
        again = await _run(temporal_client, settings, caller, call, key)
        assert again.error_code == ACTION_REJECTED
        (row,) = await rows(engines, ActionExecution, ActionExecution.idempotency_key == key)
        assert row.status == "rejected" and row.attempts == 1
