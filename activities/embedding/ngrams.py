"""Hashed word and character n-grams: the lexical half of the text features.

Sentence encoders blur exact words ("cancel" vs "reschedule", a drug name, "no"); n-grams keep
them, across languages and through typos (character 4-grams of "cancle" still hit "cance").
Hashed into a fixed width so no vocabulary file exists to drift from the exemplars.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
import zlib
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

DIM = 1024
_WORD = re.compile(r"[a-z0-9']+")


def fold(text: str) -> str:
    """Lower case without accents: "Qué" and "que" are one word to a typing patient."""
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def ngram_features(texts: Sequence[str], dim: int = DIM) -> NDArray[np.float32]:
    """Unit-norm rows of log counts of words, word pairs and character 4-grams."""
    out = np.zeros((len(texts), dim), dtype=np.float32)
    for row, text in enumerate(texts):
        words = _WORD.findall(fold(text))
        grams = words + [f"{a} {b}" for a, b in itertools.pairwise(words)]
        padded = f" {' '.join(words)} "
        grams += [padded[i : i + 4] for i in range(len(padded) - 3)]
        for gram in grams:
            out[row, zlib.crc32(gram.encode()) % dim] += 1.0
    np.log1p(out, out=out)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    out /= np.where(norms > 0, norms, 1.0)
    return out
