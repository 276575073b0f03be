"""The demo site: every post indexed, no listing page indexed, queries find the right posts."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from helpers import DEMO_SITE, DEMO_SOURCE

from indexer.index import text_analyzer
from searchweb.engine.backend import WhooshSearchBackend
from searchweb.records import SearchRequest


def _paths(urls) -> set[str]:
    return {urlsplit(url).path for url in urls}


def _sources() -> list[tuple[dict[str, str], str]]:
    """Each demo post's front matter (title, slug, date, author, categories, tags, ...) and
    text, read as data/demo_site_src/build.py reads them."""
    posts = []
    for path in sorted((DEMO_SOURCE / "posts").glob("*.md")):
        head, _, body = path.read_text(encoding="utf-8").partition("\n\n")
        lines = (line.partition(":") for line in head.splitlines())
        posts.append(({key.strip(): value.strip() for key, _, value in lines}, body))
    return posts


def _source_path(meta: dict[str, str]) -> str:
    return f"/{meta['date'].replace('-', '/')}/{meta['slug']}/"


def _listed(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def test_every_post_is_indexed_and_nothing_failed(demo_index, demo_expected):
    _, summary = demo_index
    assert summary.failed == []
    assert _paths(summary.indexed) == set(demo_expected["posts"])


def test_no_listing_is_indexed_and_the_static_page_is_indexed_as_a_page(demo_index, demo_expected):
    _, summary = demo_index
    reasons = {skip.location.split("demo-site/", 1)[1]: skip.reason for skip in summary.skipped}
    assert set(reasons) == set(demo_expected["nonposts"])
    assert _paths(summary.static_pages) == set(demo_expected["pages"]) == {"/about/"}
    # One page of each kind, skipped for what it is.
    kinds = {
        "index.html": "home page",
        "tag/bread/index.html": "tag archive",
        "category/cycling/index.html": "category archive",
        "category/community/page/2/index.html": "pagination",
        "author/priya-raman/index.html": "author archive",
        "2019/index.html": "date archive",
        "404.html": "not found page",
    }
    assert {path: reasons[path] for path in kinds} == kinds


def test_indexed_posts_carry_their_metadata(demo_index, demo_expected):
    """A post's own title finds it first, showing the title, date, author, categories and
    tags its source gives."""
    backend = WhooshSearchBackend(demo_index[0])
    sources = [meta for meta, _ in _sources()]
    assert sorted(_source_path(meta) for meta in sources) == sorted(demo_expected["posts"])
    for meta in sources:
        hits = backend.search(SearchRequest(meta["title"])).hits
        assert hits, meta["title"]
        first = hits[0]
        assert urlsplit(first.url).path == _source_path(meta), meta["title"]
        shown = (first.title, first.date, first.author, first.categories, first.tags)
        expected = (
            meta["title"],
            meta["date"],
            meta["author"],
            _listed(meta["categories"]),
            _listed(meta["tags"]),
        )
        assert shown == expected, meta["slug"]


def test_expected_post_ranks_first(demo_index, demo_queries):
    backend = WhooshSearchBackend(demo_index[0])
    analyzer = text_analyzer("en")

    def query_terms(query: str) -> set[str]:
        return {token.text for token in analyzer(query, mode="query")}

    cases = [case for case in demo_queries if "expected_first" in case]
    assert len(cases) >= 10
    for case in cases:
        results = backend.search(SearchRequest(case["query"]))
        assert results.hits, case
        first = results.hits[0]
        assert urlsplit(first.url).path == case["expected_first"], case
        # What is marked is the query's words (in any form), and nothing else.
        marked = re.findall(r"<mark>(.*?)</mark>", first.title_html + first.snippet_html)
        marked_terms = {token.text for word in marked for token in analyzer(word)}
        assert marked_terms, case
        assert marked_terms <= query_terms(case["query"]), (case, marked)


def test_queries_with_several_answers_find_exactly_those(demo_index, demo_queries):
    backend = WhooshSearchBackend(demo_index[0])
    cases = [case for case in demo_queries if "expected_all" in case]
    assert cases
    for case in cases:
        results = backend.search(SearchRequest(f'"{case["query"]}"', per_page=50))
        assert _paths(hit.url for hit in results.hits) == set(case["expected_all"]), case


@pytest.mark.parametrize("word", ["Subscribe", "Proudly powered by WordPress", "Leave a Reply"])
def test_chrome_words_are_not_in_any_post(demo_index, demo_expected, word):
    pages = [DEMO_SITE / path.strip("/") / "index.html" for path in demo_expected["posts"]]
    assert all(word in page.read_text(encoding="utf-8") for page in pages)  # on every page
    results = WhooshSearchBackend(demo_index[0]).search(SearchRequest(f'"{word}"'))
    assert results.total == 0, [hit.url for hit in results.hits]


def test_spanish_post_is_found_by_another_form_of_its_words(demo_index):
    """Its words are stemmed as Spanish: `celebrar` finds the post that says `celebramos`,
    `colgar` the one that says `Colgamos` (English stemming would not join them)."""
    [(spanish, text)] = [(meta, body) for meta, body in _sources() if meta.get("lang") == "es"]
    backend = WhooshSearchBackend(demo_index[0])
    for typed, written in (("celebrar", "celebramos"), ("colgar", "Colgamos")):
        assert written in text and typed not in text.lower()
        results = backend.search(SearchRequest(typed))
        assert _paths(hit.url for hit in results.hits) == {_source_path(spanish)}, typed
