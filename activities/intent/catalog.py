"""The default clinic intents, as data: examples for similarity, rules that override it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class IntentDef:
    name: str
    path: str  # knowledge | agent | smalltalk
    description: str
    examples: tuple[str, ...]
    # Regexes that decide the intent outright; higher priority wins when several match.
    rules: tuple[str, ...] = field(default=())
    priority: int = 0


DEFAULT_INTENTS: tuple[IntentDef, ...] = (
    IntentDef(
        "book_appointment",
        "agent",
        "Book a new appointment with a provider",
        (
            "Book me with Dr. Chen tomorrow at 10",
            "I need to schedule an appointment",
            "Can I make an appointment for next Tuesday?",
            "I'd like to see a doctor this week",
            "Schedule a checkup with Dr. Okafor on Friday morning",
            "Can you book a visit for my annual physical?",
            "I want an appointment with the pediatrician",
            "Set up a visit with Dr. Raman at 2pm",
        ),
        (
            r"\b(?:book|schedule|make|set up)\b.{0,30}\b(?:appointment|visit|checkup|physical)\b",
            r"\bbook me\b",
            r"\b(?:book|schedule)\b.{0,20}\bwith (?:dr\.?|doctor)\b",
        ),
        priority=50,
    ),
    IntentDef(
        "cancel_appointment",
        "agent",
        "Cancel an existing appointment",
        (
            "Cancel my appointment",
            "I can't make it on Thursday, please cancel",
            "Please cancel my visit with Dr. Chen",
            "I need to cancel my booking for tomorrow",
            "Remove my appointment next week",
            "Cancel appointment 12",
        ),
        (r"\bcancel\w*\b", r"\bcall off\b.{0,20}\b(?:appointment|visit)\b"),
        priority=60,
    ),
    IntentDef(
        "list_appointments",
        "agent",
        "List the caller's upcoming appointments",
        (
            "What appointments do I have?",
            "When is my next appointment?",
            "Show my upcoming visits",
            "Do I have anything booked next week?",
            "What time is my appointment on Thursday?",
            "List my appointments",
        ),
        (r"\b(?:my|show|list)\b.{0,20}\bappointments?\b.{0,5}$", r"\bwhen is my\b"),
        priority=30,
    ),
    IntentDef(
        "availability",
        "agent",
        "Find open appointment slots",
        (
            "When is Dr. Chen available?",
            "Are there any openings next week?",
            "What times are free on Monday?",
            "Does Dr. Ortega have availability on Friday?",
            "Any open slots tomorrow afternoon?",
            "What's the earliest appointment I can get?",
        ),
        (
            r"\b(?:available|availability|openings|free slots?|earliest)\b",
            r"\bopen (?:slots?|times?|appointments?)\b",
        ),
        priority=40,
    ),
    IntentDef(
        "insurance",
        "agent",
        "Check the caller's insurance coverage and copay",
        (
            "Is my insurance active?",
            "What is my copay?",
            "Check my insurance coverage",
            "Is my plan still valid?",
            "What insurance do you have on file for me?",
            "Am I covered for a visit?",
        ),
        (r"\bmy (?:insurance|copay|coverage|plan)\b", r"\bam i covered\b"),
        priority=45,
    ),
    IntentDef(
        "prescription_refill",
        "agent",
        "Request a prescription refill",
        (
            "I need a refill of my lisinopril",
            "Can you refill my prescription?",
            "Please renew my metformin",
            "I'm running out of my medication",
            "Request a refill for my inhaler",
            "Send a refill to my pharmacy",
        ),
        (r"\brefill\w*\b", r"\brenew\b.{0,20}\b(?:prescription|medication|meds)\b"),
        priority=55,
    ),
    IntentDef(
        "knowledge_question",
        "knowledge",
        "A question about the clinic answered from the knowledge base",
        (
            "What are your opening hours?",
            "Where can I park?",
            "Do you accept Aetna insurance?",
            "How do I get my lab results?",
            "What should I bring to my first visit?",
            "Do you offer telehealth visits?",
            "What is your cancellation policy?",
            "How do I request my medical records?",
            "Are you open on Saturdays?",
            "Do you have interpreters?",
            "Where is your office located?",
            "How long does a refill take to process?",
            "Do I need to fast before a blood test?",
            "When can I get a flu shot?",
        ),
    ),
    IntentDef(
        "greeting",
        "smalltalk",
        "Greetings, thanks and small talk",
        (
            "Hi",
            "Hello there",
            "Good morning",
            "Thanks for your help",
            "Thank you!",
            "Hey, how are you?",
            "Bye",
        ),
        (r"^\s*(?:hi|hello|hey|thanks|thank you|good (?:morning|afternoon|evening)|bye)\W*$",),
        priority=70,
    ),
)
