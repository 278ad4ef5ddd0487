"""The intent engine: the default clinic model, plus one model per tenant that customised it.

Built once per worker. A tenant's customisations (store.models.TenantIntent) are passed
in on every call; the engine fingerprints them and refits that tenant's model only when
they changed, so an admin edit takes effect on the next turn without a restart.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from core.payloads import ClassifyOutput

from .catalog import IntentDef, load_default_intents, merge_intents
from .model import IntentModel
from .scorer import Matrix, ScorerConfig

# Tenants with customised intents whose models stay in memory (each ~1 MB).
MAX_TENANT_MODELS = 256


class TextEmbedder(Protocol):
    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


class IntentEngine:
    def __init__(
        self,
        embedder: TextEmbedder,
        intents: Sequence[IntentDef] | None = None,
        *,
        threshold: float = 0.45,
        config: ScorerConfig = ScorerConfig(),
    ) -> None:
        self.embedder = embedder
        self.threshold = threshold
        self.config = config
        self.defaults = tuple(intents) if intents is not None else load_default_intents()
        self._vectors: dict[str, Matrix] = {}
        self._lock = threading.Lock()
        self._tenants: OrderedDict[int, tuple[str, IntentModel]] = OrderedDict()
        self.default_model = self._build(self.defaults)

    def classify(
        self, text: str, tenant_id: int | None = None, custom: Sequence[IntentDef] = ()
    ) -> ClassifyOutput:
        model = self.model_for(tenant_id, custom)
        return model.classify(text, self.embedder.embed([text])[0])

    def model_for(self, tenant_id: int | None, custom: Sequence[IntentDef]) -> IntentModel:
        if tenant_id is None or not custom:
            return self.default_model
        key = fingerprint(custom)
        with self._lock:
            cached = self._tenants.get(tenant_id)
            if cached and cached[0] == key:
                self._tenants.move_to_end(tenant_id)
                return cached[1]
            # Built under the lock: two turns of one tenant must not both pay for the fit.
            model = self._build(merge_intents(self.defaults, custom))
            self._tenants[tenant_id] = (key, model)
            while len(self._tenants) > MAX_TENANT_MODELS:
                self._tenants.popitem(last=False)
            return model

    def _build(self, intents: Sequence[IntentDef]) -> IntentModel:
        texts = [e for i in intents for e in i.examples]
        missing = sorted({t for t in texts if t not in self._vectors})
        if missing:
            # Example vectors are cached by text: a tenant adding three examples embeds three.
            for text, vec in zip(missing, self.embedder.embed(missing), strict=True):
                self._vectors[text] = vec
        vectors = np.stack([self._vectors[t] for t in texts])
        return IntentModel(intents, vectors, threshold=self.threshold, config=self.config)


def fingerprint(custom: Sequence[IntentDef]) -> str:
    rows = sorted(
        (i.name, i.path, i.description, list(i.examples), list(i.rules), i.priority) for i in custom
    )
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()
