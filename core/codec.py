"""AES-GCM payload encryption for everything AURIXA hands to Temporal.

Workflow inputs, update arguments, activity results and failure messages carry prompts,
names and replies; Temporal stores them in its history (the dev server's SQLite file, a
cluster's database) and shows them in its UI. Every client and worker encodes through this
codec, so Temporal only ever holds ciphertext. Search attributes are not payloads and never
pass through here: they must stay non-PHI (core/search_attributes.py).
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import os
import secrets
import time
from collections.abc import Sequence
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.converter import (
    DataConverter,
    DefaultFailureConverterWithEncodedAttributes,
    PayloadCodec,
)

ENCODING = b"binary/encrypted"
KEY_ID = "encryption-key-id"
NONCE_BYTES = 12


class CodecError(ValueError):
    """A payload that cannot be decrypted: unknown key id, tampered or truncated."""


def parse_keys(spec: str) -> dict[str, bytes]:
    """`id=base64key,id2=base64key` -> {id: key}; the first entry is the one that encrypts."""
    keys: dict[str, bytes] = {}
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        key_id, sep, encoded = part.partition("=")
        key_id = key_id.strip()
        if not sep or not key_id:
            raise ValueError("PAYLOAD_KEYS entries look like id=<base64 of 32 bytes>")
        try:
            key = base64.b64decode(encoded.strip(), validate=True)
        except binascii.Error as err:
            raise ValueError(f"payload key {key_id!r} is not base64") from err
        if len(key) != 32:
            raise ValueError(f"payload key {key_id!r} must be 32 bytes (AES-256)")
        if key_id in keys:
            raise ValueError(f"payload key id {key_id!r} appears twice")
        keys[key_id] = key
    if not keys:
        raise ValueError("PAYLOAD_KEYS holds no key")
    return keys


def new_key_spec(key_id: str) -> str:
    return f"{key_id}={base64.b64encode(secrets.token_bytes(32)).decode()}"


def local_key_spec(path: Path) -> str:
    """The single-machine topology's keys: made once, readable by the owner only.

    The API and the worker start together under `make run`; whichever comes first writes the
    file and the other reads it (O_EXCL makes the race harmless).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):
            spec = path.read_text().strip()
            if spec:
                return spec
            time.sleep(0.02)  # the other process is between create and write
        raise ValueError(f"{path} is empty") from None
    spec = new_key_spec("local-1")
    with os.fdopen(fd, "w") as handle:
        handle.write(spec + "\n")
    return spec


class EncryptionCodec(PayloadCodec):
    """Encrypts with the active key; decrypts with any key it holds, chosen by key id.

    Rotation: put the new key first in PAYLOAD_KEYS and keep the old ones after it until no
    open workflow (nor retained history anyone must read) still holds their ciphertext.
    """

    def __init__(self, keys: dict[str, bytes]) -> None:
        if not keys:
            raise ValueError("an encryption codec needs at least one key")
        self.active = next(iter(keys))
        self._ciphers = {key_id: AESGCM(key) for key_id, key in keys.items()}

    @property
    def key_ids(self) -> tuple[str, ...]:
        return tuple(self._ciphers)

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.encrypt(p) for p in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.decrypt(p) for p in payloads]

    def encrypt(self, payload: Payload) -> Payload:
        nonce = secrets.token_bytes(NONCE_BYTES)
        key_id = self.active.encode()
        # The key id is authenticated data: swapping it on a stored payload fails decryption.
        sealed = self._ciphers[self.active].encrypt(nonce, payload.SerializeToString(), key_id)
        return Payload(metadata={"encoding": ENCODING, KEY_ID: key_id}, data=nonce + sealed)

    def decrypt(self, payload: Payload) -> Payload:
        if payload.metadata.get("encoding") != ENCODING:
            # Written before encryption was switched on: readable as it is.
            return payload
        key_id = payload.metadata.get(KEY_ID, b"").decode(errors="replace")
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise CodecError(f"no payload key with id {key_id!r}")
        if len(payload.data) <= NONCE_BYTES:
            raise CodecError("encrypted payload is truncated")
        nonce, sealed = payload.data[:NONCE_BYTES], payload.data[NONCE_BYTES:]
        try:
            plain = cipher.decrypt(nonce, sealed, key_id.encode())
        except InvalidTag as err:
            raise CodecError("encrypted payload failed authentication") from err
        return Payload.FromString(plain)


def encrypted_converter(codec: EncryptionCodec | None) -> DataConverter:
    """The default converter, plus the codec; failure messages and stack traces are encoded
    too, since an exception's text can quote the message that caused it."""
    base = DataConverter.default
    if codec is None:
        return base
    return dataclasses.replace(
        base,
        payload_codec=codec,
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )
