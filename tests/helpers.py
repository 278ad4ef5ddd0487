"""Small helpers shared by tests: a bookable slot, database reads, stored LLM config, the
local activities in a history."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import col, delete, select
from temporalio.client import WorkflowHistory

from activities.llm.factory import build_gateway
from activities.llm.gateway import LlmGateway
from activities.tools.availability import slot_starts
from core.settings import Settings
from store.models import Appointment, PlatformConfig, Staff, Tenant
from store.timeutil import now_local, to_utc_naive
from worker import Engines


async def bookable_slot(
    engines: Engines,
    *,
    tenant_id: int = 1,
    hour: int = 10,
    staff_id: int | None = None,
    min_days: int = 1,
) -> tuple[Staff, str, datetime]:
    """A provider free at `hour`:00 on the soonest day from `min_days` ahead (tomorrow by
    default), and how to say it."""
    async with engines.sessions() as session:
        tenant = await session.get(Tenant, tenant_id)
        assert tenant is not None
        tz = tenant.timezone
        providers = list(
            await session.scalars(
                select(Staff).where(Staff.tenant_id == tenant_id, Staff.is_provider)
            )
        )
        providers = [p for p in providers if staff_id is None or p.id == staff_id]
        today = now_local(tz).date()
        for offset in range(min_days, min_days + 14):
            day: date = today + timedelta(days=offset)
            for staff in providers:
                for start in slot_starts(staff, day, tz):
                    if start.hour != hour or start.minute != 0:
                        continue
                    taken = await session.scalar(
                        select(Appointment.id).where(
                            Appointment.staff_id == staff.id,
                            Appointment.start_time == to_utc_naive(start, tz),
                            Appointment.status != "cancelled",
                        )
                    )
                    if taken is None:
                        phrase = "tomorrow" if offset == 1 else f"on {day:%B} {day.day}"
                        return staff, f"{phrase} at {hour}", start
    raise AssertionError("no bookable slot in the next two weeks")


async def rows(engines: Engines, model: Any, *where: Any) -> list[Any]:
    async with engines.sessions() as session:
        return list(await session.scalars(select(model).where(*where)))


async def store_config(engines: Engines, tenant_id: int | None, key: str, value: str) -> None:
    """Stores (or, with an empty value, removes) a platform_config row, as an admin would."""
    owner = (
        col(PlatformConfig.tenant_id).is_(None)
        if tenant_id is None
        else col(PlatformConfig.tenant_id) == tenant_id
    )
    async with engines.sessions() as s:
        await s.execute(delete(PlatformConfig).where(col(PlatformConfig.key) == key, owner))
        if value:
            s.add(PlatformConfig(tenant_id=tenant_id, key=key, value=value))
        await s.commit()


def eager_gateway(settings: Settings, engines: Engines) -> LlmGateway:
    """A gateway that re-reads routing and spend on every call: each test stores its own."""
    tuned = settings.model_copy(update={"llm_config_ttl_s": 0.0, "llm_spend_cache_s": 0.0})
    return build_gateway(tuned, engines.sessions)


def local_activities(history: WorkflowHistory) -> list[str]:
    """The activity types a workflow ran as local activities, in order: each is a marker
    whose "data" detail is the SDK's JSON record of the call."""
    names = []
    for event in history.events:
        if not event.HasField("marker_recorded_event_attributes"):
            continue
        data = event.marker_recorded_event_attributes.details.get("data")
        if data is not None and data.payloads:
            names.append(json.loads(data.payloads[0].data)["activity_type"])
    return names
