"""Temporal activity for knowledge retrieval."""

from __future__ import annotations

from typing import TYPE_CHECKING

from temporalio import activity

from core.payloads import RetrieveInput, RetrieveOutput

if TYPE_CHECKING:
    from .engine import RetrievalEngine


class RetrievalActivities:
    def __init__(self, engine: RetrievalEngine) -> None:
        self.engine = engine

    @activity.defn(name="retrieve")
    def retrieve(self, inp: RetrieveInput) -> RetrieveOutput:
        return self.engine.search(inp.tenant_id, inp.query, inp.top_k)
