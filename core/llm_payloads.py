"""Inputs and outputs of the LLM gateway's own workflows (POST /api/v1/llm/generate)."""

from __future__ import annotations

from dataclasses import dataclass

from core.payloads import GenerateOutput

# Why a generate request ended without an answer; the API maps each to a status.
CONTENT_POLICY = "llm_content_policy"
INVALID_REQUEST = "llm_invalid_request"
UNAVAILABLE = "llm_unavailable"


@dataclass
class LlmGenerateRequest:
    tenant_id: int
    prompt: str
    deployment: str | None = None
    # Retrieve the tenant's articles first and answer from them (the offline responder
    # answers only from passages, so an ungrounded request gets its "not covered" reply).
    grounded: bool = True
    # The spend ledger's keys derive from it; empty: the workflow id.
    request_key: str = ""
    # 0: nobody is listening, so the reply is not streamed.
    stream_batch_ms: int = 0
    # The raw API reports a provider's refusal rather than answering offline.
    offline_on_reject: bool = False
    top_k: int = 4


@dataclass
class LlmGenerateResult:
    output: GenerateOutput | None = None
    covered: bool = True  # grounded: whether the retrieved passages answer the prompt
    passages: int = 0
    error: str | None = None  # CONTENT_POLICY | INVALID_REQUEST | UNAVAILABLE
