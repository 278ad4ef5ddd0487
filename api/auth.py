"""API-key authentication (X-API-Key or a Bearer token): a key maps to a tenant, a user, a role
and maybe a patient."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header
from sqlmodel import col, select

from core.errors import NotFound, PermissionDenied, RateLimited, Unauthenticated
from core.logging import request_id_var
from core.payloads import PATIENT_ROLE, STAFF_ROLES
from store.keys import hash_api_key
from store.models import ApiKey, AuditLog, Patient, User

from .deps import AppState, StateDep
from .jwt_auth import looks_like_jwt


@dataclass(frozen=True)
class Principal:
    tenant_id: int
    user_id: int
    role: str
    patient_id: int | None

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES


async def get_principal(
    state: StateDep,
    x_api_key: Annotated[str | None, Header(alias="X-API-Key")] = None,
    authorization: Annotated[str | None, Header()] = None,
) -> Principal:
    # "Authorization: Bearer <key or JWT>": what identity providers, the Temporal UI and
    # its CLI send.
    if not x_api_key and authorization:
        scheme, _, token = authorization.partition(" ")
        token = token.strip()
        if scheme.lower() == "bearer" and token:
            if looks_like_jwt(token):
                return await _jwt_principal(state, token)
            x_api_key = token
    if not x_api_key:
        raise Unauthenticated(
            "Send your API key in the X-API-Key header (or a bearer token in Authorization)."
        )
    async with state.sessions() as session:
        row = (
            await session.execute(
                select(ApiKey, User)
                .join(User, col(User.id) == ApiKey.user_id)
                .where(ApiKey.key_hash == hash_api_key(x_api_key), ApiKey.revoked_at.is_(None))  # type: ignore[union-attr]
                # A key acts only for a user of its own tenant: a key row pointing at another
                # clinic's user (a bad import, a tampered row) authenticates no one.
                .where(col(User.tenant_id) == ApiKey.tenant_id)
            )
        ).first()
    if row is None:
        raise Unauthenticated("The API key is not valid.")
    key, user = row
    return Principal(key.tenant_id, user.id or 0, user.role, user.patient_id)


async def _jwt_principal(state: AppState, token: str) -> Principal:
    if state.jwt is None or not state.jwt.enabled:
        raise Unauthenticated("Bearer tokens are not configured here; use an API key.")
    claims = await state.jwt.claims(token)
    async with state.sessions() as session:
        user = await session.get(User, claims.user_id)
    # The user must belong to the token's tenant, and the token may not claim more than the
    # user is: role and patient come from the row, the claims only have to agree.
    if user is None or user.tenant_id != claims.tenant_id:
        raise Unauthenticated("The bearer token names no user of its tenant.")
    if claims.role is not None and claims.role != user.role:
        raise Unauthenticated("The bearer token's role does not match the user.")
    if claims.patient_id is not None and claims.patient_id != user.patient_id:
        raise Unauthenticated("The bearer token's patient does not match the user.")
    return Principal(user.tenant_id, user.id or 0, user.role, user.patient_id)


async def get_limited_principal(
    state: StateDep, who: Annotated[Principal, Depends(get_principal)]
) -> Principal:
    """The caller, counted against their tenant's per-minute budget of turns."""
    await charge(state, who)
    return who


async def charge(state: AppState, who: Principal) -> None:
    """Counts one request against the tenant's per-minute budget; 429 when it is spent."""
    limit, window = state.settings.rate_limit_per_minute, state.settings.rate_limit_window_s
    decision = await state.limiter.hit(f"tenant:{who.tenant_id}", limit, window)
    if not decision.allowed:
        # Says what was spent and when to come back; the clinic's admin can raise
        # RATE_LIMIT_PER_MINUTE. Emergencies are not the patient's problem: they were
        # counted like any request, so the message tells them where else to turn.
        raise RateLimited(
            f"This clinic has used its {limit} requests for this {window}-second window; "
            f"retry in {decision.retry_after_s} s. In an emergency call 911.",
            decision.retry_after_s,
            limit,
        )


def _engine_admin(who: Annotated[Principal, Depends(get_limited_principal)]) -> Principal:
    # The raw model gateway and retrieval skip the conversation (tools, escalation, the
    # dialogue): they are the admin's playground, never a patient's door. Patients reach
    # models and the knowledge base through turns.
    if who.role != "admin":
        raise PermissionDenied("Only a clinic admin can call the engines directly.")
    return who


PrincipalDep = Annotated[Principal, Depends(get_principal)]
LimitedPrincipalDep = Annotated[Principal, Depends(get_limited_principal)]
EngineAdminDep = Annotated[Principal, Depends(_engine_admin)]


async def resolve_patient(state: StateDep, who: Principal, requested: int | None) -> int | None:
    """The patient a request acts for: a patient only ever for themselves; staff for a
    patient of their own tenant."""
    if who.role == PATIENT_ROLE:
        if requested is not None and requested != who.patient_id:
            raise PermissionDenied("Patients can only act for themselves.")
        return who.patient_id
    if not who.is_staff:
        raise PermissionDenied("This role cannot act for patients.")
    if requested is None:
        return None
    async with state.sessions() as session:
        patient = await session.get(Patient, requested)
    if patient is None or patient.tenant_id != who.tenant_id:
        raise NotFound("No such patient.")
    return requested


def audit_row(who: Principal, service: str, action: str, details: dict[str, object]) -> AuditLog:
    """An audit row for an action the caller took, tied to this request."""
    return AuditLog(
        tenant_id=who.tenant_id,
        service=service,
        action=action,
        actor=f"user:{who.user_id}",
        details=details,
        request_id=request_id_var.get(),
    )
