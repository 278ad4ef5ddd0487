"""/api/v1/admin/intents: a tenant's own intents, examples and keyword rules.

Changes are rows in tenant_intents; the worker's classify activity reads them on every
turn and refits that tenant's model when they changed, so no restart is needed.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Response
from pydantic import BaseModel, Field, field_validator, model_validator
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from api.auth import Principal, PrincipalDep
from api.deps import StateDep
from core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from core.intent_catalog import IntentDef, load_default_intents
from core.logging import request_id_var
from core.tenant_regex import check_rule
from store.models import AuditLog, TenantIntent, utcnow

router = APIRouter(prefix="/api/v1/admin/intents", tags=["admin"])

NAME_PATTERN = r"^[a-z][a-z0-9_]{1,47}$"
_DEFAULTS: dict[str, IntentDef] = {i.name: i for i in load_default_intents()}
# Tenant intents answer from the knowledge base, chat back, or hand off; "agent" intents
# need a tool plan, which is code (activities/tools/planner.py).
TenantPath = Literal["knowledge", "smalltalk", "handoff"]
Example = Annotated[str, Field(min_length=2, max_length=300)]
Rule = Annotated[str, Field(min_length=2, max_length=200)]


# A quantified group that is itself quantified, like (a+)+, can backtrack exponentially;
# tenant rules run on every turn in the worker, so such shapes are refused up front.
_NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)[+*{]")


def _check_rules(rules: list[str]) -> list[str]:
    for rule in rules:
        if _NESTED_QUANTIFIER.search(rule):
            raise ValueError(f"rule {rule!r} nests quantifiers; write it without (x+)+ shapes")
        # Invalid, or slow on adversarial long messages: refused before it is stored.
        check_rule(rule)
    return rules


class IntentCreate(BaseModel):
    name: str = Field(pattern=NAME_PATTERN)
    path: TenantPath
    description: str = Field(min_length=3, max_length=300)
    examples: list[Example] = Field(min_length=3, max_length=200)
    rules: list[Rule] = Field(default_factory=list, max_length=20)
    priority: int = Field(default=0, ge=0, le=100)

    _rules = field_validator("rules")(_check_rules)


class IntentUpdate(BaseModel):
    """For a default intent only description, priority, examples and rules can change."""

    path: TenantPath | None = None
    description: str | None = Field(default=None, min_length=3, max_length=300)
    examples: list[Example] | None = Field(default=None, max_length=200)
    rules: list[Rule] | None = Field(default=None, max_length=20)
    priority: int | None = Field(default=None, ge=0, le=100)

    _rules = field_validator("rules")(_check_rules)

    @model_validator(mode="before")
    @classmethod
    def _no_nulls(cls, data: Any) -> Any:
        # Leave a field out to keep it; null is not a description, a list or a priority.
        if isinstance(data, dict):
            nulls = sorted(k for k, v in data.items() if v is None)
            if nulls:
                raise ValueError(f"omit {', '.join(nulls)} to keep the current value, not null")
        return data


class ExamplesIn(BaseModel):
    examples: list[Example] = Field(min_length=1, max_length=200)


class IntentOut(BaseModel):
    name: str
    path: str
    description: str
    source: Literal["default", "custom", "extended"]
    priority: int
    rules: list[str]
    examples: list[str]
    tenant_examples: list[str]


class IntentList(BaseModel):
    intents: list[IntentOut]


def _require_staff(who: Principal) -> Principal:
    if not who.is_staff:
        raise PermissionDenied("Only clinic staff can see the intent catalogue.")
    return who


def _require_admin(who: PrincipalDep) -> Principal:
    if who.role != "admin":
        raise PermissionDenied("Only a clinic admin can change intents.")
    return who


AdminDep = Annotated[Principal, Depends(_require_admin)]
NameArg = Annotated[str, Path(pattern=NAME_PATTERN)]


def _out(name: str, row: TenantIntent | None) -> IntentOut:
    base = _DEFAULTS.get(name)
    extra = list(row.examples or []) if row else []
    if base is None:
        assert row is not None  # a non-default name exists only as a tenant row
        return IntentOut(
            name=name,
            path=row.path or "knowledge",
            description=row.description or "",
            source="custom",
            priority=row.priority or 0,
            rules=list(row.rules or []),
            examples=extra,
            tenant_examples=extra,
        )
    return IntentOut(
        name=name,
        path=base.path,
        description=(row.description if row and row.description else base.description),
        source="extended" if row else "default",
        priority=(row.priority if row and row.priority else base.priority),
        rules=list(base.rules)
        + [r for r in (row.rules or [] if row else []) if r not in base.rules],
        examples=list(base.examples) + [e for e in extra if e not in base.examples],
        tenant_examples=extra,
    )


async def _row(session: AsyncSession, tenant_id: int, name: str) -> TenantIntent | None:
    return await session.scalar(
        select(TenantIntent).where(TenantIntent.tenant_id == tenant_id, TenantIntent.name == name)
    )


def _audit(who: Principal, action: str, name: str) -> AuditLog:
    return AuditLog(
        tenant_id=who.tenant_id,
        service="admin",
        action=action,
        actor=f"user:{who.user_id}",
        details={"intent": name},
        request_id=request_id_var.get(),
    )


@router.get("", response_model=IntentList)
async def list_intents(state: StateDep, who: PrincipalDep) -> IntentList:
    _require_staff(who)
    async with state.sessions() as session:
        rows = {
            r.name: r
            for r in await session.scalars(
                select(TenantIntent)
                .where(TenantIntent.tenant_id == who.tenant_id)
                .order_by(col(TenantIntent.name))
            )
        }
    names = list(_DEFAULTS) + [n for n in rows if n not in _DEFAULTS]
    return IntentList(intents=[_out(n, rows.get(n)) for n in names])


@router.get("/{name}", response_model=IntentOut)
async def get_intent(name: NameArg, state: StateDep, who: PrincipalDep) -> IntentOut:
    _require_staff(who)
    async with state.sessions() as session:
        row = await _row(session, who.tenant_id, name)
    if row is None and name not in _DEFAULTS:
        raise NotFound(f"No intent named {name!r}.")
    return _out(name, row)


@router.post("", response_model=IntentOut, status_code=201)
async def create_intent(body: IntentCreate, state: StateDep, who: AdminDep) -> IntentOut:
    if body.name in _DEFAULTS or body.name in ("clarify",):
        raise Conflict(f"{body.name!r} is a built-in intent; add examples to it instead.")
    async with state.sessions() as session, session.begin():
        if await _row(session, who.tenant_id, body.name) is not None:
            raise Conflict(f"Intent {body.name!r} already exists.")
        row = TenantIntent(tenant_id=who.tenant_id, **body.model_dump())
        session.add(row)
        session.add(_audit(who, "intent_created", body.name))
    return _out(body.name, row)


@router.put("/{name}", response_model=IntentOut)
async def update_intent(
    name: NameArg, body: IntentUpdate, state: StateDep, who: AdminDep
) -> IntentOut:
    if name in _DEFAULTS and body.path is not None and body.path != _DEFAULTS[name].path:
        raise ValidationFailed("A built-in intent's path cannot change.")
    async with state.sessions() as session, session.begin():
        row = await _row(session, who.tenant_id, name)
        if row is None:
            if name not in _DEFAULTS:
                raise NotFound(f"No intent named {name!r}.")
            row = TenantIntent(tenant_id=who.tenant_id, name=name)
            session.add(row)
        if name not in _DEFAULTS and body.examples is not None and len(body.examples) < 3:
            # A custom intent has only its own examples: with none, no classifier can be fitted
            # and every turn of the clinic would fail.
            raise ValidationFailed("A custom intent keeps at least 3 examples.")
        for field, value in body.model_dump(exclude_unset=True).items():
            if field == "path" and name in _DEFAULTS:
                continue
            setattr(row, field, value)
        row.updated_at = utcnow()
        session.add(_audit(who, "intent_updated", name))
    return _out(name, row)


@router.post("/{name}/examples", response_model=IntentOut)
async def add_examples(
    name: NameArg, body: ExamplesIn, state: StateDep, who: AdminDep
) -> IntentOut:
    async with state.sessions() as session, session.begin():
        row = await _row(session, who.tenant_id, name)
        if row is None:
            if name not in _DEFAULTS:
                raise NotFound(f"No intent named {name!r}.")
            row = TenantIntent(tenant_id=who.tenant_id, name=name)
            session.add(row)
        current = list(row.examples or [])
        # A new list object: JSON columns do not notice in-place appends.
        row.examples = current + [e for e in body.examples if e not in current]
        if len(row.examples) > 500:
            raise ValidationFailed("An intent keeps at most 500 tenant examples.")
        row.updated_at = utcnow()
        session.add(_audit(who, "intent_examples_added", name))
    return _out(name, row)


@router.delete("/{name}", status_code=204)
async def delete_intent(name: NameArg, state: StateDep, who: AdminDep) -> Response:
    """Removes a custom intent, or a built-in intent's tenant examples and rules."""
    async with state.sessions() as session, session.begin():
        row = await _row(session, who.tenant_id, name)
        if row is None:
            raise NotFound(f"Intent {name!r} has no tenant changes to remove.")
        await session.delete(row)
        session.add(_audit(who, "intent_deleted", name))
    return Response(status_code=204)
