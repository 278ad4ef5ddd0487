"""A long conversation continues-as-new and keeps its recent history across runs."""

from __future__ import annotations

import uuid

from temporalio.client import Client

from api.turns import run_turn
from core.payloads import Caller, TurnInput
from core.settings import Settings
from worker import Engines
from workflows.conversation import ConversationWorkflow, conversation_workflow_id


async def test_continue_as_new_carries_history(
    settings: Settings,
    temporal_client: Client,
    engines: Engines,
    worker: None,
    demo_keys: dict[str, str],
) -> None:
    short = settings.model_copy(update={"conversation_max_turns_per_run": 2})
    caller = Caller(tenant_id=1, user_id=1, role="patient", patient_id=1)
    session = f"can-{uuid.uuid4().hex[:8]}"
    handle = temporal_client.get_workflow_handle(conversation_workflow_id(1, session))
    run_ids = []
    for prompt in ("Hello", "What are your opening hours?", "Thanks"):
        await run_turn(temporal_client, short, TurnInput(uuid.uuid4().hex, prompt, caller), session)
        run_ids.append((await handle.describe()).run_id)
    assert len(set(run_ids)) >= 2, "the conversation should have continued as new"
    history = await handle.query(ConversationWorkflow.get_history)
    assert [h.content for h in history if h.role == "user"] == [
        "Hello",
        "What are your opening hours?",
        "Thanks",
    ]
