"""A page whose title, author, category and body carry markup is shown as text, everywhere."""

from __future__ import annotations

import re

import pytest
from helpers import FIXTURES
from typesense_cluster import typesense_site

from searchweb.web.app import create_app

PAYLOAD_TAG = re.compile(r"<(script|img|iframe|b|i)\b", re.I)
EVENT_HANDLER = re.compile(r"<[^>]*\son\w+\s*=", re.I)  # an on...= attribute inside a real tag


@pytest.fixture(scope="module", params=["whoosh", "typesense"])
def hostile_config(request, tmp_path_factory) -> dict:
    """The hostile pages indexed by each backend: the app config serving them."""
    if request.param == "whoosh":
        return {"index_dir": str(request.getfixturevalue("hostile_index"))}
    cluster = request.getfixturevalue("typesense_cluster")
    state = tmp_path_factory.mktemp("ts-hostile")
    return typesense_site(cluster, state, "hostile", FIXTURES / "hostile")


def _client(config):
    app = create_app(config)
    app.testing = True
    return app.test_client()


def test_results_page_escapes_every_field(hostile_config):
    response = _client(hostile_config).get("/search?q=tomatoes")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    results = html.split('<ol class="results"', 1)[1]
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in results
    assert "Mallory" in results
    assert not PAYLOAD_TAG.search(results), PAYLOAD_TAG.search(results)
    assert not EVENT_HANDLER.search(results), EVENT_HANDLER.search(results)
    assert 'href="javascript:' not in results


def test_json_api_returns_plain_text_and_mark_only_html(hostile_config):
    data = _client(hostile_config).get("/api/search?q=tomatoes").get_json()
    hit = data["results"][0]
    assert hit["title"].startswith("<script>window.__xss=1</script>")  # plain text, as written
    for field in ("title_html", "snippet_html"):
        tags = set(re.findall(r"</?([a-zA-Z]+)", hit[field]))
        assert tags <= {"mark"}, (field, hit[field])
    assert "<mark>tomatoes</mark>" in hit["snippet_html"]


def test_query_text_is_escaped_on_the_page(hostile_config):
    html = (
        _client(hostile_config).get('/search?q="><script>alert(1)</script>').get_data(as_text=True)
    )
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
