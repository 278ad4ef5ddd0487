"""Pure text rules for held plans: yes/no replies, action clauses, and what the user is told."""

from __future__ import annotations

import re
from typing import Literal

ReplyKind = Literal["yes", "no", "other"]

# Strict on purpose: only a whole message that is one of these counts. "yes but Tuesday"
# carries a change of mind, so it is a new request, never a confirmation.
_YES_HEADS = ("yes", "yeah", "yep", "yup", "sure", "ok", "okay")
_YES_TAILS = ("", "please", "go ahead", "please go ahead", "do it", "please do", "confirm")
_YES_ALONE = ("confirm", "confirmed", "i confirm", "go ahead", "do it", "please do", "proceed")
_NO_HEADS = ("no", "nope", "nah")
_NO_TAILS = ("", "thanks", "thank you", "don't", "please don't", "cancel that", "keep it")
_NO_ALONE = ("don't", "do not", "please don't", "don't do it", "cancel that", "never mind")
_THANKS = ("", " thanks", " thank you")


def _phrases(heads: tuple[str, ...], tails: tuple[str, ...], alone: tuple[str, ...]) -> set[str]:
    said = {f"{h} {t}".strip() for h in heads for t in tails} | set(alone)
    return {f"{s}{thanks}" for s in said for thanks in _THANKS}


YES = frozenset(_phrases(_YES_HEADS, _YES_TAILS, _YES_ALONE))
NO = frozenset(_phrases(_NO_HEADS, _NO_TAILS, _NO_ALONE))
_PUNCT = re.compile(r"[.,!;:]+")


def reply_kind(text: str) -> ReplyKind:
    """Whether a message answers a held plan with yes, with no, or is something else."""
    said = _PUNCT.sub(" ", text.lower().replace("\u2019", "'"))
    said = " ".join(said.split())
    if said in YES:
        return "yes"
    if said in NO:
        return "no"
    return "other"


# A new clause starts at a sentence break, a comma, "and" or "then", but only when an action
# verb follows: "book me with Dr Chen and Dr Patel" stays one clause.
_ACTION = r"(?:cancel|book|schedule|reschedule|move|refill|request)\b"
_LEAD = r"(?:(?:please|also|then|and|i want to|i'd like to|i would like to|can you|could you)\s+)*"
_BREAK = re.compile(
    rf"(?:\s*[;.!?]\s+|,?\s+(?:and|then)\s+|,\s+)(?={_LEAD}{_ACTION})", re.IGNORECASE
)
_LEADING = re.compile(rf"^{_LEAD}", re.IGNORECASE)


def split_clauses(text: str) -> list[str]:
    """The action clauses of a message, in the order said ("cancel X and then book Y")."""
    parts = [_LEADING.sub("", p.strip(" ,;")).strip() for p in _BREAK.split(text)]
    return [p for p in parts if p]


_EARLIEST = re.compile(
    r"\b(?:earliest|soonest|first\s+(?:available|open|free)|next\s+(?:available|open|free))\b",
    re.IGNORECASE,
)


def wants_earliest(text: str) -> bool:
    """ "book the earliest slot with Dr. Chen next week": the first open time is the choice."""
    return _EARLIEST.search(text) is not None


def _listed(steps: list[str]) -> str:
    return steps[0] if len(steps) == 1 else "first " + ", then ".join(steps)


def confirmation_question(steps: list[str]) -> str:
    if len(steps) == 1:
        return (
            f"Please confirm: {steps[0]}? Reply yes to confirm, or no to keep things as they are."
        )
    return (
        f"Please confirm, in this order: {_listed(steps)}? "
        "Reply yes to confirm, or no to keep things as they are."
    )


def declined_reply(steps: list[str]) -> str:
    return f"OK, I won't {_listed(steps)}. Nothing was changed."


def expired_reply(steps: list[str]) -> str:
    return (
        "That request expired, so nothing was changed. "
        f"If you still want to {_listed(steps)}, please ask again."
    )


def outcome_reply(done: list[str], failed: tuple[str, str] | None, skipped: list[str]) -> str:
    """What a multi-step plan did, what failed and why, and what it therefore did not do."""
    lines = list(done)
    if failed is not None:
        step, why = failed
        if why[1:2].islower() and not why.startswith("I "):
            why = why[0].lower() + why[1:]
        lines.append(f"I couldn't {step}: {why}")
    if skipped:
        lines.append(f"So I did not {' or '.join(skipped)}.")
    if failed is not None:
        lines.append("Nothing else was changed." if done else "Nothing was changed.")
    return "\n".join(lines)
