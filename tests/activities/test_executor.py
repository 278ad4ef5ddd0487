"""The tool executor against the real database: racing attempts, refusals, scoping."""

from __future__ import annotations

import asyncio

from activities.tools.executor import ToolExecutor
from core.payloads import Caller, ToolArgs, ToolCall
from store.models import ActionExecution, Appointment, Patient, Prescription
from store.timeutil import to_utc_naive
from tests.helpers import bookable_slot, rows
from worker import Engines


async def _caller(engines: Engines, name: str) -> Caller:
    patient = (await rows(engines, Patient, Patient.full_name == name))[0]
    return Caller(tenant_id=patient.tenant_id, user_id=1, role="patient", patient_id=patient.id)


async def test_racing_attempts_with_one_key_book_once(engines: Engines) -> None:
    staff, _, start = await bookable_slot(engines, hour=15)
    caller = await _caller(engines, "Grace Liu")
    call = ToolCall(
        "create_appointment", ToolArgs(staff_id=staff.id, start_local=start.isoformat())
    )
    executors = [ToolExecutor(engines.sessions) for _ in range(4)]
    results = await asyncio.gather(*(e.execute(caller, call, "race-key-1") for e in executors))
    assert all(r.ok for r in results), [r.message for r in results]
    assert len({r.appointments[0].id for r in results}) == 1
    assert sum(not r.replayed for r in results) == 1
    booked = await rows(
        engines,
        Appointment,
        Appointment.patient_id == caller.patient_id,
        Appointment.start_time == to_utc_naive(start, "America/New_York"),
    )
    assert len(booked) == 1
    ledger = await rows(engines, ActionExecution, ActionExecution.idempotency_key == "race-key-1")
    assert len(ledger) == 1


async def test_a_taken_slot_is_refused_for_another_patient(engines: Engines) -> None:
    staff, _, start = await bookable_slot(engines, hour=9)
    call = ToolCall(
        "create_appointment", ToolArgs(staff_id=staff.id, start_local=start.isoformat())
    )
    executor = ToolExecutor(engines.sessions)
    first = await executor.execute(await _caller(engines, "Ethan Brooks"), call, "slot-a")
    second = await executor.execute(await _caller(engines, "Aisha Rahman"), call, "slot-b")
    assert first.ok and not second.ok
    assert second.error_code in {"slot_taken", "outside_hours"}


async def test_refill_rules(engines: Engines) -> None:
    executor = ToolExecutor(engines.sessions)
    sofia = await _caller(engines, "Sofia Martinez")  # controlled medication
    controlled = (
        await rows(
            engines,
            Prescription,
            Prescription.patient_id == sofia.patient_id,
            Prescription.controlled,
        )
    )[0]
    res = await executor.execute(
        sofia,
        ToolCall("request_prescription_refill", ToolArgs(prescription_id=controlled.id)),
        "rx-1",
    )
    assert not res.ok and res.error_code == "needs_review"
    james = await _caller(engines, "James Whitaker")  # no refills left
    empty = (
        await rows(
            engines,
            Prescription,
            Prescription.patient_id == james.patient_id,
            Prescription.refills_remaining == 0,
        )
    )[0]
    res = await executor.execute(
        james, ToolCall("request_prescription_refill", ToolArgs(prescription_id=empty.id)), "rx-2"
    )
    assert not res.ok and res.error_code == "no_refills"
    # Someone else's prescription looks like no prescription at all.
    res = await executor.execute(
        james,
        ToolCall("request_prescription_refill", ToolArgs(prescription_id=controlled.id)),
        "rx-3",
    )
    assert not res.ok and res.error_code == "prescription_not_found"


async def test_refill_happens_once_per_key(engines: Engines) -> None:
    executor = ToolExecutor(engines.sessions)
    grace = await _caller(engines, "Grace Liu")
    rx = next(
        r
        for r in await rows(engines, Prescription, Prescription.patient_id == grace.patient_id)
        if r.refills_remaining > 0 and not r.controlled
    )
    call = ToolCall("request_prescription_refill", ToolArgs(prescription_id=rx.id))
    first = await executor.execute(grace, call, "refill-once")
    again = await executor.execute(grace, call, "refill-once")
    assert first.ok and again.ok and again.replayed
    after = (await rows(engines, Prescription, Prescription.id == rx.id))[0]
    assert after.refills_remaining == rx.refills_remaining - 1
