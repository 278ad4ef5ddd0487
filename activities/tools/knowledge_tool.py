"""The search_knowledge_base tool: the tenant's own retrieval, as the knowledge path runs it."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from activities.retrieval.versions import current_version
from core.payloads import Caller, ToolCall, ToolResult
from core.retrieval_payloads import RetrieveOutput
from core.texts import DEFAULT_LANGUAGE, say

from .errors import ToolRefused

if TYPE_CHECKING:
    from activities.retrieval.engine import RetrievalEngine

TOP_K = 4


class KnowledgeSearch:
    """The retrieval engine bound to the database that says which index version is current."""

    def __init__(self, engine: RetrievalEngine, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.engine = engine
        self.sessions = sessions

    async def search(self, tenant_id: int, query: str, top_k: int = TOP_K) -> RetrieveOutput:
        # As the retrieve activity does: another worker may have ingested since this one
        # built its keyword index, and the version says so.
        version = await current_version(self.sessions, tenant_id)
        return await asyncio.to_thread(self.engine.search, tenant_id, query, top_k, version=version)


async def search_knowledge_base(
    search: KnowledgeSearch | None, caller: Caller, call: ToolCall
) -> ToolResult:
    query = (call.args.query or "").strip()
    if not query:
        raise ToolRefused("query_required")
    if search is None:
        raise ToolRefused("unavailable")
    found = await search.search(caller.tenant_id, query)
    if not found.covered or not found.passages:
        key = "tool.kb_none"
        return ToolResult(
            "search_knowledge_base", True, say(DEFAULT_LANGUAGE, key), message_key=key
        )
    params = {"titles": "; ".join(dict.fromkeys(p.title for p in found.passages))}
    return ToolResult(
        "search_knowledge_base",
        True,
        say(DEFAULT_LANGUAGE, "tool.kb_found", **params),
        passages=found.passages,
        message_key="tool.kb_found",
        params=params,
    )
