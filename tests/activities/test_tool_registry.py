"""The tool registry: valid schemas, every tool runnable, identity never an argument, roles."""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import update
from sqlmodel import col

from activities.tools.executor import ToolExecutor
from activities.tools.knowledge_tool import KnowledgeSearch
from core.payloads import PATIENT_ROLE, STAFF_ROLES, Caller, ToolArgs, ToolCall
from core.tool_registry import (
    IDENTITY_FIELDS,
    TOOLS,
    ArgumentError,
    bind_arguments,
    openai_tools,
    tool_spec,
    tools_for,
)
from store.models import (
    ActionExecution,
    Appointment,
    AuditLog,
    Patient,
    Prescription,
    StaffNotification,
    StaffTask,
    utcnow,
)
from tests.helpers import rows
from worker import Engines

ISSUE_TOOLS = {
    "get_appointments",
    "get_availability",
    "create_appointment",
    "cancel_appointment",
    "reschedule_appointment",
    "check_insurance",
    "request_prescription_refill",
    "schedule_callback",
    "search_knowledge_base",
    "escalate_to_human",
}
# Tools whose handler the executor dispatches by name in its ledger transaction.
KEYED = {"schedule_callback", "request_prescription_refill", "escalate_to_human"}


def test_every_schema_is_json_schema_without_identity() -> None:
    arg_fields = {f.name for f in dataclasses.fields(ToolArgs)}
    for spec in TOOLS:
        schema = spec.parameters
        Draft202012Validator.check_schema(schema)
        assert schema["type"] == "object" and schema["additionalProperties"] is False
        assert set(schema["properties"]) <= arg_fields, spec.name
        assert not set(schema["properties"]) & IDENTITY_FIELDS, spec.name
        assert set(schema["required"]) <= set(schema["properties"])
        assert spec.roles <= {PATIENT_ROLE, *STAFF_ROLES} and spec.roles, spec.name
    assert {t.name for t in TOOLS if t.confirm} == {
        "cancel_appointment",
        "reschedule_appointment",
        "request_prescription_refill",
    }


def test_every_tool_is_registered_and_runnable() -> None:
    names = {t.name for t in TOOLS}
    assert len(names) == len(TOOLS) and names >= ISSUE_TOOLS
    for name in names:
        assert name in KEYED or callable(getattr(ToolExecutor, f"_{name}", None)), name
    planner = Path("activities/tools/planner.py").read_text()
    planned = set(re.findall(r'ToolCall\("(\w+)"', planner)) | set(
        re.findall(r'": "(\w+)",', planner)
    )
    assert planned and planned <= names, planned - names


def test_openai_export_is_the_function_calling_format() -> None:
    exported = openai_tools("patient")
    assert [t["function"]["name"] for t in exported] == [t.name for t in tools_for("patient")]
    first = exported[0]
    assert first["type"] == "function"
    assert set(first["function"]) == {"name", "description", "parameters"}


def test_model_arguments_are_validated_and_identity_dropped() -> None:
    cancel = tool_spec("cancel_appointment")
    assert cancel is not None
    args = bind_arguments(
        cancel, '{"appointment_id": 12, "patient_id": 7, "tenant_id": 2, "user_id": 3}'
    )
    assert args == ToolArgs(appointment_id=12)
    for bad in (
        '{"appointment_id": 12, "note": "x"}',  # not declared
        '{"appointment_id": "12"}',  # a string for an integer
        '{"appointment_id": true}',
        '{"appointment_id": 0}',  # below the minimum
        "{}",  # required argument missing
        "[12]",
        "not json",
    ):
        with pytest.raises(ArgumentError):
            bind_arguments(cancel, bad)
    availability = tool_spec("get_availability")
    assert availability is not None
    with pytest.raises(ArgumentError):
        bind_arguments(availability, {"part_of_day": "midnight"})
    with pytest.raises(ArgumentError):
        bind_arguments(availability, {"day_local": "next tuesday"})
    ok = bind_arguments(availability, {"day_local": "2030-01-02", "span_days": 7.0})
    assert (ok.day_local, ok.span_days) == ("2030-01-02", 7)


async def _patient_caller(engines: Engines, name: str, role: str = "patient") -> Caller:
    patient = (await rows(engines, Patient, Patient.full_name == name))[0]
    return Caller(tenant_id=patient.tenant_id, user_id=1, role=role, patient_id=patient.id)


async def test_roles_are_enforced_by_the_executor(engines: Engines) -> None:
    executor = ToolExecutor(engines.sessions)
    # A nurse acting for a patient may not cancel appointments: front-desk work.
    nurse = await _patient_caller(engines, "Grace Liu", role="nurse")
    appt = (await rows(engines, Appointment, Appointment.patient_id == nurse.patient_id))[0]
    res = await executor.execute(
        nurse, ToolCall("cancel_appointment", ToolArgs(appointment_id=appt.id)), "role-1"
    )
    assert not res.ok and res.error_code == "forbidden_role"
    after = (await rows(engines, Appointment, Appointment.id == appt.id))[0]
    assert after.status == appt.status
    assert not await rows(engines, ActionExecution, ActionExecution.idempotency_key == "role-1")
    audited = await rows(engines, AuditLog, AuditLog.action == "cancel_appointment_refused")
    assert any(a.details.get("key") == "role-1" for a in audited)
    unknown = await executor.execute(nurse, ToolCall("drop_tables"), "role-2")
    assert unknown.error_code == "unknown_tool"
    # Staff without a patient: patient tools ask who it is for.
    staff = Caller(tenant_id=1, user_id=1, role="reception")
    res = await executor.execute(staff, ToolCall("check_insurance"), "role-3")
    assert res.error_code == "patient_required"


async def test_escalate_to_human_creates_one_task_per_key(engines: Engines) -> None:
    executor = ToolExecutor(engines.sessions)
    caller = await _patient_caller(engines, "Grace Liu")
    call = ToolCall("escalate_to_human", ToolArgs(reason="I want to talk to someone"))
    first = await executor.execute(caller, call, "handoff-1")
    again = await executor.execute(caller, call, "handoff-1")
    assert first.ok and again.replayed and first.handoff is not None
    assert again.handoff == first.handoff
    tasks = await rows(engines, StaffTask, col(StaffTask.ref_id).endswith(":handoff-1"))
    assert [(t.kind, t.patient_id, t.id) for t in tasks] == [
        ("handoff", caller.patient_id, first.handoff.task_id)
    ]
    notes = await rows(engines, StaffNotification, StaffNotification.ref_id == tasks[0].ref_id)
    assert len(notes) == 1 and "someone" not in notes[0].message


async def test_controlled_refill_is_routed_to_clinical_review(engines: Engines) -> None:
    executor = ToolExecutor(engines.sessions)
    sofia = await _patient_caller(engines, "Sofia Martinez")
    rx = (
        await rows(
            engines,
            Prescription,
            Prescription.patient_id == sofia.patient_id,
            Prescription.controlled,
        )
    )[0]
    call = ToolCall("request_prescription_refill", ToolArgs(prescription_id=rx.id))
    await _set_requested(engines, rx.id, None)  # other tests may have asked already
    try:
        res = await executor.execute(sofia, call, "review-1")
        assert not res.ok and res.error_code == "needs_review" and res.handoff is not None
        task = (await rows(engines, StaffTask, StaffTask.id == res.handoff.task_id))[0]
        assert (task.kind, task.patient_id) == ("refill_review", sofia.patient_id)
        again = await executor.execute(sofia, call, "review-2")
        assert again.error_code == "already_requested"
    finally:
        await _set_requested(engines, rx.id, None)


async def _set_requested(engines: Engines, rx_id: int | None, at: datetime | None) -> None:
    async with engines.sessions() as session:
        await session.execute(
            update(Prescription).where(col(Prescription.id) == rx_id).values(refill_requested_at=at)
        )
        await session.commit()


async def test_search_knowledge_base_reads_the_tenants_index(
    engines: Engines, worker: None
) -> None:
    executor = ToolExecutor(
        engines.sessions, knowledge=KnowledgeSearch(engines.retrieval, engines.sessions)
    )
    caller = Caller(tenant_id=1, user_id=1, role="reception")  # needs no patient
    call = ToolCall("search_knowledge_base", ToolArgs(query="What are your opening hours?"))
    res = await executor.execute(caller, call, "kb-1")
    assert res.ok and res.passages, res.message
    assert all(p.title in res.message for p in res.passages)
    nothing = await ToolExecutor(engines.sessions).execute(caller, call, "kb-2")
    assert nothing.error_code == "unavailable"


async def test_a_refill_too_soon_after_the_last_fill_is_refused(engines: Engines) -> None:
    grace = await _patient_caller(engines, "Grace Liu")
    rx = next(
        r
        for r in await rows(engines, Prescription, Prescription.patient_id == grace.patient_id)
        if r.refills_remaining > 0 and not r.controlled
    )
    async with engines.sessions() as session:
        await session.execute(
            update(Prescription)
            .where(col(Prescription.id) == rx.id)
            .values(last_filled_at=utcnow() - timedelta(days=1), refill_requested_at=None)
        )
        await session.commit()
    try:
        call = ToolCall("request_prescription_refill", ToolArgs(prescription_id=rx.id))
        res = await ToolExecutor(engines.sessions).execute(grace, call, "too-soon-1")
        assert res.error_code == "too_soon"
        after = (await rows(engines, Prescription, Prescription.id == rx.id))[0]
        assert after.refills_remaining == rx.refills_remaining
    finally:
        async with engines.sessions() as session:
            await session.execute(
                update(Prescription)
                .where(col(Prescription.id) == rx.id)
                .values(
                    last_filled_at=rx.last_filled_at, refill_requested_at=rx.refill_requested_at
                )
            )
            await session.commit()
