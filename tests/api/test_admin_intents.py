"""/api/v1/admin/intents: a tenant's intents change classification on the next turn."""

from __future__ import annotations

import httpx

from tests.conftest import key_headers

ADMIN = "/api/v1/admin/intents"
CLASSIFY = "/api/v1/classify"
TEXT = "Can I drop off a stool sample kit on my way to work?"


async def _intent(api: httpx.AsyncClient, key: str, text: str) -> str:
    resp = await api.post(CLASSIFY, json={"text": text}, headers=key_headers(key))
    assert resp.status_code == 200, resp.text
    return str(resp.json()["intent"])


async def test_tenant_intent_applies_without_restart_and_stays_in_its_tenant(
    api: httpx.AsyncClient, demo_keys: dict[str, str]
) -> None:
    admin = key_headers(demo_keys["harborview-admin"])
    patient = demo_keys["harborview-patient-5"]
    assert await _intent(api, patient, TEXT) != "lab_dropoff"
    created = await api.post(
        ADMIN,
        json={
            "name": "lab_dropoff",
            "path": "knowledge",
            "description": "Dropping off lab specimens and sample kits",
            "examples": [
                "Where do I drop off my urine sample?",
                "Can I bring my stool sample kit in the morning?",
                "Where do lab specimen drop-offs go?",
            ],
        },
        headers=admin,
    )
    assert created.status_code == 201, created.text
    assert created.json()["source"] == "custom"
    try:
        assert await _intent(api, patient, TEXT) == "lab_dropoff"
        # Riverside never sees Harborview's intent.
        assert await _intent(api, demo_keys["riverside-patient-1"], TEXT) != "lab_dropoff"
        listed = await api.get(ADMIN, headers=admin)
        assert "lab_dropoff" in {i["name"] for i in listed.json()["intents"]}
        again = await api.post(
            ADMIN,
            json={**created.json(), "path": "knowledge", "examples": ["a b c"] * 3},
            headers=admin,
        )
        assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"
    finally:
        gone = await api.delete(f"{ADMIN}/lab_dropoff", headers=admin)
        assert gone.status_code == 204
    assert await _intent(api, patient, TEXT) != "lab_dropoff"


async def test_examples_and_rules_extend_a_builtin_intent(
    api: httpx.AsyncClient, demo_keys: dict[str, str]
) -> None:
    admin = key_headers(demo_keys["harborview-admin"])
    patient = demo_keys["harborview-patient-5"]
    text = "Is my flex spending card OK at the front desk?"
    put = await api.put(
        f"{ADMIN}/check_insurance", json={"rules": [r"\bflex spending\b"]}, headers=admin
    )
    assert put.status_code == 200, put.text
    assert put.json()["source"] == "extended"
    try:
        assert await _intent(api, patient, text) == "check_insurance"
        resp = await api.post(CLASSIFY, json={"text": text}, headers=key_headers(patient))
        assert resp.json()["decided_by"] == "rule"
        added = await api.post(
            f"{ADMIN}/check_insurance/examples",
            json={"examples": ["Do you take HSA cards?"]},
            headers=admin,
        )
        assert added.json()["tenant_examples"] == ["Do you take HSA cards?"]
    finally:
        assert (await api.delete(f"{ADMIN}/check_insurance", headers=admin)).status_code == 204
    resp = await api.post(CLASSIFY, json={"text": text}, headers=key_headers(patient))
    assert resp.json()["decided_by"] != "rule"


async def test_only_admins_change_intents_and_bad_rules_are_refused(
    api: httpx.AsyncClient, demo_keys: dict[str, str]
) -> None:
    patient = key_headers(demo_keys["harborview-patient-5"])
    reception = key_headers(demo_keys["harborview-reception"])
    admin = key_headers(demo_keys["harborview-admin"])
    assert (await api.get(ADMIN, headers=patient)).status_code == 403
    assert (await api.get(ADMIN, headers=reception)).status_code == 200
    body = {"examples": ["Do you take HSA cards?"]}
    denied = await api.post(f"{ADMIN}/check_insurance/examples", json=body, headers=reception)
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "forbidden"
    # The last three pass a nested-quantifier check but backtrack for seconds on long input.
    for rule in ("(unclosed", "(a+)+$", "((a+))+$", "(a|a)+$", ".*.*.*.*x"):
        bad = await api.put(f"{ADMIN}/check_insurance", json={"rules": [rule]}, headers=admin)
        assert bad.status_code == 422, bad.text
        assert bad.json()["error"]["code"] == "validation_error"
    wrong_path = await api.put(
        f"{ADMIN}/check_insurance", json={"path": "smalltalk"}, headers=admin
    )
    assert wrong_path.status_code == 422
    agent = await api.post(
        ADMIN,
        json={"name": "x_ray", "path": "agent", "description": "xyz", "examples": ["a"] * 3},
        headers=admin,
    )
    assert agent.status_code == 422
    missing = await api.delete(f"{ADMIN}/no_such_intent", headers=admin)
    assert missing.status_code == 404
