"""A clinic's safety policy as stored (platform_config), read by the engine and the admin API."""

from __future__ import annotations

import json

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import select

from core.safety_policy import POLICY_KEY, SafetyPolicy
from store.models import PlatformConfig


async def load_policy(sessions: async_sessionmaker[AsyncSession], tenant_id: int) -> SafetyPolicy:
    async with sessions() as session:
        value = await session.scalar(
            select(PlatformConfig.value).where(
                PlatformConfig.tenant_id == tenant_id, PlatformConfig.key == POLICY_KEY
            )
        )
    return SafetyPolicy.from_json(json.loads(value) if value else None)
