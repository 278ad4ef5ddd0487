"""English: the reference catalogue; every other language has exactly these keys."""

from __future__ import annotations

from datetime import date, datetime

_911 = "Call 911 (or your local emergency number) now."
_ALERT = "I'm alerting our clinical team."
_988 = (
    "Please call or text 988 to reach the 988 Suicide & Crisis Lifeline, any time, day or "
    "night (para español, oprima 2)."
)


def when(dt: datetime) -> str:
    return f"{dt:%A, %B} {dt.day} at {dt:%I:%M %p}".replace(" 0", " ")


def day(d: date) -> str:
    return f"{d:%A, %B} {d.day}"


TEXTS: dict[str, str] = {
    # ---- crisis guidance, by tier and presentation ------------------------------------
    "guidance.cardiac": (
        f"This may be a heart attack. {_911} Stop all activity and rest while you wait; the "
        f"dispatcher may advise chewing an aspirin. {_ALERT}"
    ),
    "guidance.stroke": (
        f"These may be signs of a stroke. {_911} Note the time the symptoms started, since "
        f"treatment depends on it. Do not give food, drink or medication. {_ALERT}"
    ),
    "guidance.bleeding": (
        f"Severe bleeding is an emergency. {_911} Press firmly on the wound with a clean "
        f"cloth and keep pressing without lifting it to look. {_ALERT}"
    ),
    "guidance.respiratory": (
        f"Trouble breathing is an emergency. {_911} Sit upright, loosen tight clothing and use "
        f"a prescribed rescue inhaler if there is one. If someone is choking and cannot speak, "
        f"give firm back blows and abdominal thrusts. {_ALERT}"
    ),
    "guidance.allergic": (
        f"This may be a severe allergic reaction (anaphylaxis). {_911} Use an epinephrine "
        f"auto-injector (EpiPen) now if one is prescribed, even if symptoms seem to ease. {_ALERT}"
    ),
    "guidance.seizure": (
        f"{_911} Move hard objects away, cushion the head and turn the person on their side. "
        f"Do not hold them down or put anything in their mouth. Note how long the seizure "
        f"lasts. {_ALERT}"
    ),
    "guidance.unconscious": (
        f"Someone who cannot be woken needs help now. {_911} Check for breathing; if they are "
        f"not breathing, the dispatcher will guide you through CPR. {_ALERT}"
    ),
    "guidance.overdose": (
        f"This may be a serious overdose or poisoning. {_911} If an opioid may be involved and "
        f"naloxone (Narcan) is at hand, give it. Turn the person on their side and do not make "
        f"them vomit. {_ALERT}"
    ),
    "guidance.poison_control": (
        "This may be a poisoning or an overdose. Call Poison Control now at 1-800-222-1222 "
        "(free, 24/7, interpreters available): they will tell you exactly what to do. Call 911 "
        "right away if the person collapses, has a seizure, has trouble breathing or cannot be "
        f"woken. Do not make them vomit, and keep the container or pill bottle at hand. {_ALERT}"
    ),
    "guidance.swallowed_battery": (
        "A swallowed button battery or magnet can burn or tear the gut within hours, even when "
        "the child seems fine: go to the nearest emergency room now. Call Poison Control at "
        "1-800-222-1222 on the way for advice, and call 911 if there is trouble breathing, "
        f"drooling, vomiting or pain. Do not make them vomit. {_ALERT}"
    ),
    "guidance.self_harm": (
        "Thank you for telling me; you deserve support right now. "
        f"{_988} If you are in immediate danger or have already taken something, call 911 now. "
        "Are you safe right now? If you can, stay with someone you trust and keep pills or "
        "weapons out of reach. I'm alerting our clinical team so a person can follow up with you."
    ),
    "guidance.check_in": (
        "I want to check on you, because what you wrote matters. Are you thinking about hurting "
        f"yourself or ending your life? If you are, or if you're not sure, {_988[0].lower()}"
        f"{_988[1:]} If you are in danger right now, call 911. I'm letting our clinical team "
        "know so someone can check in with you."
    ),
    "guidance.default": (
        "This may be a medical emergency. Call 911 (or your local emergency number) now, or go "
        f"to the nearest emergency department. Do not wait for an appointment. {_ALERT}"
    ),
    # ---- turn-level replies --------------------------------------------------------------
    "reply.failure": (
        "I'm sorry, something went wrong while handling your request and nothing was changed "
        "beyond what I've confirmed. Please try again, or call the clinic."
    ),
    "reply.not_covered": (
        "I'm sorry, our knowledge base doesn't cover that question, so I won't guess. You can "
        "ask me about opening hours, locations, insurance, refills or appointments, or call the "
        "clinic to speak with our staff."
    ),
    "reply.part_not_covered": (
        "Our knowledge base doesn't cover this part of your question, so I won't guess: "
        '"{question}"'
    ),
    "reply.indexing": (
        "Our clinic's information is being updated right now, so I can't look that up yet. "
        "Please ask again in a minute, or call the clinic."
    ),
    "reply.capabilities": (
        "I can book, cancel or look up your appointments, check open times, check your "
        "insurance, request prescription refills, and answer questions about the clinic."
    ),
    "reply.out_of_scope": "Sorry, that's not something I can help with here. {capabilities}",
    "reply.hello": "Hello! {capabilities}",
    "reply.welcome": "You're welcome! Is there anything else I can help with?",
    "reply.goodbye": "Goodbye, and take care!",
    "reply.clarify": "Just to be sure: did you want to {options}?",
    "reply.couldnt_complete": "I couldn't complete that request. Could you rephrase it?",
    "reply.budget_refusal": (
        "The clinic's assistant has reached its monthly usage limit, so I can't write a full "
        "answer right now. Please call the clinic and our staff will help you."
    ),
    "reply.source": "Source",
    "reply.no_open_time": "I couldn't find an open time then. Would another day or provider work?",
    # What each intent asks for, as the clarifying question names it.
    "intent.book_appointment": "book an appointment",
    "intent.cancel_appointment": "cancel an appointment",
    "intent.reschedule_appointment": "move an appointment",
    "intent.list_appointments": "see your appointments",
    "intent.check_availability": "find open appointment times",
    "intent.check_insurance": "check your insurance",
    "intent.prescription_refill": "request a prescription refill",
    "intent.schedule_callback": "have someone call you back",
    "intent.knowledge_question": "ask a question about the clinic",
    "intent.greeting": "just say hello",
    "intent.human_handoff": "talk to a person",
    # ---- confirmation of held plans ------------------------------------------------------
    "confirm.one": (
        "Please confirm: {steps}? Reply yes to confirm, or no to keep things as they are."
    ),
    "confirm.many": (
        "Please confirm, in this order: {steps}? Reply yes to confirm, or no to keep things as "
        "they are."
    ),
    "confirm.declined": "OK, I won't {steps}. Nothing was changed.",
    "confirm.expired": (
        "That request expired, so nothing was changed. If you still want to {steps}, please ask "
        "again."
    ),
    "confirm.ok": "OK.",
    "outcome.failed": "I couldn't {step}: {why}",
    "outcome.skipped": "So I did not {steps}.",
    "outcome.nothing_else": "Nothing else was changed.",
    "outcome.nothing": "Nothing was changed.",
    "word.or": "or",
    "word.that_provider": "that provider",
    "word.first": "first",
    "word.then": "then",
    # What a planned call will do, as the confirmation question says it.
    "step.cancel": "cancel {which}",
    "step.move": "move {which} to {when}",
    "step.book_with": "book an appointment with {provider} on {when}",
    "step.book": "book an appointment on {when}",
    "step.callback": "have the clinic call you on {when}",
    "step.refill": "request a refill of {medication}",
    "step.refill_unnamed": "request a prescription refill",
    "step.handoff": "hand your request to a person at the clinic",
    "step.your_appointment": "your appointment with {provider} on {when}",
    "step.patient_appointment": "patient #{patient}'s appointment with {provider} on {when}",
    "step.appointment_id": "appointment #{id}",
    "step.time_tbd": "a time to be agreed",
    "step.for_patient": "{step} for patient #{patient}",
    "step.get_appointments": "look up your appointments",
    "step.get_availability": "look up open times",
    "step.check_insurance": "check your insurance",
    "step.get_clinic_contact": "give you the front desk's numbers",
    "step.search_knowledge_base": "look that up in our articles",
    # ---- clarifying questions from the planner -------------------------------------------
    "ask.callback_time": "When should we call you back? For example: tomorrow at 10am.",
    "ask.which_patient": (
        "Which patient is this for? Name the patient as they are registered, or pass their "
        "patient_id."
    ),
    "ask.which_patient_of": "Which patient do you mean: {options}?",
    "ask.which_provider": "Which provider would you like to see: {names}?",
    "ask.provider_unknown": (
        "I couldn't find {said} at this clinic, so I haven't booked anything. Our providers "
        "are: {names}. Who would you like to see?"
    ),
    "ask.rephrase": "I'm not sure which action you need. Could you rephrase?",
    "ask.did_you_mean": "Did you mean {options}?",
    "ask.no_rx": "I don't see an active prescription on your file.",
    "ask.refill_which": "Which medication should I refill: {options}?",
    "ask.rx_not_on_file": (
        "I don't see {said} among your active prescriptions, so I haven't requested anything. "
        "On file: {options}. Which one do you need, or should I ask the clinic about {said}?"
    ),
    "ask.no_upcoming": "You have no upcoming appointments to {verb}.",
    "ask.appt_not_found": (
        "I couldn't find an upcoming appointment like that. You have: {listing}. Which one should "
        "I {verb}?"
    ),
    "ask.appt_provider_not_found": (
        "I don't see an upcoming appointment with {said}. You have: {listing}. Which one should "
        "I {verb}?"
    ),
    "ask.which_appt": "Which appointment should I {verb}? {listing}",
    "ask.listing_item": "#{id} with {provider} on {when}",
    "verb.cancel": "cancel",
    "verb.move": "move",
    "verb.change": "change",
    # ---- tool outcomes -------------------------------------------------------------------
    "tool.booked": "You're booked with {provider} on {when}.",
    "tool.booked_at": "You're booked with {provider} at {site} on {when}.",
    "tool.cancelled": "Your appointment with {provider} on {when} is cancelled.",
    "tool.moved": "Done: your appointment with {provider} is now on {when}.",
    "tool.callback_done": "Done: the clinic will call you on {when}.",
    "tool.no_upcoming": "You have no upcoming appointments.",
    "tool.upcoming": "Your upcoming appointments:",
    "tool.upcoming_line": "- {when} with {provider}",
    "tool.no_slots": "I couldn't find open times then. Would another day work?",
    "tool.slots": "Here are the next open times:",
    "tool.slots_line": "{n}. {provider}: {when}",
    "tool.slots_pick": "Which would you like?",
    "tool.no_insurance": "I don't see any insurance on file for you.",
    "tool.insurance": "Insurance on file: {plans}.",
    "tool.insurance_line": ("{plan} ({payer}), member ID ending {last4}: {status}, copay {copay}"),
    "tool.payer_unknown": "payer unknown",
    "tool.status_active": "active",
    "tool.status_inactive": "inactive",
    "tool.refilled": (
        "I've requested a refill of {medication}. Please allow 2 business days. Refills "
        "remaining after this one: {remaining}."
    ),
    "tool.unknown_tool": "That action is not available.",
    "tool.forbidden_role": "Your role can't do that here.",
    "tool.patient_required": "Tell me which patient this is for.",
    "tool.action_abandoned": "The clinic closed this request unfinished; nothing was changed.",
    "tool.slot_taken": "That time was just taken. Please pick another.",
    "tool.provider_not_found": "I couldn't find that provider.",
    "tool.time_required": "What day and time would you like?",
    "tool.time_required_move": "What day and time should I move it to?",
    "tool.in_the_past": "That time has already passed.",
    "tool.outside_hours": "{provider} doesn't have a slot starting then.",
    "tool.appointment_not_found": "I couldn't find that appointment of yours.",
    "tool.already_cancelled": "That appointment is already cancelled.",
    "tool.not_confirmed": "Only a confirmed appointment can be moved.",
    "tool.prescription_not_found": "I couldn't find that prescription.",
    "tool.already_requested": "A refill of {medication} is already in progress.",
    "tool.no_refills": (
        "There are no refills left on {medication}. I can ask the clinic to renew it: would "
        "you like a call back?"
    ),
    "tool.too_soon": (
        "{medication} was filled less than {days} days ago; please ask the clinic if you need it "
        "early."
    ),
    "tool.needs_review": (
        "{medication} is a controlled medication: a clinician will review the request and "
        "contact you."
    ),
    "tool.query_required": "What should I look up?",
    "tool.unavailable": "The clinic's articles can't be searched right now.",
    "tool.callback_in_the_past": "That time has already passed. When should we call?",
    "tool.too_far_ahead": "I can schedule a callback up to a year ahead.",
    "tool.action_failed": "I couldn't complete that just now; our staff will retry it.",
    "tool.action_rejected": (
        "I couldn't do that: part of the request can't be stored by the clinic's system, so "
        "nothing was changed. Please check the details and ask again, or call the clinic."
    ),
    "tool.kb_none": "No article covers that.",
    "tool.kb_found": "Found in: {titles}.",
    "tool.handoff_done": "I've asked a member of the clinic's staff to contact you.",
    "tool.contact": "To reach a person, call our front desk: {numbers}.",
    "tool.contact_none": "To reach a person, please call the clinic.",
    "dialogue.which_of": "Which one do you mean?",
    "dialogue.not_offered": "That isn't one of the options I listed. Which one would you like?",
    "dialogue.option_line": "{n}. {label}",
    "dialogue.cleared": (
        "OK, I've stopped there: nothing was booked or changed. Is there anything else I can "
        "help with?"
    ),
    "dialogue.dropped": "OK, I'll leave that. Is there anything else I can help with?",
    "dialogue.resume_offer": "Shall we get back to {task}?",
    "dialogue.task.book_appointment": "booking your appointment",
    "dialogue.task.check_availability": "finding you a time",
    "dialogue.task.cancel_appointment": "cancelling your appointment",
    "dialogue.task.reschedule_appointment": "moving your appointment",
    "dialogue.task.prescription_refill": "your refill",
    "dialogue.task.schedule_callback": "scheduling your callback",
    "tool.slots_nearest": "There are no open times {asked}. The nearest open times:",
    "tool.slots_asked_with": "with {provider} {when}",
    "tool.asked_on": "on {day}",
    "tool.asked_span": "between {first} and {last}",
    "tool.asked_part.morning": "in the morning",
    "tool.asked_part.afternoon": "in the afternoon",
    "tool.asked_part.evening": "in the evening",
}
