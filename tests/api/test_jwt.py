"""JWT bearer tokens: HS256 by shared secret, RS256 from a JWKS URL; claims bound to users."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import SecretStr

from api.main import create_app
from core.settings import Settings
from store.models import ApiKey
from tests.helpers import rows
from worker import Engines

SECRET = "test-only-hs256-secret-of-enough-length-0123456789"
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
KID = "test-key-1"


class _Jwks(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        public = jwt.algorithms.RSAAlgorithm.to_jwk(RSA_KEY.public_key(), as_dict=True)
        body = json.dumps({"keys": [{**public, "kid": KID, "use": "sig", "alg": "RS256"}]})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture(scope="module")
def jwks_url() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Jwks)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/.well-known/jwks.json"
    server.shutdown()


@pytest.fixture(scope="module")
async def jwt_api(
    settings: Settings, api: httpx.AsyncClient, jwks_url: str
) -> AsyncIterator[httpx.AsyncClient]:
    # The suite's worker serves this app's turns (same task queue); only the API differs.
    app = create_app(
        settings.model_copy(update={"jwt_secret": SecretStr(SECRET), "jwt_jwks_url": jwks_url})
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://jwt.test", timeout=60
        ) as client:
            yield client


async def _user(engines: Engines, label: str) -> int:
    found = await rows(engines, ApiKey, ApiKey.label == label)
    return found[0].user_id


def _hs(claims: dict[str, Any], secret: str = SECRET, **extra: Any) -> dict[str, str]:
    body = {"exp": int(time.time()) + 300, **claims}
    return {"Authorization": f"Bearer {jwt.encode(body, secret, algorithm='HS256', **extra)}"}


async def test_hs256_token_acts_for_its_user_and_reads_nothing_of_another_tenant(
    jwt_api: httpx.AsyncClient, engines: Engines
) -> None:
    patient = await _user(engines, "harborview-patient-3")
    me = _hs({"sub": str(patient), "tenant_id": 1, "role": "patient"})
    turn = await jwt_api.post(
        "/api/v1/pipelines", json={"prompt": "What are your opening hours?"}, headers=me
    )
    assert turn.status_code == 200, turn.text
    session = turn.json()["session_id"]
    mine = await jwt_api.get(f"/api/v1/conversations/{session}", headers=me)
    assert mine.status_code == 200 and mine.json()["turns"], mine.text

    riverside = await _user(engines, "riverside-admin")
    other = _hs({"sub": str(riverside), "tenant_id": 2, "role": "admin"})
    theirs = await jwt_api.get(f"/api/v1/conversations/{session}", headers=other)
    assert theirs.status_code == 404, theirs.text
    # The same user by API key sees the same: the token adds no reach.
    replay = await jwt_api.post(
        "/api/v1/pipelines",
        json={"prompt": "And on Sunday?", "session_id": session},
        headers=other,
    )
    # Sessions are per tenant: the same id names a new, empty conversation of tenant 2.
    assert replay.status_code == 200, replay.text
    assert replay.json()["workflow_id"].startswith("pipeline-2-")
    still = await jwt_api.get(f"/api/v1/conversations/{session}", headers=me)
    assert len(still.json()["turns"]) == len(mine.json()["turns"])


@pytest.mark.parametrize(
    "case", ["other_tenant", "raised_role", "other_patient", "expired", "bad_secret", "no_sub"]
)
async def test_tokens_that_claim_more_than_their_user_are_refused(
    jwt_api: httpx.AsyncClient, engines: Engines, case: str
) -> None:
    patient = await _user(engines, "harborview-patient-3")
    riverside = await _user(engines, "riverside-patient-1")
    base = {"sub": str(patient), "tenant_id": 1, "role": "patient"}
    headers = {
        "other_tenant": _hs({**base, "sub": str(riverside)}),  # a riverside user, tenant 1
        "raised_role": _hs({**base, "role": "admin"}),
        "other_patient": _hs({**base, "patient_id": 1}),
        "expired": _hs({**base, "exp": int(time.time()) - 600}),
        "bad_secret": _hs(base, secret="another-secret-of-enough-length-0123456789"),
        "no_sub": _hs({"tenant_id": 1, "role": "patient"}),
    }[case]
    resp = await jwt_api.get("/api/v1/callbacks", headers=headers)
    assert resp.status_code == 401, resp.text
    assert resp.json()["error"]["code"] == "unauthenticated"


async def test_rs256_from_jwks_and_no_algorithm_confusion(
    jwt_api: httpx.AsyncClient, engines: Engines
) -> None:
    admin = await _user(engines, "harborview-admin")
    claims = {"sub": str(admin), "tenant_id": 1, "exp": int(time.time()) + 300}
    pem = RSA_KEY.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    signed = jwt.encode(claims, pem, algorithm="RS256", headers={"kid": KID})
    ok = await jwt_api.get(
        "/api/v1/admin/llm/budget", headers={"Authorization": f"Bearer {signed}"}
    )
    assert ok.status_code == 200, ok.text
    # The public key used as an HMAC secret, and an unsigned token: both refused.
    public_pem = RSA_KEY.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    unsigned = jwt.encode(claims, "", algorithm="none")

    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    # Hand-built, since PyJWT itself refuses to HMAC with a PEM key.
    head = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": KID}).encode())
    body = b64(json.dumps(claims).encode())
    mac = hmac.new(public_pem, f"{head}.{body}".encode(), hashlib.sha256).digest()
    forged = f"{head}.{body}.{b64(mac)}"
    for token in (unsigned, forged):
        refused = await jwt_api.get(
            "/api/v1/admin/llm/budget", headers={"Authorization": f"Bearer {token}"}
        )
        assert refused.status_code == 401, token


async def test_without_jwt_settings_a_token_is_refused_plainly(
    api: httpx.AsyncClient, engines: Engines
) -> None:
    patient = await _user(engines, "harborview-patient-3")
    resp = await api.get("/api/v1/callbacks", headers=_hs({"sub": str(patient), "tenant_id": 1}))
    assert resp.status_code == 401
    assert "not configured" in resp.json()["error"]["message"]
