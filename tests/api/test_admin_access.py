"""Admin API: keys shown once, revoked at once, audited; records listed within the tenant."""

from __future__ import annotations

import uuid

import httpx

from store.models import ApiKey
from tests.conftest import key_headers
from tests.helpers import rows
from worker import Engines

KEYS = "/api/v1/admin/api-keys"
AUDIT = "/api/v1/admin/audit"


async def test_roles_see_exactly_their_admin_routes(
    api: httpx.AsyncClient, demo_keys: dict[str, str]
) -> None:
    patient = key_headers(demo_keys["harborview-patient-2"])
    reception = key_headers(demo_keys["harborview-reception"])
    admin = key_headers(demo_keys["harborview-admin"])
    for path in (KEYS, AUDIT, "/api/v1/admin/patients", "/api/v1/admin/appointments"):
        assert (await api.get(path, headers=patient)).status_code == 403, path
        assert (await api.get(path, headers=admin)).status_code == 200, path
    for path in (KEYS, AUDIT):
        assert (await api.get(path, headers=reception)).status_code == 403, path
    for path in ("/api/v1/admin/patients", "/api/v1/admin/appointments", "/api/v1/admin/users"):
        assert (await api.get(path, headers=reception)).status_code == 200, path


async def test_a_key_is_shown_once_works_at_once_and_dies_at_once(
    api: httpx.AsyncClient, demo_keys: dict[str, str], engines: Engines
) -> None:
    admin = key_headers(demo_keys["harborview-admin"])
    reception_user = (await rows(engines, ApiKey, ApiKey.label == "harborview-reception"))[0]
    made = await api.post(
        KEYS, json={"user_id": reception_user.user_id, "label": "front desk tablet"}, headers=admin
    )
    assert made.status_code == 201, made.text
    created = made.json()
    key, key_id = created["key"], created["id"]
    assert key.startswith(created["prefix"]) and created["role"] == "reception"
    assert (await api.get("/api/v1/admin/patients", headers=key_headers(key))).status_code == 200
    listed = (await api.get(KEYS, headers=admin)).json()
    assert any(k["id"] == key_id for k in listed["keys"]) and key not in str(listed)

    # Another clinic's admin can neither see nor revoke it.
    riverside = key_headers(demo_keys["riverside-admin"])
    theirs = (await api.get(KEYS, headers=riverside)).json()
    assert all(k["id"] != key_id for k in theirs["keys"])
    assert (await api.delete(f"{KEYS}/{key_id}", headers=riverside)).status_code == 404
    foreign = await api.post(KEYS, json={"user_id": reception_user.user_id}, headers=riverside)
    assert foreign.status_code == 404

    revoked = await api.delete(f"{KEYS}/{key_id}", headers=admin)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    gone = await api.get("/api/v1/admin/patients", headers=key_headers(key))
    assert gone.status_code == 401
    trail = (await api.get(AUDIT, params={"service": "access"}, headers=admin)).json()
    actions = [(e["action"], e["details"].get("key_id")) for e in trail["entries"]]
    assert ("api_key_created", key_id) in actions and ("api_key_revoked", key_id) in actions
    assert key not in str(trail)
    assert (await api.get(f"{KEYS}/{2**40}", headers=admin)).status_code in (404, 405)
    assert (await api.delete(f"{KEYS}/{2**40}", headers=admin)).status_code == 422


async def test_records_are_filtered_paginated_and_tenant_scoped(
    api: httpx.AsyncClient, demo_keys: dict[str, str]
) -> None:
    reception = key_headers(demo_keys["harborview-reception"])
    everyone = (await api.get("/api/v1/admin/patients", headers=reception)).json()
    assert everyone["total"] >= 10
    page = (
        await api.get("/api/v1/admin/patients", params={"limit": 3, "offset": 3}, headers=reception)
    ).json()
    assert len(page["patients"]) == 3 and page["total"] == everyone["total"]
    first = everyone["patients"][0]["full_name"].split()[0]
    found = (
        await api.get("/api/v1/admin/patients", params={"q": first.lower()}, headers=reception)
    ).json()
    assert found["patients"] and all(
        first.lower() in p["full_name"].lower() for p in found["patients"]
    )
    wildcard = await api.get("/api/v1/admin/patients", params={"q": "%"}, headers=reception)
    assert wildcard.json()["total"] == 0  # a literal "%", not "everyone"
    riverside = (
        await api.get("/api/v1/admin/patients", headers=key_headers(demo_keys["riverside-admin"]))
    ).json()
    assert not {p["id"] for p in riverside["patients"]} & {p["id"] for p in everyone["patients"]}

    calendar = (await api.get("/api/v1/admin/appointments", headers=reception)).json()
    assert calendar["total"] >= 1
    provider = calendar["appointments"][0]["staff_id"]
    mine = (
        await api.get(
            "/api/v1/admin/appointments", params={"staff_id": provider}, headers=reception
        )
    ).json()
    assert mine["appointments"] and all(a["staff_id"] == provider for a in mine["appointments"])
    starts = [a["start_time"] for a in mine["appointments"]]
    assert starts == sorted(starts)
    for bad in ({"status": "lost"}, {"limit": 0}, {"staff_id": 2**40}, {"start_from": "soon"}):
        resp = await api.get("/api/v1/admin/appointments", params=bad, headers=reception)
        assert resp.status_code == 422, bad


async def test_clinics_sites_and_logins_are_made_by_the_right_admins(
    api: httpx.AsyncClient, demo_keys: dict[str, str]
) -> None:
    platform = key_headers(demo_keys["harborview-admin"])
    clinic_admin = key_headers(demo_keys["riverside-admin"])
    reception = key_headers(demo_keys["harborview-reception"])
    name = f"Lakeshore Clinic {uuid.uuid4().hex[:6]}"
    refused = await api.post("/api/v1/admin/tenants", json={"name": name}, headers=clinic_admin)
    assert refused.status_code == 403
    bad_zone = {"name": name, "timezone": "Mars/Olympus"}
    assert (
        await api.post("/api/v1/admin/tenants", json=bad_zone, headers=platform)
    ).status_code == 422
    made = await api.post(
        "/api/v1/admin/tenants",
        json={"name": name, "timezone": "America/Chicago"},
        headers=platform,
    )
    assert made.status_code == 201, made.text
    assert made.json()["created_at"].endswith("Z")  # UTC, said so
    again = await api.post("/api/v1/admin/tenants", json={"name": name}, headers=platform)
    assert again.status_code == 409

    site = {"name": "North Annex", "address": "12 Pier Rd, Harborview"}
    assert (await api.post("/api/v1/admin/sites", json=site, headers=reception)).status_code == 403
    added = await api.post("/api/v1/admin/sites", json=site, headers=clinic_admin)
    assert added.status_code == 201, added.text
    theirs = (await api.get("/api/v1/admin/sites", headers=reception)).json()
    assert all(s["id"] != added.json()["id"] for s in theirs)

    provider = {
        "full_name": "Dr. Ines Varga",
        "specialty": "Dermatology",
        "site_id": added.json()["id"],
        "working_hours": {"tue": [["09:00", "12:00"]]},
    }
    hired = await api.post("/api/v1/admin/staff", json=provider, headers=clinic_admin)
    assert hired.status_code == 201, hired.text
    assert any(
        s["id"] == hired.json()["id"]
        for s in (await api.get("/api/v1/admin/staff", headers=clinic_admin)).json()
    )
    for bad in (
        {**provider, "working_hours": {"tue": [["12:00", "09:00"]]}},
        {**provider, "working_hours": {"someday": [["09:00", "12:00"]]}},
        {**provider, "site_id": 1},  # Harborview's site
    ):
        resp = await api.post("/api/v1/admin/staff", json=bad, headers=clinic_admin)
        assert resp.status_code in (404, 422), (bad, resp.text)
    assert (
        await api.post("/api/v1/admin/staff", json=provider, headers=reception)
    ).status_code == 403

    nurse = {"email": "n.okafor@riverside.test", "full_name": "Nkem Okafor", "role": "nurse"}
    created = await api.post("/api/v1/admin/users", json=nurse, headers=clinic_admin)
    assert created.status_code == 201 and created.json()["role"] == "nurse", created.text
    for bad in (
        {**nurse, "role": "superuser"},
        {**nurse, "role": "patient"},  # a patient login names its patient
        {**nurse, "email": "not-an-email"},
    ):
        resp = await api.post("/api/v1/admin/users", json=bad, headers=clinic_admin)
        assert resp.status_code == 422, bad
    # A patient of another clinic cannot get a login here.
    foreign = {**nurse, "role": "patient", "patient_id": 1}
    assert (
        await api.post("/api/v1/admin/users", json=foreign, headers=clinic_admin)
    ).status_code == 404
    trail = (
        await api.get("/api/v1/admin/audit", params={"service": "directory"}, headers=clinic_admin)
    ).json()
    assert {"site_created", "staff_created", "user_created"} <= {
        e["action"] for e in trail["entries"]
    }
    assert "n.okafor" not in str(trail)


async def _trail(api: httpx.AsyncClient, admin: dict[str, str], action: str) -> dict:
    resp = await api.get(AUDIT, params={"action": action}, headers=admin)
    assert resp.status_code == 200, resp.text
    page: dict = resp.json()
    return page


async def test_staff_reads_and_engine_calls_leave_audit_rows_without_their_text(
    api: httpx.AsyncClient, demo_keys: dict[str, str]
) -> None:
    """Who saw which patient is answerable from the audit log; the search text, a name, and
    an engine's prompt are not in it. A patient reading their own records is no access."""
    admin = key_headers(demo_keys["harborview-admin"])
    reception = key_headers(demo_keys["harborview-reception"])
    everyone = (await api.get("/api/v1/admin/patients", headers=reception)).json()["patients"]
    name = everyone[1]["full_name"].split()[-1]
    found = await api.get("/api/v1/admin/patients", params={"q": name}, headers=reception)
    shown = {p["id"] for p in found.json()["patients"]}
    assert shown
    latest = (await _trail(api, admin, "patients_read"))["entries"][0]
    assert latest["details"]["searched"] is True
    assert set(latest["details"]["patient_ids"]) == shown
    assert name.lower() not in str(latest).lower()

    before = (await _trail(api, admin, "callbacks_read"))["total"]
    patient = key_headers(demo_keys["harborview-patient-5"])
    assert (await api.get("/api/v1/callbacks", headers=patient)).status_code == 200
    assert (await _trail(api, admin, "callbacks_read"))["total"] == before
    assert (await api.get("/api/v1/callbacks", headers=reception)).status_code == 200
    assert (await _trail(api, admin, "callbacks_read"))["total"] == before + 1

    prompt = "Which site has free parking on weekends?"
    resp = await api.post("/api/v1/rag/retrieve", json={"query": prompt}, headers=admin)
    assert resp.status_code == 200, resp.text
    call = (await _trail(api, admin, "rag_retrieve_called"))["entries"][0]
    assert call["details"]["workflow_id"] == resp.json()["workflow_id"]
    assert "parking" not in str(call)
