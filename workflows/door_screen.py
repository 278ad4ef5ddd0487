"""The input screen for the engine doors (/llm/route, /rag/retrieve, /rag/embed)."""

from __future__ import annotations

from temporalio import workflow

from core.payloads import ScreenTextsInput, ScreenTextsOutput

from .policies import ENGINE
from .runners import Runner, as_activity

with workflow.unsafe.imports_passed_through():
    from activities.safety.activity import SafetyActivities

# Runs started before the doors were screened replay without the screen.
PATCH = "door-input-screen"


async def door_screen(
    tenant_id: int, texts: list[str], run: Runner = as_activity
) -> ScreenTextsOutput:
    """The tenant's policy over what a caller sends to an engine, as a turn would apply it:
    a blocked word, topic, injection or PII finding refuses the request."""
    if not workflow.patched(PATCH):
        return ScreenTextsOutput()
    result: ScreenTextsOutput = await run(
        SafetyActivities.screen_texts, ScreenTextsInput(tenant_id, texts), ENGINE, "screen"
    )
    return result
