"""POST /codec/encode and /codec/decode: Temporal's remote codec contract, for operators.

The Temporal UI and CLI hold only ciphertext; pointed at this endpoint (UI: the codec
endpoint setting, CLI: --codec-endpoint with --codec-auth) they show runs decrypted. The key
is platform-wide, so only the platform operator's admins may use it: a clinic's staff who
could decode here could read every clinic's runs.
"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import JSONResponse
from google.protobuf.json_format import MessageToDict, ParseDict
from google.protobuf.json_format import ParseError as ProtoParseError
from temporalio.api.common.v1 import Payloads

from api.auth import Principal, PrincipalDep, audit_row
from api.deps import StateDep
from core.codec import CodecError
from core.errors import PermissionDenied, ServiceUnavailable, ValidationFailed

router = APIRouter(prefix="/codec", tags=["codec"])
MAX_BODY = 4 * 1024 * 1024  # Temporal's own limit on a single payload is 2 MB


def _operator(who: PrincipalDep, state: StateDep) -> Principal:
    if who.role != "admin" or who.tenant_id != state.settings.platform_admin_tenant_id:
        raise PermissionDenied("Only the platform operator's admins can decode workflow data.")
    return who


OperatorDep = Annotated[Principal, Depends(_operator)]


async def _payloads(request: Request) -> Payloads:
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise ValidationFailed("The codec body is too large.", code="body_too_large")
    try:
        body = json.loads(raw or b"null")
        if not isinstance(body, dict) or not isinstance(body.get("payloads"), list):
            raise ValueError("no payloads list")
        return ParseDict(body, Payloads())
    except (ValueError, ProtoParseError) as err:
        raise ValidationFailed(
            'Send {"payloads": [{"metadata": {...}, "data": "<base64>"}]}.',
            code="invalid_payloads",
        ) from err


def _check_namespace(state: StateDep, namespace: str | None) -> None:
    if namespace and namespace != state.settings.temporal_namespace:
        raise PermissionDenied("This codec serves only its own Temporal namespace.")


def _reply(payloads: Payloads) -> JSONResponse:
    return JSONResponse(MessageToDict(payloads))


@router.post("/encode")
async def encode(
    request: Request,
    state: StateDep,
    _who: OperatorDep,
    x_namespace: Annotated[str | None, Header(alias="X-Namespace")] = None,
) -> JSONResponse:
    """Encrypt payloads (the UI uses it to send signals and updates with encrypted input)."""
    _check_namespace(state, x_namespace)
    codec = state.codec
    if codec is None:
        raise ServiceUnavailable("Payload encryption is switched off (PAYLOAD_ENCRYPTION).")
    given = await _payloads(request)
    return _reply(Payloads(payloads=await codec.encode(list(given.payloads))))


@router.post("/decode")
async def decode(
    request: Request,
    state: StateDep,
    who: OperatorDep,
    x_namespace: Annotated[str | None, Header(alias="X-Namespace")] = None,
) -> JSONResponse:
    """Decrypt payloads; ones that were never encrypted come back unchanged."""
    _check_namespace(state, x_namespace)
    codec = state.codec
    given = await _payloads(request)
    if codec is None:
        return _reply(given)
    try:
        decoded = await codec.decode(list(given.payloads))
    except CodecError as err:
        raise ValidationFailed(str(err), code="undecryptable_payload") from err
    # Reading decrypted workflow data is reading patients' messages: every call is audited.
    async with state.sessions() as session:
        details = {"payloads": len(decoded), "namespace": state.settings.temporal_namespace}
        session.add(audit_row(who, "codec", "payloads_decoded", details))
        await session.commit()
    return _reply(Payloads(payloads=decoded))
