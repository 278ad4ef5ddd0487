"""Fitted classifiers and their training features, stored on disk by what they were made of.

Embedding a few thousand exemplars and fitting a classifier takes ~20 s; a worker restart
should not pay it again. The key is a hash of everything that shapes the result (texts,
labels, configuration, feature version), so an edited exemplar file or a tenant's new intent
is simply a new key, never a stale model.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import numpy as np
from numpy.typing import NDArray

from .mlp import MlpScorer, ScorerConfig

log = logging.getLogger(__name__)
# Fits kept per kind; older files (from edited exemplars) are removed.
KEEP = 6


def cache_key(*parts: Any) -> str:
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=repr)
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


class FitCache:
    """A directory of .npz files; None disables it (everything is computed in memory)."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory

    def matrix(self, kind: str, key: str, compute: Callable[[], NDArray[np.float32]]) -> Any:
        stored = self._load(kind, key)
        if stored is not None:
            return stored["x"]
        value = compute()
        self._save(kind, key, {"x": value})
        return value

    def scorer(
        self,
        kind: str,
        key: str,
        config: ScorerConfig,
        fit: Callable[[], MlpScorer],
    ) -> MlpScorer:
        stored = self._load(kind, key)
        if stored is not None:
            return MlpScorer(config).load(dict(stored))
        scorer = fit()
        self._save(kind, key, scorer.state())
        return scorer

    def _path(self, kind: str, key: str) -> Path | None:
        return self.directory / f"{kind}-{key}.npz" if self.directory else None

    def _load(self, kind: str, key: str) -> dict[str, NDArray[np.float32]] | None:
        path = self._path(kind, key)
        if path is None or not path.is_file():
            return None
        try:
            with np.load(path, allow_pickle=False) as data:
                return {name: data[name] for name in data.files}
        except (OSError, ValueError) as err:  # a torn file from a killed process: refit
            log.warning("ignoring unreadable fit cache", extra={"file": path.name, "err": str(err)})
            return None

    def _save(self, kind: str, key: str, arrays: dict[str, NDArray[np.float32]]) -> None:
        path = self._path(kind, key)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            with tmp.open("wb") as f:
                np.savez(f, **cast(dict[str, Any], arrays))
            tmp.replace(path)  # atomic: a concurrent reader sees the old file or the new one
            self._prune(kind)
        except OSError as err:  # a read-only volume only costs the next start a refit
            log.warning("fit cache not written", extra={"file": path.name, "err": str(err)})

    def _prune(self, kind: str) -> None:
        assert self.directory is not None
        files = sorted(self.directory.glob(f"{kind}-*.npz"), key=lambda p: p.stat().st_mtime)
        for old in files[:-KEEP]:
            with contextlib.suppress(OSError):
                old.unlink()
