"""What a message means in the middle of a dialogue: a pick, a constraint, a switch, or new.

Order matters and mirrors a receptionist: "never mind" drops the task; an answer to the
resume offer resumes it; a reply that picks from what was offered is that option (or a
narrower question when it fits several); a message that only adds or corrects constraints
continues the task; a message naming another task parks this one; a short follow-up after a
clinic question inherits its subject. Anything else stands alone.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from datetime import datetime

from core.confirmation import reply_kind
from core.dialogue import TASKS, DialogueInput, DialogueMove, DialogueState, Option, Task
from core.payloads import Slots, ToolArgs, ToolCall
from core.texts import say

from ..tools.slots import NamedEntity, describe_when
from ..tools.when_es import to_english_dates
from .cues import (
    asks_about_clinic,
    clock_after_make_it,
    corrects,
    drop_rejected_days,
    is_followup,
    names_task,
    never_mind,
    normalize_reply,
    rewrite_followup,
    wants_later,
    wants_resume,
)
from .picks import Pick, looks_like_pick, names_in, ordinal_in, resolve_pick

# Intents that belong to the booking family: one is never a "switch" from the other.
BOOKING = frozenset({"book_appointment", "check_availability"})
# Classifier labels that never start a task of their own mid-task.
_NO_TASK = frozenset({"out_of_scope", "greeting", "general_question", "knowledge"})


@dataclasses.dataclass
class Clinic:
    """What the follower needs of the tenant: its clock, providers and sites."""

    now: datetime
    providers: list[NamedEntity]
    sites: list[str]


def follow(inp: DialogueInput, clinic: Clinic) -> DialogueMove:
    state = dataclasses.replace(inp.state)
    text = clock_after_make_it(drop_rejected_days(normalize_reply(inp.text)))
    task, lang = state.task, inp.language
    inp = dataclasses.replace(inp, text=text)
    # Reading dates is the costly part of a turn's dialogue step: once, and only if asked.
    said = functools.cache(lambda: _says_constraint(text, clinic))
    if (task or state.parked) and never_mind(text) and not said():
        cleared = DialogueState(subject=state.subject, language=lang)
        return DialogueMove("clear", cleared, reply=say(lang, "dialogue.cleared"))
    if state.parked and state.offered_resume and task is None:
        moved = _answer_resume(state, text, inp, clinic, said)
        if moved is not None:
            return moved
    later = task is not None and bool(task.offered) and task.asked and wants_later(text)
    if task is not None and later and not said():
        # "anything later?": the same search, after the last time shown.
        last = max(o.start_local or "" for o in task.offered) or None
        after = dataclasses.replace(task.slots, after_local=last)
        return DialogueMove("fill", state, intent=task.intent, known=after, text=text)
    if task is not None and task.offered and looks_like_pick(text):
        picked = _pick(state, task, text, inp, clinic)
        if picked is not None:
            return picked
    if task is not None and task.asked:
        if _switches(inp, task, said()):
            parked = DialogueState(parked=task, subject=state.subject, language=lang)
            return DialogueMove("switch", parked)
        if (
            inp.path in ("agent", "handoff")
            and asks_about_clinic(text)
            and not _names_any_task(text)
        ):
            # "which location is she at?" mid-booking: the clinic's answer, then the task.
            parked = DialogueState(parked=task, subject=state.subject, language=lang)
            return DialogueMove("switch", parked, intent="knowledge_question")
        if said() or inp.intent == task.intent or wants_resume(text):
            return DialogueMove("fill", state, intent=task.intent, known=task.slots, text=text)
    booked = state.last_booked
    if task is None and booked and corrects(text) and said():
        return _move_booked(state, booked, text)
    if state.subject and state.last_kind == "knowledge" and is_followup(text):
        asked = rewrite_followup(state.subject, text, clinic.sites)
        return DialogueMove("followup", state, text=asked)
    return DialogueMove("new", state)


def _answer_resume(
    state: DialogueState,
    text: str,
    inp: DialogueInput,
    clinic: Clinic,
    said: Callable[[], bool],
) -> DialogueMove | None:
    parked = state.parked
    assert parked is not None
    kind = reply_kind(text)
    if kind == "no":
        return DialogueMove(
            "keep_parked",
            DialogueState(subject=state.subject, language=inp.language),
            reply=say(inp.language, "dialogue.dropped"),
        )
    resumed = DialogueState(task=parked, subject=state.subject, language=inp.language)
    if parked.offered and looks_like_pick(text) and kind != "yes":
        picked = _pick(resumed, parked, text, inp, clinic)
        if picked is not None:
            return picked
    if kind == "yes" or wants_resume(text) or said():
        return DialogueMove("fill", resumed, intent=parked.intent, known=parked.slots, text=text)
    return None


def _switches(inp: DialogueInput, task: Task, said_constraint: bool) -> bool:
    """A new request mid-task: another task named in the message's own words, or a clinic
    question that adds nothing to the task ("¿y para la semana que viene?" adds a span)."""
    if inp.intent == task.intent or {inp.intent, task.intent} <= BOOKING:
        return False
    if inp.path in ("agent", "handoff"):
        return names_task(inp.text, inp.intent)
    if inp.path != "knowledge":
        return False
    if asks_about_clinic(inp.text):
        return True  # "where do I park at Westside?": a question, whatever it names
    return not said_constraint and ("?" in inp.text or len(inp.text.split()) > 4)


def _move_booked(state: DialogueState, booked: Option, text: str) -> DialogueMove:
    """ "Make that 11 instead" right after a booking: move the appointment just made (asked
    like any move), on its day unless another is said."""
    day = (booked.start_local or "")[:10] or None
    slots = Slots(date=day, appointment_ids=[booked.appointment_id or 0])
    task = Task("reschedule_appointment", slots, [], "time")
    moved = dataclasses.replace(state, task=task, last_booked=None)
    return DialogueMove("fill", moved, intent=task.intent, known=slots, text=text, how="correction")


def _names_any_task(text: str) -> bool:
    return any(names_task(text, intent) for intent in TASKS - BOOKING)


def _says_constraint(text: str, clinic: Clinic) -> bool:
    """A day, time, part of day, span, provider or site: something a task's slots hold."""
    when = describe_when(to_english_dates(text), clinic.now)
    if when.day or when.clock or when.part:
        return True
    if named_providers(text, clinic):
        return True
    lowered = text.lower()
    return any(site.split()[-1].lower() in lowered for site in clinic.sites if " " in site)


def named_providers(text: str, clinic: Clinic) -> set[int]:
    return names_in(text, clinic.providers)


def _pick(
    state: DialogueState, task: Task, text: str, inp: DialogueInput, clinic: Clinic
) -> DialogueMove | None:
    named = named_providers(text, clinic)
    offered_names = {o.provider_name for o in task.offered}
    if named and not {p.name for p in clinic.providers if p.id in named} & offered_names:
        return None  # a provider the list does not hold: a new constraint, not a pick
    pick: Pick = resolve_pick(text, task.offered, clinic.now)
    if pick.how in ("none", "unmatched"):
        if pick.how == "unmatched" and pick.said == ["ordinal"]:
            return _narrow(state, task, task.offered, inp.language, "not_offered")
        if pick.how == "unmatched" and pick.said[:1] == ["ordinal"] and ordinal_in(text) == 1:
            # "the first afternoon one" when none was listed: the earliest such time.
            intent = _booking(task.intent)
            return DialogueMove(
                "fill", state, intent=intent, known=task.slots, text=text, how="earliest"
            )
        return None
    if len(pick.options) > 1:
        if pick.how == "value" and "time" not in pick.said:
            # "with Dr. Chen", "in the afternoon", "at Westside": a constraint to keep, so the
            # task searches again with it rather than asking among what happened to be shown.
            return None
        return _narrow(state, task, pick.options, inp.language, "which_of")
    return _picked(state, task, pick.options[0], pick.how)


def _narrow(
    state: DialogueState, task: Task, options: list[Option], lang: str, why: str
) -> DialogueMove:
    """A narrower question: the options the reply fits, numbered afresh."""
    renumbered = [dataclasses.replace(o, number=n) for n, o in enumerate(options, 1)]
    lines = [say(lang, "dialogue.option_line", n=o.number, label=o.label) for o in renumbered]
    narrowed = dataclasses.replace(task, offered=renumbered, asked="pick")
    new_state = dataclasses.replace(state, task=narrowed)
    reply = "\n".join([say(lang, f"dialogue.{why}"), *lines])
    return DialogueMove("narrow", new_state, reply=reply, how=why)


def _picked(state: DialogueState, task: Task, option: Option, how: str) -> DialogueMove:
    """The option as the task's tool call; a choice that only fills a slot (which
    appointment to move, which provider) continues the task instead."""
    slots = dataclasses.replace(task.slots)
    names = {option.staff_id: option.provider_name} if option.staff_id else {}
    if option.kind == "slot":
        if task.intent == "reschedule_appointment" and slots.appointment_ids:
            args = ToolArgs(appointment_id=slots.appointment_ids[0], start_local=option.start_local)
            call = ToolCall("reschedule_appointment", args)
        else:
            call = ToolCall(
                "create_appointment",
                ToolArgs(staff_id=option.staff_id, start_local=option.start_local),
            )
        return DialogueMove(
            "pick", state, intent=_booking(task.intent), calls=[call], names=names, how=how
        )
    if option.kind == "appointment" and task.intent == "cancel_appointment":
        call = ToolCall("cancel_appointment", ToolArgs(appointment_id=option.appointment_id))
        return DialogueMove("pick", state, intent=task.intent, calls=[call], how=how)
    if option.kind == "prescription" and task.intent == "prescription_refill":
        args = ToolArgs(prescription_id=option.prescription_id)
        call = ToolCall("request_prescription_refill", args, subject=option.label)
        return DialogueMove("pick", state, intent=task.intent, calls=[call], how=how)
    if option.kind == "appointment":
        slots.appointment_ids = [option.appointment_id or 0]
    elif option.kind == "provider" and option.staff_id:
        slots.provider_ids, slots.provider_names = [option.staff_id], [option.provider_name]
    filled = dataclasses.replace(state, task=dataclasses.replace(task, slots=slots))
    return DialogueMove("fill", filled, intent=task.intent, known=slots, how=how)


def _booking(intent: str) -> str:
    # A time picked from an availability list is a booking, whatever the list was asked as.
    return "book_appointment" if intent == "check_availability" else intent
