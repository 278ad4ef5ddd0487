"""Idempotent seeding of the demo clinics, the demo API-key file, and `python -m store.seed`."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import fields
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import SQLModel, col, or_, select

from core.logging import setup_logging
from core.settings import get_settings
from store.db import make_engine, make_session_factory
from store.demo_data import CLINICS, ClinicSpec, PatientSpec
from store.keys import hash_api_key, new_api_key
from store.models import (
    ApiKey,
    Appointment,
    AuditLog,
    KnowledgeBaseArticle,
    Patient,
    PatientInsurance,
    Prescription,
    Site,
    Staff,
    Tenant,
    User,
)
from store.seed_content.articles_loader import ArticleSource, load_articles
from store.timeutil import (
    local_to_utc_naive,
    utc_naive_to_local,
    weekday_in_weeks,
    within_working_hours,
)

# A fixed name, since under `python -m` __name__ would be "__main__".
log = logging.getLogger("aurixa.seed")

_M = TypeVar("_M", bound=SQLModel)

CONTENT_DIR = Path(__file__).resolve().parent / "seed_content"


async def seed_demo(
    sessions: async_sessionmaker[AsyncSession],
    *,
    today: date | None = None,
    content_dir: Path | None = None,
) -> dict[str, str]:
    """Seeds the demo clinics once; returns label -> raw API key for the keys it created.

    Each clinic is checked and inserted in its own transaction, and one that already exists is
    left untouched, so a second call returns {} and a run interrupted between clinics is
    completed by the next one.
    """
    today = today or date.today()
    content_dir = content_dir or CONTENT_DIR
    keys: dict[str, str] = {}
    for clinic in CLINICS:
        articles = await asyncio.to_thread(load_articles, content_dir / clinic.articles_dir)
        keys |= await _seed_if_missing(sessions, clinic, articles, today) or {}
    return keys


async def _seed_if_missing(
    sessions: async_sessionmaker[AsyncSession],
    clinic: ClinicSpec,
    articles: list[ArticleSource],
    today: date,
) -> dict[str, str] | None:
    """The new keys, or None when the clinic already exists."""
    name = clinic.tenant.name
    try:
        async with sessions() as session, session.begin():
            if await _tenant_exists(session, clinic):
                log.info("demo clinic %r already exists; left unchanged", name)
                return None
            keys, counts = await _seed_clinic(session, clinic, articles, today)
    except IntegrityError:
        # Another process seeded this clinic between our check and our commit.
        log.info("demo clinic %r was seeded concurrently; left unchanged", name)
        return None
    log.info("seeded demo clinic %r: %s", name, dict(counts))
    return keys


async def _tenant_exists(session: AsyncSession, clinic: ClinicSpec) -> bool:
    spec = clinic.tenant
    match = or_(col(Tenant.name) == spec.name, col(Tenant.domain) == spec.domain)
    return (await session.execute(select(col(Tenant.id)).where(match))).first() is not None


async def _seed_clinic(
    session: AsyncSession, clinic: ClinicSpec, articles: list[ArticleSource], today: date
) -> tuple[dict[str, str], Counter[str]]:
    counts: Counter[str] = Counter()
    tenant = _row(Tenant, clinic.tenant)
    await _add(session, counts, [tenant])
    tid = _id(tenant)

    sites = [_row(Site, s, tenant_id=tid) for s in clinic.sites]
    await _add(session, counts, sites)
    providers = [
        _row(Staff, p, tenant_id=tid, site_id=sites[p.site].id, working_hours=p.working_hours())
        for p in clinic.providers
    ]
    office = [
        _row(Staff, u, tenant_id=tid, site_id=sites[u.site].id, is_provider=False)
        for u in clinic.staff_users
    ]
    await _add(session, counts, providers + office)

    patients = [_row(Patient, p, tenant_id=tid) for p in clinic.patients]
    await _add(session, counts, patients)
    for p, row in zip(clinic.patients, patients, strict=True):
        records = _patient_records(p, row, providers, clinic.tenant.timezone, today)
        await _add(session, counts, records)

    logins = zip(clinic.patients[: clinic.patient_logins], patients, strict=False)
    users = [
        (
            f"{clinic.key}-patient-{n}",
            _row(User, p, tenant_id=tid, role="patient", patient_id=row.id),
        )
        for n, (p, row) in enumerate(logins, start=1)
    ] + [
        (f"{clinic.key}-{u.role}", _row(User, u, tenant_id=tid, staff_id=row.id))
        for u, row in zip(clinic.staff_users, office, strict=True)
    ]
    await _add(session, counts, [user for _, user in users])

    keys = {label: new_api_key() for label, _ in users}
    # The prefix lets an operator recognise a key in listings without storing the secret.
    api_keys = [
        ApiKey(
            tenant_id=tid,
            user_id=_id(user),
            key_hash=hash_api_key(keys[label]),
            prefix=keys[label][:8],
            label=label,
        )
        for label, user in users
    ]
    kb = [
        _row(
            KnowledgeBaseArticle,
            a,
            tenant_id=tid,
            status="published",
            slug=a.slug,
            meta_data={"slug": a.slug},
        )
        for a in articles
    ]
    await _add(session, counts, [*api_keys, *kb])

    details = {"counts": dict(counts), "key_labels": sorted(keys), "seed_date": today.isoformat()}
    audit = AuditLog(
        tenant_id=tid, service="seed", action="seed_demo", actor="system:seed", details=details
    )
    await _add(session, counts, [audit])
    return keys, counts


def _patient_records(
    spec: PatientSpec, patient: Patient, providers: list[Staff], tz: str, today: date
) -> list[SQLModel]:
    owner = {"tenant_id": patient.tenant_id, "patient_id": _id(patient)}
    valid_until = today + timedelta(days=spec.insurance.valid_until_days)
    rows: list[SQLModel] = [
        _row(PatientInsurance, spec.insurance, valid_until=valid_until, **owner)
    ]
    for rx in spec.prescriptions:
        filled = local_to_utc_naive(today - timedelta(days=rx.last_filled_days_ago), "10:00", tz)
        rows.append(_row(Prescription, rx, last_filled_at=filled, **owner))
    for appt in spec.appointments:
        provider = providers[appt.provider]
        day = weekday_in_weeks(today, appt.weeks, appt.weekday)
        start = local_to_utc_naive(day, appt.hhmm, tz)
        _check_bookable(provider, start, tz, f"{spec.full_name} {appt}")
        end = start + timedelta(minutes=provider.slot_minutes)
        rows.append(
            _row(
                Appointment,
                appt,
                staff_id=_id(provider),
                site_id=provider.site_id,
                provider_name=provider.full_name,
                start_time=start,
                end_time=end,
                **owner,
            )
        )
    return rows


def _row(model: type[_M], spec: Any, **extra: Any) -> _M:
    """A `model` row from the fields `spec` shares with it, plus `extra`.

    Spec fields the table lacks (list indexes, nested specs, day offsets) are skipped, which is
    what lets the demo data stay plain dataclasses without a mapping per table.
    """
    shared = {f.name: getattr(spec, f.name) for f in fields(spec) if f.name in model.model_fields}
    return model(**(shared | extra))


def _check_bookable(provider: Staff, start: datetime, tz: str, what: str) -> None:
    # Demo data that violates the booking rules would mislead every scheduling test downstream.
    local = utc_naive_to_local(start, tz)
    if not within_working_hours(provider.working_hours, local, provider.slot_minutes):
        raise ValueError(f"demo appointment outside {provider.full_name}'s hours: {what}")


async def _add(session: AsyncSession, counts: Counter[str], rows: Sequence[SQLModel]) -> None:
    """Adds and flushes so the rows get their ids for the foreign keys that follow."""
    session.add_all(rows)
    await session.flush()
    for row in rows:
        counts[type(row).__name__] += 1


def _id(row: Tenant | Staff | Patient | User) -> int:
    if row.id is None:
        raise RuntimeError(f"{type(row).__name__} has no id; was it flushed?")
    return row.id


def read_demo_keys(path: Path) -> dict[str, str]:
    """The label -> raw key map in `path`, or {} when the file does not exist yet."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise ValueError(f"{path}: expected a JSON object of label -> key strings")
    return data


def write_demo_keys(path: Path, keys: dict[str, str]) -> None:
    """Merges `keys` into the JSON file at `path`, readable by the owner only (0600)."""
    merged = read_demo_keys(path) | keys
    path.parent.mkdir(parents=True, exist_ok=True)
    # mkstemp creates the file 0600 from the start, and the rename means a crash mid-write
    # never leaves a truncated key file; the secrets are never world-readable, even briefly.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(merged, fh, indent=2, sort_keys=True)
            fh.write("\n")
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


async def _main() -> None:
    settings = get_settings()
    engine = make_engine(settings.effective_database_url, settings)
    try:
        keys = await seed_demo(make_session_factory(engine))
    finally:
        await engine.dispose()
    if not keys:
        log.info(
            "demo clinics already exist; nothing seeded, %s unchanged", settings.demo_keys_file
        )
        return
    write_demo_keys(settings.demo_keys_file, keys)
    log.info(
        "created %d demo API keys (%s); written to %s",
        len(keys),
        ", ".join(sorted(keys)),
        settings.demo_keys_file,
    )


def main() -> None:
    settings = get_settings()
    setup_logging("seed", settings.log_level, json_output=settings.log_json)
    asyncio.run(_main())


if __name__ == "__main__":
    main()
