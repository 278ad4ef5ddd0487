"""/api/v1/admin/knowledge: edits reach both indexes through the ingestion workflow, per tenant."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import httpx
from sqlmodel import col, select

from activities.retrieval.store import VectorStore
from api.main import create_app
from core.settings import Settings
from devstack.temporal import free_port
from store.models import AuditLog, KnowledgeBaseArticle
from tests.conftest import key_headers
from worker import Engines

ADMIN = "/api/v1/admin/knowledge"
RETRIEVE = "/api/v1/rag/retrieve"
FINISHED = ("indexed", "removed", "failed")


def word(prefix: str = "quorvanthe") -> str:
    """A made-up term no other test or demo article contains."""
    return f"{prefix}{uuid.uuid4().hex[:8]}"


def garden(term: str) -> str:
    return (
        f"The {term} rooftop beekeeping garden is open to patients and visitors. "
        f"Volunteers of the {term} garden harvest honey every autumn and tend the hives."
    )


async def settle(api: httpx.AsyncClient, headers: dict[str, str], ingestion_id: str) -> Any:
    """Polls the ingestion endpoint until the request finished, within a deadline."""
    deadline = time.monotonic() + 120
    while True:
        resp = await api.get(f"{ADMIN}/ingestions/{ingestion_id}", headers=headers)
        assert resp.status_code == 200, resp.text
        body = resp.json()
        if body["status"] in FINISHED:
            return body
        assert time.monotonic() < deadline, f"ingestion {ingestion_id} still {body['status']}"
        await asyncio.sleep(0.2)


async def create_indexed(
    api: httpx.AsyncClient, headers: dict[str, str], **fields: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Creates an article and waits for its ingestion: (article, finished ingestion)."""
    body = {"category": "general"} | fields
    resp = await api.post(ADMIN, json=body, headers=headers)
    assert resp.status_code == 201, resp.text
    created = resp.json()
    return created["article"], await settle(api, headers, created["ingestion"]["id"])


async def change(
    api: httpx.AsyncClient, headers: dict[str, str], method: str, article_id: int, **body: Any
) -> Any:
    """PUT or DELETE an article and wait until its ingestion finished."""
    resp = await api.request(method, f"{ADMIN}/{article_id}", json=body or None, headers=headers)
    assert resp.status_code == 200, resp.text
    return await settle(api, headers, resp.json()["ingestion"]["id"])


async def search(api: httpx.AsyncClient, key: str, query: str, **opts: Any) -> Any:
    resp = await api.post(RETRIEVE, json={"query": query, **opts}, headers=key_headers(key))
    assert resp.status_code == 200, resp.text
    return resp.json()


def texts_of(result: Any, article_id: int) -> list[str]:
    return [p["text"] for p in result["passages"] if p["article_id"] == article_id]


async def test_roles_and_typed_validation_errors(
    api: httpx.AsyncClient, demo_keys: dict[str, str], settings: Settings
) -> None:
    patient = key_headers(demo_keys["harborview-patient-3"])
    reception = key_headers(demo_keys["harborview-reception"])
    for method, path in (("GET", ADMIN), ("POST", ADMIN), ("POST", f"{ADMIN}/reindex")):
        denied = await api.request(
            method, path, json={"title": "x", "content": "y"}, headers=patient
        )
        assert denied.status_code == 403, denied.text
        assert denied.json()["error"]["code"] == "forbidden"
    assert (await api.get(ADMIN)).status_code == 401
    reindex = await api.post(f"{ADMIN}/reindex", headers=reception)
    assert reindex.status_code == 403 and reindex.json()["error"]["code"] == "forbidden"

    slug, title = word("slug-"), f"Reception note {word()}"
    made = await api.post(
        ADMIN,
        json={"title": title, "content": "Draft.", "status": "draft", "slug": slug},
        headers=reception,
    )
    assert made.status_code == 201, made.text
    article = made.json()["article"]
    assert article["slug"] == slug and made.json()["ingestion"]["status"] == "queued"
    try:
        too_long = "x" * (settings.knowledge_max_article_chars + 1)
        for bad in (
            {"title": "", "content": "text"},
            {"title": "   ", "content": "text"},
            {"title": "Fine", "content": too_long},
            {"title": "Fine", "content": "text", "slug": "Bad Slug!"},
            {"title": "Fine", "content": "text", "status": "archived"},
            {"title": "Fine"},
        ):
            resp = await api.post(ADMIN, json=bad, headers=reception)
            assert resp.status_code == 422, (bad, resp.text)
            assert resp.json()["error"]["code"] == "validation_error"
        dup = await api.post(
            ADMIN, json={"title": "T", "content": "c", "slug": slug}, headers=reception
        )
        assert dup.status_code == 409 and dup.json()["error"]["code"] == "conflict"
        # A slug made from a title is made unique instead of colliding.
        slugs, ids = [], []
        for _ in range(2):
            other = await api.post(ADMIN, json={"title": title, "content": "c"}, headers=reception)
            assert other.status_code == 201, other.text
            slugs.append(other.json()["article"]["slug"])
            ids.append(other.json()["article"]["id"])
        base = title.lower().replace(" ", "-")
        assert slugs == [base, f"{base}-2"]
        clash = await api.put(f"{ADMIN}/{ids[0]}", json={"slug": slug}, headers=reception)
        assert clash.status_code == 409
        big = await api.put(f"{ADMIN}/{ids[0]}", json={"content": too_long}, headers=reception)
        assert big.status_code == 422 and big.json()["error"]["code"] == "validation_error"
        assert (await api.get(f"{ADMIN}/abc", headers=reception)).status_code == 422
        assert (await api.get(f"{ADMIN}/99999999", headers=reception)).status_code == 404
        huge = await api.get(f"{ADMIN}/99999999999", headers=reception)
        assert huge.status_code == 422 and huge.json()["error"]["code"] == "validation_error"
        odd = await api.get(ADMIN, params={"q": "%_\\"}, headers=reception)
        assert odd.status_code == 200 and odd.json()["articles"] == []
        missing = await api.get(f"{ADMIN}/ingestions/nope", headers=reception)
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
        for params in (
            {"limit": 0},
            {"limit": 201},
            {"offset": -1},
            {"offset": 10**12},
            {"status": "gone"},
        ):
            listed = await api.get(ADMIN, params=params, headers=reception)
            assert listed.status_code == 422, params
        for other_id in ids:
            await change(api, reception, "DELETE", other_id)
    finally:
        await change(api, reception, "DELETE", article["id"])


async def test_crud_list_detail_and_audit(
    api: httpx.AsyncClient, demo_keys: dict[str, str], engines: Engines
) -> None:
    admin = key_headers(demo_keys["harborview-admin"])
    term = word()
    title = f"Garden {term}"
    made = await api.post(ADMIN, json={"title": title, "content": garden(term)}, headers=admin)
    assert made.status_code == 201, made.text
    article = made.json()["article"]
    early = await api.get(f"{ADMIN}/ingestions/{made.json()['ingestion']['id']}", headers=admin)
    if early.json()["status"] in ("queued", "running"):
        # The workflow's own progress, asked through its query while the request is open.
        assert early.json()["live"]["tenant_id"] == 1, early.text
    ingestion = await settle(api, admin, made.json()["ingestion"]["id"])
    assert ingestion["status"] == "indexed" and ingestion["chunks_total"] >= 1
    assert ingestion["chunks_done"] == ingestion["chunks_total"] and ingestion["live"] is None
    assert article["slug"] == f"garden-{term}"
    listed = await api.get(ADMIN, params={"q": term.upper()}, headers=admin)
    assert listed.status_code == 200
    [item] = listed.json()["articles"]
    assert item["id"] == article["id"] and item["index_status"] == "indexed"
    assert "content" not in item
    detail = (await api.get(f"{ADMIN}/{article['id']}", headers=admin)).json()
    assert detail["content"] == garden(term) and detail["ingestion"]["id"] == ingestion["id"]
    drafts = await api.get(ADMIN, params={"q": term, "status": "draft"}, headers=admin)
    assert drafts.json()["articles"] == []

    removed = await change(api, admin, "DELETE", article["id"])
    assert removed["status"] == "removed"
    assert (await api.get(f"{ADMIN}/{article['id']}", headers=admin)).status_code == 404
    async with engines.sessions() as session:
        audits = list(
            await session.scalars(select(AuditLog).where(AuditLog.service == "knowledge"))
        )
    # By slug too: SQLite may hand a deleted article's id to a later one.
    mine = [
        a
        for a in audits
        if a.details.get("article_id") == article["id"] and a.details.get("slug") == article["slug"]
    ]
    assert [a.action for a in mine] == ["create_article", "delete_article"]
    assert all(term not in str(a.details.get("content", "")) for a in mine)
    assert all("content" not in a.details for a in mine)


async def test_created_updated_unpublished_and_deleted_articles_in_both_indexes(
    api: httpx.AsyncClient, demo_keys: dict[str, str], engines: Engines
) -> None:
    reception = key_headers(demo_keys["harborview-reception"])
    patient = demo_keys["harborview-admin"]  # retrieval is an admin's door; turns are patients'
    old, new = word(), word()
    article, _ = await create_indexed(api, reception, title="Rooftop garden", content=garden(old))
    aid = article["id"]
    try:
        found = await search(api, patient, f"What is the {old} rooftop beekeeping garden?")
        assert found["covered"] and any(old in t for t in texts_of(found, aid))

        updated = await change(api, reception, "PUT", aid, content=garden(new))
        assert updated["status"] == "indexed"
        for mode in ("bm25", "dense"):
            stale = await search(
                api, patient, f"{old} rooftop beekeeping garden", mode=mode, top_k=20
            )
            assert not any(old in t for t in texts_of(stale, aid)), mode
            fresh = await search(
                api, patient, f"{new} rooftop beekeeping garden", mode=mode, top_k=20
            )
            assert any(new in t for t in texts_of(fresh, aid)), (mode, fresh)
            if mode == "bm25":
                assert all(p["retrievers"] == ["bm25"] for p in fresh["passages"])
        stored = [
            c.chunk.text for c in engines.retrieval.store.load(1) if c.chunk.article_id == aid
        ]
        assert stored and not any(old in t for t in stored)

        draft = await change(api, reception, "PUT", aid, status="draft")
        assert draft["status"] == "removed"
        await _assert_gone(api, patient, engines.retrieval.store, aid, new)
        back = await change(api, reception, "PUT", aid, status="published")
        assert back["status"] == "indexed"
        assert texts_of(await search(api, patient, f"{new} beekeeping garden", top_k=20), aid)
    finally:
        gone = await change(api, reception, "DELETE", aid)
    assert gone["status"] == "removed"
    await _assert_gone(api, patient, engines.retrieval.store, aid, new)


async def _assert_gone(
    api: httpx.AsyncClient, key: str, store: VectorStore, article_id: int, term: str
) -> None:
    for mode in ("bm25", "dense", "hybrid"):
        result = await search(api, key, f"{term} rooftop beekeeping garden", mode=mode, top_k=20)
        assert texts_of(result, article_id) == [], mode
    assert store.article_hashes(1, article_id) == {}


async def test_tenants_never_see_each_others_articles(
    api: httpx.AsyncClient, demo_keys: dict[str, str], engines: Engines
) -> None:
    harborview = key_headers(demo_keys["harborview-admin"])
    riverside = key_headers(demo_keys["riverside-admin"])
    term = word()
    article, _ = await create_indexed(api, harborview, title="Rooftop garden", content=garden(term))
    aid = article["id"]
    try:
        query = f"Tell me about the {term} rooftop beekeeping garden"
        own = await search(api, demo_keys["harborview-admin"], query)
        assert texts_of(own, aid)
        for mode in ("hybrid", "bm25", "dense"):
            theirs = await search(api, demo_keys["riverside-admin"], query, mode=mode, top_k=20)
            ids = {p["article_id"] for p in theirs["passages"]}
            async with engines.sessions() as session:
                owners = set(
                    await session.scalars(
                        select(KnowledgeBaseArticle.tenant_id).where(
                            col(KnowledgeBaseArticle.id).in_(ids)
                        )
                    )
                )
            assert aid not in ids and owners <= {2}, mode
            assert not any(term in p["text"] for p in theirs["passages"])
        for method in ("GET", "PUT", "DELETE"):
            resp = await api.request(
                method, f"{ADMIN}/{aid}", json={} if method == "PUT" else None, headers=riverside
            )
            assert resp.status_code == 404, (method, resp.text)
        created = (await api.get(f"{ADMIN}/{aid}", headers=harborview)).json()
        other = await api.get(f"{ADMIN}/ingestions/{created['ingestion']['id']}", headers=riverside)
        assert other.status_code == 404
        listed = await api.get(ADMIN, params={"q": term}, headers=riverside)
        assert listed.json()["articles"] == []
    finally:
        await change(api, harborview, "DELETE", aid)


async def test_reindex_completes_and_keeps_each_chunk_once(
    api: httpx.AsyncClient, demo_keys: dict[str, str], engines: Engines
) -> None:
    admin = key_headers(demo_keys["harborview-admin"])
    term = word()
    article, first = await create_indexed(api, admin, title="Rooftop garden", content=garden(term))
    aid = article["id"]
    try:
        resp = await api.post(f"{ADMIN}/reindex", headers=admin)
        assert resp.status_code == 202, resp.text
        queued = resp.json()
        assert queued["kind"] == "reindex" and queued["status"] == "queued"
        done = await settle(api, admin, queued["id"])
        assert done["status"] == "indexed", done
        assert done["articles_total"] >= 2 and done["articles_done"] == done["articles_total"]
        result = await search(api, demo_keys["harborview-admin"], f"{term} garden", top_k=20)
        indexes = [p["chunk_index"] for p in result["passages"] if p["article_id"] == aid]
        assert indexes and len(indexes) == len(set(indexes))
        assert len(engines.retrieval.store.article_hashes(1, aid)) == first["chunks_total"]
    finally:
        await change(api, admin, "DELETE", aid)


async def test_unreachable_temporal_saves_the_change_and_answers_503(
    api: httpx.AsyncClient, demo_keys: dict[str, str], settings: Settings
) -> None:
    admin = key_headers(demo_keys["harborview-admin"])
    offline = settings.model_copy(update={"temporal_address": f"127.0.0.1:{free_port()}"})
    app = create_app(offline)
    async with app.router.lifespan_context(app), _client(app) as down:
        title = f"Offline {word()}"
        resp = await down.post(ADMIN, json={"title": title, "content": "Saved."}, headers=admin)
        assert resp.status_code == 503, resp.text
        error = resp.json()["error"]
        assert error["code"] == "ingestion_unavailable" and "saved" in error["message"]
        listed = await down.get(ADMIN, params={"limit": 1}, headers=admin)
        assert listed.status_code == 200  # reads need no workflow engine
    [item] = (await api.get(ADMIN, params={"q": title}, headers=admin)).json()["articles"]
    detail = (await api.get(f"{ADMIN}/{item['id']}", headers=admin)).json()
    assert detail["ingestion"]["status"] == "queued"
    await change(api, admin, "DELETE", item["id"])


def _client(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://down.test")
