"""A small numpy MLP over text features: fit in seconds, score in microseconds.

Why not nearest neighbour alone: on CLINC150 a max-cosine threshold cannot separate
in-scope from out-of-scope (in-scope accuracy and out-of-scope recall trade off well
below the targets), while a one-hidden-layer network on frozen MiniLM vectors, blended
with the nearest-example cosine, reaches both (docs/decisions/0004). numpy only: the
worker already carries it, and training 15k examples takes ~4 s on two cores.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Matrix = NDArray[np.float32]


@dataclass(frozen=True)
class ScorerConfig:
    hidden: int = 512
    learning_rate: float = 1e-3
    l2: float = 1e-4
    batch_size: int = 256
    epochs: int = 20
    # Small example sets (a clinic's few hundred) need more passes than epochs give them.
    min_steps: int = 600
    seed: int = 0


class MlpScorer:
    """One ReLU hidden layer and softmax, trained with Adam; deterministic for a seed."""

    def __init__(self, config: ScorerConfig = ScorerConfig()) -> None:
        self.config = config
        self._w1: Matrix | None = None
        self._b1: Matrix | None = None
        self._w2: Matrix | None = None
        self._b2: Matrix | None = None

    def fit(self, x: Matrix, y: NDArray[np.int64], n_classes: int) -> MlpScorer:
        cfg = self.config
        rng = np.random.default_rng(cfg.seed)
        n, dim = x.shape
        params = [
            rng.normal(0, np.sqrt(2 / dim), (dim, cfg.hidden)).astype(np.float32),
            np.zeros(cfg.hidden, np.float32),
            rng.normal(0, np.sqrt(1 / cfg.hidden), (cfg.hidden, n_classes)).astype(np.float32),
            np.zeros(n_classes, np.float32),
        ]
        first = [np.zeros_like(p) for p in params]
        second = [np.zeros_like(p) for p in params]
        onehot = np.eye(n_classes, dtype=np.float32)[y]
        batch = min(cfg.batch_size, n)
        per_epoch = -(-n // batch)
        steps = max(cfg.epochs * per_epoch, cfg.min_steps)
        order = rng.permutation(n)
        cursor = 0
        for step in range(1, steps + 1):
            if cursor >= n:
                order, cursor = rng.permutation(n), 0
            idx = order[cursor : cursor + batch]
            cursor += batch
            grads = self._gradients(params, x[idx], onehot[idx])
            for i, g in enumerate(grads):
                first[i] = 0.9 * first[i] + 0.1 * g
                second[i] = 0.999 * second[i] + 0.001 * g * g
                m_hat = first[i] / (1 - 0.9**step)
                v_hat = second[i] / (1 - 0.999**step)
                params[i] -= cfg.learning_rate * m_hat / (np.sqrt(v_hat) + 1e-8)
        self._w1, self._b1, self._w2, self._b2 = params
        return self

    def _gradients(self, params: list[Matrix], x: Matrix, onehot: Matrix) -> list[Matrix]:
        w1, b1, w2, b2 = params
        hidden = np.maximum(x @ w1 + b1, 0)
        probs = _softmax(hidden @ w2 + b2)
        g_out = (probs - onehot) / len(x)
        g_hidden = (g_out @ w2.T) * (hidden > 0)
        l2 = self.config.l2
        return [x.T @ g_hidden + l2 * w1, g_hidden.sum(0), hidden.T @ g_out + l2 * w2, g_out.sum(0)]

    def state(self) -> dict[str, Matrix]:
        """The fitted weights, for `FitCache` to store."""
        if self._w1 is None or self._b1 is None or self._w2 is None or self._b2 is None:
            raise RuntimeError("scorer used before fit()")
        return {"w1": self._w1, "b1": self._b1, "w2": self._w2, "b2": self._b2}

    def load(self, state: dict[str, Matrix]) -> MlpScorer:
        self._w1, self._b1 = state["w1"], state["b1"]
        self._w2, self._b2 = state["w2"], state["b2"]
        return self

    def proba(self, x: Matrix) -> Matrix:
        if self._w1 is None or self._b1 is None or self._w2 is None or self._b2 is None:
            raise RuntimeError("scorer used before fit()")
        hidden = np.maximum(x @ self._w1 + self._b1, 0)
        return _softmax(hidden @ self._w2 + self._b2)


def _softmax(z: Matrix) -> Matrix:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return (e / e.sum(axis=1, keepdims=True)).astype(np.float32)
