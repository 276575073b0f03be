"""The JSON API and the pages: one envelope, one error shape, bounded parameters."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup


def test_api_search_envelope(engine_client):
    data = engine_client.get("/api/search?q=garden&per_page=3").get_json()
    assert set(data) >= {"query", "total", "page", "per_page", "pages", "results", "took_ms"}
    assert data["query"] == "garden" and data["page"] == 1 and data["per_page"] == 3
    assert 0 < len(data["results"]) <= 3
    assert data["pages"] == -(-data["total"] // 3)
    hit = data["results"][0]
    assert set(hit) >= {"url", "title", "snippet_html", "date", "author", "categories", "score"}
    for hit in data["results"]:  # each hit shows where the word stands in it
        marked = re.findall(r"<mark>(.*?)</mark>", hit["snippet_html"])
        assert marked and all(word.lower().startswith("garden") for word in marked), hit


def test_pages_do_not_overlap_and_cover_the_total(engine_client):
    first = engine_client.get("/api/search?q=the+garden+bread+city&per_page=5").get_json()
    assert first["total"] > 5
    seen = []
    for page in range(1, first["pages"] + 1):
        data = engine_client.get(f"/api/search?q=the+garden+bread+city&per_page=5&page={page}")
        seen += [hit["url"] for hit in data.get_json()["results"]]
    assert len(seen) == len(set(seen)) == first["total"]


@pytest.mark.parametrize(
    ("query_string", "code"),
    [
        ("", "missing_query"),
        ("q=", "missing_query"),
        ("q=bread&page=0", "invalid_page"),
        ("q=bread&page=abc", "invalid_page"),
        ("q=bread&page=100000", "invalid_page"),
        ("q=bread&per_page=0", "invalid_per_page"),
        ("q=bread&per_page=1000", "invalid_per_page"),
    ],
)
def test_bad_parameters_get_a_400_in_the_error_shape(demo_client, query_string, code):
    response = demo_client.get(f"/api/search?{query_string}")
    assert response.status_code == 400
    body = response.get_json()
    assert set(body) == {"error"} and body["error"]["code"] == code
    assert body["error"]["message"]


def test_unknown_api_path_is_a_json_404(demo_client):
    response = demo_client.get("/api/nope")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "text",
    ['"unbalanced', "AND", "OR OR", "?", "*", "-", 'title:"x', "🍞🥖", "(((", "a" * 5000],
)
def test_odd_queries_never_fail(engine_client, text):
    response = engine_client.get("/api/search", query_string={"q": text})
    assert response.status_code == 200
    assert isinstance(response.get_json()["results"], list)


def test_long_query_is_truncated_with_a_notice(engine_client):
    data = engine_client.get("/api/search", query_string={"q": "bread " * 400}).get_json()
    assert len(data["query"]) == 500
    assert data["notices"] and "shortened" in data["notices"][0]
    assert data["total"] > 0


def test_wordpress_s_parameter_works_on_the_page(engine_client):
    """`/?s=` (WordPress's own search parameter) shows the posts the JSON API finds for the
    same words, in the same order, with the word marked in each title."""
    api = engine_client.get("/api/search?q=sourdough").get_json()
    expected = [(hit["title"], hit["url"]) for hit in api["results"]]
    assert expected
    page = BeautifulSoup(engine_client.get("/?s=sourdough").get_data(as_text=True), "html.parser")
    results = page.select("#results li.result")
    shown = [
        (result.select_one(".result-title").get_text(), result.select_one(".result-url").text)
        for result in results
    ]
    assert shown == expected
    for result in results:
        marks = [mark.get_text().lower() for mark in result.select(".result-title mark")]
        assert marks == ["sourdough"], result
    count = page.select_one("#result-count").get_text(" ", strip=True)
    assert count.startswith(f"{api['total']} results for sourdough"), count


def test_health_reports_the_post_count(engine_client, demo_expected):
    data = engine_client.get("/health").get_json()
    assert data == {
        "status": "ok",
        "version": data["version"],
        "posts": len(demo_expected["posts"]),
    }


def test_security_headers_are_set(demo_client):
    response = demo_client.get("/search?q=bread")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
