"""/api/v1/admin/api-keys and /api/v1/admin/audit: who can get in, and what they did.

A key is shown once, when it is made; only its SHA-256 and first characters are stored.
Every creation and revocation is itself audited. All of it is tenant-scoped: another
clinic's key or audit row is indistinguishable from none.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field
from sqlalchemy import func
from sqlmodel import col, select

from api.auth import Principal, PrincipalDep, audit_row
from api.deps import StateDep
from api.paging import naive_utc, page
from api.times import UtcDateTime
from core.errors import NotFound, PermissionDenied
from store.keys import hash_api_key, new_api_key
from store.models import ApiKey, AuditLog, User, utcnow

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])
RowId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def _admin(who: PrincipalDep) -> Principal:
    if who.role != "admin":
        raise PermissionDenied("Only a clinic admin can manage keys and read the audit log.")
    return who


AdminDep = Annotated[Principal, Depends(_admin)]


class KeyCreate(BaseModel):
    user_id: int = Field(ge=1, le=2**31 - 1)
    label: str = Field(default="", max_length=80)


class KeyOut(BaseModel):
    id: int
    user_id: int
    role: str
    label: str
    prefix: str
    created_at: UtcDateTime
    revoked_at: UtcDateTime | None


class KeyCreated(KeyOut):
    key: str  # shown once


class KeyPage(BaseModel):
    keys: list[KeyOut]
    total: int


class AuditOut(BaseModel):
    id: int
    service: str
    action: str
    actor: str
    severity: str
    details: dict[str, object]
    request_id: str | None
    created_at: UtcDateTime


class AuditPage(BaseModel):
    entries: list[AuditOut]
    total: int
    limit: int
    offset: int


def _key_out(key: ApiKey, user: User) -> KeyOut:
    return KeyOut(
        id=key.id or 0,
        user_id=key.user_id,
        role=user.role,
        label=key.label,
        prefix=key.prefix,
        created_at=key.created_at,
        revoked_at=key.revoked_at,
    )


def _audit(who: Principal, action: str, details: dict[str, object]) -> AuditLog:
    return audit_row(who, "access", action, details)


@router.get("/api-keys", response_model=KeyPage)
async def list_keys(
    state: StateDep,
    who: AdminDep,
    include_revoked: bool = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> KeyPage:
    where = [col(ApiKey.tenant_id) == who.tenant_id]
    if not include_revoked:
        where.append(col(ApiKey.revoked_at).is_(None))
    async with state.sessions() as session:
        total = await session.scalar(select(func.count()).select_from(ApiKey).where(*where))
        rows = await session.execute(
            select(ApiKey, User)
            .join(User, col(User.id) == ApiKey.user_id)
            .where(*where)
            .order_by(col(ApiKey.id))
            .limit(limit)
            .offset(offset)
        )
        keys = [_key_out(key, user) for key, user in rows.all()]
    return KeyPage(keys=keys, total=total or 0)


@router.post("/api-keys", response_model=KeyCreated, status_code=201)
async def create_key(body: KeyCreate, state: StateDep, who: AdminDep) -> KeyCreated:
    raw = new_api_key()
    async with state.sessions() as session:
        user = await session.get(User, body.user_id)
        if user is None or user.tenant_id != who.tenant_id:
            raise NotFound("No such user.")
        key = ApiKey(
            tenant_id=who.tenant_id,
            user_id=body.user_id,
            key_hash=hash_api_key(raw),
            prefix=raw[:8],
            label=body.label,
        )
        session.add(key)
        await session.flush()
        # The prefix identifies the key in the audit trail; the key itself is never stored.
        session.add(
            _audit(
                who,
                "api_key_created",
                {"key_id": key.id, "user_id": body.user_id, "prefix": key.prefix},
            )
        )
        await session.commit()
        await session.refresh(key)
        out = _key_out(key, user)
    return KeyCreated(**out.model_dump(), key=raw)


@router.delete("/api-keys/{key_id}", response_model=KeyOut)
async def revoke_key(key_id: RowId, state: StateDep, who: AdminDep) -> KeyOut:
    async with state.sessions() as session:
        key = await session.get(ApiKey, key_id)
        if key is None or key.tenant_id != who.tenant_id:
            raise NotFound("No such API key.")
        user = await session.get(User, key.user_id)
        assert user is not None
        if key.revoked_at is None:
            key.revoked_at = utcnow()
            session.add(_audit(who, "api_key_revoked", {"key_id": key.id, "prefix": key.prefix}))
            await session.commit()
            await session.refresh(key)
        return _key_out(key, user)


@router.get("/audit", response_model=AuditPage)
async def list_audit(
    state: StateDep,
    who: AdminDep,
    actor: Annotated[str | None, Query(max_length=80)] = None,
    action: Annotated[str | None, Query(max_length=80)] = None,
    service: Annotated[str | None, Query(max_length=40)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> AuditPage:
    where = [col(AuditLog.tenant_id) == who.tenant_id]
    if actor:
        where.append(col(AuditLog.actor) == actor)
    if action:
        where.append(col(AuditLog.action) == action)
    if service:
        where.append(col(AuditLog.service) == service)
    if since:
        where.append(col(AuditLog.created_at) >= naive_utc(since))
    if until:
        where.append(col(AuditLog.created_at) < naive_utc(until))
    order = [col(AuditLog.id).desc()]
    async with state.sessions() as session:
        total, rows = await page(session, AuditLog, where, order, limit, offset)
    entries = [AuditOut.model_validate(r, from_attributes=True) for r in rows]
    return AuditPage(entries=entries, total=total, limit=limit, offset=offset)
