"""Request and response bodies of the knowledge admin API, and the slug rules it shares
with the import CLI."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.times import UtcDateTime

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,79}$"
SLUG_MAX = 80
Status = Literal["published", "draft"]
Title = Annotated[str, Field(min_length=1, max_length=200)]
Category = Annotated[str, Field(min_length=1, max_length=60)]
Content = Annotated[str, Field(min_length=1)]  # the upper bound is a setting, checked in routes
Slug = Annotated[str, Field(pattern=SLUG_PATTERN)]


def slugify(text: str) -> str:
    """Lower-case words joined by '-', within SLUG_PATTERN; shared with the import CLI."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:SLUG_MAX].rstrip("-")
    return slug or "article"


def _not_blank(value: str | None) -> str | None:
    if value is not None and not value.strip():
        raise ValueError("must not be blank")
    return value


class ArticleUpdate(BaseModel):
    title: Title | None = None
    content: Content | None = None
    category: Category | None = None
    status: Status | None = None
    slug: Slug | None = None

    _blank = field_validator("title", "content", "category")(_not_blank)


class ArticleCreate(ArticleUpdate):
    title: Title
    content: Content
    category: Category = "general"
    status: Status = "published"


class ArticleOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    slug: str | None
    title: str
    content: str
    category: str
    status: str
    meta_data: dict[str, Any] | None = None
    created_at: UtcDateTime
    updated_at: UtcDateTime


class IngestionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    kind: str
    action: str
    article_id: int | None
    status: str
    chunks_total: int
    chunks_done: int
    articles_total: int
    articles_done: int
    error: str | None
    workflow_id: str
    requested_by: str
    created_at: UtcDateTime
    updated_at: UtcDateTime
    finished_at: UtcDateTime | None


class IngestionDetail(IngestionOut):
    # The workflow's own view while the request waits or runs; None once finished or
    # when the engine cannot be asked.
    live: dict[str, Any] | None = None


class ArticleDetail(ArticleOut):
    ingestion: IngestionOut | None = None  # the article's latest request


class ArticleSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    slug: str | None
    title: str
    category: str
    status: str
    updated_at: UtcDateTime
    index_status: str | None = None  # of the article's latest ingestion request


class ArticleList(BaseModel):
    articles: list[ArticleSummary]
    total: int
    limit: int
    offset: int


class ArticleChange(BaseModel):
    article: ArticleOut
    ingestion: IngestionOut


class ArticleDeleted(BaseModel):
    deleted: int
    ingestion: IngestionOut
