"""Temporal holds ciphertext only; the platform operator's admins decode it via /codec."""

from __future__ import annotations

import base64
import uuid
from pathlib import Path

import httpx
import pytest
from google.protobuf.json_format import MessageToDict
from temporalio.api.common.v1 import Payload, Payloads
from temporalio.client import Client

from core.codec import CodecError, EncryptionCodec, new_key_spec, parse_keys
from core.settings import Settings
from tests.conftest import key_headers

PIPELINES = "/api/v1/pipelines"


async def _turn(api: httpx.AsyncClient, key: str, marker: str) -> str:
    resp = await api.post(
        PIPELINES,
        json={"prompt": f"Is there parking at the clinic? My name is {marker}."},
        headers=key_headers(key),
    )
    assert resp.status_code == 200, resp.text
    return str(resp.json()["workflow_id"])


async def _raw_history_payloads(settings: Settings, workflow_id: str) -> list[Payload]:
    # A client with no codec sees what Temporal stores and what its UI shows.
    plain = await Client.connect(settings.temporal_address, namespace=settings.temporal_namespace)
    history = await plain.get_workflow_handle(workflow_id).fetch_history()
    found: list[Payload] = []
    for event in history.events:
        attrs = event.workflow_execution_started_event_attributes
        found.extend(attrs.input.payloads)
        found.extend(event.activity_task_scheduled_event_attributes.input.payloads)
        found.extend(event.activity_task_completed_event_attributes.result.payloads)
        found.extend(
            event.workflow_execution_update_accepted_event_attributes.accepted_request.input.args.payloads
        )
    return found


async def test_stored_history_holds_no_prompt_text(
    api: httpx.AsyncClient, demo_keys: dict[str, str], settings: Settings, data_dir: Path
) -> None:
    marker = f"Quillon{uuid.uuid4().hex[:8]}"
    workflow_id = await _turn(api, demo_keys["harborview-patient-1"], marker)
    payloads = await _raw_history_payloads(settings, workflow_id)
    assert payloads, "the turn's history carries payloads"
    assert all(p.metadata.get("encoding") == b"binary/encrypted" for p in payloads)
    assert all(marker.encode() not in p.SerializeToString() for p in payloads)
    stored = b"".join(path.read_bytes() for path in data_dir.glob("temporal.db*") if path.is_file())
    assert stored, "the dev server writes its database file"
    assert marker.encode() not in stored


async def test_codec_endpoint_decodes_for_the_platform_operator_only(
    api: httpx.AsyncClient, demo_keys: dict[str, str], settings: Settings
) -> None:
    marker = f"Brisvale{uuid.uuid4().hex[:8]}"
    workflow_id = await _turn(api, demo_keys["harborview-patient-2"], marker)
    payloads = await _raw_history_payloads(settings, workflow_id)
    body = MessageToDict(Payloads(payloads=payloads))
    headers = {"X-Namespace": settings.temporal_namespace}

    refused = await api.post("/codec/decode", json=body, headers=headers)
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "unauthenticated"
    for label in ("harborview-patient-2", "harborview-reception", "riverside-admin"):
        denied = await api.post(
            "/codec/decode", json=body, headers={**headers, **key_headers(demo_keys[label])}
        )
        assert denied.status_code == 403, label

    operator = {**headers, "Authorization": f"Bearer {demo_keys['harborview-admin']}"}
    decoded = await api.post("/codec/decode", json=body, headers=operator)
    assert decoded.status_code == 200, decoded.text
    texts = [base64.b64decode(p.get("data", "")) for p in decoded.json()["payloads"]]
    assert any(marker.encode() in t for t in texts)
    assert all(
        base64.b64decode(p["metadata"]["encoding"]) != b"binary/encrypted"
        for p in decoded.json()["payloads"]
    )

    trail = await api.get(
        "/api/v1/admin/audit",
        params={"service": "codec"},
        headers=key_headers(demo_keys["harborview-admin"]),
    )
    assert trail.json()["entries"][0]["action"] == "payloads_decoded"

    # The round trip: what the codec encodes, it decodes.
    again = await api.post("/codec/encode", json=decoded.json(), headers=operator)
    assert again.status_code == 200
    back = await api.post("/codec/decode", json=again.json(), headers=operator)
    assert back.json() == decoded.json()

    garbled_bodies: list[object] = [{"payloads": "nope"}, [], {}, {"payloads": [{"data": 5}]}]
    for garbled in garbled_bodies:
        refused_body = await api.post("/codec/decode", json=garbled, headers=operator)
        assert refused_body.status_code == 422, garbled
        assert refused_body.json()["error"]["code"] == "invalid_payloads"
    other_ns = await api.post(
        "/codec/decode", json=body, headers={**operator, "X-Namespace": "elsewhere"}
    )
    assert other_ns.status_code == 403


async def test_codec_ui_origin_may_call_it(api: httpx.AsyncClient) -> None:
    preflight = await api.options(
        "/codec/decode",
        headers={
            "Origin": "http://127.0.0.1:8233",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type,x-namespace",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "http://127.0.0.1:8233"
    stranger = await api.options(
        "/codec/decode",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in stranger.headers


async def test_rotation_reads_old_ciphertext_and_refuses_unknown_keys() -> None:
    old_spec, new_spec = new_key_spec("k1"), new_key_spec("k2")
    old = EncryptionCodec(parse_keys(old_spec))
    rotated = EncryptionCodec(parse_keys(f"{new_spec},{old_spec}"))
    sealed = await old.encode([Payload(metadata={"encoding": b"json/plain"}, data=b'"hi"')])
    assert (await rotated.decode(sealed))[0].data == b'"hi"'
    fresh = await rotated.encode([Payload(data=b"x")])
    assert fresh[0].metadata["encryption-key-id"] == b"k2"
    with pytest.raises(CodecError):
        await old.decode(fresh)
    tampered = Payload(metadata=dict(sealed[0].metadata), data=sealed[0].data[:-1] + b"\0")
    with pytest.raises(CodecError):
        await old.decode([tampered])
    # A swapped key id is caught too: the id is authenticated with the ciphertext.
    swapped = Payload(
        metadata={**dict(sealed[0].metadata), "encryption-key-id": b"k2"}, data=sealed[0].data
    )
    with pytest.raises(CodecError):
        await rotated.decode([swapped])


def test_key_specs_are_checked() -> None:
    for bad in ("", "k1", "k1=notbase64!", f"k1={base64.b64encode(b'short').decode()}"):
        with pytest.raises(ValueError):
            parse_keys(bad)
    spec = new_key_spec("a")
    with pytest.raises(ValueError):
        parse_keys(f"{spec},{spec}")
