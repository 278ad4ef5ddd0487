"""Inputs and outputs of the LLM gateway: generation, routing, and its own workflows."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.payloads import Citation, HistoryEntry, ToolResult
from core.retrieval_payloads import AnswerPart, Passage, RetrieveOutput


@dataclass
class GenerateInput:
    tenant_id: int
    prompt: str
    intent: str
    path: str
    passages: list[Passage] = field(default_factory=list)
    covered: bool = True
    tool_results: list[ToolResult] = field(default_factory=list)
    clarification: str | None = None
    history: list[HistoryEntry] = field(default_factory=list)
    candidates: list[str] = field(default_factory=list)
    stream_batch_ms: int = 0
    # Replace PII before the input leaves for an external provider (tenant policy).
    redact_for_provider: bool = True
    # The clinic's own names (from the screen): a reply may name its providers and sites.
    public_names: list[str] = field(default_factory=list)
    # The turn (or API request) this serves: the spend ledger's keys derive from it.
    request_key: str = ""
    deployment: str | None = None  # a caller's explicit choice of deployment
    # A request a provider refuses outright is answered offline (turns) or reported (API).
    offline_on_reject: bool = True
    # The patient's language (ISO 639-1): the product's own words and a model's reply use it.
    language: str = "en"
    # The retrieve step's sentence-level selection: what both responders answer from.
    answer_parts: list[AnswerPart] = field(default_factory=list)
    indexing: bool = False

    @classmethod
    def for_knowledge(
        cls, tenant_id: int, question: str, found: RetrieveOutput, language: str = "en"
    ) -> GenerateInput:
        """A knowledge answer's input, as a turn builds it after its retrieve step."""
        return cls(
            tenant_id,
            question,
            "faq",
            "knowledge",
            passages=found.passages,
            covered=found.covered,
            answer_parts=found.parts,
            indexing=found.indexing,
            language=language,
        )


@dataclass
class BudgetReport:
    """The tenant's monthly budget as the gateway applied it to this call."""

    limit_usd: float | None
    spent_usd: float
    projected_usd: float
    policy: str
    action: str  # none | downgraded | refused


@dataclass
class RouteInput:
    tenant_id: int
    prompt: str
    intent: str | None = None
    deployment: str | None = None


@dataclass
class RouteOutput:
    """Where the gateway would send a request now, and why (POST /api/v1/llm/route)."""

    deployment: str
    provider: str
    model: str
    tier: str
    reasoning: list[str]
    chain: list[str]
    budget: BudgetReport
    estimated_cost_usd: float = 0.0
    refused: bool = False
    # The clinic's policy refuses the prompt: what the caller is told (the API answers 422).
    blocked_reply: str | None = None
    screened: list[str] = field(default_factory=list)


@dataclass
class GenerateOutput:
    text: str
    provider: str
    model: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    citations: list[Citation] = field(default_factory=list)
    deployment: str = ""
    tier: str = ""
    usage_source: str = "provider"  # provider | estimated
    reasoning: list[str] = field(default_factory=list)
    fallbacks: list[str] = field(default_factory=list)
    budget: BudgetReport | None = None
    refused: bool = False
    first_token_ms: float | None = None


# Why a generate request ended without an answer; the API maps each to a status.
INPUT_BLOCKED = "input_blocked"
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
    error: str | None = None  # CONTENT_POLICY | INVALID_REQUEST | UNAVAILABLE | INPUT_BLOCKED
    # The input screen's findings (pii, injection, emergency...), as a turn would see them.
    screened: list[str] = field(default_factory=list)
    blocked_reply: str = ""
