"""Shared resources from the lifespan, handed to routes through Annotated dependencies."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from temporalio.client import Client

from api.jwt_auth import JwtVerifier
from api.ratelimit import RateLimiter
from core.codec import EncryptionCodec
from core.errors import ServiceUnavailable
from core.settings import Settings
from core.temporal import connect


@dataclass
class TemporalLink:
    """Connects lazily so the API starts (and reports health) even while Temporal is down."""

    settings: Settings
    client: Client | None = None
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def get(self) -> Client:
        if self.client is not None:
            return self.client
        async with self._lock:
            if self.client is None:
                try:
                    self.client = await asyncio.wait_for(connect(self.settings), timeout=5)
                except (TimeoutError, RuntimeError, OSError) as err:
                    raise ServiceUnavailable("The workflow engine is unavailable.") from err
            return self.client


@dataclass
class AppState:
    settings: Settings
    db: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    temporal: TemporalLink
    limiter: RateLimiter
    started_at: float
    codec: EncryptionCodec | None = None
    jwt: JwtVerifier | None = None


def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.aurixa
    return state


async def get_temporal(state: Annotated[AppState, Depends(get_state)]) -> Client:
    return await state.temporal.get()


StateDep = Annotated[AppState, Depends(get_state)]
TemporalDep = Annotated[Client, Depends(get_temporal)]
