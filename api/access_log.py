"""Audit rows for privileged reads and engine calls: who saw which patients' records, and
who drove an engine directly. Ids and counts only; never names, search text or prompts."""

from __future__ import annotations

from collections.abc import Iterable

from api.auth import Principal, audit_row
from api.deps import AppState

# A page of ids is enough to answer "who saw this patient's record"; a longer list would
# only make the row heavy (a page is at most 200 rows anyway).
MAX_IDS = 200


async def record_read(
    state: AppState,
    who: Principal,
    what: str,
    patient_ids: Iterable[int | None] = (),
    **details: object,
) -> None:
    """A staff member read patients' records (`what`: patients, appointments, callbacks,
    actions, escalations, conversation): one row naming the patients whose data was shown.
    Patients reading their own records are not privileged and leave no row."""
    if not who.is_staff:
        return
    shown = sorted({p for p in patient_ids if p is not None})
    row = {k: v for k, v in details.items() if v is not None}
    row["patient_ids"] = shown[:MAX_IDS]
    async with state.sessions() as session:
        session.add(audit_row(who, "records", f"{what}_read", row))
        await session.commit()


async def record_engine_call(
    state: AppState, who: Principal, engine: str, workflow_id: str, **details: object
) -> None:
    """A clinic admin called an engine directly (/llm/*, /rag/*): the run to open in the
    Temporal UI and the knobs chosen, not what was sent."""
    row = {k: v for k, v in details.items() if v is not None}
    row["workflow_id"] = workflow_id
    async with state.sessions() as session:
        session.add(audit_row(who, "engines", f"{engine}_called", row))
        await session.commit()
