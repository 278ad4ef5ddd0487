"""POST /api/v1/rag/retrieve and /rag/embed through the worker's engine and the real model."""

from __future__ import annotations

import math

import httpx

from core.settings import Settings
from tests.api.test_admin_knowledge import RETRIEVE, change, create_indexed, search, word
from tests.conftest import key_headers

EMBED = "/api/v1/rag/embed"


async def test_passages_carry_their_sources(
    api: httpx.AsyncClient, demo_keys: dict[str, str]
) -> None:
    admin = key_headers(demo_keys["harborview-admin"])
    term = word()
    content = (
        "## Ferry shuttle\n\n"
        f"The {term} ferry shuttle takes patients from the harbour pier to the clinic. "
        "It runs every half hour on weekdays and is free with an appointment card."
    )
    title = f"Ferry {term}"
    article, _ = await create_indexed(api, admin, title=title, content=content)
    try:
        result = await search(
            api, demo_keys["harborview-admin"], f"When does the {term} ferry shuttle run?"
        )
        assert result["covered"] is True
        assert result["workflow_id"].startswith("engine-door-")
        assert result["update_id"].startswith("retrieve-1-")
        top = result["passages"][0]
        assert top["article_id"] == article["id"] and top["title"] == title
        assert top["heading"] == "Ferry shuttle" and top["chunk_index"] == 0
        assert 0 <= top["start"] < top["end"] <= len(content)
        assert content[top["start"] : top["end"]] in top["text"]
        assert term in top["excerpt"]
        assert set(top["retrievers"]) == {"dense", "bm25"}
        for p in result["passages"]:
            assert p["retrievers"] and set(p["retrievers"]) <= {"dense", "bm25"}
            assert isinstance(p["score"], float)
        dense = await search(
            api, demo_keys["harborview-admin"], f"{term} ferry shuttle", mode="dense"
        )
        assert dense["passages"] and all(p["retrievers"] == ["dense"] for p in dense["passages"])
        short = await search(
            api, demo_keys["harborview-admin"], f"{term} ferry", top_k=1, rerank="none"
        )
        assert len(short["passages"]) == 1
        none = await search(api, demo_keys["harborview-admin"], f"{term} ferry", context_tokens=0)
        # No budget keeps only the single best sentence.
        assert [p["excerpt"] for p in none["passages"] if p["excerpt"]] == [
            f"The {term} ferry shuttle takes patients from the harbour pier to the clinic."
        ]
    finally:
        await change(api, admin, "DELETE", article["id"])


async def test_seeded_knowledge_and_an_unanswerable_question(
    api: httpx.AsyncClient, demo_keys: dict[str, str]
) -> None:
    patient = demo_keys["harborview-admin"]
    hours = await search(api, patient, "What are your opening hours?")
    assert hours["covered"] and "Opening Hours" in {p["title"] for p in hours["passages"]}
    assert len(hours["passages"]) <= 4  # settings.retrieval_top_k
    unanswerable = await search(api, patient, "What is the capital of Mongolia?")
    assert unanswerable == {**unanswerable, "covered": False, "passages": []}


async def test_embed_returns_unit_vectors(
    api: httpx.AsyncClient, demo_keys: dict[str, str]
) -> None:
    resp = await api.post(
        EMBED,
        json={"texts": ["Where do I park?", "Parking is in the garage."]},
        headers=key_headers(demo_keys["riverside-admin"]),
    )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["dim"] == 384 and body["model"]
    assert len(body["embeddings"]) == 2
    for vector in body["embeddings"]:
        assert len(vector) == 384
        assert math.isclose(math.sqrt(sum(x * x for x in vector)), 1.0, abs_tol=1e-3)
    a, b = body["embeddings"]
    assert sum(x * y for x, y in zip(a, b, strict=True)) > 0.3  # related sentences


async def test_bad_input_gets_typed_errors(
    api: httpx.AsyncClient, demo_keys: dict[str, str], settings: Settings
) -> None:
    headers = key_headers(demo_keys["harborview-admin"])
    for query in (
        {"query": ""},
        {"query": "   "},
        {"query": "x" * (settings.max_prompt_chars + 1)},
        {"query": "parking", "top_k": 0},
        {"query": "parking", "top_k": 21},
        {"query": "parking", "mode": "fuzzy"},
        {"query": "parking", "rerank": "random"},
        {"query": "parking", "context_tokens": 2001},
        {"query": "parking", "context_tokens": -1},
        {},
    ):
        resp = await api.post(RETRIEVE, json=query, headers=headers)
        assert resp.status_code == 422, (query, resp.text)
        assert resp.json()["error"]["code"] == "validation_error"
    bodies: list[dict[str, object]] = [
        {"texts": []},
        {"texts": ["a"] * 65},
        {"texts": ["x" * 2001]},
        {"texts": [""]},
        {"texts": "not a list"},
    ]
    for body in bodies:
        resp = await api.post(EMBED, json=body, headers=headers)
        assert resp.status_code == 422, (body, resp.text)
        assert resp.json()["error"]["code"] == "validation_error"
    assert (await api.post(RETRIEVE, json={"query": "parking"})).status_code == 401
    assert (await api.post(EMBED, json={"texts": ["a"]})).status_code == 401
    # Patients and non-admin staff reach the knowledge base only through turns.
    for label in ("harborview-patient-6", "harborview-reception"):
        other = key_headers(demo_keys[label])
        refused = await api.post(RETRIEVE, json={"query": "parking"}, headers=other)
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
        assert (await api.post(EMBED, json={"texts": ["a"]}, headers=other)).status_code == 403
