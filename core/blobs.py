"""Large payloads by reference: encrypted files under data/blobs, shared by API and workers.

Audio must never sit in Temporal history or logs in the clear, and a minute of it is larger
than a payload should be: the API writes it here, the workflow carries the reference, and
the voice worker reads it. Each blob is AES-256-GCM under the same keys as Temporal payloads
(core/codec.py), with its reference as associated data so one blob cannot stand in for
another. A deployment with several machines points BLOB_DIR at storage they all mount.
"""

from __future__ import annotations

import os
import re
import secrets
import time
import uuid
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from core.codec import parse_keys

_MAGIC = b"AXB1"
_REF = re.compile(r"^blob:(?P<kind>[a-z][a-z0-9-]{0,30})/(?P<id>[0-9a-f]{32})$")


class BlobMissing(LookupError):
    """The reference names no blob here (expired, deleted, or another machine's disk)."""


class BlobStore:
    def __init__(self, root: Path, key_spec: str) -> None:
        self.root = root
        keys = parse_keys(key_spec)
        self._active = next(iter(keys))
        self._ciphers = {key_id: AESGCM(key) for key_id, key in keys.items()}

    def put(self, data: bytes, *, kind: str) -> str:
        ref = f"blob:{kind}/{uuid.uuid4().hex}"
        path = self._path(ref)
        path.parent.mkdir(parents=True, exist_ok=True)
        nonce = secrets.token_bytes(12)
        key_id = self._active.encode()
        sealed = self._ciphers[self._active].encrypt(nonce, data, ref.encode())
        tmp = path.with_suffix(".tmp")
        # Owner-only, written whole then renamed: a reader never sees half a blob.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(_MAGIC + bytes([len(key_id)]) + key_id + nonce + sealed)
        os.replace(tmp, path)
        return ref

    def get(self, ref: str) -> bytes:
        try:
            raw = self._path(ref).read_bytes()
        except FileNotFoundError as err:
            raise BlobMissing(ref) from err
        if not raw.startswith(_MAGIC):
            raise BlobMissing(ref)
        n = raw[4]
        key_id = raw[5 : 5 + n].decode()
        nonce, sealed = raw[5 + n : 17 + n], raw[17 + n :]
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise BlobMissing(ref)
        return cipher.decrypt(nonce, sealed, ref.encode())

    def delete(self, ref: str) -> None:
        self._path(ref).unlink(missing_ok=True)

    def sweep(self, older_than_s: float) -> int:
        """Deletes blobs older than this (what a crashed request left); returns how many."""
        cutoff = time.time() - older_than_s
        removed = 0
        for path in self.root.glob("*/*.blob"):
            if path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    def _path(self, ref: str) -> Path:
        m = _REF.match(ref)
        if m is None:
            raise BlobMissing(ref)
        return self.root / m["kind"] / f"{m['id']}.blob"
