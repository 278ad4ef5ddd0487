"""Each role gets exactly the routes the README's role table gives it (403 for the rest)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from store.keys import hash_api_key, new_api_key
from store.models import ApiKey, User
from tests.conftest import key_headers
from worker import Engines

STAFF = {"reception", "nurse", "doctor", "scheduler", "admin", "platform"}
ALL = STAFF | {"patient"}
ADMIN = {"admin", "platform"}
# (method, path, body, roles allowed). Bodies are invalid or ids unknown where the route
# would change something: an allowed role gets 404/422, never a side effect.
MATRIX: list[tuple[str, str, Any, set[str]]] = [
    ("GET", "/api/v1/help/articles", None, ALL),
    ("GET", "/api/v1/actions/catalogue", None, ALL),
    ("GET", "/api/v1/callbacks", None, ALL),
    ("GET", "/api/v1/escalations", None, STAFF),
    ("GET", "/api/v1/actions", None, STAFF),
    ("POST", "/api/v1/actions/999999/retry", None, {"reception", "scheduler", "admin", "platform"}),
    ("GET", "/api/v1/admin/knowledge", None, STAFF),
    ("GET", "/api/v1/admin/intents", None, STAFF),
    ("PUT", "/api/v1/admin/intents/greeting", {"rules": ["(unclosed"]}, ADMIN),
    ("GET", "/api/v1/admin/safety/policy", None, STAFF),
    ("PUT", "/api/v1/admin/safety/policy", {"actions": {"pii": "ignore"}}, ADMIN),
    ("GET", "/api/v1/admin/llm/budget", None, STAFF),
    ("PUT", "/api/v1/admin/llm/budget", {"monthly_usd": -1}, ADMIN),
    ("PUT", "/api/v1/admin/llm/routing", {"deployment": []}, {"platform"}),
    ("GET", "/api/v1/llm/usage", None, STAFF),
    ("POST", "/api/v1/llm/route", {"prompt": ""}, ADMIN),
    ("POST", "/api/v1/llm/generate", {"prompt": ""}, ADMIN),
    ("POST", "/api/v1/rag/retrieve", {"query": ""}, ADMIN),
    ("POST", "/api/v1/rag/embed", {"texts": []}, ADMIN),
    ("GET", "/api/v1/admin/api-keys", None, ADMIN),
    ("GET", "/api/v1/admin/audit", None, ADMIN),
    ("GET", "/api/v1/admin/patients", None, STAFF),
    ("GET", "/api/v1/admin/appointments", None, STAFF),
    ("POST", "/codec/decode", {}, {"platform"}),
    ("GET", "/api/v1/admin/tenants", None, {"platform"}),
    ("GET", "/api/v1/admin/sites", None, STAFF),
    ("POST", "/api/v1/admin/sites", {"name": ""}, ADMIN),
    ("POST", "/api/v1/admin/users", {"role": "root"}, ADMIN),
    ("GET", "/api/v1/admin/staff", None, STAFF),
    ("POST", "/api/v1/admin/staff", {"full_name": ""}, ADMIN),
]


@pytest.fixture(scope="module")
async def role_keys(demo_keys: dict[str, str], engines: Engines) -> dict[str, str]:
    """One key per role: the demo's, plus nurse, doctor and scheduler users made here. The
    platform operator is Harborview's admin (PLATFORM_ADMIN_TENANT_ID=1 in the suite); a
    clinic admin is Riverside's."""
    keys = {
        "patient": demo_keys["harborview-patient-5"],
        "reception": demo_keys["harborview-reception"],
        "platform": demo_keys["harborview-admin"],
        "admin": demo_keys["riverside-admin"],
    }
    async with engines.sessions() as session:
        for role in ("nurse", "doctor", "scheduler"):
            user = User(
                tenant_id=1,
                email=f"{role}-{uuid.uuid4().hex[:6]}@harborview.test",
                full_name=f"Test {role.title()}",
                role=role,
            )
            session.add(user)
            await session.flush()
            raw = new_api_key()
            session.add(
                ApiKey(
                    tenant_id=1,
                    user_id=user.id or 0,
                    key_hash=hash_api_key(raw),
                    prefix=raw[:8],
                    label=f"test-{role}",
                )
            )
            keys[role] = raw
        await session.commit()
    return keys


@pytest.mark.parametrize(("method", "path", "body", "allowed"), MATRIX)
async def test_each_role_gets_exactly_its_routes(
    api: httpx.AsyncClient,
    role_keys: dict[str, str],
    method: str,
    path: str,
    body: Any,
    allowed: set[str],
) -> None:
    for role, key in role_keys.items():
        resp = await api.request(method, path, json=body, headers=key_headers(key))
        if role in allowed:
            assert resp.status_code != 403, (role, method, path, resp.text)
            assert resp.status_code < 500, (role, method, path, resp.text)
        else:
            assert resp.status_code == 403, (role, method, path, resp.status_code)
            assert resp.json()["error"]["code"] in ("forbidden",), resp.text
