"""Temporal activities for the safety engine, under each tenant's policy."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity

from activities.tools.patients import named_patients
from core.payloads import (
    CheckOutputInput,
    CheckOutputOutput,
    ScreenInput,
    ScreenOutput,
    ScreenTextsInput,
    ScreenTextsOutput,
)
from store.safety_policy import load_policy

from .policy_store import patient_names, public_names

if TYPE_CHECKING:
    from .engine import SafetyEngine


class SafetyActivities:
    def __init__(self, engine: SafetyEngine, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.engine = engine
        self.sessions = sessions

    @activity.defn(name="screen_input")
    async def screen_input(self, inp: ScreenInput) -> ScreenOutput:
        # Read on every call (one indexed row): an admin's change applies to the next turn.
        policy = await load_policy(self.sessions, inp.tenant_id)
        clinic = await public_names(self.sessions, inp.tenant_id)
        screened = await asyncio.to_thread(
            self.engine.screen, inp.text, policy, clinic, language_hint=inp.language_hint
        )
        screened.redact_for_llm = policy.redact_for_llm
        screened.public_names = clinic
        if inp.find_patients:
            # Read from the raw text before it leaves the screen; only ids go downstream.
            screened.named_patients = named_patients(
                inp.text, await patient_names(self.sessions, inp.tenant_id)
            )
        return screened

    @activity.defn(name="screen_texts")
    async def screen_texts(self, inp: ScreenTextsInput) -> ScreenTextsOutput:
        """The engine doors' screen: the same engine and policy as a turn, one policy read
        for the whole batch; the texts stay the caller's (no redaction is applied)."""
        policy = await load_policy(self.sessions, inp.tenant_id)
        clinic = await public_names(self.sessions, inp.tenant_id)

        def run() -> ScreenTextsOutput:
            out = ScreenTextsOutput()
            kinds: set[str] = set()
            for text in inp.texts:
                screened = self.engine.screen(text, policy, clinic)
                kinds.update(issue.type for issue in screened.issues)
                if screened.blocked:
                    out.blocked_reply = screened.blocked_reply
                    break
            out.screened = sorted(kinds)
            return out

        return await asyncio.to_thread(run)

    @activity.defn(name="check_output")
    async def check_output(self, inp: CheckOutputInput) -> CheckOutputOutput:
        policy = await load_policy(self.sessions, inp.tenant_id)
        allowed = inp.allowed + await public_names(self.sessions, inp.tenant_id)
        return await asyncio.to_thread(
            self.engine.check_output, inp.text, allowed, policy, redact=not inp.pii_redacted
        )
