"""/api/v1/admin/tenants (platform operator), /sites and /users (clinic admin): the records
that say who the clinics, their sites and their logins are. Every change is audited."""

from __future__ import annotations

from typing import Annotated, Literal
from zoneinfo import available_timezones

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field, field_validator
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from api.auth import Principal, PrincipalDep, audit_row
from api.deps import StateDep
from api.routes.admin_access import AdminDep
from api.routes.admin_records import StaffDep, UserOut
from api.times import UtcDateTime
from core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from core.payloads import PATIENT_ROLE, STAFF_ROLES
from store.models import AuditLog, Patient, Site, Staff, Tenant, User

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])
Text = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^\x00]*$")]


def _platform(who: PrincipalDep, state: StateDep) -> Principal:
    if who.role != "admin" or who.tenant_id != state.settings.platform_admin_tenant_id:
        raise PermissionDenied("Only the platform operator's admins can manage clinics.")
    return who


PlatformDep = Annotated[Principal, Depends(_platform)]


class TenantIn(BaseModel):
    name: Text
    domain: str | None = Field(default=None, max_length=120, pattern=r"^[a-z0-9.-]+$")
    timezone: str = "America/New_York"
    plan: str = Field(default="starter", pattern=r"^[a-z_]{2,20}$")

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        if value not in available_timezones():
            raise ValueError("timezone must be an IANA zone such as America/Chicago")
        return value


class TenantOut(BaseModel):
    id: int
    name: str
    domain: str | None
    timezone: str
    plan: str
    status: str
    created_at: UtcDateTime


class SiteIn(BaseModel):
    name: Text
    address: Text
    phone: str | None = Field(default=None, max_length=40, pattern=r"^[0-9 +().-]+$")


class SiteOut(BaseModel):
    id: int
    name: str
    address: str
    phone: str | None


Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
Clock = Annotated[str, Field(pattern=r"^(?:[01]\d|2[0-3]):[0-5]\d$")]


class StaffIn(BaseModel):
    full_name: Text
    role: str = Field(default="doctor", pattern=r"^(reception|nurse|doctor|scheduler|admin)$")
    specialty: str | None = Field(default=None, max_length=80, pattern=r"^[^\x00]*$")
    site_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    is_provider: bool = True
    # {"mon": [["09:00", "12:00"], ["13:00", "17:00"]]} in the clinic's time zone.
    working_hours: dict[Day, list[tuple[Clock, Clock]]] = Field(default_factory=dict)
    slot_minutes: int = Field(default=30, ge=5, le=240)

    @field_validator("working_hours")
    @classmethod
    def _ordered(cls, hours: dict[str, list[tuple[str, str]]]) -> dict[str, list[tuple[str, str]]]:
        for day, spans in hours.items():
            if any(start >= end for start, end in spans):
                raise ValueError(f"{day}: each span ends after it starts")
        return hours


class StaffOut(BaseModel):
    id: int
    full_name: str
    role: str
    specialty: str | None
    site_id: int | None
    is_provider: bool
    slot_minutes: int


class UserIn(BaseModel):
    email: str = Field(max_length=200, pattern=r"^[^@\s\x00]+@[^@\s\x00]+\.[^@\s\x00]+$")
    full_name: Text
    role: str
    patient_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    staff_id: int | None = Field(default=None, ge=1, le=2**31 - 1)

    @field_validator("role")
    @classmethod
    def _role(cls, value: str) -> str:
        if value != PATIENT_ROLE and value not in STAFF_ROLES:
            raise ValueError(f"role must be patient or one of {', '.join(sorted(STAFF_ROLES))}")
        return value


def _audit(who: Principal, action: str, details: dict[str, object]) -> AuditLog:
    return audit_row(who, "directory", action, details)


@router.get("/tenants", response_model=list[TenantOut])
async def list_tenants(state: StateDep, _who: PlatformDep) -> list[TenantOut]:
    async with state.sessions() as session:
        rows = await session.scalars(select(Tenant).order_by(col(Tenant.id)))
        return [TenantOut.model_validate(t, from_attributes=True) for t in rows]


@router.post("/tenants", response_model=TenantOut, status_code=201)
async def create_tenant(body: TenantIn, state: StateDep, who: PlatformDep) -> TenantOut:
    async with state.sessions() as session:
        tenant = Tenant(**body.model_dump())
        session.add(tenant)
        try:
            await session.flush()
        except IntegrityError as err:
            raise Conflict("A clinic with that name or domain exists.") from err
        session.add(_audit(who, "tenant_created", {"tenant_id": tenant.id, "name": body.name}))
        await session.commit()
        await session.refresh(tenant)
        return TenantOut.model_validate(tenant, from_attributes=True)


@router.get("/sites", response_model=list[SiteOut])
async def list_sites(state: StateDep, who: StaffDep) -> list[SiteOut]:
    async with state.sessions() as session:
        rows = await session.scalars(
            select(Site).where(col(Site.tenant_id) == who.tenant_id).order_by(col(Site.id))
        )
        return [SiteOut.model_validate(s, from_attributes=True) for s in rows]


@router.post("/sites", response_model=SiteOut, status_code=201)
async def create_site(body: SiteIn, state: StateDep, who: AdminDep) -> SiteOut:
    async with state.sessions() as session:
        site = Site(tenant_id=who.tenant_id, **body.model_dump())
        session.add(site)
        await session.flush()
        session.add(_audit(who, "site_created", {"site_id": site.id}))
        await session.commit()
        await session.refresh(site)
        return SiteOut.model_validate(site, from_attributes=True)


@router.get("/staff", response_model=list[StaffOut])
async def list_staff(state: StateDep, who: StaffDep) -> list[StaffOut]:
    async with state.sessions() as session:
        rows = await session.scalars(
            select(Staff).where(col(Staff.tenant_id) == who.tenant_id).order_by(col(Staff.id))
        )
        return [StaffOut.model_validate(s, from_attributes=True) for s in rows]


@router.post("/staff", response_model=StaffOut, status_code=201)
async def create_staff(body: StaffIn, state: StateDep, who: AdminDep) -> StaffOut:
    """A staff member; a provider's working hours open slots for booking at once."""
    async with state.sessions() as session:
        if body.site_id is not None:
            site = await session.get(Site, body.site_id)
            if site is None or site.tenant_id != who.tenant_id:
                raise NotFound("No such site.")
        data = body.model_dump()
        data["working_hours"] = {
            d: [list(span) for span in v] for d, v in body.working_hours.items()
        }
        staff = Staff(tenant_id=who.tenant_id, **data)
        session.add(staff)
        await session.flush()
        session.add(_audit(who, "staff_created", {"staff_id": staff.id, "role": body.role}))
        await session.commit()
        await session.refresh(staff)
        return StaffOut.model_validate(staff, from_attributes=True)


@router.post("/users", response_model=UserOut, status_code=201)
async def create_user(body: UserIn, state: StateDep, who: AdminDep) -> UserOut:
    """A login for a patient of the clinic (`patient_id`) or for staff (`staff_id` optional)."""
    if (body.role == PATIENT_ROLE) != (body.patient_id is not None):
        raise ValidationFailed("A patient login names its patient_id; a staff login does not.")
    async with state.sessions() as session:
        patient = await session.get(Patient, body.patient_id) if body.patient_id else None
        staff = await session.get(Staff, body.staff_id) if body.staff_id else None
        if body.patient_id and (patient is None or patient.tenant_id != who.tenant_id):
            raise NotFound("No such patient.")
        if body.staff_id and (staff is None or staff.tenant_id != who.tenant_id):
            raise NotFound("No such staff member.")
        user = User(tenant_id=who.tenant_id, **body.model_dump())
        session.add(user)
        await session.flush()
        # The email is personal data: the audit keeps the id and the role.
        session.add(_audit(who, "user_created", {"user_id": user.id, "role": body.role}))
        await session.commit()
        await session.refresh(user)
        return UserOut.model_validate(user, from_attributes=True)
