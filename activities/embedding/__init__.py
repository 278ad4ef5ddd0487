"""Offline sentence embeddings: convert the bundled MiniLM checkpoint to ONNX and run it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from activities.embedding.embedder import Embedder
    from activities.embedding.prepare import ModelIntegrityError, prepare_model

__all__ = ["Embedder", "ModelIntegrityError", "prepare_model"]


def __getattr__(name: str) -> Any:
    # Lazy, so `python -m activities.embedding.prepare` does not import prepare twice (runpy
    # warns) and importing the Embedder alone does not pull in onnx.
    if name == "Embedder":
        from activities.embedding.embedder import Embedder

        return Embedder
    if name in ("ModelIntegrityError", "prepare_model"):
        from activities.embedding import prepare

        return getattr(prepare, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
