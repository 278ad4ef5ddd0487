"""Payloads of knowledge ingestion and of the RAG endpoints, across the Temporal boundary."""

from __future__ import annotations

from dataclasses import dataclass, field

# What an ingestion request asks for: one article (created, updated or deleted: the
# activity reads the article's current state, so all three are "make the index match") or
# every article of the tenant.
ARTICLE = "article"
REINDEX = "reindex"


def ingest_workflow_id(tenant_id: int) -> str:
    # One ingestion workflow per tenant serialises its changes: a re-index and an edit of
    # the same article can never interleave and leave the older text indexed.
    return f"knowledge-ingest-{tenant_id}"


@dataclass
class IngestRequest:
    request_id: str
    kind: str = ARTICLE
    article_id: int | None = None
    # A re-index's state, carried across continue-as-new: articles still to visit and counts.
    remaining: list[int] | None = None
    done: int = 0
    chunks: int = 0
    embedded: int = 0
    removed: int = 0


@dataclass
class IngestWorkflowInput:
    tenant_id: int
    pending: list[IngestRequest] = field(default_factory=list)
    # A killed worker's batch is retried once this passes without a heartbeat.
    heartbeat_timeout_s: float = 30.0
    batch_size: int = 32


@dataclass
class IngestResult:
    request_id: str
    kind: str
    status: str  # indexed | removed | failed
    articles: int = 0
    chunks: int = 0
    embedded: int = 0
    removed: int = 0
    error: str | None = None


@dataclass
class IngestProgress:
    tenant_id: int
    current: IngestRequest | None = None
    stage: str = "idle"  # planning | embedding | finishing | idle
    chunks_total: int = 0
    chunks_done: int = 0
    articles_total: int = 0
    articles_done: int = 0
    queued: list[IngestRequest] = field(default_factory=list)
    finished: list[IngestResult] = field(default_factory=list)


@dataclass
class ChunkRecord:
    """One chunk to store: its deterministic point id makes a re-run overwrite, not add."""

    point_id: str
    article_id: int
    title: str
    index: int
    text: str
    heading: str
    start: int
    end: int
    content_hash: str


@dataclass
class PlanArticleInput:
    tenant_id: int
    article_id: int
    request_id: str
    # An article request reports its chunk count; a re-index reports articles instead.
    track: bool = True


@dataclass
class ChunkPlan:
    article_id: int
    exists: bool  # False: deleted or unpublished, so every stored chunk goes
    chunks: int = 0
    to_upsert: list[ChunkRecord] = field(default_factory=list)
    stale_ids: list[str] = field(default_factory=list)


@dataclass
class UpsertInput:
    tenant_id: int
    request_id: str
    records: list[ChunkRecord]
    # Chunks done once this batch is stored: absolute, so a retry writes the same number.
    done_after: int | None = None


@dataclass
class FinishInput:
    tenant_id: int
    request_id: str
    stale_ids: list[str] = field(default_factory=list)
    # A re-index bumps the tenant's version once at the end, not once per article.
    publish: bool = True
    # Set on a request's last step: indexed | removed | failed.
    status: str | None = None
    error: str | None = None
    articles_done: int | None = None


@dataclass
class ListArticlesInput:
    tenant_id: int
    request_id: str


@dataclass
class ArticleIds:
    # Published articles plus any the index still holds, so orphans are removed too.
    article_ids: list[int]


@dataclass
class EmbedRequest:
    texts: list[str]
    # Whose policy screens the texts (the /rag/embed caller's clinic); None: no screen.
    tenant_id: int | None = None


@dataclass
class EmbedResult:
    vectors: list[list[float]]
    model: str
    dim: int
    # The clinic's policy refused one of the texts; nothing was embedded.
    blocked_reply: str | None = None
