"""The classifiers' input: multilingual sentence vector, MiniLM vector and hashed n-grams."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from .ngrams import DIM as NGRAM_DIM
from .ngrams import ngram_features

# Part of every cache key: changing an encoder or the n-gram scheme invalidates stored fits.
VERSION = "use-m3+minilm-l6+ngram1024/1"
_CACHE_SIZE = 512


class TextEmbedder(Protocol):
    @property
    def dim(self) -> int: ...

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]: ...


class TextFeatures:
    """Rows of [USE multilingual (512) | MiniLM (384) | n-grams (1024)].

    USE carries meaning across English and Spanish; MiniLM is sharper on English; the n-grams
    keep exact words, negations and drug names. A recent text's row is kept, because the
    screen and the classifier read the same message back to back."""

    def __init__(self, minilm: TextEmbedder, multilingual: TextEmbedder) -> None:
        self.minilm = minilm
        self.multilingual = multilingual
        self.dim = multilingual.dim + minilm.dim + NGRAM_DIM
        self._recent: OrderedDict[str, NDArray[np.float32]] = OrderedDict()
        self._lock = threading.Lock()

    def encode(
        self, texts: Sequence[str], *, minilm: NDArray[np.float32] | None = None
    ) -> NDArray[np.float32]:
        """`minilm`: the texts' MiniLM vectors when the caller already has them."""
        if isinstance(texts, str):
            raise TypeError("encode() takes a sequence of texts")
        if len(texts) == 1 and minilm is None:
            with self._lock:
                hit = self._recent.get(texts[0])
            if hit is not None:
                return hit[None, :]
        mini = self.minilm.embed(texts) if minilm is None else np.asarray(minilm, np.float32)
        rows = np.hstack(
            [self.multilingual.embed(texts), mini.reshape(len(texts), -1), ngram_features(texts)]
        ).astype(np.float32)
        if len(texts) == 1:
            with self._lock:
                self._recent[texts[0]] = rows[0]
                while len(self._recent) > _CACHE_SIZE:
                    self._recent.popitem(last=False)
        return rows
