"""Payloads and ids of scheduled callbacks and appointment reminders (datetimes: aware UTC)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

# Who makes the call when a callback falls due: the front desk, and nurses for clinical asks.
CALLBACK_RECIPIENTS = ("reception", "nurse")
REMINDER_RECIPIENTS = ("patient",)
REMINDER_LEAD = timedelta(hours=24)
# Beyond a year a "callback" is a recall list, not a promise to phone someone.
MAX_AHEAD = timedelta(days=365)

# Failure types an update raises; the API maps them to HTTP statuses by type.
CALLBACK_CLOSED = "CallbackClosed"
INVALID_DUE_TIME = "InvalidDueTime"


def callback_id(tenant_id: int, key: str) -> str:
    # Named by a business key (a tool's idempotency key, an API Idempotency-Key), so a retry
    # finds the same callback and the same workflow; hashed to keep ids URL-safe and short.
    return f"callback-{tenant_id}-{uuid.uuid5(uuid.NAMESPACE_URL, key).hex}"


def reminder_id(tenant_id: int, appointment_id: int) -> str:
    # One reminder workflow per appointment: moves and cancellations find it by this id.
    return f"reminder-{tenant_id}-{appointment_id}"


def reminder_key(start_at: datetime) -> int:
    """The notification's `attempt` for a reminder: the appointment start in epoch minutes,
    so one appointment time is reminded once, however many reminder runs reach it."""
    return int(start_at.timestamp()) // 60


def as_utc(naive: datetime) -> datetime:
    """A stored naive UTC datetime as an aware one (the form payloads carry)."""
    return naive.replace(tzinfo=UTC)


def naive_utc(moment: datetime) -> datetime:
    """An aware datetime as naive UTC (the storage form)."""
    return moment.astimezone(UTC).replace(tzinfo=None)


# ---- callbacks -------------------------------------------------------------------------


@dataclass
class CallbackInput:
    callback_id: str
    tenant_id: int
    patient_id: int
    due_at: datetime
    reason: str = ""
    requested_by: int | None = None  # users.id
    source: str = "api"  # api | chat


@dataclass
class MoveCallbackInput:
    due_at: datetime
    moved_by: int | None = None


@dataclass
class CancelCallbackInput:
    cancelled_by: int | None = None


@dataclass
class CallbackStatus:
    callback_id: str
    status: str  # scheduled | fired | cancelled
    due_at: datetime
    fired_at: datetime | None = None
    task_id: int | None = None


@dataclass
class SaveCallbackInput:
    """The workflow's state after a move or a cancellation, written to the callbacks row."""

    callback_id: str
    status: str
    due_at: datetime


@dataclass
class FireCallbackInput:
    callback_id: str
    tenant_id: int
    patient_id: int
    due_at: datetime
    fired_at: datetime
    reason: str = ""


@dataclass
class FireCallbackOutput:
    task_id: int
    created: bool  # False: an earlier attempt had already created the task


# ---- appointment reminders -------------------------------------------------------------


@dataclass
class ReminderInput:
    tenant_id: int
    appointment_id: int
    start_at: datetime
    lead_s: float = REMINDER_LEAD.total_seconds()


@dataclass
class MoveReminderInput:
    start_at: datetime


@dataclass
class CancelReminderInput:
    reason: str = "cancelled"


@dataclass
class ReminderStatus:
    reminder_id: str
    status: str  # scheduled | sent | skipped | cancelled
    start_at: datetime
    remind_at: datetime
    sent_at: datetime | None = None


@dataclass
class SendReminderInput:
    reminder_id: str
    tenant_id: int
    appointment_id: int
    start_at: datetime  # the start the workflow expects; the appointment must still have it


@dataclass
class SendReminderOutput:
    outcome: str  # sent | already_sent | cancelled | moved
    start_at: datetime | None = None  # with "moved": the appointment's start now
