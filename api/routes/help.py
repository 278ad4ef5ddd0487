"""/api/v1/help/articles: the tenant's published articles, readable by any signed-in caller."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, func, select

from api.auth import PrincipalDep
from api.deps import StateDep
from api.knowledge_schemas import SLUG_PATTERN
from api.times import UtcDateTime
from core.errors import NotFound
from store.models import KnowledgeBaseArticle

from .admin_knowledge import MAX_ID, MAX_OFFSET, title_filter

router = APIRouter(prefix="/api/v1/help", tags=["help"])
PUBLISHED = "published"


class HelpSummary(BaseModel):
    id: int
    slug: str | None
    title: str
    category: str
    updated_at: UtcDateTime


class HelpArticle(HelpSummary):
    content: str


class HelpList(BaseModel):
    articles: list[HelpSummary]
    total: int
    limit: int
    offset: int


def _summary(row: KnowledgeBaseArticle) -> HelpSummary:
    return HelpSummary(
        id=row.id or 0,
        slug=row.slug,
        title=row.title,
        category=row.category,
        updated_at=row.updated_at,
    )


@router.get("/articles", response_model=HelpList)
async def list_help(
    state: StateDep,
    who: PrincipalDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    category: Annotated[str | None, Query(max_length=60)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> HelpList:
    query = select(KnowledgeBaseArticle).where(
        KnowledgeBaseArticle.tenant_id == who.tenant_id, KnowledgeBaseArticle.status == PUBLISHED
    )
    if category:
        query = query.where(KnowledgeBaseArticle.category == category)
    query = title_filter(query, q)
    async with state.sessions() as session:
        total = await session.scalar(select(func.count()).select_from(query.subquery()))
        rows = await session.scalars(
            query.order_by(col(KnowledgeBaseArticle.title), col(KnowledgeBaseArticle.id))
            .limit(limit)
            .offset(offset)
        )
        items = [_summary(r) for r in rows]
    return HelpList(articles=items, total=int(total or 0), limit=limit, offset=offset)


async def _published(
    session: AsyncSession, tenant_id: int, **where: object
) -> KnowledgeBaseArticle | None:
    return await session.scalar(
        select(KnowledgeBaseArticle).filter_by(tenant_id=tenant_id, status=PUBLISHED, **where)
    )


@router.get("/articles/{ref}", response_model=HelpArticle)
async def get_help(
    ref: Annotated[str, Path(max_length=80)], state: StateDep, who: PrincipalDep
) -> HelpArticle:
    """By id or by slug; a draft or another tenant's article is simply not found."""
    row = None
    async with state.sessions() as session:
        # An all-digit slug is legal, so a number that is no id is tried as a slug too.
        if ref.isascii() and ref.isdigit() and int(ref) <= MAX_ID:
            row = await _published(session, who.tenant_id, id=int(ref))
        if row is None and re.fullmatch(SLUG_PATTERN, ref):
            row = await _published(session, who.tenant_id, slug=ref)
    if row is None:
        raise NotFound("No such help article.")
    return HelpArticle(**_summary(row).model_dump(), content=row.content)
