"""`python -m api.knowledge_cli`: import Markdown folders into a tenant's knowledge, re-index."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col, select
from temporalio.client import Client
from temporalio.service import RPCError
from tqdm import tqdm

from api.knowledge_schemas import slugify
from core.knowledge_client import ingestion_row, request_reindex, signal_ingestion
from core.settings import Settings, get_settings
from core.temporal import connect
from store.db import make_engine, make_session_factory
from store.models import AuditLog, KnowledgeBaseArticle, KnowledgeIngestion, Tenant, utcnow
from store.seed_content.articles_loader import load_articles

DONE = frozenset({"indexed", "removed", "failed"})
POLL_S = 0.5
IMPORT_ACTOR = "cli:import"
Sessions = async_sessionmaker[AsyncSession]
# (title, content, category, status): what makes a re-import a change.
Fingerprint = tuple[str, str, str, str]


class UsageError(Exception):
    """Bad input the user can fix: reported without a traceback, exit status 2."""


class Unavailable(Exception):
    """Temporal cannot be reached: exit status 3."""


@dataclass(frozen=True)
class FileArticle:
    slug: str
    title: str
    category: str
    content: str
    source: str  # path relative to the imported folder

    def fingerprint(self, status: str) -> Fingerprint:
        return (self.title, self.content, self.category, status)


def scan_folder(
    folder: Path, *, recursive: bool = False, max_chars: int = 100_000
) -> list[FileArticle]:
    """Every `*.md` under `folder`, parsed by the seed's loader (front matter, title rules);
    raises UsageError for anything the API would refuse, before a single row is written."""
    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder")
    dirs = [folder, *sorted(p for p in folder.rglob("*") if p.is_dir())] if recursive else [folder]
    found: dict[str, FileArticle] = {}
    for directory in dirs:
        try:
            sources = load_articles(directory)
        except (ValueError, UnicodeDecodeError) as err:
            raise UsageError(str(err)) from None
        for src in sources:
            rel = str((directory / f"{src.slug}.md").relative_to(folder))
            article = FileArticle(slugify(src.slug), src.title, src.category, src.content, rel)
            problem = check_article(article, max_chars)
            if problem:
                raise UsageError(f"{rel}: {problem}")
            if article.slug in found:
                other = found[article.slug].source
                raise UsageError(f"{rel} and {other} both import as slug {article.slug!r}")
            found[article.slug] = article
    return sorted(found.values(), key=lambda a: a.slug)


def check_article(article: FileArticle, max_chars: int) -> str | None:
    """The API's limits, so an import cannot store what an admin could not."""
    problems = {
        "the article is empty": not article.content.strip(),
        f"longer than {max_chars} characters": len(article.content) > max_chars,
        "the title must be 1 to 200 characters": not 1 <= len(article.title) <= 200,
        "the category must be 1 to 60 characters": not 1 <= len(article.category) <= 60,
    }
    return next((problem for problem, found in problems.items() if found), None)


def plan_import(
    files: Sequence[FileArticle], existing: Mapping[str, Fingerprint], status: str
) -> dict[str, list[FileArticle]]:
    """Files split into create / update / unchanged against the tenant's rows by slug."""
    plan: dict[str, list[FileArticle]] = {"create": [], "update": [], "unchanged": []}
    for article in files:
        current = existing.get(article.slug)
        same = current == article.fingerprint(status)
        plan["create" if current is None else "unchanged" if same else "update"].append(article)
    return plan


def tenant_matches(ref: str, tenant_id: int, name: str, domain: str | None) -> bool:
    """Tenants have no slug column: accept the id, the domain, its first label or the
    slugged name ("harborview", "harborview.example", "harborview-health")."""
    keys = {str(tenant_id), slugify(name)}
    if domain:
        keys |= {domain.lower(), domain.lower().split(".")[0]}
    return ref.lower() in keys


async def find_tenants(sessions: Sessions, ref: str | None) -> list[int]:
    async with sessions() as session:
        tenants = list(await session.scalars(select(Tenant).order_by(col(Tenant.id))))
    if ref is None:
        return [t.id for t in tenants if t.id is not None]
    ids = [t.id for t in tenants if t.id and tenant_matches(ref, t.id, t.name, t.domain)]
    if len(ids) != 1:
        known = ", ".join(f"{t.id}:{(t.domain or t.name).split('.')[0]}" for t in tenants)
        raise UsageError(f"no single tenant matches {ref!r} (tenants: {known})")
    return ids


async def write_article(
    sessions: Sessions, tenant_id: int, article: FileArticle, status: str
) -> KnowledgeIngestion:
    """The article, its ingestion row and its audit row in one transaction."""
    async with sessions() as session, session.begin():
        row = await session.scalar(
            select(KnowledgeBaseArticle).where(
                KnowledgeBaseArticle.tenant_id == tenant_id,
                KnowledgeBaseArticle.slug == article.slug,
            )
        )
        action = "import_update" if row else "import_create"
        if row is None:
            row = KnowledgeBaseArticle(tenant_id=tenant_id, slug=article.slug, title="", content="")
            session.add(row)
        row.title, row.content, row.category, row.status = article.fingerprint(status)
        row.meta_data = {"source": article.source}
        row.updated_at = utcnow()
        await session.flush()
        assert row.id is not None
        ingestion = ingestion_row(tenant_id, "import", IMPORT_ACTOR, row.id)
        session.add(ingestion)
        details = {"article_id": row.id, "slug": article.slug, "title": article.title}
        session.add(AuditLog(tenant_id=tenant_id, service="knowledge", action=action,
                             actor=IMPORT_ACTOR, details=details))  # fmt: skip
    return ingestion


async def wait_for(
    sessions: Sessions, ids: list[str], *, by_articles: bool, within_s: float
) -> dict[str, KnowledgeIngestion]:
    """Polls the rows until every request finished (or time is up); a bar shows progress."""
    deadline = time.monotonic() + within_s
    unit = "articles" if by_articles else "requests"
    with tqdm(total=len(ids), unit=unit, file=sys.stderr) as bar:
        while True:
            async with sessions() as session:
                query = select(KnowledgeIngestion).where(col(KnowledgeIngestion.id).in_(ids))
                rows = {r.id: r for r in await session.scalars(query)}
            if by_articles:
                bar.total = max(sum(r.articles_total for r in rows.values()), 1)
                bar.n = sum(r.articles_done for r in rows.values())
            else:
                bar.n = sum(r.status in DONE for r in rows.values())
            bar.refresh()
            if all(r.status in DONE for r in rows.values()) or time.monotonic() > deadline:
                return rows
            await asyncio.sleep(POLL_S)


async def _connect(settings: Settings, client: Client | None) -> Client:
    if client is not None:
        return client
    try:
        return await connect(settings)
    except RuntimeError as err:
        raise Unavailable(f"Temporal at {settings.temporal_address} is unreachable") from err


async def run_import(
    args: argparse.Namespace, settings: Settings, sessions: Sessions, client: Client | None
) -> int:
    max_chars = settings.knowledge_max_article_chars
    files = scan_folder(Path(args.folder), recursive=args.recursive, max_chars=max_chars)
    [tenant_id] = await find_tenants(sessions, args.tenant)
    async with sessions() as session:
        rows = await session.scalars(
            select(KnowledgeBaseArticle).where(
                KnowledgeBaseArticle.tenant_id == tenant_id,
                col(KnowledgeBaseArticle.slug).in_([f.slug for f in files]),
            )
        )
        existing = {r.slug: (r.title, r.content, r.category, r.status) for r in rows if r.slug}
    plan = plan_import(files, existing, args.status)
    queued, failed = [], 0
    if changed := plan["create"] + plan["update"]:
        # Connected before writing, so an unreachable engine leaves nothing half-imported.
        client = await _connect(settings, client)
        queued = [await write_article(sessions, tenant_id, a, args.status) for a in changed]
        for row in queued:
            try:
                await signal_ingestion(client, settings, row)
            except RPCError as err:
                # Saved but not queued: the next re-index picks the article up.
                print(f"could not queue article {row.article_id}: {err.message}", file=sys.stderr)
                failed += 1
    if queued and not failed and not args.no_wait:
        ids = [r.id for r in queued]
        done = await wait_for(sessions, ids, by_articles=False, within_s=args.timeout)
        failed = sum(r.status not in ("indexed", "removed") for r in done.values())
    print(
        f"created {len(plan['create'])}, updated {len(plan['update'])}, "
        f"unchanged {len(plan['unchanged'])}, failed {failed}"
    )
    return 1 if failed else 0


async def run_reindex(
    args: argparse.Namespace, settings: Settings, sessions: Sessions, client: Client | None
) -> int:
    tenants = await find_tenants(sessions, None if args.all else args.tenant)
    client = await _connect(settings, client)
    ids = []
    for tenant_id in tenants:
        row, _ = await request_reindex(client, sessions, settings, tenant_id, "cli:reindex")
        ids.append(row.id)
    if args.no_wait:
        print(f"queued {len(ids)} re-index request(s)")
        return 0
    done = await wait_for(sessions, ids, by_articles=True, within_s=args.timeout)
    failed = sum(r.status != "indexed" for r in done.values())
    articles = sum(r.articles_done for r in done.values())
    print(f"re-indexed {len(ids) - failed} tenant(s), {articles} articles, failed {failed}")
    return 1 if failed else 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m api.knowledge_cli", description=__doc__)
    sub = top.add_subparsers(dest="command", required=True)
    imp = sub.add_parser("import", help="import a folder of Markdown articles")
    imp.add_argument("folder")
    imp.add_argument("--tenant", required=True, help="tenant id, domain or name slug")
    imp.add_argument("--recursive", action="store_true")
    imp.add_argument("--status", choices=("published", "draft"), default="published")
    rei = sub.add_parser("reindex", help="rebuild a tenant's search index")
    which = rei.add_mutually_exclusive_group(required=True)
    which.add_argument("--tenant")
    which.add_argument("--all", action="store_true")
    for cmd in (imp, rei):
        cmd.add_argument("--no-wait", action="store_true", help="queue and exit")
        cmd.add_argument("--timeout", type=float, default=900.0, help="seconds to wait")
    return top


async def main(
    argv: Sequence[str] | None = None,
    *,
    settings: Settings | None = None,
    client: Client | None = None,
) -> int:
    """Exit status: 0 done; 1 an article failed, timed out or was not queued; 2 bad input or
    unknown tenant; 3 Temporal unreachable."""
    args = parser().parse_args(argv)
    settings = settings or get_settings()
    engine = make_engine(settings.effective_database_url, settings)
    command = run_import if args.command == "import" else run_reindex
    try:
        return await command(args, settings, make_session_factory(engine), client)
    except UsageError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except (Unavailable, RPCError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 3
    finally:
        await engine.dispose()


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
