"""POST /api/v1/rag/retrieve and /rag/embed: the worker's retrieval engine, per caller tenant."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.access_log import record_engine_call
from api.auth import EngineAdminDep
from api.deps import StateDep, TemporalDep
from api.doors import call_door
from api.errors import input_blocked
from core.errors import ValidationFailed
from core.knowledge import EmbedRequest, EmbedResult
from core.retrieval_payloads import RetrieveInput, RetrieveOutput
from core.workflow_refs import DOOR_EMBED, DOOR_RETRIEVE

router = APIRouter(prefix="/api/v1/rag", tags=["rag"])
TIMEOUT_S = 30.0
EmbedText = Annotated[str, Field(min_length=1, max_length=2000)]


class RetrieveBody(BaseModel):
    query: str = Field(min_length=1)  # the upper bound is max_prompt_chars, checked in the route
    top_k: int | None = Field(default=None, ge=1, le=20)
    mode: Literal["hybrid", "weighted", "bm25", "dense"] | None = None
    rerank: Literal["none", "keyword", "mmr", "keyword+mmr"] | None = None
    context_tokens: int | None = Field(default=None, ge=0, le=2000)
    # Prefer articles in this language when nearly as relevant (ISO 639-1).
    language: Literal["en", "es"] | None = None


class PassageOut(BaseModel):
    article_id: int
    title: str
    heading: str
    chunk_index: int
    start: int
    end: int
    score: float
    retrievers: list[str]
    text: str
    excerpt: str


class RetrieveResponse(BaseModel):
    covered: bool
    passages: list[PassageOut]
    workflow_id: str  # the engine door that served it (workflows/engine_door.py)
    update_id: str  # this request in that door's history


class EmbedBody(BaseModel):
    texts: list[EmbedText] = Field(min_length=1, max_length=64)


class EmbedResponse(BaseModel):
    model: str
    dim: int
    embeddings: list[list[float]]


@router.post("/retrieve", response_model=RetrieveResponse)
async def retrieve(
    body: RetrieveBody, state: StateDep, who: EngineAdminDep, client: TemporalDep
) -> RetrieveResponse:
    limit = state.settings.max_prompt_chars
    if len(body.query) > limit:
        raise ValidationFailed(f"The query is longer than {limit} characters.")
    if not body.query.strip():
        raise ValidationFailed("The query is empty.")
    # The tenant comes from the key, never the body: the engine searches only its collection.
    inp = RetrieveInput(
        who.tenant_id,
        body.query,
        body.top_k or state.settings.retrieval_top_k,
        body.mode,
        body.rerank,
        body.context_tokens,
        body.language,
    )
    result, door = await call_door(
        client,
        state.settings,
        DOOR_RETRIEVE,
        inp,
        RetrieveOutput,
        tenant_id=who.tenant_id,
        timeout_s=TIMEOUT_S,
        failed="Retrieval failed; please retry.",
    )
    await record_engine_call(
        state, who, "rag_retrieve", door.workflow_id, update_id=door.update_id, mode=body.mode
    )
    if result.blocked_reply is not None:
        raise input_blocked(result.blocked_reply)
    passages = [PassageOut.model_validate(p, from_attributes=True) for p in result.passages]
    return RetrieveResponse(
        covered=result.covered,
        passages=passages,
        workflow_id=door.workflow_id,
        update_id=door.update_id,
    )


@router.post("/embed", response_model=EmbedResponse)
async def embed(
    body: EmbedBody, state: StateDep, who: EngineAdminDep, client: TemporalDep
) -> EmbedResponse:
    result, door = await call_door(
        client,
        state.settings,
        DOOR_EMBED,
        EmbedRequest(body.texts, tenant_id=who.tenant_id),
        EmbedResult,
        tenant_id=who.tenant_id,
        timeout_s=TIMEOUT_S,
        failed="Embedding failed; please retry.",
    )
    await record_engine_call(
        state, who, "rag_embed", door.workflow_id, update_id=door.update_id, texts=len(body.texts)
    )
    if result.blocked_reply is not None:
        raise input_blocked(result.blocked_reply)
    return EmbedResponse(model=result.model, dim=result.dim, embeddings=result.vectors)
