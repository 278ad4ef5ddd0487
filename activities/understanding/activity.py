"""One activity that screens a message (language, triage, injection, PII) and classifies it.

Screening and classification read the same features of the same text (the multilingual and
MiniLM vectors, the n-grams); in one activity they are computed once, and a turn saves a
workflow task and an activity round trip. Classification reads the message before
redaction: it runs in this process and only labels leave it, while the redacted text is
all that goes on to the transcript, the planner and any model.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from temporalio import activity

from core.dialogue import DialogueInput, DialogueMove
from core.payloads import ClassifyInput, UnderstandInput, UnderstandOutput

if TYPE_CHECKING:
    from activities.intent.activity import IntentActivities
    from activities.safety.activity import SafetyActivities

Follow = Callable[[DialogueInput], Awaitable[DialogueMove]]


class UnderstandingActivities:
    def __init__(
        self, safety: SafetyActivities, intents: IntentActivities, follow: Follow | None = None
    ) -> None:
        self.safety = safety
        self.intents = intents
        self.follow = follow

    @activity.defn(name="understand")
    async def understand(self, inp: UnderstandInput) -> UnderstandOutput:
        screen = await self.safety.screen_input(inp.screen)
        if screen.requires_escalation or screen.blocked:
            # An emergency is not classified (triage decided it); a blocked message is not read.
            return UnderstandOutput(screen)
        cls = await self.intents.classify(
            ClassifyInput(inp.screen.tenant_id, inp.screen.text, screen.language)
        )
        move = None
        if inp.dialogue is not None and inp.caller is not None and self.follow is not None:
            # The same reading the dialogue step made as its own activity, on the redacted
            # text in the message's language: the conversation goes on where it was.
            move = await self.follow(
                DialogueInput(
                    inp.caller,
                    screen.redacted_text,
                    inp.dialogue,
                    cls.intent,
                    cls.path,
                    screen.language,
                )
            )
        return UnderstandOutput(screen, cls, move)
