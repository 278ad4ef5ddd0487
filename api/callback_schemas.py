"""Request and response bodies of /api/v1/callbacks."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from api.times import UtcDateTime
from core.callbacks import as_utc
from store.models import Callback
from store.timeutil import utc_naive_to_local

CallbackState = Literal["scheduled", "fired", "cancelled"]


class CallbackCreate(BaseModel):
    # Patients leave it out (they act for themselves); staff name a patient of their clinic.
    patient_id: int | None = Field(default=None, ge=1)
    # ISO 8601; without an offset it is the clinic's local wall clock.
    due_at: datetime
    reason: str = Field(default="", max_length=500)


class CallbackMove(BaseModel):
    due_at: datetime


class CallbackPublic(BaseModel):
    id: str
    patient_id: int
    requested_by: int | None
    source: str
    reason: str
    status: CallbackState
    due_at: UtcDateTime  # UTC, with its offset
    due_local: str  # the clinic's wall clock, with its offset
    task_id: int | None
    fired_at: UtcDateTime | None
    created_at: UtcDateTime
    updated_at: UtcDateTime

    @classmethod
    def from_row(cls, row: Callback, tz: str) -> CallbackPublic:
        return cls(
            id=row.id,
            patient_id=row.patient_id,
            requested_by=row.requested_by,
            source=row.source,
            reason=row.reason,
            status=row.status,  # type: ignore[arg-type]  # the workflow writes only these
            due_at=as_utc(row.due_at),
            due_local=utc_naive_to_local(row.due_at, tz).isoformat(),
            task_id=row.task_id,
            fired_at=as_utc(row.fired_at) if row.fired_at else None,
            created_at=as_utc(row.created_at),
            updated_at=as_utc(row.updated_at),
        )
