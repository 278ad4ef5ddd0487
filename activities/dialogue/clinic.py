"""The tenant facts a dialogue turn reads: its local clock, its providers and its sites."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col, select

from store.models import Site, Staff, Tenant
from store.timeutil import now_local

from ..tools.slots import NamedEntity
from .follow import Clinic


async def load_clinic(sessions: async_sessionmaker[AsyncSession], tenant_id: int) -> Clinic:
    async with sessions() as session:
        tenant = await session.get(Tenant, tenant_id)
        providers = await session.scalars(
            select(Staff)
            .where(Staff.tenant_id == tenant_id, Staff.is_provider)
            .order_by(col(Staff.id))
        )
        sites = await session.scalars(select(Site).where(Site.tenant_id == tenant_id))
        return Clinic(
            now=now_local(tenant.timezone if tenant else "UTC").replace(tzinfo=None),
            providers=[NamedEntity(p.id or 0, p.full_name) for p in providers],
            sites=[s.name for s in sites],
        )
