"""The demo seed: counts, tenant isolation, bookable appointments, hashed keys, idempotence."""

from __future__ import annotations

import logging
import re
import stat
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import pytest_asyncio
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import SQLModel

import store.seed as seed_module
from core.settings import Settings
from store.db import make_engine, make_session_factory
from store.demo_data import CLINICS, HARBORVIEW, RIVERSIDE
from store.keys import hash_api_key
from store.models import (
    ApiKey,
    Appointment,
    KnowledgeBaseArticle,
    Patient,
    PatientInsurance,
    Prescription,
    Site,
    Staff,
    Tenant,
    User,
)
from store.seed import read_demo_keys, seed_demo, write_demo_keys
from store.seed_content.articles_loader import load_articles
from store.timeutil import local_to_utc_naive, utc_naive_to_local

CONTENT = Path(seed_module.__file__).parent / "seed_content"
TODAY = date(2026, 3, 2)  # the upcoming weeks cross the US switch to daylight time on Mar 8
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
EXPECTED_LABELS = {f"harborview-patient-{n}" for n in range(1, 11)} | {
    "harborview-reception",
    "harborview-admin",
    "riverside-patient-1",
    "riverside-admin",
}


@dataclass
class Seeded:
    sessions: async_sessionmaker[AsyncSession]
    keys: dict[str, str]


@asynccontextmanager
async def _database(path: Path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A fresh SQLite file with every table, as `python -m store.migrate` would leave it."""
    engine = make_engine(f"sqlite+aiosqlite:///{path}")
    try:
        async with engine.begin() as conn:
            await conn.run_sync(SQLModel.metadata.create_all)
        yield make_session_factory(engine)
    finally:
        await engine.dispose()


@pytest_asyncio.fixture
async def seeded(tmp_path: Path) -> AsyncIterator[Seeded]:
    async with _database(tmp_path / "seed.db") as sessions:
        yield Seeded(sessions, await seed_demo(sessions, today=TODAY))


async def _all(sessions: async_sessionmaker[AsyncSession], model: type[Any]) -> list[Any]:
    async with sessions() as session:
        return list((await session.execute(select(model))).scalars())


async def _tenant_ids(sessions: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    return {t.domain: t.id for t in await _all(sessions, Tenant)}


async def test_counts_per_tenant(seeded: Seeded) -> None:
    s = seeded.sessions
    tids = await _tenant_ids(s)
    hv, rv = tids["harborview.example"], tids["riverside.example"]
    assert len([x for x in await _all(s, Site) if x.tenant_id == hv]) == 2
    staff = await _all(s, Staff)
    assert sorted(x.full_name for x in staff if x.tenant_id == hv and x.is_provider) == [
        "Dr. Lucas Ortega",
        "Dr. Maya Chen",
        "Dr. Priya Raman",
        "Dr. Samuel Okafor",
    ]
    assert {x.role for x in staff if x.tenant_id == hv and not x.is_provider} == {
        "reception",
        "admin",
    }
    patients = [p for p in await _all(s, Patient) if p.tenant_id == hv]
    assert len(patients) == 10
    for model in (PatientInsurance, Prescription, Appointment):
        owners = {row.patient_id for row in await _all(s, model)}
        assert all(p.id in owners for p in patients), model.__name__
    articles = await _all(s, KnowledgeBaseArticle)
    assert len([a for a in articles if a.tenant_id == hv]) >= 22
    assert len([a for a in articles if a.tenant_id == rv]) == 3
    assert all(a.status == "published" and a.meta_data.get("slug") for a in articles)


async def test_every_row_belongs_to_its_tenant(seeded: Seeded) -> None:
    s = seeded.sessions
    tenant_of: dict[tuple[str, int], int] = {}
    for model in (Site, Staff, Patient, User):
        for row in await _all(s, model):
            tenant_of[(model.__name__, row.id)] = row.tenant_id
    for row in await _all(s, Staff):
        assert tenant_of[("Site", row.site_id)] == row.tenant_id
    for owned in (PatientInsurance, Prescription, Appointment, User):
        for row in await _all(s, owned):
            if row.patient_id is not None:
                assert tenant_of[("Patient", row.patient_id)] == row.tenant_id
    for row in await _all(s, Appointment):
        assert tenant_of[("Staff", row.staff_id)] == row.tenant_id
        assert tenant_of[("Site", row.site_id)] == row.tenant_id
    for row in await _all(s, User):
        if row.staff_id is not None:
            assert tenant_of[("Staff", row.staff_id)] == row.tenant_id
    for row in await _all(s, ApiKey):
        assert tenant_of[("User", row.user_id)] == row.tenant_id


async def test_riverside_knowledge_is_its_own(seeded: Seeded) -> None:
    tids = await _tenant_ids(seeded.sessions)
    by_tenant: dict[int, str] = {}
    for a in await _all(seeded.sessions, KnowledgeBaseArticle):
        by_tenant[a.tenant_id] = by_tenant.get(a.tenant_id, "") + a.content
    assert "Maple Street garage, level 2" in by_tenant[tids["riverside.example"]]
    assert "Maple Street" not in by_tenant[tids["harborview.example"]]
    assert "7:30 AM" in by_tenant[tids["riverside.example"]]
    assert "7:30 AM" not in by_tenant[tids["harborview.example"]]


@pytest.mark.parametrize("today", [TODAY, date(2026, 10, 26), date(2026, 6, 17)])
async def test_appointments_are_bookable_in_local_time(tmp_path: Path, today: date) -> None:
    async with _database(tmp_path / "tz.db") as sessions:
        await seed_demo(sessions, today=today)
        tz_of = {t.id: ZoneInfo(t.timezone) for t in await _all(sessions, Tenant)}
        staff = {x.id: x for x in await _all(sessions, Staff)}
        mrn_of = {p.id: p.mrn for p in await _all(sessions, Patient)}
        appointments = await _all(sessions, Appointment)
    specs = {
        (p.mrn, a.reason, a.status): a for c in CLINICS for p in c.patients for a in p.appointments
    }
    seeded_at = datetime.combine(today, time(0, 0), tzinfo=UTC).replace(tzinfo=None)
    assert len([a for a in appointments if a.start_time > seeded_at]) >= 12
    for appt in appointments:
        provider = staff[appt.staff_id]
        assert appt.start_time.tzinfo is None
        assert appt.end_time - appt.start_time == timedelta(minutes=provider.slot_minutes)
        assert (appt.provider_name, appt.site_id) == (provider.full_name, provider.site_id)
        assert (appt.start_time > seeded_at) == (appt.status != "completed"), appt
        local = appt.start_time.replace(tzinfo=UTC).astimezone(tz_of[appt.tenant_id])
        # The exact wall-clock time catches a fixed UTC offset that ignores daylight time.
        spec = specs[(mrn_of[appt.patient_id], appt.reason, appt.status)]
        assert (WEEKDAYS[local.weekday()], local.strftime("%H:%M")) == (spec.weekday, spec.hhmm)
        local_end = local + timedelta(minutes=provider.slot_minutes)
        ranges = provider.working_hours.get(WEEKDAYS[local.weekday()], [])
        assert any(
            start <= local.strftime("%H:%M") and local_end.strftime("%H:%M") <= end
            for start, end in ranges
        ), (provider.full_name, local.isoformat(), ranges)
    assert sum(a.status == "cancelled" for a in appointments) == 1


async def test_no_double_booked_live_slots(seeded: Seeded) -> None:
    live = [a for a in await _all(seeded.sessions, Appointment) if a.status != "cancelled"]
    slots = [(a.staff_id, a.start_time) for a in live]
    assert len(slots) == len(set(slots))


async def test_keys_are_stored_only_as_hashes(seeded: Seeded) -> None:
    assert set(seeded.keys) == EXPECTED_LABELS
    async with seeded.sessions() as session:
        dump = repr((await session.execute(text("SELECT * FROM api_keys"))).all())
    keys = {k.label: k for k in await _all(seeded.sessions, ApiKey)}
    users = {u.id: u for u in await _all(seeded.sessions, User)}
    patients = {p.id: p for p in await _all(seeded.sessions, Patient)}
    for label, raw in seeded.keys.items():
        assert raw not in dump
        assert keys[label].key_hash == hash_api_key(raw)
        user = users[keys[label].user_id]
        clinic = HARBORVIEW if label.startswith("harborview-") else RIVERSIDE
        kind, _, n = label.partition("-")[2].partition("-")
        if kind == "patient":
            assert user.role == "patient" and user.staff_id is None
            assert patients[user.patient_id].mrn == clinic.patients[int(n) - 1].mrn
        else:
            assert user.role == kind and user.staff_id is not None and user.patient_id is None
    emily = patients[users[keys["harborview-patient-1"].user_id].patient_id]
    assert emily.full_name == "Emily Carter"


async def test_second_seed_is_a_no_op(seeded: Seeded) -> None:
    tables = sorted(SQLModel.metadata.tables)

    async def counts() -> dict[str, int]:
        async with seeded.sessions() as session:
            return {
                t: (await session.execute(select(func.count()).select_from(text(t)))).scalar_one()
                for t in tables
            }

    before = await counts()
    assert await seed_demo(seeded.sessions, today=TODAY + timedelta(days=3)) == {}
    assert await counts() == before
    assert before["audit_logs"] == 2


async def test_cli_writes_keys_once(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings = Settings(data_dir=tmp_path / "data", database_url="")
    settings.data_dir.mkdir()
    async with _database(settings.data_dir / "aurixa.db"):
        pass
    mp = pytest.MonkeyPatch()
    mp.setattr(seed_module, "get_settings", lambda: settings)
    caplog.set_level(logging.INFO, logger="aurixa.seed")
    try:
        await seed_module._main()
        first = read_demo_keys(settings.demo_keys_file)
        await seed_module._main()
    finally:
        mp.undo()
    assert set(first) == EXPECTED_LABELS
    assert read_demo_keys(settings.demo_keys_file) == first
    assert stat.S_IMODE(settings.demo_keys_file.stat().st_mode) == 0o600
    assert "already exist" in caplog.text


def test_demo_keys_file_merges_and_is_private(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "dir" / "keys.json"
    assert read_demo_keys(path) == {}
    write_demo_keys(path, {"a": "ak_1", "b": "ak_2"})
    write_demo_keys(path, {"b": "ak_3", "c": "ak_4"})
    assert read_demo_keys(path) == {"a": "ak_1", "b": "ak_3", "c": "ak_4"}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["keys.json"]


def test_articles_parse_and_follow_the_house_style() -> None:
    articles = load_articles(CONTENT / "articles")
    assert [a.slug for a in articles] == sorted(a.slug for a in articles)
    for slug in ("opening-hours", "our-providers", "urgent-care-vs-emergency", "insurance-plans"):
        assert slug in {a.slug for a in articles}
    for a in articles + load_articles(CONTENT / "riverside"):
        assert a.title and a.category != "general", a.slug
        assert a.content.startswith("# ") and "\n## " in a.content and "---" not in a.content
        for phone in re.findall(r"\(\d{3}\) \d{3}-\d{4}", a.content):
            assert " 555-01" in phone, (a.slug, phone)
    for a in articles:
        assert 120 <= len(a.content.split()) <= 350, a.slug


def test_local_and_utc_round_trip_across_dst() -> None:
    assert local_to_utc_naive(date(2026, 1, 15), "09:00", "America/New_York") == datetime(
        2026, 1, 15, 14, 0
    )
    summer = local_to_utc_naive(date(2026, 7, 1), "09:00", "America/New_York")
    assert summer == datetime(2026, 7, 1, 13, 0)
    local = utc_naive_to_local(summer, "America/Chicago")
    assert (local.hour, local.utcoffset()) == (8, timedelta(hours=-5))
