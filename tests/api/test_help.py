"""/api/v1/help/articles: patients read their own tenant's published articles only."""

from __future__ import annotations

import httpx

from tests.api.test_admin_knowledge import ADMIN, change, word
from tests.conftest import key_headers

HELP = "/api/v1/help/articles"


async def test_patients_read_only_their_tenants_published_articles(
    api: httpx.AsyncClient, demo_keys: dict[str, str]
) -> None:
    admin = key_headers(demo_keys["harborview-admin"])
    patient = key_headers(demo_keys["harborview-patient-7"])
    stranger = key_headers(demo_keys["riverside-patient-1"])
    term = word()
    made = []
    for title, status, category in (
        (f"Published {term}", "published", "visits"),
        (f"Draft {term}", "draft", "visits"),
        (f"Other {term}", "published", "billing"),
    ):
        body = {"title": title, "content": f"About {term}.", "status": status, "category": category}
        resp = await api.post(ADMIN, json=body, headers=admin)
        assert resp.status_code == 201, resp.text
        made.append(resp.json()["article"])
    published, draft, other = made
    try:
        listed = await api.get(HELP, params={"q": term}, headers=patient)
        assert listed.status_code == 200, listed.text
        items = listed.json()["articles"]
        assert [i["title"] for i in items] == [other["title"], published["title"]]
        assert set(items[0]) == {"id", "slug", "title", "category", "updated_at"}
        visits = await api.get(HELP, params={"q": term, "category": "visits"}, headers=patient)
        assert [i["id"] for i in visits.json()["articles"]] == [published["id"]]
        paged = await api.get(HELP, params={"q": term, "limit": 1, "offset": 1}, headers=patient)
        assert paged.json()["total"] == 2
        assert [i["id"] for i in paged.json()["articles"]] == [published["id"]]

        by_id = await api.get(f"{HELP}/{published['id']}", headers=patient)
        assert by_id.status_code == 200 and by_id.json()["content"] == f"About {term}."
        by_slug = await api.get(f"{HELP}/{published['slug']}", headers=patient)
        assert by_slug.status_code == 200 and by_slug.json()["id"] == published["id"]
        for ref in (draft["id"], draft["slug"], "no-such-article", "Not A Slug!", "9" * 12):
            hidden = await api.get(f"{HELP}/{ref}", headers=patient)
            assert hidden.status_code == 404, ref
            assert hidden.json()["error"]["code"] == "not_found"
        # Staff of the tenant read the same public view.
        assert (await api.get(f"{HELP}/{published['id']}", headers=admin)).status_code == 200

        for ref in (published["id"], published["slug"]):
            assert (await api.get(f"{HELP}/{ref}", headers=stranger)).status_code == 404
        theirs = await api.get(HELP, params={"q": term}, headers=stranger)
        assert theirs.json()["articles"] == []
        assert (await api.get(HELP)).status_code == 401
        assert (await api.get(HELP, params={"limit": 0}, headers=patient)).status_code == 422
    finally:
        for article in made:
            await change(api, admin, "DELETE", article["id"])
