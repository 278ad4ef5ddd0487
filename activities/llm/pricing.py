"""Prices and context windows: a deployment's own figures, else LiteLLM's bundled model map."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from core.llm_config import Deployment

DEFAULT_CONTEXT = 8192
# Roughly four characters per token for English; estimates are marked as such in the ledger.
CHARS_PER_TOKEN = 4


def estimate_tokens(text: str) -> int:
    return max(1, (len(text) + CHARS_PER_TOKEN - 1) // CHARS_PER_TOKEN) if text else 0


@dataclass(frozen=True)
class Price:
    input_per_token: float
    output_per_token: float
    known: bool


class ModelCatalog:
    """Lookups in LiteLLM's cost map (the local copy shipped with the package)."""

    def __init__(
        self, model_cost: Callable[[], Mapping[str, Mapping[str, Any]]] | None = None
    ) -> None:
        # A callable: the map appears once LiteLLM is imported, which may be after start-up.
        self._model_cost = model_cost or dict

    def _entry(self, d: Deployment) -> Mapping[str, Any]:
        table = self._model_cost()
        for key in (f"{d.provider}/{d.model}", d.model):
            if key in table:
                return table[key]
        return {}

    def price(self, d: Deployment) -> Price:
        if d.input_cost_per_mtok is not None or d.output_cost_per_mtok is not None:
            return Price(
                (d.input_cost_per_mtok or 0.0) / 1e6, (d.output_cost_per_mtok or 0.0) / 1e6, True
            )
        entry = self._entry(d)
        if "input_cost_per_token" in entry:
            return Price(
                float(entry.get("input_cost_per_token") or 0.0),
                float(entry.get("output_cost_per_token") or 0.0),
                True,
            )
        return Price(0.0, 0.0, d.provider == "offline")

    def cost(self, d: Deployment, prompt_tokens: int, completion_tokens: int) -> float:
        p = self.price(d)
        return prompt_tokens * p.input_per_token + completion_tokens * p.output_per_token

    def context_window(self, d: Deployment) -> int:
        if d.context_window is not None:
            return d.context_window
        entry = self._entry(d)
        return int(entry.get("max_input_tokens") or entry.get("max_tokens") or DEFAULT_CONTEXT)
