"""/api/v1/admin/patients, /users and /appointments: the clinic's records for staff screens,
filtered and paginated, always within the caller's tenant."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel
from sqlalchemy import func
from sqlmodel import col

from api.access_log import record_read
from api.auth import Principal, PrincipalDep
from api.deps import StateDep
from api.paging import naive_utc, page
from api.times import UtcDateTime
from core.errors import PermissionDenied
from store.models import Appointment, Patient, User

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])
Limit = Annotated[int, Query(ge=1, le=200)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]
Id = Annotated[int | None, Query(ge=1, le=2**31 - 1)]


def _staff(who: PrincipalDep) -> Principal:
    if not who.is_staff:
        raise PermissionDenied("Only clinic staff can list the clinic's records.")
    return who


StaffDep = Annotated[Principal, Depends(_staff)]


class PatientOut(BaseModel):
    id: int
    full_name: str
    date_of_birth: date | None
    mrn: str | None
    email: str | None
    phone_number: str | None


class PatientPage(BaseModel):
    patients: list[PatientOut]
    total: int
    limit: int
    offset: int


class UserOut(BaseModel):
    id: int
    full_name: str
    email: str
    role: str
    patient_id: int | None
    staff_id: int | None


class UserPage(BaseModel):
    users: list[UserOut]
    total: int


class AppointmentOut(BaseModel):
    id: int
    patient_id: int
    staff_id: int
    site_id: int | None
    provider_name: str
    start_time: UtcDateTime
    end_time: UtcDateTime
    status: str
    reason: str | None


class AppointmentPage(BaseModel):
    appointments: list[AppointmentOut]
    total: int
    limit: int
    offset: int


@router.get("/patients", response_model=PatientPage)
async def list_patients(
    state: StateDep,
    who: StaffDep,
    q: Annotated[str | None, Query(max_length=80)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> PatientPage:
    where = [col(Patient.tenant_id) == who.tenant_id]
    if q and q.strip():
        # NUL has no place in a name, and PostgreSQL refuses it in a query.
        term = q.replace("\x00", "").strip().lower()
        where.append(func.lower(col(Patient.full_name)).contains(term, autoescape=True))
    async with state.sessions() as session:
        total, rows = await page(session, Patient, where, [col(Patient.id)], limit, offset)
    patients = [PatientOut.model_validate(p, from_attributes=True) for p in rows]
    # Whether a search was made, never its text: it is usually a name.
    await record_read(state, who, "patients", [p.id for p in patients], searched=bool(q))
    return PatientPage(patients=patients, total=total, limit=limit, offset=offset)


@router.get("/users", response_model=UserPage)
async def list_users(
    state: StateDep,
    who: StaffDep,
    role: Annotated[str | None, Query(max_length=20)] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> UserPage:
    where = [col(User.tenant_id) == who.tenant_id]
    if role:
        where.append(col(User.role) == role)
    async with state.sessions() as session:
        total, rows = await page(session, User, where, [col(User.id)], limit, offset)
    users = [UserOut.model_validate(u, from_attributes=True) for u in rows]
    await record_read(state, who, "users", [u.patient_id for u in users], role=role)
    return UserPage(users=users, total=total)


@router.get("/appointments", response_model=AppointmentPage)
async def list_appointments(
    state: StateDep,
    who: StaffDep,
    status: Annotated[str | None, Query(pattern=r"^(confirmed|cancelled|completed)$")] = None,
    staff_id: Id = None,
    site_id: Id = None,
    patient_id: Id = None,
    start_from: datetime | None = None,
    start_to: datetime | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> AppointmentPage:
    """A provider's or a site's calendar: `?staff_id=&start_from=&start_to=`."""
    where = [col(Appointment.tenant_id) == who.tenant_id]
    for column, value in (
        (Appointment.status, status),
        (Appointment.staff_id, staff_id),
        (Appointment.site_id, site_id),
        (Appointment.patient_id, patient_id),
    ):
        if value is not None:
            where.append(col(column) == value)
    if start_from:
        where.append(col(Appointment.start_time) >= naive_utc(start_from))
    if start_to:
        where.append(col(Appointment.start_time) < naive_utc(start_to))
    order = [col(Appointment.start_time), col(Appointment.id)]
    async with state.sessions() as session:
        total, rows = await page(session, Appointment, where, order, limit, offset)
    items = [AppointmentOut.model_validate(a, from_attributes=True) for a in rows]
    shown = [a.patient_id for a in items]
    await record_read(state, who, "appointments", shown, staff_id=staff_id, site_id=site_id)
    return AppointmentPage(appointments=items, total=total, limit=limit, offset=offset)
