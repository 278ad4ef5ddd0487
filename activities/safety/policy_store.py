"""What the safety screen reads per tenant besides its policy: the clinic's own public names
and its patients' names."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import select

from activities.tools.patients import PatientName
from store.models import Patient, Site, Staff


async def public_names(sessions: async_sessionmaker[AsyncSession], tenant_id: int) -> list[str]:
    """The tenant's staff and site names, addresses and phones: the clinic's own, not a
    patient's, so "book me with Dr. Chen" keeps the name the planner must resolve. A patient
    who shares a provider's surname keeps it too; that is the price of resolving providers."""
    async with sessions() as session:
        staff = await session.scalars(select(Staff.full_name).where(Staff.tenant_id == tenant_id))
        names: list[str] = []
        for full in staff:
            # People write "Dr Chen" as often as "Dr. Maya Chen": allow the short forms too.
            last = full.replace("Dr.", "").split()[-1] if full.split() else full
            names += [full, f"Dr {last}", f"Doctor {last}"]
        for site in await session.scalars(select(Site).where(Site.tenant_id == tenant_id)):
            names += [site.name, site.address, site.phone or ""]
    return [n for n in names if n]


async def patient_names(
    sessions: async_sessionmaker[AsyncSession], tenant_id: int
) -> list[PatientName]:
    """The tenant's patients, for a staff member's message that names one."""
    async with sessions() as session:
        rows = await session.execute(
            select(Patient.id, Patient.full_name).where(Patient.tenant_id == tenant_id)
        )
        return [PatientName(pid or 0, name) for pid, name in rows]
