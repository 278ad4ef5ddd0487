"""What to tell a person in each kind of emergency: the number to call and one first step."""

from __future__ import annotations

# U.S. numbers: 911 for emergency services, 988 for the Suicide & Crisis Lifeline, and
# 1-800-222-1222 for Poison Control. Each message leads with the call, then one action a
# bystander can take while waiting; clinical staff own this wording.
_CALL_911 = "Call 911 (or your local emergency number) now."
_ALERT = "I'm alerting our clinical team."

GUIDANCE: dict[str, str] = {
    "cardiac": (
        f"This may be a heart attack. {_CALL_911} Stop all activity and rest while you wait; the "
        f"dispatcher may advise chewing an aspirin. {_ALERT}"
    ),
    "stroke": (
        f"These may be signs of a stroke. {_CALL_911} Note the time the symptoms started, since "
        f"treatment depends on it. Do not give food, drink or medication. {_ALERT}"
    ),
    "bleeding": (
        f"Severe bleeding is an emergency. {_CALL_911} Press firmly on the wound with a clean "
        f"cloth and keep pressing without lifting it to look. {_ALERT}"
    ),
    "breathing": (
        f"Trouble breathing is an emergency. {_CALL_911} Sit upright, loosen tight clothing and "
        f"use a prescribed rescue inhaler if there is one. If someone is choking and cannot speak, "
        f"give firm back blows and abdominal thrusts. {_ALERT}"
    ),
    "allergic_reaction": (
        f"This may be a severe allergic reaction (anaphylaxis). {_CALL_911} Use an epinephrine "
        f"auto-injector (EpiPen) now if one is prescribed, even if symptoms seem to ease. {_ALERT}"
    ),
    "overdose_poisoning": (
        f"This may be an overdose or poisoning. {_CALL_911} If the person is awake and breathing, "
        f"call Poison Control at 1-800-222-1222 for instructions. If an opioid may be involved "
        f"and naloxone (Narcan) is at hand, give it. Do not make them vomit. {_ALERT}"
    ),
    "seizure": (
        f"{_CALL_911} Move hard objects away, cushion the head and turn the person on their side. "
        f"Do not hold them down or put anything in their mouth. Note how long the seizure "
        f"lasts. {_ALERT}"
    ),
    "unconscious": (
        f"Someone who cannot be woken needs help now. {_CALL_911} Check for breathing; if they "
        f"are not breathing, the dispatcher will guide you through CPR. {_ALERT}"
    ),
    "self_harm": (
        "You deserve support right now. If you are in the U.S., call or text 988 to reach the "
        "988 Suicide & Crisis Lifeline (24/7), or call 911 if you are in immediate danger. If "
        "you can, stay with someone you trust and keep pills or weapons out of reach. "
        "I'm alerting our clinical team so a person can follow up with you."
    ),
    "default": (
        "This may be a medical emergency. Call 911 (or your local emergency number) now, "
        "or go to the nearest emergency department. Do not wait for an appointment. "
        "I'm alerting our clinical team."
    ),
}


def guidance_for(category: str | None) -> str:
    """The message for `category`; an unknown or missing one gets the general emergency text."""
    return GUIDANCE.get(category or "default", GUIDANCE["default"])
