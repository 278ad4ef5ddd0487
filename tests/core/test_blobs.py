"""Audio by reference: encrypted at rest, bound to its reference, gone once deleted."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag

from core.blobs import BlobMissing, BlobStore
from core.codec import new_key_spec


def test_a_blob_round_trips_encrypted_and_owner_only(tmp_path: Path) -> None:
    store = BlobStore(tmp_path, new_key_spec("k1"))
    audio = b"RIFF" + os.urandom(2000)
    ref = store.put(audio, kind="audio")
    assert store.get(ref) == audio
    (path,) = tmp_path.glob("audio/*.blob")
    raw = path.read_bytes()
    assert b"RIFF" not in raw and audio[4:40] not in raw
    assert path.stat().st_mode & 0o077 == 0
    store.delete(ref)
    with pytest.raises(BlobMissing):
        store.get(ref)


def test_one_blob_cannot_stand_in_for_another(tmp_path: Path) -> None:
    store = BlobStore(tmp_path, new_key_spec("k1"))
    a, b = store.put(b"first", kind="audio"), store.put(b"second", kind="audio")
    pa = tmp_path / "audio" / (a.rpartition("/")[2] + ".blob")
    pb = tmp_path / "audio" / (b.rpartition("/")[2] + ".blob")
    pa.write_bytes(pb.read_bytes())
    with pytest.raises(InvalidTag):
        store.get(a)


def test_old_keys_still_read_and_foreign_references_are_refused(tmp_path: Path) -> None:
    old = new_key_spec("old")
    ref = BlobStore(tmp_path, old).put(b"kept", kind="speech")
    rotated = BlobStore(tmp_path, f"{new_key_spec('new')},{old}")
    assert rotated.get(ref) == b"kept"
    for bad in ("blob:audio/../../etc/passwd", "file:///etc/passwd", "blob:Audio/" + "0" * 32):
        with pytest.raises(BlobMissing):
            rotated.get(bad)


def test_sweep_removes_what_a_crashed_request_left(tmp_path: Path) -> None:
    store = BlobStore(tmp_path, new_key_spec("k1"))
    stale, fresh = store.put(b"a", kind="audio"), store.put(b"b", kind="audio")
    old = time.time() - 7200
    os.utime(tmp_path / "audio" / (stale.rpartition("/")[2] + ".blob"), (old, old))
    assert store.sweep(3600) == 1
    assert store.get(fresh) == b"b"
