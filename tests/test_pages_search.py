"""Static pages in search: found by their words, marked as pages, their own facet and filter,
never among the posts' dates, and behind a post of equal score.

A small site is written to tmp and indexed by the real pipeline, into a Whoosh index and
into the test's Typesense cluster; the real app answers the page and the API on each
backend; a real browser shows the badge, as the page draws it and as search.js redraws it
while the visitor types, and so does the widget.
"""

from __future__ import annotations

import re
import shutil

import pytest
from helpers import FIXTURES, LiveServer, build_index
from playwright.sync_api import expect
from typesense_cluster import typesense_site

from indexer.api import WhooshPostStore, index_sources
from searchweb.config import load_settings
from searchweb.engine.backend import WhooshSearchBackend, backend_for
from searchweb.records import Filters, SearchRequest
from searchweb.web.app import create_app

TEXT = (
    "Our volunteers meet every Saturday at the river to plant willows and count the "
    "herons, and anyone is welcome to come along and help. "
)


def _html(title: str, text: str, head: str = "", path: str = "") -> str:
    return (
        f"<html lang='en'><head><title>{title} | Riverside</title>{head}"
        f"<link rel='canonical' href='https://river.example/{path}'></head><body>"
        f"<article><h1>{title}</h1><p>{text * 3}</p></article></body></html>"
    )


def _dated(day: str) -> str:
    return f"<meta property='article:published_time' content='{day}T09:00:00+00:00'>"


def _write(root, relative: str, html: str) -> None:
    path = root / relative / "index.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")


@pytest.fixture(scope="module")
def pages_site(tmp_path_factory):
    site = tmp_path_factory.mktemp("site")
    contact = "Write to the volunteers' desk to donate tools, seeds or an afternoon. "
    _write(site, "contact", _html("Contact and donations", contact, path="contact/"))
    # A page and a post with the very same words: equal scores, the post first.
    _write(site, "volunteer", _html("Volunteer days", TEXT, path="volunteer/"))
    for day in ("2021-03-06", "2023-05-13"):
        path = f"{day.replace('-', '/')}/volunteer-days/"
        _write(site, path, _html("Volunteer days", TEXT, _dated(day), path))
    return site


@pytest.fixture(scope="module")
def pages_index(pages_site, tmp_path_factory):
    site = pages_site
    index_dir = tmp_path_factory.mktemp("index")
    summary = build_index(index_dir, site)
    assert sorted(summary.static_pages) == [
        "https://river.example/contact/",
        "https://river.example/volunteer/",
    ]
    assert len(summary.indexed) == 2
    return index_dir


@pytest.fixture(scope="module", params=("whoosh", "typesense"))
def pages_config(request, pages_site, tmp_path_factory) -> dict:
    """The app's config over the site's index, on each backend."""
    if request.param == "whoosh":
        return {"index_dir": str(request.getfixturevalue("pages_index"))}
    cluster = request.getfixturevalue("typesense_cluster")
    return typesense_site(cluster, tmp_path_factory.mktemp("ts-pages"), "pages", pages_site)


@pytest.fixture(scope="module")
def pages_client(pages_config):
    app = create_app(pages_config | {"rate_limit": "", "query_log": False})
    return app.test_client()


@pytest.fixture(scope="module")
def pages_backend(pages_config):
    return backend_for(load_settings(overrides=pages_config, environ={}))


def test_a_visitor_who_types_contact_or_donate_finds_the_page(pages_client):
    for word in ("contact", "donate"):
        data = pages_client.get("/api/search", query_string={"q": word}).get_json()
        assert [(hit["url"], hit["type"]) for hit in data["results"]] == [
            ("https://river.example/contact/", "page")
        ]
        assert data["results"][0]["date"] is None


def test_pages_have_their_own_facet_and_filter(pages_client):
    data = pages_client.get("/api/search", query_string={"q": "volunteers"}).get_json()
    assert data["facets"]["type"] == [{"value": "post", "count": 2}, {"value": "page", "count": 2}]
    only = pages_client.get("/api/search", query_string={"q": "volunteers", "type": "page"})
    assert {hit["type"] for hit in only.get_json()["results"]} == {"page"}
    browse = pages_client.get("/api/search", query_string={"type": "page"}).get_json()
    assert browse["total"] == 2 and browse["filters"]["type"] == ["page"]
    bad = pages_client.get("/api/search", query_string={"q": "x", "type": "pages"})
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "invalid_filter"


def test_a_post_outranks_a_page_of_equal_score(pages_backend):
    hits = pages_backend.search(SearchRequest("willows herons")).hits
    scores = {hit.score for hit in hits}
    assert len(scores) == 1  # the same words, the same score
    assert [hit.type for hit in hits] == ["post", "post", "page"]


def test_pages_never_mix_into_date_order(pages_backend):
    backend = pages_backend
    for sort in ("newest", "oldest"):
        hits = backend.search(SearchRequest("volunteers", sort=sort)).hits
        types = [hit.type for hit in hits]
        assert types == ["post", "post", "page", "page"], sort
    newest = backend.search(SearchRequest("volunteers", sort="newest")).hits
    assert [hit.date for hit in newest[:2]] == ["2023-05-13", "2021-03-06"]
    years = backend.search(SearchRequest("volunteers")).facets.counts["year"]
    assert sum(year.count for year in years) == 2  # pages have no year
    posts_only = backend.search(SearchRequest("volunteers", filters=Filters(type=("post",))))
    assert posts_only.total == 2


def test_the_results_page_marks_pages_and_offers_the_type_facet(pages_client):
    html = pages_client.get("/search?q=volunteers").get_data(as_text=True)
    assert html.count('<span class="badge">Page</span>') == 2
    assert 'data-facet="type"' in html and ">Pages</span>" in html
    chip = pages_client.get("/search?q=volunteers&type=page").get_data(as_text=True)
    assert "Type: Pages" in chip


def test_an_index_written_before_pages_is_served_then_takes_pages(tmp_path):
    old = tmp_path / "index"
    shutil.copytree(FIXTURES / "index-0.1.0", old)
    backend = WhooshSearchBackend(old)
    results = backend.search(SearchRequest("sourdough"))
    assert results.total and {hit.type for hit in results.hits} == {"post"}
    assert results.facets.counts["type"][0].value == "post"
    site = tmp_path / "site"
    _write(site, "contact", _html("Contact", "Write to us about sourdough. " * 5, path="contact/"))
    summary = index_sources([site], WhooshPostStore(old))
    assert summary.static_pages == ["https://river.example/contact/"]
    backend = WhooshSearchBackend(old)
    found = backend.search(SearchRequest("sourdough", filters=Filters(type=("page",))))
    assert [hit.url for hit in found.hits] == ["https://river.example/contact/"]
    assert backend.search(SearchRequest("sourdough", filters=Filters(type=("post",)))).total >= 1


@pytest.mark.browser
def test_the_badge_shows_in_a_real_browser_while_typing(pages_index, chromium_browser):
    app = create_app({"index_dir": str(pages_index), "rate_limit": "", "query_log": False})
    context = chromium_browser.new_context()
    page = context.new_page()
    try:
        with LiveServer(app) as server:
            page.goto(server.url + "/search?q=contact")
            expect(page.locator("#results li.result .badge")).to_have_text(["Page"])
            box = page.get_by_label(re.compile("^Search"))
            box.fill("")
            box.press_sequentially("volunteers", delay=20)
            expect(page.locator("#result-count")).to_contain_text("for volunteers")
            expect(page.locator("#results li.result .badge")).to_have_count(2)
            expect(page.locator('#facets [data-facet="type"] .facet-value')).to_have_text(
                ["Posts", "Pages"]
            )
    finally:
        context.close()
