"""Payloads of the escalation workflow: an emergency waiting for a staff acknowledgement."""

from __future__ import annotations

from dataclasses import dataclass

# Who is paged: clinical staff first, the admin too once reminders go unanswered.
FIRST_RESPONDERS = ("nurse", "doctor")
WHEN_UNANSWERED = ("nurse", "doctor", "admin")


def escalation_id(tenant_id: int, turn_id: str) -> str:
    # One escalation per turn: a retried turn or activity finds the same workflow.
    return f"escalation-{tenant_id}-{turn_id}"


@dataclass
class EscalationInput:
    tenant_id: int
    session_id: str
    turn_id: str
    category: str
    severity: float
    reason: str
    patient_id: int | None = None
    ack_timeout_s: float = 300.0
    max_notifications: int = 4


@dataclass
class NotifyInput:
    escalation_id: str
    tenant_id: int
    attempt: int
    kind: str
    recipients: list[str]
    message: str


@dataclass
class AckInput:
    user_id: int
    note: str = ""


@dataclass
class CloseInput:
    escalation_id: str
    status: str  # acknowledged | unacknowledged
    notifications_sent: int
    acknowledged_by: int | None = None
    acknowledged_at: float | None = None
    note: str | None = None


@dataclass
class EscalationStatus:
    escalation_id: str
    status: str
    notifications_sent: int
    acknowledged_by: int | None = None
    acknowledged_at: float | None = None
