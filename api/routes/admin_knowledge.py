"""/api/v1/admin/knowledge: staff edit their tenant's articles; each change queues its ingestion."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, func, select
from temporalio.client import WorkflowQueryFailedError, WorkflowQueryRejectedError
from temporalio.service import RPCError

from api.auth import Principal, PrincipalDep
from api.deps import AppState, StateDep
from api.knowledge_schemas import (
    SLUG_MAX,
    ArticleChange,
    ArticleCreate,
    ArticleDeleted,
    ArticleDetail,
    ArticleList,
    ArticleOut,
    ArticleSummary,
    ArticleUpdate,
    IngestionDetail,
    IngestionOut,
    Status,
    slugify,
)
from core.errors import (
    AurixaError,
    Conflict,
    NotFound,
    PermissionDenied,
    ServiceUnavailable,
    ValidationFailed,
)
from core.knowledge import IngestProgress
from core.knowledge_client import ingestion_row, signal_ingestion
from core.logging import request_id_var
from core.workflow_refs import KNOWLEDGE_PROGRESS
from store.models import AuditLog, KnowledgeBaseArticle, KnowledgeIngestion, utcnow

router = APIRouter(prefix="/api/v1/admin/knowledge", tags=["admin"])
log = logging.getLogger("aurixa.api")

# Past this the engine is down or stuck; the change is saved either way.
TEMPORAL_TIMEOUT_S = 10.0
# Ids are 32-bit in PostgreSQL; a larger number must be a 422, not a driver error.
MAX_ID = 2**31 - 1
MAX_OFFSET = 1_000_000
ENGINE_ERRORS = (ServiceUnavailable, RPCError, TimeoutError)


class IngestionUnavailable(AurixaError):
    code = "ingestion_unavailable"
    status = 503


def _require_staff(who: PrincipalDep) -> Principal:
    if not who.is_staff:
        raise PermissionDenied("Only clinic staff can manage the knowledge base.")
    return who


def _require_admin(who: PrincipalDep) -> Principal:
    if who.role != "admin":
        raise PermissionDenied("Only a clinic admin can re-index the knowledge base.")
    return who


StaffDep = Annotated[Principal, Depends(_require_staff)]
AdminDep = Annotated[Principal, Depends(_require_admin)]
ArticleId = Annotated[int, Path(ge=1, le=MAX_ID)]


def _actor(who: Principal) -> str:
    return f"user:{who.user_id}"


def _audit(who: Principal, action: str, details: dict[str, Any]) -> AuditLog:
    # Ids and titles only: article bodies can be long and are already versioned in place.
    return AuditLog(
        tenant_id=who.tenant_id,
        service="knowledge",
        action=action,
        actor=_actor(who),
        details=details,
        request_id=request_id_var.get(),
    )


def _check_content(content: str | None, state: AppState) -> None:
    limit = state.settings.knowledge_max_article_chars
    if content is not None and len(content) > limit:
        raise ValidationFailed(f"The content is longer than {limit} characters.")


def title_filter(query: Any, q: str | None) -> Any:
    """Case-insensitive title substring; LIKE wildcards in `q` match literally."""
    if not q:
        return query
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return query.where(col(KnowledgeBaseArticle.title).ilike(f"%{escaped}%", escape="\\"))


async def _article(session: AsyncSession, tenant_id: int, article_id: int) -> KnowledgeBaseArticle:
    row = await session.get(KnowledgeBaseArticle, article_id)
    if row is None or row.tenant_id != tenant_id:
        raise NotFound(f"No article {article_id}.")
    return row


async def _free_slug(session: AsyncSession, tenant_id: int, base: str) -> str:
    """`base`, or `base-2`, `base-3`... whichever the tenant does not use yet."""
    taken = set(
        await session.scalars(
            select(KnowledgeBaseArticle.slug).where(
                KnowledgeBaseArticle.tenant_id == tenant_id,
                col(KnowledgeBaseArticle.slug).startswith(base, autoescape=True),
            )
        )
    )
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base[: SLUG_MAX - len(str(n)) - 1].rstrip('-')}-{n}"
    return slug


async def _claim(session: AsyncSession, tenant_id: int, slug: str) -> None:
    if await _free_slug(session, tenant_id, slug) != slug:
        raise Conflict(f"An article with slug {slug!r} already exists.")


def _record(
    session: AsyncSession,
    who: Principal,
    action: str,
    article: KnowledgeBaseArticle,
    **extra: Any,
) -> KnowledgeIngestion:
    """The ingestion request and the audit row, added to the change's own transaction."""
    assert article.id is not None
    row = ingestion_row(who.tenant_id, action, _actor(who), article.id)
    details = {"article_id": article.id, "slug": article.slug, "title": article.title}
    session.add_all([row, _audit(who, f"{action}_article", details | extra)])
    return row


async def _latest(
    session: AsyncSession, tenant_id: int, article_ids: list[int]
) -> dict[int, KnowledgeIngestion]:
    rows = await session.scalars(
        select(KnowledgeIngestion)
        .where(
            KnowledgeIngestion.tenant_id == tenant_id,
            col(KnowledgeIngestion.article_id).in_(article_ids),
        )
        .order_by(col(KnowledgeIngestion.created_at))
    )
    return {r.article_id: r for r in rows if r.article_id is not None}


async def _queue(state: AppState, row: KnowledgeIngestion) -> None:
    """Signals after the commit; an unreachable engine leaves the saved request queued."""
    try:
        client = await state.temporal.get()
        await asyncio.wait_for(
            signal_ingestion(client, state.settings, row), timeout=TEMPORAL_TIMEOUT_S
        )
    except ENGINE_ERRORS as err:
        log.warning("ingestion signal failed", extra={"exc_type": type(err).__name__})
        what = "re-index was requested" if row.article_id is None else "change was saved"
        raise IngestionUnavailable(
            f"The {what}, but the indexing engine is unavailable; "
            "the next re-index will bring the search index up to date."
        ) from err


async def _live(state: AppState, row: KnowledgeIngestion) -> dict[str, Any] | None:
    try:
        client = await state.temporal.get()
        handle = client.get_workflow_handle(row.workflow_id)
        progress = await asyncio.wait_for(
            handle.query(KNOWLEDGE_PROGRESS, result_type=IngestProgress),
            timeout=TEMPORAL_TIMEOUT_S,
        )
    except (*ENGINE_ERRORS, WorkflowQueryFailedError, WorkflowQueryRejectedError):
        return None
    return dataclasses.asdict(progress)


def _change(article: KnowledgeBaseArticle, row: KnowledgeIngestion) -> ArticleChange:
    return ArticleChange(
        article=ArticleOut.model_validate(article), ingestion=IngestionOut.model_validate(row)
    )


@router.get("", response_model=ArticleList)
async def list_articles(
    state: StateDep,
    who: StaffDep,
    status: Status | None = None,
    category: Annotated[str | None, Query(max_length=60)] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> ArticleList:
    query = select(KnowledgeBaseArticle).where(KnowledgeBaseArticle.tenant_id == who.tenant_id)
    if status:
        query = query.where(KnowledgeBaseArticle.status == status)
    if category:
        query = query.where(KnowledgeBaseArticle.category == category)
    query = title_filter(query, q)
    async with state.sessions() as session:
        total = await session.scalar(select(func.count()).select_from(query.subquery()))
        rows = list(
            await session.scalars(
                query.order_by(
                    col(KnowledgeBaseArticle.updated_at).desc(), col(KnowledgeBaseArticle.id)
                )
                .limit(limit)
                .offset(offset)
            )
        )
        latest = await _latest(session, who.tenant_id, [r.id for r in rows if r.id])
    items = [ArticleSummary.model_validate(r) for r in rows]
    for item in items:
        item.index_status = latest[item.id].status if item.id in latest else None
    return ArticleList(articles=items, total=int(total or 0), limit=limit, offset=offset)


@router.post("", response_model=ArticleChange, status_code=201)
async def create_article(body: ArticleCreate, state: StateDep, who: StaffDep) -> ArticleChange:
    _check_content(body.content, state)
    try:
        async with state.sessions() as session, session.begin():
            if body.slug:
                await _claim(session, who.tenant_id, body.slug)
            slug = body.slug or await _free_slug(session, who.tenant_id, slugify(body.title))
            fields = body.model_dump() | {"slug": slug}
            article = KnowledgeBaseArticle(tenant_id=who.tenant_id, **fields)
            session.add(article)
            await session.flush()  # assigns the id the ingestion row points at
            row = _record(session, who, "create", article)
    except IntegrityError as err:
        # Two requests raced for the same slug; the loser changed nothing.
        raise Conflict("An article with that slug was just created; retry.") from err
    await _queue(state, row)
    return _change(article, row)


@router.post("/reindex", response_model=IngestionOut, status_code=202)
async def reindex(state: StateDep, who: AdminDep) -> IngestionOut:
    # request_reindex's steps, with the audit row in the request row's transaction.
    async with state.sessions() as session, session.begin():
        row = ingestion_row(who.tenant_id, "reindex", _actor(who))
        session.add(row)
        session.add(_audit(who, "reindex", {"ingestion_id": row.id}))
    await _queue(state, row)
    return IngestionOut.model_validate(row)


@router.get("/ingestions/{request_id}", response_model=IngestionDetail)
async def get_ingestion(
    request_id: Annotated[str, Path(max_length=64)], state: StateDep, who: StaffDep
) -> IngestionDetail:
    async with state.sessions() as session:
        row = await session.get(KnowledgeIngestion, request_id)
    if row is None or row.tenant_id != who.tenant_id:
        raise NotFound("No such ingestion request.")
    out = IngestionDetail.model_validate(row)
    if row.status in ("queued", "running"):
        out.live = await _live(state, row)
    return out


@router.get("/{article_id}", response_model=ArticleDetail)
async def get_article(article_id: ArticleId, state: StateDep, who: StaffDep) -> ArticleDetail:
    async with state.sessions() as session:
        article = await _article(session, who.tenant_id, article_id)
        latest = (await _latest(session, who.tenant_id, [article_id])).get(article_id)
    out = ArticleDetail.model_validate(article)
    out.ingestion = IngestionOut.model_validate(latest) if latest else None
    return out


@router.put("/{article_id}", response_model=ArticleChange)
async def update_article(
    article_id: ArticleId, body: ArticleUpdate, state: StateDep, who: StaffDep
) -> ArticleChange:
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    _check_content(changes.get("content"), state)
    try:
        async with state.sessions() as session, session.begin():
            article = await _article(session, who.tenant_id, article_id)
            if changes.get("slug") not in (None, article.slug):
                await _claim(session, who.tenant_id, changes["slug"])
            for field, value in changes.items():
                setattr(article, field, value)
            article.updated_at = utcnow()
            # Queued even when nothing changed: afterwards the index provably matches the row.
            row = _record(session, who, "update", article, fields=sorted(changes))
    except IntegrityError as err:
        raise Conflict("An article with that slug was just created; retry.") from err
    await _queue(state, row)
    return _change(article, row)


@router.delete("/{article_id}", response_model=ArticleDeleted)
async def delete_article(article_id: ArticleId, state: StateDep, who: StaffDep) -> ArticleDeleted:
    async with state.sessions() as session, session.begin():
        article = await _article(session, who.tenant_id, article_id)
        await session.delete(article)
        # The ingestion finds no row and removes the article's chunks from both indexes.
        row = _record(session, who, "delete", article)
    await _queue(state, row)
    return ArticleDeleted(deleted=article_id, ingestion=IngestionOut.model_validate(row))
