"""Tenant-scoped list queries: one count and one page, the same way in every admin list."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

Row = TypeVar("Row")


def naive_utc(moment: datetime) -> datetime:
    """A time to compare with stored ones, which are naive UTC (PostgreSQL refuses to
    compare an offset-aware parameter with them); one given without an offset is UTC."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


async def page(
    session: AsyncSession,
    model: type[Row],
    where: Sequence[Any],
    order: Sequence[Any],
    limit: int,
    offset: int,
) -> tuple[int, list[Row]]:
    """(how many rows match, the page of them in `order`)."""
    total = await session.scalar(select(func.count()).select_from(model).where(*where))
    rows = await session.scalars(
        select(model).where(*where).order_by(*order).limit(limit).offset(offset)
    )
    return total or 0, list(rows)
