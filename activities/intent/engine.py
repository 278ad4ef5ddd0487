"""The intent engine: the default clinic model, plus one model per tenant that customised it.

Built once per worker. A tenant's customisations (store.models.TenantIntent) are passed
in on every call; the engine fingerprints them and refits that tenant's model only when
they changed, so an admin edit takes effect on the next turn without a restart.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from activities.embedding.features import VERSION as FEATURES_VERSION
from activities.embedding.features import TextFeatures
from activities.embedding.fit_cache import FitCache, cache_key
from activities.embedding.mlp import Matrix, MlpScorer, ScorerConfig
from core.intent_catalog import IntentDef, load_default_intents, merge_intents
from core.payloads import ClassifyOutput

from .model import IntentModel

log = logging.getLogger("aurixa.intent")

# Tenants with customised intents whose models stay in memory (each ~2 MB).
MAX_TENANT_MODELS = 64
# Hidden units: 256 fit the clinic examples as well as 512 on the dev set, in half the time.
DEFAULT_CONFIG = ScorerConfig(hidden=256)


class IntentEngine:
    def __init__(
        self,
        features: TextFeatures,
        intents: Sequence[IntentDef] | None = None,
        *,
        threshold: float = 0.45,
        config: ScorerConfig = DEFAULT_CONFIG,
        cache: FitCache | None = None,
    ) -> None:
        self.features = features
        self.threshold = threshold
        self.config = config
        self.cache = cache or FitCache(None)
        self.defaults = tuple(intents) if intents is not None else load_default_intents()
        self._vectors: dict[str, Matrix] = {}
        self._lock = threading.Lock()
        self._tenants: OrderedDict[int, tuple[str, IntentModel]] = OrderedDict()
        # Tenant sets that failed to fit since the last take_unfit(): (tenant, fingerprint,
        # error type). The activity writes each to the clinic's audit log.
        self._unfit: list[tuple[int, str, str]] = []
        self.default_model = self._build(self.defaults)

    def classify(
        self, text: str, tenant_id: int | None = None, custom: Sequence[IntentDef] = ()
    ) -> ClassifyOutput:
        model = self.model_for(tenant_id, custom)
        return model.classify(text, self.features.encode([text])[0])

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
            try:
                model = self._build(merge_intents(self.defaults, custom))
            except ValueError as err:
                # The admin API keeps a tenant's intents fittable; should a stored set still
                # fail, the clinic's turns go on with the built-in intents, not a 502 each.
                log.warning(
                    "tenant intents do not fit; using the built-in ones",
                    extra={"tenant_id": tenant_id, "exc_type": type(err).__name__},
                )
                self._unfit.append((tenant_id, key, type(err).__name__))
                model = self.default_model
            self._tenants[tenant_id] = (key, model)
            while len(self._tenants) > MAX_TENANT_MODELS:
                self._tenants.popitem(last=False)
            return model

    def take_unfit(self) -> list[tuple[int, str, str]]:
        """The fallbacks to the built-in intents since the last call, once each."""
        with self._lock:
            taken, self._unfit = self._unfit, []
        return taken

    def _build(self, intents: Sequence[IntentDef]) -> IntentModel:
        texts = [e for i in intents for e in i.examples]
        labels = [i.name for i in intents for _ in i.examples]
        vectors = self._encode(texts)
        counts = [len(i.examples) for i in intents]
        key = cache_key(FEATURES_VERSION, texts, labels, repr(self.config))
        y = np.repeat(np.arange(len(intents)), counts)

        def fit() -> MlpScorer:
            return MlpScorer(self.config).fit(vectors, y, len(intents))

        scorer = self.cache.scorer("intent-mlp", key, self.config, fit) if counts else None
        return IntentModel(
            intents, vectors, threshold=self.threshold, config=self.config, scorer=scorer
        )

    def _encode(self, texts: list[str]) -> Matrix:
        missing = sorted({t for t in texts if t not in self._vectors})
        if missing:
            # The default corpus is read from the fit cache; a tenant adding three examples
            # embeds three.
            key = cache_key(FEATURES_VERSION, missing)
            rows = self.cache.matrix("intent-features", key, lambda: self.features.encode(missing))
            for text, vec in zip(missing, rows, strict=True):
                self._vectors[text] = vec
        if not texts:
            return np.zeros((0, self.features.dim), np.float32)
        return np.stack([self._vectors[t] for t in texts])


def fingerprint(custom: Sequence[IntentDef]) -> str:
    rows = sorted(
        (i.name, i.path, i.description, list(i.examples), list(i.rules), i.priority) for i in custom
    )
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()
