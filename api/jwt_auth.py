"""JWT bearer tokens beside API keys: HS256 with a shared secret, or RS256/ES256 keys from an
identity provider's JWKS URL.

A token names its tenant and its user; the user row (of that tenant) is the source of truth
for role and patient. A token whose role or patient claim disagrees with the row is refused,
so a provider misconfiguration cannot raise a patient to staff or point them at another
patient's chart.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import jwt
from jwt import PyJWKClient

from core.errors import Unauthenticated
from core.settings import Settings

# Algorithms by key kind: a shared secret only ever verifies HMAC, a JWKS only public-key
# signatures, so a token cannot pick the weaker check ("alg": "none" or an HS256 token
# signed with a public key).
_HMAC = ("HS256", "HS384", "HS512")
_PUBLIC = ("RS256", "RS384", "RS512", "ES256", "ES384", "PS256")


def looks_like_jwt(token: str) -> bool:
    return token.count(".") == 2 and token.startswith("eyJ")


@dataclass(frozen=True)
class TokenClaims:
    tenant_id: int
    user_id: int
    role: str | None
    patient_id: int | None


class JwtVerifier:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._secret = settings.jwt_secret.get_secret_value() if settings.jwt_secret else None
        self._jwks = (
            PyJWKClient(settings.jwt_jwks_url, cache_keys=True, lifespan=300, timeout=5)
            if settings.jwt_jwks_url
            else None
        )

    @property
    def enabled(self) -> bool:
        return self._secret is not None or self._jwks is not None

    async def claims(self, token: str) -> TokenClaims:
        try:
            header = jwt.get_unverified_header(token)
            alg = header.get("alg", "")
            if self._secret is not None and alg in _HMAC:
                key: Any = self._secret
            elif self._jwks is not None and alg in _PUBLIC:
                # The JWKS fetch is blocking (urllib) and cached; keep it off the event loop.
                key = (await asyncio.to_thread(self._jwks.get_signing_key_from_jwt, token)).key
            else:
                raise Unauthenticated("The token's signing algorithm is not accepted.")
            payload = jwt.decode(
                token,
                key,
                algorithms=[alg],
                audience=self.settings.jwt_audience,
                issuer=self.settings.jwt_issuer,
                leeway=30,
                options={"require": ["exp", "sub"]},
            )
        except jwt.PyJWTError as err:
            # The reason stays generic: a probe learns nothing about the keys or claims.
            raise Unauthenticated("The bearer token is not valid.") from err
        return _mapped(payload, self.settings)


def _mapped(payload: dict[str, Any], settings: Settings) -> TokenClaims:
    def number(name: str, *, required: bool) -> int | None:
        value = payload.get(name)
        if value is None and not required:
            return None
        try:
            parsed = int(str(value))
        except ValueError:
            raise Unauthenticated(f"The token's {name!r} claim is not an id.") from None
        if not 0 < parsed < 2**31:
            raise Unauthenticated(f"The token's {name!r} claim is out of range.")
        return parsed

    tenant = number(settings.jwt_tenant_claim, required=True)
    user = number("sub", required=True)
    assert tenant is not None and user is not None
    role = payload.get(settings.jwt_role_claim)
    return TokenClaims(
        tenant_id=tenant,
        user_id=user,
        role=str(role) if role is not None else None,
        patient_id=number(settings.jwt_patient_claim, required=False),
    )
