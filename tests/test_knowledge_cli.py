"""api.knowledge_cli: folder scanning, slugs and change detection, then real imports."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import pytest
from sqlmodel import col, select
from temporalio.client import Client

from api.knowledge_cli import (
    FileArticle,
    UsageError,
    main,
    plan_import,
    scan_folder,
    tenant_matches,
)
from api.knowledge_schemas import slugify
from core.settings import Settings
from store.models import AuditLog, KnowledgeBaseArticle, KnowledgeIngestion
from tests.api.test_admin_knowledge import change, garden, search, word
from tests.conftest import key_headers
from worker import Engines


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_slugs() -> None:
    assert slugify("Opening Hours") == "opening-hours"
    assert slugify("FAQ_Parking & Maps!") == "faq-parking-maps"
    assert slugify("--Already-a-slug--") == "already-a-slug"
    assert slugify("¿¡") == "article"
    long = slugify("word " * 40)
    assert len(long) <= 80 and not long.endswith("-")


def test_scan_reads_front_matter_titles_and_subfolders(tmp_path: Path) -> None:
    _write(
        tmp_path, "Opening Hours.md", "---\ntitle: When we are open\ncategory: visits\n---\nBody."
    )
    _write(tmp_path, "faq_parking.md", "# Parking questions\n\nPark in the garage.")
    _write(tmp_path, "plain.md", "No heading here.")
    _write(tmp_path, "notes.txt", "ignored")
    _write(tmp_path, "sub/nested.md", "Nested body.")
    flat = scan_folder(tmp_path)
    assert [(a.slug, a.title, a.category) for a in flat] == [
        ("faq-parking", "Parking questions", "general"),
        ("opening-hours", "When we are open", "visits"),
        ("plain", "plain", "general"),
    ]
    assert flat[1].content == "Body.\n" and flat[1].source == "Opening Hours.md"
    deep = scan_folder(tmp_path, recursive=True)
    assert [a.source for a in deep if a.slug == "nested"] == [str(Path("sub/nested.md"))]


@pytest.mark.parametrize(
    ("files", "problem"),
    [
        ({"a b.md": "one", "a-b.md": "two"}, "both import as slug 'a-b'"),
        ({"bad.md": "---\ntitle: x\n"}, "not closed"),
        ({"empty.md": "---\ntitle: Empty\n---\n\n"}, "empty"),
        ({"long.md": "x" * 50}, "longer than 20"),
        ({"cat.md": f"---\ncategory: {'c' * 61}\n---\nBody"}, "category"),
    ],
)
def test_scan_refuses_what_the_api_would(
    tmp_path: Path, files: dict[str, str], problem: str
) -> None:
    for name, text in files.items():
        _write(tmp_path, name, text)
    with pytest.raises(UsageError, match=problem):
        scan_folder(tmp_path, max_chars=20)
    with pytest.raises(UsageError, match="not a folder"):
        scan_folder(tmp_path / "missing")


def test_plan_detects_changes() -> None:
    def art(slug: str, content: str = "Body") -> FileArticle:
        return FileArticle(slug, slug.title(), "general", content, f"{slug}.md")

    existing = {
        "same": ("Same", "Body", "general", "published"),
        "edited": ("Edited", "Old body", "general", "published"),
        "drafted": ("Drafted", "Body", "general", "draft"),
    }
    files = [art("same"), art("edited"), art("drafted"), art("new")]
    plan = plan_import(files, existing, "published")
    assert {k: [a.slug for a in v] for k, v in plan.items()} == {
        "create": ["new"],
        "update": ["edited", "drafted"],
        "unchanged": ["same"],
    }
    assert [a.slug for a in plan_import(files, existing, "draft")["unchanged"]] == ["drafted"]


def test_tenant_references() -> None:
    for ref in ("harborview", "HARBORVIEW", "harborview.example", "harborview-health", "1"):
        assert tenant_matches(ref, 1, "Harborview Health", "harborview.example"), ref
    assert not tenant_matches("riverside", 1, "Harborview Health", "harborview.example")
    assert not tenant_matches("2", 1, "Harborview Health", None)


def _cli(
    capsys: pytest.CaptureFixture[str], settings: Settings, client: Client
) -> Callable[..., Awaitable[tuple[int, str]]]:
    """The CLI's own entry point, on the test database and task queue."""

    async def run(*argv: str) -> tuple[int, str]:
        code = await main(list(argv), settings=settings, client=client)
        captured = capsys.readouterr()
        return code, captured.out + captured.err

    return run


async def test_import_is_idempotent_and_updates_by_slug(
    api: httpx.AsyncClient,
    demo_keys: dict[str, str],
    engines: Engines,
    settings: Settings,
    temporal_client: Client,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    term = word()
    _write(tmp_path, f"{term}-garden.md", f"---\ntitle: Garden {term}\n---\n{garden(term)}")
    _write(tmp_path, f"{term}-hours.md", f"# Hours {term}\n\nOpen {term} weekdays.")
    _write(tmp_path, f"sub/{term}-deep.md", f"Deep {term} article.")
    folder = str(tmp_path)
    cli = _cli(capsys, settings, temporal_client)

    async def mine() -> list[KnowledgeBaseArticle]:
        async with engines.sessions() as session:
            query = select(KnowledgeBaseArticle).where(
                KnowledgeBaseArticle.tenant_id == 1,
                col(KnowledgeBaseArticle.slug).startswith(term),
            )
            return list(await session.scalars(query.order_by(col(KnowledgeBaseArticle.slug))))

    async def ingestions(ids: list[int]) -> list[KnowledgeIngestion]:
        async with engines.sessions() as session:
            # The importer's rows only: SQLite may hand a deleted article's id to a new one.
            query = select(KnowledgeIngestion).where(
                col(KnowledgeIngestion.article_id).in_(ids),
                KnowledgeIngestion.requested_by == "cli:import",
            )
            return list(await session.scalars(query))

    code, out = await cli("import", folder, "--tenant", "harborview", "--recursive")
    assert code == 0, out
    assert "created 3, updated 0, unchanged 0, failed 0" in out
    articles = await mine()
    ids = [a.id for a in articles if a.id is not None]
    assert [a.slug for a in articles] == [f"{term}-deep", f"{term}-garden", f"{term}-hours"]
    assert [a.title for a in articles] == [f"{term}-deep", f"Garden {term}", f"Hours {term}"]
    first = await ingestions(ids)
    assert sorted(r.status for r in first) == ["indexed"] * 3
    chunks = {aid: len(engines.retrieval.store.article_hashes(1, aid)) for aid in ids}
    assert all(chunks.values()) and chunks == {r.article_id: r.chunks_total for r in first}
    found = await search(api, demo_keys["harborview-admin"], f"{term} beekeeping garden")
    assert any(term in p["text"] for p in found["passages"])

    code, out = await cli("import", folder, "--tenant", "1", "--recursive")
    assert code == 0, out
    assert "created 0, updated 0, unchanged 3, failed 0" in out
    assert [a.id for a in await mine()] == [a.id for a in articles]
    assert len(await ingestions(ids)) == 3
    assert chunks == {aid: len(engines.retrieval.store.article_hashes(1, aid)) for aid in ids}

    _write(tmp_path, f"{term}-hours.md", f"# Hours {term}\n\nOpen {term} on weekends too.")
    code, out = await cli("import", folder, "--tenant", "harborview")
    assert code == 0 and "created 0, updated 1, unchanged 1, failed 0" in out, out
    async with engines.sessions() as session:
        audits = list(await session.scalars(select(AuditLog).where(AuditLog.actor == "cli:import")))
    assert sum(a.details.get("slug") == f"{term}-hours" for a in audits) == 2

    admin = key_headers(demo_keys["harborview-admin"])
    for aid in ids:
        await change(api, admin, "DELETE", aid)


async def test_unknown_tenant_and_reindex(
    api: httpx.AsyncClient,
    settings: Settings,
    temporal_client: Client,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    cli = _cli(capsys, settings, temporal_client)
    _write(tmp_path, "a.md", "Body.")
    code, out = await cli("import", str(tmp_path), "--tenant", "nowhere")
    assert code == 2 and "no single tenant matches 'nowhere'" in out
    code, out = await cli("reindex", "--tenant", "riverside")
    assert code == 0, out
    assert re.search(r"re-indexed 1 tenant\(s\), [1-9]\d* articles, failed 0", out), out
