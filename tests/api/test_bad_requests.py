"""Every bad request the robustness issue reproduced answers a typed 4xx, on both databases:
values no column can hold, text no store can hold, far dates, wrong methods, huge headers."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import key_headers

JSON = {"content-type": "application/json"}
BROKEN = "The request holds a NUL character"


async def _raw(
    api: httpx.AsyncClient, method: str, path: str, body: str, headers: dict
) -> httpx.Response:
    return await api.request(method, path, content=body.encode(), headers={**headers, **JSON})


def _typed(resp: httpx.Response, status: int, code: str) -> None:
    assert resp.status_code == status, resp.text
    error = resp.json()["error"]
    assert error["code"] == code and error["request_id"], error
    assert resp.headers["x-request-id"] == error["request_id"]


@pytest.mark.parametrize(
    "value", ["18446744073709551616", "1e300", "1e400", "NaN", "Infinity", "-Infinity", "3.5"]
)
async def test_tool_numbers_outside_any_column_are_refused_before_the_action(
    api: httpx.AsyncClient, demo_keys: dict[str, str], value: str
) -> None:
    reception = key_headers(demo_keys["harborview-reception"])
    body = '{"action": "get_availability", "params": {"staff_id": ' + value + "}}"
    _typed(await _raw(api, "POST", "/api/v1/execute", body, reception), 422, "invalid_params")


async def test_nul_and_lone_surrogates_are_refused_wherever_they_come(
    api: httpx.AsyncClient, demo_keys: dict[str, str]
) -> None:
    patient = key_headers(demo_keys["harborview-patient-1"])
    admin = key_headers(demo_keys["harborview-admin"])
    search = '{"action": "search_knowledge_base", "params": {"query": "QUERY"}}'.replace
    for body in (
        search("QUERY", "\\ud800"),
        search("QUERY", "\\uDC00 x"),
        search("QUERY", "a\\u0000b"),
    ):
        resp = await _raw(api, "POST", "/api/v1/execute", body, patient)
        _typed(resp, 422, "invalid_text")
        assert BROKEN in resp.json()["error"]["message"]
    callback = '{"due_at": "2031-01-05T10:00:00", "reason": "call\\u0000me"}'
    _typed(await _raw(api, "POST", "/api/v1/callbacks", callback, patient), 422, "invalid_text")
    for path, who in (
        ("/api/v1/help/articles?q=a%00b", patient),
        ("/api/v1/admin/knowledge?q=%00", admin),
    ):
        _typed(await api.get(path, headers=who), 422, "invalid_text")
    # A real surrogate pair (an emoji written as escapes) is fine.
    emoji = search("QUERY", "\\ud83d\\ude00 parking")
    assert (await _raw(api, "POST", "/api/v1/execute", emoji, patient)).status_code == 200


async def test_a_far_date_is_too_far_not_a_server_error(
    api: httpx.AsyncClient, demo_keys: dict[str, str]
) -> None:
    patient = key_headers(demo_keys["harborview-patient-1"])
    for due in ("9999-12-31T23:59:59", "9999-12-31T23:59:59+00:00", "0001-01-01T00:00:00"):
        resp = await api.post(
            "/api/v1/callbacks", json={"due_at": due, "reason": "x"}, headers=patient
        )
        assert resp.status_code == 422, resp.text
        assert resp.json()["error"]["code"] in ("too_far", "in_the_past")


async def test_wrong_methods_name_the_allowed_ones_and_huge_headers_are_refused(
    api: httpx.AsyncClient, demo_keys: dict[str, str]
) -> None:
    patient = key_headers(demo_keys["harborview-patient-1"])
    resp = await api.delete("/api/v1/pipelines", headers=patient)
    _typed(resp, 405, "method_not_allowed")
    assert resp.headers["allow"] == "POST"
    big = {**patient, "X-Padding": "p" * 40_000}
    _typed(await api.get("/api/v1/help/articles", headers=big), 431, "headers_too_large")
